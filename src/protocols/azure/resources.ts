// OpenAI's resource endpoints (embeddings, stored responses, the models list) at Azure's paths, in Azure's
// wire and with its api-version check; the dated embeddings route takes its model from the deployment.
import type { ResourceRoute, SurfaceWire } from "../types.js";
import { isRecord } from "../json-values.js";
import type { AzureRouteFamily } from "./surfaces.js";

/**
 * `route` at `prefix` (a pattern's source, such as `\/openai\/v1`) before its own path: its pattern
 * `^\/responses\/([^/]+)$` becomes `^\/openai\/v1\/responses\/([^/]+)$`, with the same parameters.
 */
export function atAzurePath(
  route: ResourceRoute,
  prefix: string,
  wire: SurfaceWire,
  family: AzureRouteFamily,
): ResourceRoute {
  const { source, flags } = route.pattern;
  if (!source.startsWith("^")) throw new Error(`an anchored pattern is expected, not ${source}`);
  return {
    ...route,
    pattern: new RegExp(`^${prefix}${source.slice(1)}`, flags),
    surface: wire,
    checkHead: family.checkHead,
  };
}

/**
 * OpenAI's POST /embeddings at /openai/deployments/{deployment}/embeddings: the deployment in the path is
 * the model its inputs are matched and derived for, whatever the body names.
 */
export function deploymentEmbeddings(route: ResourceRoute, wire: SurfaceWire, family: AzureRouteFamily): ResourceRoute {
  return {
    ...route,
    pattern: /^\/openai\/deployments\/([^/]+)\/embeddings$/,
    surface: wire,
    checkHead: family.checkHead,
    handle(params, query, body) {
      const deployment = params[0];
      const asDeployed = isRecord(body) && body.model !== deployment ? { ...body, model: deployment } : body;
      return route.handle(params, query, asDeployed);
    },
  };
}
