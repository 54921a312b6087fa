// Google's error shape, as the Gemini API and Vertex AI answer with it: {"error": {"code", "message",
// "status", "details"?}}, where `status` is the canonical gRPC status name of the HTTP code and `details`
// are typed google.rpc messages (ErrorInfo, BadRequest, RetryInfo...). The helpers that build such errors
// as ApiErrors, and the one renderer of their body.
import type { ApiError } from "../../core/errors.js";

/** One google.rpc detail, e.g. `{"@type": "type.googleapis.com/google.rpc.ErrorInfo", "reason": ...}`. */
export type GoogleErrorDetail = Readonly<Record<string, unknown>>;

/** An ApiError whose body carries google.rpc details. `type` holds the status name (INVALID_ARGUMENT...). */
export interface GoogleApiError extends ApiError {
  readonly details?: readonly GoogleErrorDetail[];
}

// google.rpc.Code as the HTTP codes Google's front ends map them to (google/rpc/code.proto).
const STATUS_NAMES: Readonly<Record<number, string>> = {
  400: "INVALID_ARGUMENT",
  401: "UNAUTHENTICATED",
  403: "PERMISSION_DENIED",
  404: "NOT_FOUND",
  408: "DEADLINE_EXCEEDED",
  409: "ABORTED",
  412: "FAILED_PRECONDITION",
  429: "RESOURCE_EXHAUSTED",
  499: "CANCELLED",
  500: "INTERNAL",
  501: "UNIMPLEMENTED",
  503: "UNAVAILABLE",
  504: "DEADLINE_EXCEEDED",
};

/** The canonical status name of an HTTP code: a 4xx without one of its own is a failed precondition, a 5xx internal. */
export function statusName(status: number): string {
  return STATUS_NAMES[status] ?? (status >= 500 ? "INTERNAL" : "FAILED_PRECONDITION");
}

const CANONICAL = /^[A-Z][A-Z_]*[A-Z]$/;

/** Whether a name is written as the canonical status names are (a fixture's `type` may name one). */
export const isStatusName = (name: string | undefined): name is string => name !== undefined && CANONICAL.test(name);

/**
 * A Google error. `param`: the request field at fault in Google's own path form (`contents[0].parts`), or
 * null; `code`: the ErrorInfo reason where there is one (API_KEY_INVALID), for logs and the journal.
 */
export function googleError(
  status: number,
  message: string,
  options: {
    status?: string;
    reason?: string | null;
    param?: string | null;
    details?: readonly GoogleErrorDetail[];
  } = {},
): GoogleApiError {
  return {
    status,
    type: options.status ?? statusName(status),
    code: options.reason ?? null,
    param: options.param ?? null,
    message,
    details: options.details,
  };
}

const TYPE_PREFIX = "type.googleapis.com/google.rpc.";

/** google.rpc.ErrorInfo: why, in a machine-readable reason, and the service that says so. */
export function errorInfo(reason: string, service: string, metadata: Record<string, string> = {}): GoogleErrorDetail {
  return {
    "@type": `${TYPE_PREFIX}ErrorInfo`,
    reason,
    domain: "googleapis.com",
    metadata: { service, ...metadata },
  };
}

/** google.rpc.LocalizedMessage: the message again, as Google sends it beside an ErrorInfo. */
export const localizedMessage = (message: string): GoogleErrorDetail => ({
  "@type": `${TYPE_PREFIX}LocalizedMessage`,
  locale: "en-US",
  message,
});

/** google.rpc.BadRequest with one field violation. */
const badRequest = (field: string, description: string): GoogleErrorDetail => ({
  "@type": `${TYPE_PREFIX}BadRequest`,
  fieldViolations: [{ field, description }],
});

/** google.rpc.RetryInfo: when to try again, as a protobuf Duration ("25s", "0.5s"). */
export const retryInfo = (seconds: number): GoogleErrorDetail => ({
  "@type": `${TYPE_PREFIX}RetryInfo`,
  retryDelay: `${Number(seconds.toFixed(3))}s`,
});

/** A 400 INVALID_ARGUMENT with the message Google's request validation words (see parse). */
export const invalidArgument = (message: string, param: string | null = null): GoogleApiError =>
  googleError(400, message, { param });

/** Google's refusal of a value outside the range a field takes, named by its JSON name (`maxOutputTokens`). */
export const outOfRange = (field: string, value: number, range: string): GoogleApiError =>
  googleError(
    400,
    `Unable to submit request because it has a ${field} value of ${value} but the supported range is ${range}. Update the value and try again.`,
  );

/** A 400 for a field of the wrong type: Google names the field, its proto type and the value it got. */
export function invalidValue(field: string, protoType: string, value: unknown): GoogleApiError {
  const message = `Invalid value at '${field}' (${protoType}), ${shownValue(value)}`;
  return googleError(400, message, { param: field, details: [badRequest(field, message)] });
}

/** A value as Google's JSON parser quotes it in its messages: strings quoted, the rest as JSON. */
function shownValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (value === null || typeof value !== "object") return String(value);
  return Array.isArray(value) ? "[...]" : "{...}";
}

/** The HTTP body of a Google error, in Google's field order. */
export function renderGoogleError(error: ApiError): { error: Record<string, unknown> } {
  const body: Record<string, unknown> = { code: error.status, message: error.message, status: error.type };
  // Errors from elsewhere (the transport's own) have no details; those this folder makes may.
  const details = "details" in error ? error.details : undefined;
  if (Array.isArray(details) && details.length > 0) body.details = details;
  return { error: body };
}
