// Anthropic's error shape: its error types by status, the structured errors its surfaces raise, and the one
// renderer of its body, {"type":"error","error":{"type","message"},"request_id"}.
import type { ApiError } from "../../core/errors.js";

// The types Anthropic's API reference lists by status; other 4xx are invalid_request_error, other 5xx api_error.
const TYPES_BY_STATUS: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  402: "billing_error",
  403: "permission_error",
  404: "not_found_error",
  409: "conflict_error",
  413: "request_too_large",
  429: "rate_limit_error",
  500: "api_error",
  504: "timeout_error",
  529: "overloaded_error",
};

export function anthropicErrorType(status: number): string {
  return TYPES_BY_STATUS[status] ?? (status >= 500 ? "api_error" : "invalid_request_error");
}

/** An error in Anthropic's words: its type by status unless given; `code` becomes the body's `details.error_code`. */
export function anthropicError(
  status: number,
  message: string,
  fields: { type?: string; code?: string | null; param?: string | null } = {},
  headers?: Record<string, string>,
): ApiError {
  return {
    status,
    type: fields.type ?? anthropicErrorType(status),
    code: fields.code ?? null,
    param: fields.param ?? null,
    message,
    headers,
  };
}

/** A 400 invalid_request_error, the answer to every request body the API does not accept. */
export const invalidRequest = (message: string): ApiError => anthropicError(400, message);

interface AnthropicErrorBody {
  type: "error";
  error: { type: string; message: string; details?: { error_code: string } };
  request_id: string | null;
}

/** The body of an error answer, naming the request it answers (null where no id was drawn). */
export function renderAnthropicError(error: ApiError, requestId?: string): AnthropicErrorBody {
  const inner: AnthropicErrorBody["error"] = { type: error.type, message: error.message };
  if (error.code !== null) inner.details = { error_code: error.code };
  return { type: "error", error: inner, request_id: requestId ?? null };
}
