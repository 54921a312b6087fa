// A provider's surface as its folder hands it to the route table, for the cases that run without a
// socket: the endpoint a request to a path takes (its claims honoured, as the route table's are), so the
// spec's surface is the one the server runs.
import type { PipelineState } from "../../src/pipeline.js";
import { ModelRegistry } from "../../src/protocols/model-registry.js";
import { ResponseStore } from "../../src/protocols/openai/responses/index.js";
import type { ProviderRoutes, RequestHead, Surface, SurfaceEndpoint } from "../../src/protocols/types.js";
import type { RouteDeps } from "../../src/routes.js";
import { routePath } from "../../src/transport/route-path.js";

/** What a provider's routes are built from, out of a test's pipeline state. */
export function routeDeps(state: PipelineState): RouteDeps {
  return {
    fixtures: state.fixtures,
    models: new ModelRegistry([], state.fixtures),
    store: new ResponseStore(10),
    ids: state.ids,
    tokens: state.tokens,
    caches: true,
  };
}

/** The head of a JSON POST to `path` (with its query) with `headers`, as the transport hands it to a surface. */
export function requestHead(path: string, headers: Record<string, string> = {}): RequestHead {
  const entries = Object.entries({ "content-type": "application/json", ...headers }).map(
    ([name, value]) => [name.toLowerCase(), value] as const,
  );
  return {
    method: "POST",
    url: path,
    headers: Object.fromEntries(entries),
    headersDistinct: Object.fromEntries(entries.map(([name, value]) => [name, [value]])),
  };
}

const servesPath = (endpoint: SurfaceEndpoint, at: string): boolean =>
  typeof endpoint.path === "string" ? endpoint.path === at : endpoint.path.test(at);

/** The surface `routes` serves a POST to `path` (with or without `/v1` and a query) with, for a request with `head`. */
export function providerSurface(
  routes: (deps: RouteDeps) => ProviderRoutes,
  state: PipelineState,
  path: string,
  head: RequestHead = requestHead(path),
): Surface {
  const at = routePath(path);
  const serving = routes(routeDeps(state)).surfaces.filter((endpoint) => servesPath(endpoint, at));
  const found = serving.find((endpoint) => endpoint.claims?.(head)) ?? serving.find((endpoint) => !endpoint.claims);
  if (found === undefined) throw new Error(`no surface of the provider is served at ${path}`);
  return found.surface;
}
