// OpenAI's models: the output limits its model pages publish, and GET /v1/models and /v1/models/{id} over
// the server's models (protocols/model-registry.ts): OpenAI's own catalogue without a configured list.
import { modelNotFound } from "../../core/errors.js";
import type { ModelRegistry } from "../model-registry.js";
import type { ResourceAnswer, ResourceRoute } from "../types.js";
import { describeOpenAIError } from "./server-errors.js";
import { OPENAI_MODEL_LIST, OPENAI_MODELS, type ModelObject } from "./model-catalogue.js";

const OPENAI_MODEL_IDS: readonly string[] = OPENAI_MODEL_LIST.map((model) => model.id);

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

/** A listed model: OpenAI's catalogue entry without a configured list, else the configured model as listed. */
function listedModel(models: ModelRegistry, id: string): ModelObject {
  if (!models.hasList()) return OPENAI_MODELS.get(id) ?? modelObject(id);
  return modelObject(id, models.configuredModel(id)?.ownedBy);
}

/** GET /v1/models: OpenAI's catalogue (or the configured models), then the fixtures' models (see ModelRegistry.listedIds). */
function openAIModelList(models: ModelRegistry): ModelObject[] {
  return models.listedIds(OPENAI_MODEL_IDS).map((id) => listedModel(models, id));
}

function retrieveModel(models: ModelRegistry, id: string): ResourceAnswer {
  // Without a configured list every model is served, so every model exists: OpenAI's own as its catalogue describes them.
  if (!models.hasList()) return { status: 200, body: OPENAI_MODELS.get(id) ?? modelObject(id) };
  const found = openAIModelList(models).find((model) => model.id === id);
  return found ? { status: 200, body: found } : { error: describeOpenAIError(modelNotFound(id)) };
}

/** GET /v1/models and GET /v1/models/{id} in OpenAI's shape. */
export function openAIModelRoutes(models: ModelRegistry): ResourceRoute[] {
  return [
    {
      method: "GET",
      pattern: /^\/models$/,
      handle: () => ({ status: 200, body: { object: "list", data: openAIModelList(models) } }),
    },
    { method: "GET", pattern: /^\/models\/(.+)$/, handle: ([id]) => retrieveModel(models, id) },
  ];
}
