// The errors Understudy raises itself (core/errors.ts), worded as the Gemini API and Vertex AI word them:
// a bad key is a 400 API_KEY_INVALID and no key a 403 on the Gemini API, both 401 UNAUTHENTICATED on
// Vertex AI; quota is RESOURCE_EXHAUSTED with the RetryInfo clients back off by.
import {
  type ApiError,
  type FixtureError,
  fixtureRetryAfter,
  type RateLimited,
  type ServerError,
  type Unauthorized,
} from "../../core/errors.js";
import type { GeminiFlavor } from "./conversation.js";
import {
  errorInfo,
  googleError,
  invalidArgument,
  isStatusName,
  localizedMessage,
  retryInfo,
  statusName,
} from "./errors.js";

const GEMINI_SERVICE = "generativelanguage.googleapis.com";
const VERTEX_SERVICE = "aiplatform.googleapis.com";

const BAD_KEY = "API key not valid. Please pass a valid API key.";
const NO_KEY =
  "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.";
const OAUTH_HINT =
  "Expected OAuth 2 access token, login cookie or other valid authentication credential. See https://developers.google.com/identity/sign-in/web/devconsole-project.";

function unauthorized(error: Unauthorized, flavor: GeminiFlavor): ApiError {
  if (flavor === "vertex") {
    const missing = error.maskedKey === undefined;
    const message = missing
      ? `Request is missing required authentication credential. ${OAUTH_HINT}`
      : `Request had invalid authentication credentials. ${OAUTH_HINT}`;
    const reason = missing ? "CREDENTIALS_MISSING" : "ACCESS_TOKEN_TYPE_UNSUPPORTED";
    return googleError(401, message, { reason, details: [errorInfo(reason, VERTEX_SERVICE)] });
  }
  if (error.maskedKey === undefined) return googleError(403, NO_KEY);
  return googleError(400, BAD_KEY, {
    reason: "API_KEY_INVALID",
    details: [errorInfo("API_KEY_INVALID", GEMINI_SERVICE), localizedMessage(BAD_KEY)],
  });
}

/** A quota refusal; the Gemini API's names the limit it met and when to retry (RetryInfo, which clients read). */
function rateLimited(error: RateLimited, flavor: GeminiFlavor): ApiError {
  const seconds = error.retryAfterMs / 1000;
  if (flavor === "vertex") {
    const message =
      "Resource exhausted. Please try again later. Please refer to https://cloud.google.com/vertex-ai/generative-ai/docs/error-code-429 for more details.";
    // Vertex AI's 429 says no more than this: no details, no retry delay.
    return googleError(429, message);
  }
  const requests = error.limit === "requests";
  const metric = `${GEMINI_SERVICE}/${requests ? "generate_requests_per_model" : "generate_content_paid_tier_input_token_count"}`;
  const quotaId = requests
    ? "GenerateRequestsPerMinutePerProjectPerModel"
    : "GenerateContentPaidTierInputTokensPerModelPerMinute";
  const message =
    "You exceeded your current quota, please check your plan and billing details. For more information on this error, head to: https://ai.google.dev/gemini-api/docs/rate-limits. To monitor your current usage, head to: https://ai.dev/rate-limit. \n" +
    `* Quota exceeded for metric: ${metric}, limit: ${error.capacity}, model: ${error.model}\nPlease retry in ${Number(seconds.toFixed(6))}s.`;
  const violation = {
    quotaMetric: metric,
    quotaId,
    quotaDimensions: { location: "global", model: error.model },
    quotaValue: String(error.capacity),
  };
  return googleError(429, message, {
    details: [
      { "@type": "type.googleapis.com/google.rpc.QuotaFailure", violations: [violation] },
      {
        "@type": "type.googleapis.com/google.rpc.Help",
        links: [
          {
            description: "Learn more about Gemini API quotas",
            url: "https://ai.google.dev/gemini-api/docs/rate-limits",
          },
        ],
      },
      retryInfo(seconds),
    ],
  });
}

/** A fixture's own error: its status name where its `type` names one, Google's name for its code where not. */
function fixtureError(error: FixtureError): ApiError {
  const status = isStatusName(error.type) ? error.type : statusName(error.status);
  const retry = fixtureRetryAfter(error);
  return googleError(error.status, error.detail, {
    status,
    param: error.param,
    details: retry === undefined ? undefined : [retryInfo(retry)],
  });
}

/** What the pieces of a not-found message need to know of the route that raised it. */
export interface ErrorContext {
  readonly flavor: GeminiFlavor;
  /** The method of the route, as its 404s name it (generateContent, countTokens...). */
  readonly method: string;
}

function modelNotFound(model: string, context: ErrorContext): ApiError {
  const message =
    context.flavor === "vertex"
      ? `Publisher Model \`publishers/google/models/${model}\` was not found or your project does not have access to it. Please ensure you are using a valid model version. For more information, see: https://cloud.google.com/vertex-ai/generative-ai/docs/learn/model-versions`
      : `models/${model} is not found for API version v1beta, or is not supported for ${context.method}. Call ModelService.ListModels to see the list of available models and their supported methods.`;
  return googleError(404, message, { param: "model" });
}

/** A catalogue error as the route's host answers it. */
export function describeGoogleError(error: ServerError, context: ErrorContext): ApiError {
  switch (error.kind) {
    case "no_match":
      return invalidArgument(error.detail);
    case "model_not_found":
      return modelNotFound(error.model, context);
    case "rate_limited":
      return rateLimited(error, context.flavor);
    case "fixture_error":
      return fixtureError(error);
    case "invalid_json":
      return invalidArgument("Invalid JSON payload received. Unexpected token.");
    case "nested_too_deep":
      return invalidArgument(`Invalid JSON payload received. ${error.detail}`);
    case "body_too_large":
      return invalidArgument(`Request payload size exceeds the limit: ${error.limit} bytes.`);
    case "unauthorized":
      return unauthorized(error, context.flavor);
    case "unsupported_media_type":
      return invalidArgument(`Invalid JSON payload received. ${error.detail}`);
    case "route_not_found":
      return googleError(404, "Method not found.");
    case "request_timeout":
      return googleError(408, error.detail);
    case "internal_error":
      return googleError(500, error.detail);
    case "malformed_header":
      return invalidArgument(error.detail);
  }
}
