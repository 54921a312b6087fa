// GET models and GET models/{model} as the Gemini API answers them: without configured models, its own
// catalogue and then the fixtures' models; with them, the configured models and then the fixtures'. Pages
// of `pageSize` (50 unless asked, at most 1000), each page's `nextPageToken` naming where the next starts.
import { modelNotFound } from "../../core/errors.js";
import type { RouteDeps } from "../../routes.js";
import type { ResourceAnswer, ResourceRoute, SurfaceWire } from "../types.js";
import { presentsGoogleKey } from "./credentials.js";
import { invalidArgument } from "./errors.js";
import { GEMINI_MODELS, type GeminiModel, genericModel } from "./model-catalogue.js";
import { geminiWire } from "./wire.js";

const GEMINI_IDS: readonly string[] = [...GEMINI_MODELS.keys()];

const DEFAULT_PAGE_SIZE = 50;
const MAX_PAGE_SIZE = 1000;

/** Every model listed, each once: the catalogue's or the configured ones, then the fixtures' others. */
function listed(models: RouteDeps["models"]): GeminiModel[] {
  return models.listedIds(GEMINI_IDS).map((id) => GEMINI_MODELS.get(id) ?? genericModel(id));
}

// Page tokens are opaque to clients; these say where the page starts.
const pageToken = (offset: number): string => Buffer.from(`offset:${offset}`).toString("base64url");
function offsetOf(token: string | null): number | null {
  if (token === null || token === "") return 0;
  const match = /^offset:(\d{1,9})$/.exec(Buffer.from(token, "base64url").toString("latin1"));
  return match ? Number(match[1]) : null;
}

function listPage(models: RouteDeps["models"], query: URLSearchParams): ResourceAnswer {
  const size = Number(query.get("pageSize") ?? query.get("page_size") ?? DEFAULT_PAGE_SIZE);
  const pageSize = Number.isInteger(size) && size > 0 ? Math.min(size, MAX_PAGE_SIZE) : DEFAULT_PAGE_SIZE;
  const offset = offsetOf(query.get("pageToken") ?? query.get("page_token"));
  if (offset === null) return { error: invalidArgument("Invalid page token.", "page_token") };
  const all = listed(models);
  const page = all.slice(offset, offset + pageSize);
  const body: { models: GeminiModel[]; nextPageToken?: string } = { models: page };
  if (offset + pageSize < all.length) body.nextPageToken = pageToken(offset + pageSize);
  return { status: 200, body };
}

function getModel(models: RouteDeps["models"], id: string, wire: SurfaceWire): ResourceAnswer {
  // Without configured models every model is served, so every model exists: the catalogue's as it describes them.
  if (!models.hasList()) return { status: 200, body: GEMINI_MODELS.get(id) ?? genericModel(id), model: id };
  const found = listed(models).find((model) => model.name === `models/${id}` || model.name === id);
  return found ? { status: 200, body: found, model: id } : { error: wire.describeError(modelNotFound(id)), model: id };
}

/**
 * The routes: under /v1beta (and /v1alpha) for every request, and under /v1 only for requests a Google
 * client sent (a key in `x-goog-api-key` or `key=`), as OpenAI serves GET /v1/models too.
 */
export function geminiModelRoutes(models: RouteDeps["models"]): ResourceRoute[] {
  const wire = geminiWire({ flavor: "gemini", method: "getModel" });
  const list = (_params: string[], query: URLSearchParams): ResourceAnswer => listPage(models, query);
  const get = ([id]: string[]): ResourceAnswer => getModel(models, id, wire);
  // Named as Google's REST reference names the methods, for the journal and the metrics' labels.
  const listing = { method: "GET", api: "models.list", surface: wire, handle: list };
  const getting = { method: "GET", api: "models.get", surface: wire, handle: get };
  return [
    { ...listing, pattern: /^\/v1(?:beta|alpha)\/models$/ },
    { ...listing, pattern: /^\/models$/, claims: presentsGoogleKey },
    { ...getting, pattern: /^\/v1(?:beta|alpha)\/models\/([^/:]+)$/ },
    { ...getting, pattern: /^\/models\/([^/:]+)$/, claims: presentsGoogleKey },
  ];
}
