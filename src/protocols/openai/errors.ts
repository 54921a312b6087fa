// OpenAI's error shape: the helpers that build its structured errors, with its default types by
// status, and the one renderer of its body, {"error":{"message","type","param","code"}}.
import type { ApiError } from "../../core/errors.js";

export interface OpenAIErrorFields {
  type?: string;
  param?: string | null;
  code?: string | null;
}

// Error types by status, as OpenAI-compatible servers report them when nothing more specific is known.
const DEFAULT_TYPES: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  409: "conflict_error",
  413: "invalid_request_error",
  422: "invalid_request_error",
  429: "rate_limit_exceeded",
  500: "internal_server_error",
  502: "bad_gateway",
  503: "service_unavailable",
};

export function defaultErrorType(status: number): string {
  return DEFAULT_TYPES[status] ?? (status >= 500 ? "server_error" : "invalid_request_error");
}

export function openAIError(
  status: number,
  message: string,
  fields: OpenAIErrorFields = {},
  headers?: Record<string, string>,
): ApiError {
  return {
    status,
    type: fields.type ?? defaultErrorType(status),
    code: fields.code ?? null,
    param: fields.param ?? null,
    message,
    headers,
  };
}

/** 400 for a request that is missing a required field or has one of the wrong type. */
export function invalidRequest(message: string, param: string | null, code: string | null = null): ApiError {
  return openAIError(400, message, { type: "invalid_request_error", param, code });
}

/** The HTTP body of an OpenAI error, its fields in OpenAI's order. */
export function renderOpenAIError(error: ApiError): {
  error: { message: string; type: string; param: string | null; code: string | null };
} {
  return { error: { message: error.message, type: error.type, param: error.param, code: error.code } };
}
