// The models a server knows: the configured list (with aliases, as gateways offer them) plus every
// model named in fixtures, served by GET /v1/models and used to refuse unknown models with a 404.
import type { FixtureSet } from "../../fixtures/index.js";
import type { ApiError, ResourceRoute } from "../types.js";
import { openAIError } from "./errors.js";

export interface ModelConfig {
  id: string;
  /** Shown as `owned_by` (default "understudy"). */
  ownedBy?: string;
  /** Requests for this id are served as the named model (echoed, and counted with its encoding). */
  aliasOf?: string;
}

// A fixed creation time keeps bodies reproducible (2024-05-13, gpt-4o's release).
const CREATED = 1715558400;

function modelObject(id: string, ownedBy = "understudy") {
  return { id, object: "model", created: CREATED, owned_by: ownedBy };
}

function modelNotFound(id: string): ApiError {
  return openAIError(404, `The model \`${id}\` does not exist or you do not have access to it.`, { type: "invalid_request_error", param: "model", code: "model_not_found" });
}

export class ModelRegistry {
  private readonly configured = new Map<string, ModelConfig>();

  constructor(models: readonly (string | ModelConfig)[], private readonly fixtures: FixtureSet) {
    for (const model of models) {
      const config = typeof model === "string" ? { id: model } : model;
      this.configured.set(config.id, config);
    }
  }

  /** Models named by fixtures (`match.model` strings), which are always served. */
  private fixtureModels(): string[] {
    const names = new Set<string>();
    for (const fixture of this.fixtures.all()) if (typeof fixture.match.model === "string") names.add(fixture.match.model);
    return [...names];
  }

  /**
   * The model a request is served as: itself, or an alias's target. Without a configured list any
   * model is accepted; with one, a model neither configured nor named by a fixture is a 404.
   */
  resolve(model: string): string | ApiError {
    const config = this.configured.get(model);
    if (config) return config.aliasOf ?? config.id;
    if (this.configured.size === 0 || this.fixtureModels().includes(model)) return model;
    return modelNotFound(model);
  }

  list() {
    const ids = new Map<string, string | undefined>();
    for (const config of this.configured.values()) ids.set(config.id, config.ownedBy);
    for (const id of this.fixtureModels()) if (!ids.has(id)) ids.set(id, undefined);
    return [...ids].map(([id, ownedBy]) => modelObject(id, ownedBy));
  }

  routes(): ResourceRoute[] {
    return [
      { method: "GET", pattern: /^\/models$/, handle: () => ({ status: 200, body: { object: "list", data: this.list() } }) },
      {
        method: "GET",
        pattern: /^\/models\/(.+)$/,
        handle: ([id]) => {
          const found = this.list().find((model) => model.id === id);
          if (found) return { status: 200, body: found };
          // Without a configured list every model is served, so every model exists.
          if (this.configured.size === 0) return { status: 200, body: modelObject(id) };
          const error = modelNotFound(id);
          return { status: error.status, body: error.body };
        },
      },
    ];
  }
}
