// Azure OpenAI as the contract suite sees it: OpenAI's surfaces behind Azure's paths, so OpenAI's requests,
// readers and wording for what the model service refuses, with the gateway's own errors (a deployment
// that does not exist) in its `{"error":{"code","message"}}` shape and its headers (apim-request-id).
import { expect } from "vitest";
import { azureRoutes } from "../../src/protocols/azure/index.js";
import type { Surface } from "../../src/protocols/types.js";
import type { PipelineState } from "../../src/pipeline.js";
import { OPENAI_ERRORS } from "./openai-errors.js";
import { providerSurface } from "./provider-surface.js";
import { httpError } from "./readers.js";
import type { AnswerHeaders, ContractSpec, ExpectedErrors, ReadError, RequestInput } from "./spec.js";
import type { Answer } from "./wire.js";

/** A dated GA api-version, as the AzureOpenAI client sends it. */
export const API_VERSION = "2024-10-21";

/** Which of Azure's URL families a spec posts to. */
export type AzureFamily = "deployment" | "v1";

/** Where a request for `operation` (`chat/completions`, `completions`, `responses`) goes in a family. */
export function azurePath(family: AzureFamily, operation: string): (input: RequestInput) => string {
  if (family === "v1") return () => `/openai/v1/${operation}`;
  return ({ model }) => `/openai/deployments/${encodeURIComponent(model)}/${operation}?api-version=${API_VERSION}`;
}

/** The surface Azure serves requests at `pathFor` with, as its folder hands it to the route table. */
export function azureSurface(pathFor: (input: RequestInput) => string): (state: PipelineState) => Surface {
  const path = pathFor({ model: "gpt-4o-mini", text: "", stream: false });
  return (state) => providerSurface(azureRoutes, state, path);
}

/** An error of the gateway's own: `{"error":{"code","message"}}`, no type or param; else OpenAI's shape, forwarded. */
export function azureError(answer: Answer): ReadError {
  if (answer.json?.error === undefined || "type" in answer.json.error) return httpError(answer);
  expect(answer.headers["content-type"]).toMatch(/^application\/json/);
  expect(Object.keys(answer.json)).toEqual(["error"]);
  const { error } = answer.json;
  expect(Object.keys(error).sort()).toEqual(["code", "message"]);
  return { inBand: false, status: answer.status, type: null, code: error.code, param: null, message: error.message };
}

/** The gateway's 404 for a deployment that does not exist, in Azure's words; the rest as OpenAI words it. */
export const AZURE_ERRORS: ExpectedErrors = {
  ...OPENAI_ERRORS,
  modelNotFound: () => ({
    status: 404,
    type: null,
    code: "DeploymentNotFound",
    param: null,
    message:
      "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.",
  }),
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** apim-request-id is a UUID; x-ms-client-request-id echoes it when the client sends none. */
export const AZURE_HEADERS: AnswerHeaders = {
  requestId: { header: "apim-request-id", pattern: UUID },
  perRequest: ["x-ms-client-request-id"],
};

/** What every Azure spec shares; the deployment routes take the model from the path, not the body. */
export function azureSpecBase(
  family: AzureFamily,
): Pick<ContractSpec, "headers" | "errors" | "error" | "requestHeaders" | "skip"> {
  return {
    headers: AZURE_HEADERS,
    errors: AZURE_ERRORS,
    error: azureError,
    requestHeaders: { "api-key": "azure-contract-key" },
    skip:
      family === "deployment"
        ? { missingModel: "the deployment in the path is the model: a body without one is answered as the deployment" }
        : {},
  };
}
