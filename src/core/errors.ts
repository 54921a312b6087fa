// Errors as values: the structured error every surface renders in its own wire shape, and the catalogue
// of the errors Understudy itself raises, each a kind with its status, param and the facts its message needs.
import type { RateLimitState } from "./rate-limit-state.js";

/**
 * An error answer as fields, worded by a surface: what it renders as its HTTP body, an in-stream event
 * or a WebSocket frame. Nothing reads an error back from a rendered body.
 */
export interface ApiError {
  readonly status: number;
  /** The error's type in the surface's vocabulary (OpenAI's `invalid_request_error`, `server_error`...). */
  readonly type: string;
  readonly code: string | null;
  /** The request field at fault, or null. */
  readonly param: string | null;
  readonly message: string;
  /** Headers the answer carries besides the surface's own (retry-after, the provider's rate-limit headers). */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * What every catalogue error holds. `detail` is Understudy's own account, neutral of any provider: a
 * surface words an error its own way where its provider has wording (OpenAI's 401), and sends `detail`
 * where the text is Understudy's (the nearest misses of a request no fixture matched).
 */
interface Raised<K extends string> {
  readonly kind: K;
  readonly status: number;
  readonly param: string | null;
  readonly detail: string;
}

/** A fixture that came close, and what differed (structurally the fixture index's NearMiss). */
export interface NearMissFacts {
  readonly label: string;
  readonly failures: readonly string[];
}

export interface NoMatch extends Raised<"no_match"> {
  readonly nearest: readonly NearMissFacts[];
}
export interface ModelNotFound extends Raised<"model_not_found"> {
  readonly model: string;
}
export interface RateLimited extends Raised<"rate_limited"> {
  readonly model: string;
  /** Which limit refused: requests or tokens per minute. */
  readonly limit: "requests" | "tokens";
  readonly capacity: number;
  readonly used: number;
  /** What the request asked of that limit: 1 request, or its tokens. */
  readonly requested: number;
  readonly retryAfterMs: number;
  /** Where the limits stand (limits, remaining, resets), which the refusal's headers tell in the surface's words. */
  readonly limits: RateLimitState;
}
/** A fixture's `error`, or one queued from code (`nextError`): its fields are the fixture author's. */
export interface FixtureError extends Raised<"fixture_error"> {
  readonly queued: boolean;
  /** The type and code the fixture names, in the surface's vocabulary; unset, the surface's defaults. */
  readonly type?: string;
  readonly code?: string | null;
  /** Seconds for `retry-after`, as the fixture gives them. */
  readonly retryAfter?: number;
}
export type InvalidJson = Raised<"invalid_json">;
export interface NestedTooDeep extends Raised<"nested_too_deep"> {
  readonly limit: number;
}
export interface BodyTooLarge extends Raised<"body_too_large"> {
  readonly limit: number;
}
export interface Unauthorized extends Raised<"unauthorized"> {
  /** The key presented, masked (see maskKey); undefined when the request presented none. */
  readonly maskedKey: string | undefined;
}
export interface UnsupportedMediaType extends Raised<"unsupported_media_type"> {
  /** The declared media type, without its parameters. */
  readonly contentType: string;
}
export interface RouteNotFound extends Raised<"route_not_found"> {
  readonly method: string;
  /** The path as the answer names it. */
  readonly path: string;
}
export type RequestTimeout = Raised<"request_timeout">;
export type InternalError = Raised<"internal_error">;
export interface MalformedHeader extends Raised<"malformed_header"> {
  readonly header: string;
}

/** Every error the server raises itself; a surface words each kind (see Surface.describeError). */
export type ServerError =
  | NoMatch
  | ModelNotFound
  | RateLimited
  | FixtureError
  | InvalidJson
  | NestedTooDeep
  | BodyTooLarge
  | Unauthorized
  | UnsupportedMediaType
  | RouteNotFound
  | RequestTimeout
  | InternalError
  | MalformedHeader;

export type ServerErrorKind = ServerError["kind"];

/**
 * The status of each kind, as Understudy answers it (an unsupported media type is a 400, as OpenAI-compatible
 * servers answer it); a fixture's error has the status its fixture gives.
 */
export const ERROR_STATUS = {
  no_match: 400,
  model_not_found: 404,
  rate_limited: 429,
  invalid_json: 400,
  nested_too_deep: 400,
  body_too_large: 413,
  unauthorized: 401,
  unsupported_media_type: 400,
  route_not_found: 404,
  request_timeout: 408,
  internal_error: 500,
  malformed_header: 400,
} as const satisfies Record<Exclude<ServerErrorKind, "fixture_error">, number>;

/** Shows a key by its start and end, the middle starred, so an error never carries a whole key. */
export function maskKey(key: string): string {
  if (key.length <= 8) return "*".repeat(key.length);
  return `${key.slice(0, 3)}${"*".repeat(Math.min(key.length - 7, 40))}${key.slice(-4)}`;
}

export function noMatch(nearest: readonly NearMissFacts[]): NoMatch {
  const base = "No matching response found for the given conversation.";
  const misses = nearest.map((miss) => `${miss.label}: ${miss.failures.join("; ")}`);
  const detail =
    nearest.length === 0 ? `${base} No fixtures are loaded.` : `${base} Closest fixtures: ${misses.join(" | ")}`;
  return { kind: "no_match", status: ERROR_STATUS.no_match, param: null, detail, nearest };
}

export function modelNotFound(model: string): ModelNotFound {
  return {
    kind: "model_not_found",
    status: ERROR_STATUS.model_not_found,
    param: "model",
    detail: `The model '${model}' is not served.`,
    model,
  };
}

export function rateLimited(facts: Omit<RateLimited, keyof Raised<"rate_limited">>): RateLimited {
  const detail = `Rate limit reached for ${facts.model} on ${facts.limit} per minute: limit ${facts.capacity}, used ${facts.used}, requested ${facts.requested}.`;
  return { kind: "rate_limited", status: ERROR_STATUS.rate_limited, param: null, detail, ...facts };
}

/** A fixture's error (or a queued one) as its fixture wrote it. */
export function fixtureError(
  error: {
    status: number;
    message: string;
    type?: string;
    code?: string | null;
    param?: string | null;
    retryAfter?: number;
  },
  queued: boolean,
): FixtureError {
  const { status, message, type, code, param, retryAfter } = error;
  return { kind: "fixture_error", status, param: param ?? null, detail: message, queued, type, code, retryAfter };
}

/**
 * The whole seconds a rate limit's refusal tells clients to wait (`retry-after`): its wait rounded up, and
 * at least 1, since 0 would send them straight back.
 */
export function rateLimitRetryAfter(error: RateLimited): number {
  return Math.max(1, Math.ceil(error.retryAfterMs / 1000));
}

/** The seconds a fixture's error tells clients to wait: its `retryAfter`; for a 429 without one, 1 (a 429 always says). */
export function fixtureRetryAfter(error: FixtureError): number | undefined {
  return error.retryAfter ?? (error.status === 429 ? 1 : undefined);
}

export function invalidJson(): InvalidJson {
  return {
    kind: "invalid_json",
    status: ERROR_STATUS.invalid_json,
    param: null,
    detail: "The request body is not valid JSON.",
  };
}

export function nestedTooDeep(limit: number): NestedTooDeep {
  const detail = `The request body nests arrays and objects more than ${limit} levels deep.`;
  return { kind: "nested_too_deep", status: ERROR_STATUS.nested_too_deep, param: null, detail, limit };
}

export function bodyTooLarge(limit: number): BodyTooLarge {
  return {
    kind: "body_too_large",
    status: ERROR_STATUS.body_too_large,
    param: null,
    detail: `Request body exceeds the limit of ${limit} bytes.`,
    limit,
  };
}

/** `key`: the key the request presented (masked here), or undefined when it presented none. */
export function unauthorized(key: string | undefined): Unauthorized {
  const maskedKey = key === undefined ? undefined : maskKey(key);
  const detail = maskedKey === undefined ? "No API key was provided." : `The API key ${maskedKey} is not accepted.`;
  return { kind: "unauthorized", status: ERROR_STATUS.unauthorized, param: null, detail, maskedKey };
}

export function unsupportedMediaType(contentType: string): UnsupportedMediaType {
  const detail = `Unsupported content type '${contentType}': request bodies must be application/json.`;
  return {
    kind: "unsupported_media_type",
    status: ERROR_STATUS.unsupported_media_type,
    param: null,
    detail,
    contentType,
  };
}

export function routeNotFound(method: string, path: string): RouteNotFound {
  return {
    kind: "route_not_found",
    status: ERROR_STATUS.route_not_found,
    param: null,
    detail: `No route answers ${method} ${path}.`,
    method,
    path,
  };
}

export function requestTimeout(): RequestTimeout {
  const detail = "Request timed out: the request body did not arrive within the server's requestTimeout.";
  return { kind: "request_timeout", status: ERROR_STATUS.request_timeout, param: null, detail };
}

/** `detail`: what reportInternalError returned, the message a client's 500 carries. */
export function internalError(detail: string): InternalError {
  return { kind: "internal_error", status: ERROR_STATUS.internal_error, param: null, detail };
}

/** `detail`: what is wrong with the header's value (see timingFromHeaders). */
export function malformedHeader(header: string, detail: string): MalformedHeader {
  return { kind: "malformed_header", status: ERROR_STATUS.malformed_header, param: null, detail, header };
}
