// The models a server serves, whichever provider's API a request speaks: the configured list (with
// aliases, as gateways offer them), or without one any model; and every model a fixture names, which is
// always served. Each provider's models list shows them in its own shape, in the order listedIds gives.
import type { FixtureSet } from "../fixtures/index.js";

export interface ModelConfig {
  id: string;
  /** Shown as `owned_by` in OpenAI's models list (default "understudy"). */
  ownedBy?: string;
  /** Requests for this id are served as the named model (echoed, and counted with its encoding). */
  aliasOf?: string;
}

export class ModelRegistry {
  private readonly configured = new Map<string, ModelConfig>();

  constructor(
    models: readonly (string | ModelConfig)[],
    private readonly fixtures: FixtureSet,
  ) {
    for (const model of models) {
      const config = typeof model === "string" ? { id: model } : model;
      this.configured.set(config.id, config);
    }
  }

  /** Whether a `models` list is configured: without one, every model is served. */
  hasList(): boolean {
    return this.configured.size > 0;
  }

  /** A configured model's entry, or undefined for a model the list does not hold. */
  configuredModel(id: string): ModelConfig | undefined {
    return this.configured.get(id);
  }

  /** Models named by fixtures (`match.model` strings), which are always served. */
  fixtureModels(): string[] {
    const names = new Set<string>();
    for (const fixture of this.fixtures.all())
      if (typeof fixture.match.model === "string") names.add(fixture.match.model);
    return [...names];
  }

  /**
   * The model a request is served as: itself, or an alias's target. Without a configured list any
   * model is accepted; with one, a model neither configured nor named by a fixture is not served
   * (undefined: the request's surface answers model_not_found).
   */
  resolve(model: string): string | undefined {
    const config = this.configured.get(model);
    if (config) return config.aliasOf ?? config.id;
    if (this.configured.size === 0 || this.fixtureModels().includes(model)) return model;
    return undefined;
  }

  /**
   * The ids a provider's models list shows, each once, in order. Without a configured list: its
   * `catalogue`, then the fixtures' models it lacks that `listsFixtureModel` keeps (Anthropic lists only
   * Claude models). With one: the configured models, then the fixtures' models not among them.
   */
  listedIds(catalogue: readonly string[], listsFixtureModel?: (id: string) => boolean): string[] {
    const ids = new Set<string>(this.configured.size === 0 ? catalogue : this.configured.keys());
    for (const id of this.fixtureModels())
      if (this.configured.size > 0 || listsFixtureModel === undefined || listsFixtureModel(id)) ids.add(id);
    return [...ids];
  }
}
