// What every Anthropic route tells the transport about its wire: x-api-key credentials, the `request-id`
// each answer carries, its error shape and wording, its rate-limit headers; and which requests are an
// Anthropic client's, for the paths several providers serve (GET /v1/models) and for unknown URLs.
import type { IdFormat } from "../../core/plan.js";
import type { AnswerHeaders, ApiError, RequestHead, SurfaceWire } from "../types.js";
import { anthropicCredentials } from "./credentials.js";
import { invalidRequest, renderAnthropicError } from "./errors.js";
import { anthropicRateLimitHeaders } from "./rate-limit-headers.js";
import { describeAnthropicError } from "./server-errors.js";

// Anthropic's ids are a type prefix, a version ("01") and base58 text: `req_011CSHoEeqs5C35K2UUqR7Fy`,
// `msg_011CeKrYjxgqzrAPfN2jSs6z` (24 characters after the type, "011C" first in current ones),
// `toolu_01D7FLrfh4GYq7yT1ULFeyMV`. Understudy draws the rest from its alphanumeric alphabet.
const REQUEST_IDS: IdFormat = { prefix: "req_011C", length: 20 };
export const MESSAGE_IDS: IdFormat = { prefix: "msg_011C", length: 20 };
export const TOOL_USE_IDS: IdFormat = { prefix: "toolu_01", length: 22 };

/** One literal per answer (see SurfaceWire.answerHeaders). */
const answerHeaders = (requestId: string): AnswerHeaders => ({ "request-id": requestId });

export const ANTHROPIC_WIRE: SurfaceWire = {
  provider: "anthropic",
  credentials: anthropicCredentials,
  requestIds: REQUEST_IDS,
  answerHeaders,
  // Anthropic's answers carry no processing-time header of their own.
  processingTimeHeader: undefined,
  describeError: describeAnthropicError,
  renderError: renderAnthropicError,
  rateLimitHeaders: anthropicRateLimitHeaders,
};

/**
 * A request from an Anthropic client: it names the API version (every Anthropic SDK sends
 * `anthropic-version`) or carries its key as Anthropic's API takes it (`x-api-key`).
 */
export function isAnthropicRequest(req: RequestHead): boolean {
  const { headers } = req;
  return headers["anthropic-version"] !== undefined || headers["x-api-key"] !== undefined;
}

/** The API's refusal of a request that does not say which version of the API it speaks (every route asks). */
export function versionMissing(req: RequestHead): ApiError | null {
  const version = req.headers["anthropic-version"];
  return version === undefined || version === "" ? invalidRequest("anthropic-version: header is required") : null;
}
