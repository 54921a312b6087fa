// GET /v1/models and GET /v1/models/{id} for Anthropic's clients (a request that carries anthropic-version
// or x-api-key), in Anthropic's shape: ModelInfo objects in pages of {data, has_more, first_id, last_id},
// paged by limit, after_id and before_id. Without a configured `models` list: the Claude catalogue, then
// the fixtures' Claude models it lacks; with one: the configured models, then the fixtures' models not among them.
import { modelNotFound } from "../../core/errors.js";
import type { RouteDeps } from "../../routes.js";
import type { ApiError, ResourceAnswer, ResourceRoute } from "../types.js";
import { invalidRequest } from "./errors.js";
import { CLAUDE_MODELS, catalogueModel, type CatalogueModel } from "./model-catalogue.js";
import { ANTHROPIC_WIRE, isAnthropicRequest, versionMissing } from "./wire.js";

type Models = RouteDeps["models"];

// The API reference: "May be set to an epoch value if the release date is unknown."
const UNKNOWN_RELEASE = "1970-01-01T00:00:00Z";
const DEFAULT_LIMIT = 20;
const MAX_LIMIT = 1000;

/** A model as the API describes it; `id` may be a configured name for a catalogue model. */
function modelInfo(id: string, known: CatalogueModel | undefined) {
  return {
    type: "model",
    id,
    display_name: known?.displayName ?? id,
    created_at: known?.createdAt ?? UNKNOWN_RELEASE,
    capabilities: null,
    deprecated_at: null,
    lifecycle: "active",
    line: known?.line ?? null,
    max_input_tokens: known?.maxInputTokens ?? null,
    max_tokens: known?.maxTokens ?? null,
    retires_at: null,
  };
}

const CLAUDE_IDS: readonly string[] = CLAUDE_MODELS.map((entry) => entry.id);

/** Beside the catalogue, a fixture's Claude model is listed unless it is the catalogue's under an alias. */
const listsFixtureModel = (id: string): boolean => id.startsWith("claude") && catalogueModel(id) === undefined;

/** The ids listed, in order (see the file's head). */
const listedIds = (models: Models): string[] => models.listedIds(CLAUDE_IDS, listsFixtureModel);

function limitOf(query: URLSearchParams): number | ApiError {
  const raw = query.get("limit");
  if (raw === null) return DEFAULT_LIMIT;
  const limit = Number(raw);
  if (!Number.isInteger(limit) || raw.trim() === "") return invalidRequest("limit: Input should be a valid integer");
  if (limit < 1) return invalidRequest("limit: Input should be greater than or equal to 1");
  return limit > MAX_LIMIT ? invalidRequest(`limit: Input should be less than or equal to ${MAX_LIMIT}`) : limit;
}

/** The page of `ids` after `after_id` or before `before_id` (an unknown cursor: an empty page), `limit` long. */
function page(ids: readonly string[], query: URLSearchParams, limit: number): { data: string[]; hasMore: boolean } {
  const before = query.get("before_id");
  const after = query.get("after_id");
  if (before !== null) {
    const end = ids.indexOf(before);
    if (end === -1) return { data: [], hasMore: false };
    const start = Math.max(0, end - limit);
    return { data: ids.slice(start, end), hasMore: start > 0 };
  }
  const start = after === null ? 0 : ids.indexOf(after) + 1;
  if (after !== null && start === 0) return { data: [], hasMore: false };
  return { data: ids.slice(start, start + limit), hasMore: start + limit < ids.length };
}

function listModels(models: Models, query: URLSearchParams): ResourceAnswer {
  const limit = limitOf(query);
  if (typeof limit !== "number") return { error: limit };
  const { data, hasMore } = page(listedIds(models), query, limit);
  return {
    status: 200,
    body: {
      data: data.map((id) => modelInfo(id, catalogueModel(id))),
      has_more: hasMore,
      first_id: data[0] ?? null,
      last_id: data[data.length - 1] ?? null,
    },
  };
}

/** A listed model, or a catalogue alias (answered as the model it names); else the API's 404. */
function retrieveModel(models: Models, id: string): ResourceAnswer {
  const listed = listedIds(models);
  if (listed.includes(id)) return { status: 200, body: modelInfo(id, catalogueModel(id)) };
  const known = models.hasList() ? undefined : catalogueModel(id);
  if (known) return { status: 200, body: modelInfo(known.id, known) };
  return { error: ANTHROPIC_WIRE.describeError(modelNotFound(id)) };
}

export function anthropicModelRoutes(models: Models): ResourceRoute[] {
  return [
    {
      method: "GET",
      pattern: /^\/models$/,
      claims: isAnthropicRequest,
      checkHead: versionMissing,
      surface: ANTHROPIC_WIRE,
      handle: (_params, query) => listModels(models, query),
    },
    {
      method: "GET",
      pattern: /^\/models\/(.+)$/,
      claims: isAnthropicRequest,
      checkHead: versionMissing,
      surface: ANTHROPIC_WIRE,
      handle: ([id]) => retrieveModel(models, id),
    },
  ];
}
