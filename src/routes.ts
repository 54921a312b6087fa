// The server's route table: which surface answers which path, their resource endpoints, /health and
// /metrics, and the WebSocket endpoint. OpenAI's surfaces are listed here; every other provider's folder
// under protocols/ hands over its own (ProviderRoutes), which are one entry each in PROVIDERS. The control
// API's routes (/__understudy/...) come from control/.
import { controlRoutes, type ControlDeps } from "./control/routes.js";
import type { IdSource } from "./core/ids.js";
import type { Plan, TokenCache } from "./core/plan.js";
import type { FixtureSet } from "./fixtures/index.js";
import type { FrameProtocol } from "./protocols/frame-protocol.js";
import { createChatSurface } from "./protocols/openai/chat/index.js";
import { createCompletionsSurface } from "./protocols/openai/completions/index.js";
import { createEmbeddingsRoute } from "./protocols/openai/embeddings/index.js";
import type { ModelRegistry } from "./protocols/model-registry.js";
import { openAIModelRoutes } from "./protocols/openai/models.js";
import {
  createResponsesSurface,
  responsesResourceRoutes,
  type ResponseStore,
} from "./protocols/openai/responses/index.js";
import { responsesWebSocket } from "./protocols/openai/responses/websocket.js";
import { OPENAI_WIRE } from "./protocols/openai/wire.js";
import { anthropicRoutes } from "./protocols/anthropic/index.js";
import { azureRoutes } from "./protocols/azure/index.js";
import { geminiRoutes } from "./protocols/gemini/index.js";
import type { ProviderRoutes, Surface } from "./protocols/types.js";
import { resourceRoute } from "./transport/http-resource.js";
import { healthRoute, notFoundRoute } from "./transport/http-routes.js";
import { surfaceRoute } from "./transport/http-surface.js";
import { metricsRoute } from "./transport/metrics-endpoint.js";
import { RouteTable, type ClaimedNotFound, type Route } from "./transport/routes.js";

export interface RouteDeps {
  fixtures: FixtureSet;
  models: ModelRegistry;
  store: ResponseStore;
  ids: IdSource;
  tokens: TokenCache;
  /** false: surfaces that reuse nothing (ServerOptions.caches). */
  caches: boolean;
  /** What the control API acts on; null when it is turned off (ServerOptions.control). */
  control?: ControlDeps | null;
}

/**
 * A surface that reuses nothing: it is not memoizable (the memo neither looks up nor keeps its
 * outcomes), and it renders every plan as one without a reuse key (no rendering cache is read or filled).
 */
function withoutCaches(surface: Surface): Surface {
  const fresh = (plan: Plan): Plan => ({ ...plan, reuse: null });
  const text = surface.renderStreamText?.bind(surface);
  return {
    ...surface,
    memoizable: false,
    renderBody: (plan, conversation, context) => surface.renderBody(fresh(plan), conversation, context),
    renderStream: (plan, conversation, context) => surface.renderStream(fresh(plan), conversation, context),
    renderStreamText: text && ((plan, conversation, context) => text(fresh(plan), conversation, context)),
  };
}

/** The providers besides OpenAI, each from its folder under protocols/. */
const PROVIDERS: readonly ((deps: RouteDeps) => ProviderRoutes)[] = [anthropicRoutes, geminiRoutes, azureRoutes];

/** A provider's routes as the table holds them; its claimed not-found route, if it has one, goes into `unknown`. */
function providerRoutes(provider: ProviderRoutes, reusing: (surface: Surface) => Surface, unknown: ClaimedNotFound[]) {
  if (provider.unknown) unknown.push({ claims: provider.unknown.claims, route: notFoundRoute(provider.unknown.wire) });
  return [
    ...provider.surfaces.map(({ path, surface, claims }) => surfaceRoute(path, reusing(surface), claims)),
    ...provider.resources.map((resource) => resourceRoute(resource, OPENAI_WIRE)),
  ];
}

/** Every HTTP route, in the default wire (OpenAI's) where a route has none of its own. */
export function httpRoutes(deps: RouteDeps): RouteTable {
  const { fixtures, models, store, ids, tokens } = deps;
  const reusing = deps.caches ? (surface: Surface) => surface : withoutCaches;
  const resources = [
    ...responsesResourceRoutes(store),
    createEmbeddingsRoute({ fixtures, tokens }),
    ...openAIModelRoutes(models),
  ];
  const unknown: ClaimedNotFound[] = [];
  const others: Route[] = PROVIDERS.flatMap((provider) => providerRoutes(provider(deps), reusing, unknown));
  return new RouteTable(
    [
      surfaceRoute("/chat/completions", reusing(createChatSurface())),
      surfaceRoute("/completions", reusing(createCompletionsSurface())),
      surfaceRoute("/responses", reusing(createResponsesSurface({ store, ids, tokens }))),
      healthRoute(OPENAI_WIRE),
      metricsRoute(OPENAI_WIRE),
      ...(deps.control ? controlRoutes(deps.control) : []),
      ...resources.map((resource) => resourceRoute(resource, OPENAI_WIRE)),
      ...others,
    ],
    notFoundRoute(OPENAI_WIRE),
    unknown,
  );
}

/** The WebSocket endpoint (the Responses API's `response.create` frames). */
export function webSocketRoute(deps: Pick<RouteDeps, "store" | "ids" | "tokens">): FrameProtocol {
  return responsesWebSocket({ store: deps.store, ids: deps.ids, tokens: deps.tokens });
}
