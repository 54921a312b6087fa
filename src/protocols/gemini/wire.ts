// What every Gemini route tells the transport about its wire: Google's credentials, the headers Google's
// front ends send with every answer (no request id: Google sends none), errors in Google's shape worded
// for the route's host and method, and no rate-limit headers (Google sends none; its 429 says when).
import type { ApiError, ServerError } from "../../core/errors.js";
import type { AnswerHeaders, SurfaceWire } from "../types.js";
import { googleCredentials } from "./credentials.js";
import { renderGoogleError } from "./errors.js";
import { describeGoogleError, type ErrorContext } from "./server-errors.js";

/** One literal per answer, as Google's front ends send them (Vary's three values in one header). */
const answerHeaders = (_requestId: string): AnswerHeaders => ({
  vary: "Origin, X-Origin, Referer",
  server: "scaffolding on HTTPServer2",
  "x-xss-protection": "0",
  "x-frame-options": "SAMEORIGIN",
  "x-content-type-options": "nosniff",
});

const NO_RATE_LIMIT_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;
const noRateLimitHeaders = (): Record<string, string> => NO_RATE_LIMIT_HEADERS;

/** A streamGenerateContent call without `alt=sse` is answered with a JSON array, its errors too: `[{"error": ...}]`. */
const renderArrayError = (error: ApiError): unknown => [renderGoogleError(error)];

/**
 * The wire of a Gemini route. Request ids, never sent, are drawn like Google's response ids for the
 * journal. `arrayBody`: the route answers JSON arrays (see renderArrayError).
 */
export function geminiWire(context: ErrorContext, arrayBody = false): SurfaceWire {
  return {
    provider: "gemini",
    credentials: googleCredentials,
    requestIds: { prefix: "", length: 23 },
    answerHeaders,
    processingTimeHeader: undefined,
    describeError: (error: ServerError) => describeGoogleError(error, context),
    renderError: arrayBody ? renderArrayError : renderGoogleError,
    rateLimitHeaders: noRateLimitHeaders,
  };
}
