// Gemini's API surfaces and resources, as the server's route table takes them (src/routes.ts): the Gemini
// API under /v1beta (and /v1, /v1alpha) and Vertex AI under /v1 and /v1beta1, with or without a project
// and location. The router strips a leading /v1, so `/models/...` is the Gemini API's v1. Each path's
// model is the pattern's group that the surfaces fold into the body (see surface.ts).
import type { RouteDeps } from "../../routes.js";
import type { ProviderRoutes, RequestHead, ResourceRoute, SurfaceEndpoint } from "../types.js";
import type { GeminiFlavor } from "./conversation.js";
import { countTokensRoute } from "./count-tokens.js";
import { presentsGoogleKey } from "./credentials.js";
import { embedRoute } from "./embed-routes.js";
import { geminiModelRoutes } from "./models.js";
import { createGenerateSurface } from "./surface.js";
import { geminiWire } from "./wire.js";

/** The model part of each host's paths, as a group: `models/x` or `tunedModels/x`; `publishers/google/models/x`. */
const MODEL_PATHS: Record<GeminiFlavor, string> = {
  gemini: String.raw`^(?:\/v1beta|\/v1alpha)?\/((?:models|tunedModels)\/[^/:]+)`,
  vertex: String.raw`^(?:\/v1beta1)?(?:\/projects\/[^/]+\/locations\/[^/]+)?\/(publishers\/[^/]+\/models\/[^/:]+)`,
};

const methodPath = (flavor: GeminiFlavor, method: string): RegExp => new RegExp(`${MODEL_PATHS[flavor]}:${method}$`);

/** A streamGenerateContent call that asks for server-sent events (`alt=sse`), as every SDK does. */
const asksForSse = (req: RequestHead): boolean => req.url !== undefined && /[?&]alt=sse(?:&|$)/.test(req.url);

function generateEndpoints(flavor: GeminiFlavor): SurfaceEndpoint[] {
  const stream = methodPath(flavor, "streamGenerateContent");
  return [
    { path: methodPath(flavor, "generateContent"), surface: createGenerateSurface(flavor, "body") },
    // Claimed first: the same path without alt=sse answers one JSON array.
    { path: stream, surface: createGenerateSurface(flavor, "sse"), claims: asksForSse },
    { path: stream, surface: createGenerateSurface(flavor, "array") },
  ];
}

function resourceRoutes(deps: RouteDeps): ResourceRoute[] {
  const wire = (flavor: GeminiFlavor, method: string) => geminiWire({ flavor, method });
  return [
    countTokensRoute(deps, "gemini", methodPath("gemini", "countTokens"), wire("gemini", "countTokens")),
    countTokensRoute(deps, "vertex", methodPath("vertex", "countTokens"), wire("vertex", "countTokens")),
    embedRoute(deps, "embedContent", methodPath("gemini", "embedContent"), wire("gemini", "embedContent")),
    embedRoute(
      deps,
      "batchEmbedContents",
      methodPath("gemini", "batchEmbedContents"),
      wire("gemini", "batchEmbedContents"),
    ),
    embedRoute(deps, "vertexEmbedContent", methodPath("vertex", "embedContent"), wire("vertex", "embedContent")),
    embedRoute(deps, "predict", methodPath("vertex", "predict"), wire("vertex", "predict")),
    ...geminiModelRoutes(deps.models),
  ];
}

/** A request to a URL no route serves is a Google client's when it carries a Google key or client header, or a Google path. */
function sentByGoogleClient(req: RequestHead): boolean {
  return (
    presentsGoogleKey(req) ||
    req.headers["x-goog-api-client"] !== undefined ||
    (req.url !== undefined && /^\/v1beta1?\//.test(req.url))
  );
}

export function geminiRoutes(deps: RouteDeps): ProviderRoutes {
  return {
    surfaces: [...generateEndpoints("gemini"), ...generateEndpoints("vertex")],
    resources: resourceRoutes(deps),
    unknown: { wire: geminiWire({ flavor: "gemini", method: "unknown" }), claims: sentByGoogleClient },
  };
}
