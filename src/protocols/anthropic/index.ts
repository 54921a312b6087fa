// Anthropic's API surfaces and resources, as the server's route table takes them (src/routes.ts): the
// Messages API, its token counter, the models list for Anthropic's clients, and Anthropic's 404 for
// their requests to URLs no route serves.
import type { RouteDeps } from "../../routes.js";
import type { ProviderRoutes } from "../types.js";
import { countTokensRoute } from "./count-tokens.js";
import { createMessagesSurface } from "./messages/index.js";
import { anthropicModelRoutes } from "./models.js";
import { ANTHROPIC_WIRE, isAnthropicRequest } from "./wire.js";

export function anthropicRoutes(deps: RouteDeps): ProviderRoutes {
  return {
    surfaces: [{ path: "/messages", surface: createMessagesSurface() }],
    resources: [countTokensRoute(deps), ...anthropicModelRoutes(deps.models)],
    unknown: { wire: ANTHROPIC_WIRE, claims: isAnthropicRequest },
  };
}
