// The surface contract for Azure OpenAI's Responses API, on the deployment route, the dated
// /openai/responses route and the v1 route: OpenAI's events, Azure's gateway errors.
import { type AzureFamily, azureError, azurePath, azureSpecBase, azureSurface } from "./azure-spec.js";
import { responsesReader } from "./readers.js";
import { responsesSpec } from "./responses-spec.js";
import { runContract } from "./run-contract.js";
import type { RequestInput } from "./spec.js";
import { http } from "./wire.js";

/** The dated route without a deployment in its path: the body's model is the deployment. */
const datedResponses = () => "/openai/responses?api-version=2025-04-01-preview";

const ROUTES: [string, AzureFamily, (input: RequestInput) => string][] = [
  ["deployment route", "deployment", azurePath("deployment", "responses")],
  ["dated route", "v1", datedResponses],
  ["v1 route", "v1", azurePath("v1", "responses")],
];

for (const [route, family, pathFor] of ROUTES) {
  const base = azureSpecBase(family);
  runContract({
    ...responsesSpec,
    ...base,
    skip: { ...responsesSpec.skip, ...base.skip },
    // A refusal before the stream is an HTTP error (the gateway's or OpenAI's); one inside it, the Responses events.
    error: (answer) => (answer.json ? azureError(answer) : responsesReader.error(answer)),
    name: `Azure responses (${route})`,
    path: "/openai/v1/responses",
    pathFor,
    transport: http,
    modes: ["json", "stream"],
    surface: azureSurface(pathFor),
  });
}
