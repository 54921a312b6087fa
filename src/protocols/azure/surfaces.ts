// OpenAI's surfaces behind Azure's paths: the same parse, plan and render (the same bytes as OpenAI's
// answers), with Azure's wire (credentials, headers, errors), its api-version check, and on the dated
// deployment routes the deployment in the path as the model a fixture matches.
import type { Conversation } from "../../core/conversation.js";
import type { ApiError, RequestHead, Surface, SurfaceWire } from "../types.js";
import { isRecord } from "../json-values.js";

/** Which of Azure's path families a route is on: how its api-version is checked, and where its model comes from. */
export interface AzureRouteFamily {
  /** The api-version check (see api-version.ts). */
  checkHead(req: RequestHead): ApiError | null;
  /** The deployment is the path's first parameter (/openai/deployments/{deployment}/...) and the body's model gives way to it. */
  readonly deploymentInPath: boolean;
}

type Negotiate = Surface["negotiateStream"];

/**
 * The surface's stream negotiation, then the deployment named in the path as the body's model: Azure
 * serves the deployment the URL names whatever the body says. A body that already names it is not copied.
 */
function withDeployment(negotiate: Negotiate): Negotiate {
  return (req, body, params) => {
    const negotiated = negotiate(req, body, params);
    const deployment = params[0];
    if (!isRecord(negotiated) || deployment === undefined || negotiated.model === deployment) return negotiated;
    return { ...negotiated, model: deployment };
  };
}

/**
 * An OpenAI surface on an Azure route: its own object (so the memo and the render caches keep Azure's
 * answers apart from OpenAI's), speaking `wire`. `api` stays the OpenAI API's name.
 */
export function azureSurface<C extends Conversation, D>(
  surface: Surface<C, D>,
  wire: SurfaceWire,
  family: AzureRouteFamily,
): Surface<C, D> {
  return {
    ...surface,
    ...wire,
    checkHead: family.checkHead,
    negotiateStream: family.deploymentInPath ? withDeployment(surface.negotiateStream) : surface.negotiateStream,
  };
}
