// What every Azure OpenAI route tells the transport about its wire: `api-key` or Bearer credentials, the
// headers each answer carries (apim-request-id, x-request-id, x-ms-region), the gateway's error shape
// and wording, and its rate-limit headers. The API surfaces behind it are OpenAI's.
import type { AnswerHeaders, SurfaceWire } from "../types.js";
import { azureCredentials } from "./credentials.js";
import { describeAzureError, renderAzureError } from "./errors.js";
import { azureRateLimitHeaders } from "./rate-limit-headers.js";

/** The region every answer names, as Azure's display names are written. */
const REGION = "East US";

/** A request id of 32 hex digits as the UUID Azure's apim-request-id is (8-4-4-4-12). */
function asUuid(id: string): string {
  return `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`;
}

/**
 * One literal per answer. apim-request-id (and x-ms-client-request-id, which Azure sets to it when the
 * client sends none) is the request id as a UUID; x-request-id is the id itself, as the journal records it
 * and the OpenAI SDK exposes it (`_request_id`), so a test finds an answer's journal entry by it.
 */
function answerHeaders(requestId: string): AnswerHeaders {
  const uuid = asUuid(requestId);
  return {
    "apim-request-id": uuid,
    "x-request-id": requestId,
    "x-ms-region": REGION,
    "x-ms-client-request-id": uuid,
  };
}

/**
 * The wire of one Azure route; `operation` is its operation id as Azure's 429 names it
 * (`ChatCompletions_Create`), undefined for routes that are not rate limited.
 */
export function azureWire(operation?: string): SurfaceWire {
  return {
    provider: "azure",
    credentials: azureCredentials,
    requestIds: { prefix: "", length: 32, alphabet: "hex" },
    answerHeaders,
    processingTimeHeader: undefined,
    describeError: (error) => describeAzureError(error, operation),
    renderError: renderAzureError,
    rateLimitHeaders: azureRateLimitHeaders,
  };
}
