// The errors Understudy raises itself (core/errors.ts), worded as OpenAI words them: its messages,
// types, codes and the retry headers its SDKs back off by.
import {
  type ApiError,
  type FixtureError,
  fixtureRetryAfter,
  type RateLimited,
  rateLimitRetryAfter,
  type ServerError,
  type Unauthorized,
} from "../../core/errors.js";
import { defaultErrorType, invalidRequest, openAIError } from "./errors.js";
import { openAIRateLimitHeaders } from "./rate-limit-headers.js";

export const INVALID_JSON =
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. " +
  "The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)";

const NO_KEY =
  "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).";

function unauthorized(error: Unauthorized): ApiError {
  const message =
    error.maskedKey === undefined
      ? NO_KEY
      : `Incorrect API key provided: ${error.maskedKey}. You can find your API key at https://platform.openai.com/account/api-keys.`;
  return openAIError(401, message, { type: "invalid_request_error", code: "invalid_api_key" });
}

/** OpenAI's 429 for an exhausted limit, with the headers its clients back off by. */
function rateLimited(error: RateLimited): ApiError {
  const seconds = error.retryAfterMs / 1000;
  const what = error.limit === "requests" ? "requests per min (RPM)" : "tokens per min (TPM)";
  const message =
    `Rate limit reached for ${error.model} in organization org-understudy on ${what}: Limit ${error.capacity}, Used ${error.used}, Requested ${error.requested}. ` +
    `Please try again in ${Number(seconds.toFixed(3))}s. Visit https://platform.openai.com/account/rate-limits to learn more.`;
  return openAIError(
    429,
    message,
    { type: error.limit, code: "rate_limit_exceeded" },
    {
      ...openAIRateLimitHeaders(error.limits),
      "retry-after": String(rateLimitRetryAfter(error)),
      "retry-after-ms": String(error.retryAfterMs),
    },
  );
}

/** A fixture's own error: its type and code where it names them, OpenAI's defaults by status where not. */
function fixtureError(error: FixtureError): ApiError {
  const retryAfter = fixtureRetryAfter(error);
  const headers = retryAfter === undefined ? undefined : { "retry-after": String(retryAfter) };
  const code = error.code !== undefined ? error.code : error.status === 429 ? "rate_limit_exceeded" : null;
  return openAIError(
    error.status,
    error.detail,
    { type: error.type ?? defaultErrorType(error.status), code, param: error.param },
    headers,
  );
}

/** A catalogue error as the OpenAI API would answer it. */
export function describeOpenAIError(error: ServerError): ApiError {
  switch (error.kind) {
    case "no_match":
      return invalidRequest(error.detail, null, "no_match");
    case "model_not_found":
      return openAIError(404, `The model \`${error.model}\` does not exist or you do not have access to it.`, {
        type: "invalid_request_error",
        param: "model",
        code: "model_not_found",
      });
    case "rate_limited":
      return rateLimited(error);
    case "fixture_error":
      return fixtureError(error);
    case "invalid_json":
      return invalidRequest(INVALID_JSON, null);
    case "nested_too_deep":
      return invalidRequest(error.detail, null, "invalid_json");
    case "body_too_large":
      return openAIError(413, error.detail, { type: "invalid_request_error", code: "request_too_large" });
    case "unauthorized":
      return unauthorized(error);
    case "unsupported_media_type": {
      const shown = error.contentType;
      const message = `Unsupported content type: '${shown}'. This API method only accepts 'application/json' requests, but you specified the header 'Content-Type: ${shown}'. Please try again with a supported content type.`;
      return invalidRequest(message, null, "unsupported_content_type");
    }
    case "route_not_found":
      return openAIError(404, `Invalid URL (${error.method} ${error.path})`, { type: "invalid_request_error" });
    case "request_timeout":
      return openAIError(408, error.detail, { type: "invalid_request_error", code: "request_timeout" });
    case "internal_error":
      return openAIError(500, error.detail, { type: "server_error" });
    case "malformed_header":
      return invalidRequest(error.detail, null, "invalid_header");
  }
}
