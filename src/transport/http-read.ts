// The read step over HTTP: a JSON body within the server's limits (declared type, size, time, syntax,
// nesting), handed to its route's `receive`; every refusal is answered and recorded here.
import { type ApiError, bodyTooLarge, invalidJson, requestTimeout } from "../core/errors.js";
import { BodyTooLargeError, readBody, RequestTimeoutError } from "./body.js";
import type { HttpExchange } from "./http-exchange.js";
import { tooDeep } from "./json-depth.js";
import { fail, reject, settle } from "./lifecycle.js";
import { unsupportedContentType } from "./request-checks.js";

/** What parseJsonBody returns when it has answered the request itself. */
export const NO_BODY = Symbol("no body");

/**
 * Reads the body as text within the size limit and hands it to the route's `receive` with its size in
 * bytes; answers 400 (a declared non-JSON type), 408 or 413 itself, and 500 when `receive` throws.
 */
export function readJsonBody(exchange: HttpExchange): void {
  const { req } = exchange;
  const wrongType = unsupportedContentType(req);
  if (wrongType) {
    req.resume();
    return reject(exchange, exchange.wire, wrongType);
  }
  readBody(req, exchange.server.maxBodyBytes, bodyRead, exchange);
}

/**
 * Answers a route's refusal by the request's head alone (a surface's or resource's checkHead: Azure's
 * api-version, Anthropic's anthropic-version), its body drained unread; false, with nothing done, for none.
 */
export function refuseUnread(exchange: HttpExchange, refusal: ApiError | null | undefined): boolean {
  if (!refusal) return false;
  exchange.req.resume();
  settle(exchange, exchange.refuse(refusal));
  return true;
}

function bodyRead(exchange: HttpExchange, err: Error | null, raw: Buffer | null): void {
  if (err instanceof BodyTooLargeError) return reject(exchange, exchange.wire, bodyTooLarge(err.limit));
  // node has already answered 408 and closed the connection: this only journals it as what it was.
  if (err instanceof RequestTimeoutError) return reject(exchange, exchange.wire, requestTimeout());
  if (err || !raw) return reject(exchange, exchange.wire, invalidJson());
  try {
    exchange.endpoint.receive(exchange, raw.toString("utf8"), raw.length);
  } catch (failure) {
    fail(exchange, failure);
  }
}

/** The parsed JSON body, or NO_BODY after answering 400 for text that is not JSON or is nested too deep. */
export function parseJsonBody(exchange: HttpExchange, text: string, bytes: number): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    reject(exchange, exchange.wire, invalidJson());
    return NO_BODY;
  }
  const nested = tooDeep(value, bytes);
  if (nested) {
    reject(exchange, exchange.wire, nested);
    return NO_BODY;
  }
  return value;
}
