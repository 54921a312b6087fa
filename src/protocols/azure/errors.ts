// Azure OpenAI's errors. Its gateway answers some itself, as {"error":{"code","message"}}: a key it does
// not accept (401), a deployment that does not exist (404 DeploymentNotFound), a URL it does not serve or
// a missing api-version (404 "Resource not found"), an api-version it does not know (400) and its rate
// limits (429). What the model service behind it refuses (a malformed request, no fixture matched) it
// forwards in OpenAI's shape, so those are worded as OpenAI words them.
import { type ApiError, type RateLimited, rateLimitRetryAfter, type ServerError } from "../../core/errors.js";
import { renderOpenAIError } from "../openai/errors.js";
import { describeOpenAIError } from "../openai/server-errors.js";
import { azureRateLimitHeaders } from "./rate-limit-headers.js";

/**
 * The type of an error Azure's gateway answers itself: its body carries a code and a message and no type,
 * so the type only tells renderAzureError which shape to write.
 */
const AZURE_GATEWAY_ERROR = "azure_gateway_error";

function gatewayError(status: number, code: string, message: string, headers?: Record<string, string>): ApiError {
  return { status, type: AZURE_GATEWAY_ERROR, code, param: null, message, headers };
}

// The gateway's wording, as Azure OpenAI answers (and as its users quote it in bug reports).
const ACCESS_DENIED =
  "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.";
const DEPLOYMENT_NOT_FOUND =
  "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.";

/** 404 for a URL the gateway does not serve, and for a deployment route without `api-version`. */
export const RESOURCE_NOT_FOUND = gatewayError(404, "404", "Resource not found");

/** 400 for an `api-version` the route does not take. */
export const API_VERSION_NOT_SUPPORTED = gatewayError(400, "BadRequest", "API version not supported");

/**
 * Azure's 429 names the operation refused (`ChatCompletions_Create`) and the limit: "call" for requests,
 * "token" for tokens. Its real text also names the request's api-version, which the wire cannot see
 * here, so that clause is left out.
 */
function rateLimited(error: RateLimited, operation: string | undefined): ApiError {
  const seconds = rateLimitRetryAfter(error);
  const what =
    operation === undefined
      ? "Requests to the Azure OpenAI API"
      : `Requests to the ${operation} Operation under Azure OpenAI API`;
  const limit = error.limit === "requests" ? "call" : "token";
  const message =
    `${what} have exceeded ${limit} rate limit of your current OpenAI S0 pricing tier. Please retry after ${seconds} seconds. ` +
    "Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.";
  return gatewayError(429, "429", message, {
    ...azureRateLimitHeaders(error.limits),
    "retry-after": String(seconds),
    "retry-after-ms": String(error.retryAfterMs),
  });
}

/**
 * A catalogue error as Azure OpenAI answers it; `operation` is the route's operation id as Azure's 429
 * names it (undefined for routes that are not rate limited).
 */
export function describeAzureError(error: ServerError, operation: string | undefined): ApiError {
  switch (error.kind) {
    case "unauthorized":
      return gatewayError(401, "401", ACCESS_DENIED);
    case "model_not_found":
      return gatewayError(404, "DeploymentNotFound", DEPLOYMENT_NOT_FOUND);
    case "route_not_found":
      return RESOURCE_NOT_FOUND;
    case "rate_limited":
      return rateLimited(error, operation);
    // Refused by the model service behind the gateway (or Understudy's own: no fixture matched), in OpenAI's shape.
    case "no_match":
    case "fixture_error":
    case "invalid_json":
    case "nested_too_deep":
    case "body_too_large":
    case "unsupported_media_type":
    case "request_timeout":
    case "internal_error":
    case "malformed_header":
      return describeOpenAIError(error);
  }
}

/** The HTTP body of an error: the gateway's {"error":{"code","message"}}, or OpenAI's shape for what it forwards. */
export function renderAzureError(error: ApiError): unknown {
  if (error.type !== AZURE_GATEWAY_ERROR) return renderOpenAIError(error);
  return { error: { code: error.code, message: error.message } };
}
