// The errors Understudy raises itself (core/errors.ts), worded as Anthropic's API words them: its types by
// status, its messages where it has them (the 401s, an unknown model, an unknown URL, a rate limit), and
// Understudy's own neutral account where the text is Understudy's (the nearest misses of an unmatched request).
import {
  type ApiError,
  type FixtureError,
  fixtureRetryAfter,
  type RateLimited,
  rateLimitRetryAfter,
  type ServerError,
  type Unauthorized,
} from "../../core/errors.js";
import { anthropicError, anthropicErrorType, invalidRequest } from "./errors.js";
import { anthropicRateLimitHeaders } from "./rate-limit-headers.js";

function unauthorized(error: Unauthorized): ApiError {
  const message = error.maskedKey === undefined ? "x-api-key header is required" : "invalid x-api-key";
  return anthropicError(401, message);
}

/** Anthropic's 429 for an exhausted limit, with its rate-limit headers and the retry-after its SDKs back off by. */
function rateLimited(error: RateLimited): ApiError {
  const what = error.limit === "requests" ? "requests" : "tokens";
  const message =
    `This request would exceed the rate limit for your organization (understudy) of ${error.capacity} ${what} per minute ` +
    `(used ${error.used}, requested ${error.requested}). For details, refer to: https://docs.claude.com/en/api/rate-limits. ` +
    "You can see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later.";
  return anthropicError(
    429,
    message,
    {},
    {
      ...anthropicRateLimitHeaders(error.limits),
      "retry-after": String(rateLimitRetryAfter(error)),
    },
  );
}

/** A fixture's own error: its type where it names one, Anthropic's by status where not; a 429 always says when to retry. */
function fixtureError(error: FixtureError): ApiError {
  const retryAfter = fixtureRetryAfter(error);
  const headers = retryAfter === undefined ? undefined : { "retry-after": String(retryAfter) };
  return anthropicError(
    error.status,
    error.detail,
    { type: error.type ?? anthropicErrorType(error.status), code: error.code ?? null, param: error.param },
    headers,
  );
}

/** A catalogue error as Anthropic's API would answer it. */
export function describeAnthropicError(error: ServerError): ApiError {
  switch (error.kind) {
    case "no_match":
      return invalidRequest(error.detail);
    case "model_not_found":
      return anthropicError(404, `model: ${error.model}`, { param: "model" });
    case "rate_limited":
      return rateLimited(error);
    case "fixture_error":
      return fixtureError(error);
    case "invalid_json":
    case "nested_too_deep":
    case "unsupported_media_type":
    case "malformed_header":
      return invalidRequest(error.detail);
    case "body_too_large":
      return anthropicError(413, error.detail);
    case "unauthorized":
      return unauthorized(error);
    case "route_not_found":
      return anthropicError(404, "Not Found");
    case "request_timeout":
      return anthropicError(408, error.detail);
    case "internal_error":
      return anthropicError(500, error.detail);
  }
}
