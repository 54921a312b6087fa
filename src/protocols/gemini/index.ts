// Gemini's API surfaces and resources, as the server's route table takes them (src/routes.ts).
import type { RouteDeps } from "../../routes.js";
import type { ProviderRoutes } from "../types.js";

export function geminiRoutes(_deps: RouteDeps): ProviderRoutes {
  return { surfaces: [], resources: [] };
}
