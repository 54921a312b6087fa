// The models a server knows: the configured list (with aliases, as gateways offer them), or without one
// OpenAI's own catalogue, plus every model named in fixtures; served by GET /v1/models and used to refuse
// unknown models with a 404.
import type { FixtureSet } from "../../fixtures/index.js";
import { modelNotFound } from "../../core/errors.js";
import type { ResourceRoute } from "../types.js";
import { describeOpenAIError } from "./server-errors.js";
import { OPENAI_MODEL_LIST, OPENAI_MODELS, type ModelObject } from "./model-catalogue.js";

export interface ModelConfig {
  id: string;
  /** Shown as `owned_by` (default "understudy"). */
  ownedBy?: string;
  /** Requests for this id are served as the named model (echoed, and counted with its encoding). */
  aliasOf?: string;
}

// A fixed creation time keeps bodies reproducible (2024-05-13, gpt-4o's release).
const CREATED = 1715558400;

/**
 * What OpenAI publishes for a model's answers: the most tokens one may have, and, for models whose
 * answer may fill the whole context window, that window as OpenAI's context-length errors count it.
 */
export interface OutputLimit {
  maxOutputTokens: number;
  contextWindow?: number;
}

const at = (maxOutputTokens: number, contextWindow?: number): OutputLimit => ({ maxOutputTokens, contextWindow });

// From OpenAI's model pages. A Map, so a model named "constructor" finds nothing.
const OUTPUT_LIMITS = new Map<string, OutputLimit>([
  ...["gpt-5", "gpt-5-mini", "gpt-5-nano", "gpt-5.1"].map((id) => [id, at(128_000)] as const),
  ["gpt-5-chat-latest", at(16_384)],
  ...["gpt-4.1", "gpt-4.1-mini", "gpt-4.1-nano"].map((id) => [id, at(32_768)] as const),
  ...["gpt-4o", "gpt-4o-mini", "chatgpt-4o-latest", "gpt-4.5-preview"].map((id) => [id, at(16_384)] as const),
  // gpt-4o's first snapshot answered with at most 4,096 tokens, as GPT-4 Turbo did.
  ...[
    "gpt-4o-2024-05-13",
    "gpt-4-turbo",
    "gpt-4-turbo-preview",
    "gpt-4-1106-preview",
    "gpt-4-0125-preview",
    "gpt-4-vision-preview",
  ].map((id) => [id, at(4_096)] as const),
  ["gpt-4", at(8_192, 8_192)],
  ["gpt-3.5-turbo", at(4_096)],
  ["gpt-3.5-turbo-instruct", at(4_096, 4_097)],
  ...["o1", "o1-pro", "o3", "o3-pro", "o3-mini", "o4-mini"].map((id) => [id, at(100_000)] as const),
  ["o1-mini", at(65_536)],
  ["o1-preview", at(32_768)],
]);

// A dated snapshot (gpt-4o-2024-08-06) or a numbered one (gpt-3.5-turbo-0125, gpt-4-0613) answers as its model does.
const SNAPSHOT = /-(\d{4}-\d{2}-\d{2}|\d{4})$/;
const limitMemo = new Map<string, OutputLimit | null>();

/** The published output limit of a model OpenAI serves, or undefined for a model it does not know (a fixture's own). */
export function outputLimitOf(model: string): OutputLimit | undefined {
  let limit = limitMemo.get(model);
  if (limit === undefined) {
    limit = OUTPUT_LIMITS.get(model) ?? OUTPUT_LIMITS.get(model.replace(SNAPSHOT, "")) ?? null;
    if (limitMemo.size < 10_000) limitMemo.set(model, limit);
  }
  return limit ?? undefined;
}

function modelObject(id: string, ownedBy = "understudy"): ModelObject {
  return { id, object: "model", created: CREATED, owned_by: ownedBy };
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

  /** The configured models (`models` option), in their order; empty without a configured list. */
  configuredModels(): ModelConfig[] {
    return [...this.configured.values()];
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
   * Without a configured list: OpenAI's catalogue, then the fixtures' models it does not hold. With one:
   * the configured models, then the fixtures' models not among them. Each id once, in that order.
   */
  list(): ModelObject[] {
    if (this.configured.size === 0) return this.catalogueList();
    const ids = new Map<string, string | undefined>();
    for (const config of this.configured.values()) ids.set(config.id, config.ownedBy);
    for (const id of this.fixtureModels()) if (!ids.has(id)) ids.set(id, undefined);
    return [...ids].map(([id, ownedBy]) => modelObject(id, ownedBy));
  }

  private catalogueList(): ModelObject[] {
    const list = [...OPENAI_MODEL_LIST];
    for (const id of this.fixtureModels()) if (!OPENAI_MODELS.has(id)) list.push(modelObject(id));
    return list;
  }

  routes(): ResourceRoute[] {
    return [
      {
        method: "GET",
        pattern: /^\/models$/,
        handle: () => ({ status: 200, body: { object: "list", data: this.list() } }),
      },
      {
        method: "GET",
        pattern: /^\/models\/(.+)$/,
        handle: ([id]) => {
          // Without a configured list every model is served, so every model exists: OpenAI's own as its catalogue describes them.
          if (this.configured.size === 0) return { status: 200, body: OPENAI_MODELS.get(id) ?? modelObject(id) };
          const found = this.list().find((model) => model.id === id);
          if (found) return { status: 200, body: found };
          return { error: describeOpenAIError(modelNotFound(id)) };
        },
      },
    ];
  }
}
