// A provider's surface as its folder hands it to the route table, for the cases that run without a
// socket: the endpoint whose path a request's path takes, so the spec's surface is the one the server runs.
import { ModelRegistry } from "../../src/protocols/openai/models.js";
import { ResponseStore } from "../../src/protocols/openai/responses/index.js";
import type { ProviderRoutes, Surface } from "../../src/protocols/types.js";
import type { RouteDeps } from "../../src/routes.js";
import { routePath } from "../../src/transport/route-path.js";
import type { PipelineState } from "../../src/pipeline.js";

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

/** The surface `routes` serves at `path` (with or without `/v1` and a query). */
export function providerSurface(
  routes: (deps: RouteDeps) => ProviderRoutes,
  state: PipelineState,
  path: string,
): Surface {
  const at = routePath(path);
  const found = routes(routeDeps(state)).surfaces.find((endpoint) =>
    typeof endpoint.path === "string" ? endpoint.path === at : endpoint.path.test(at),
  );
  if (found === undefined) throw new Error(`no surface of the provider is served at ${path}`);
  return found.surface;
}
