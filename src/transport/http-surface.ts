// A generation surface as a route (POST, credentials, journalled): its body read, answered from the memo
// when seen before, else parsed and run through the pipeline, then delivered (reply-delivery.ts).
import { malformedHeader } from "../core/errors.js";
import { timingFromHeaders } from "../core/timing.js";
import type { RequestClaim, Surface } from "../protocols/types.js";
import type { HttpExchange } from "./http-exchange.js";
import { NO_BODY, parseJsonBody, readJsonBody, refuseUnread } from "./http-read.js";
import { run, settle } from "./lifecycle.js";
import { LARGE_BODY_BYTES } from "../pipeline-sliced.js";
import { deliverOutcome } from "./reply-delivery.js";
import { clientKey } from "./request-checks.js";
import type { Route } from "./routes.js";

/** Memo variants of a request without timing headers (see memoVariant). */
const PLAIN_VARIANT = "";
const SSE_VARIANT = "sse";

const POST = ["POST"];

/**
 * `path` without `/v1` (or a pattern whose groups are handed to the surface's negotiateStream): the
 * surface answers POSTs there; with `claims`, only those of the requests it claims.
 */
export function surfaceRoute(path: string | RegExp, surface: Surface, claims?: RequestClaim): Route {
  return {
    methods: POST,
    path,
    credentials: true,
    recorded: true,
    api: surface.api,
    label: surface.api,
    provider: surface.provider,
    wire: surface,
    claims,
    serve: (exchange) => serveSurface(exchange, surface),
    receive: (exchange, text, bytes) => answerSurface(exchange, surface, text, bytes),
  };
}

function serveSurface(exchange: HttpExchange, surface: Surface): void {
  exchange.api = exchange.endpoint.api;
  if (refuseUnread(exchange, surface.checkHead?.(exchange.req))) return;
  exchange.timing = timingFromHeaders(exchange.req.headers);
  readJsonBody(exchange);
}

/**
 * The memo variant of a request (everything besides its surface and body that shapes the outcome: its
 * timing headers, whether it asks for SSE, its path's parameters), or null when the memo may not be used now.
 */
function memoVariant(exchange: HttpExchange, surface: Surface): string | null {
  const { timing, server, params } = exchange;
  if ((timing !== undefined && "error" in timing) || !server.memo.usable(server, surface)) return null;
  const sse = surface.asksForStream(exchange.req) ? SSE_VARIANT : PLAIN_VARIANT;
  // Most routes have no parameters: their variant is a constant, built without a string.
  const variant = params.length === 0 ? sse : `${sse}\u0000${params.join("/")}`;
  return timing === undefined ? variant : `${variant}\u0000${JSON.stringify(timing)}`;
}

function answerSurface(exchange: HttpExchange, surface: Surface, text: string, bytes: number): void {
  // A body seen before is answered from its remembered outcome, without parsing it again.
  const variant = bytes > LARGE_BODY_BYTES ? null : memoVariant(exchange, surface);
  const hit = variant === null ? undefined : exchange.server.memo.get(surface, variant, text);
  if (hit !== undefined) {
    exchange.body = hit.body;
    return settle(exchange, deliverOutcome(exchange, surface, hit.outcome));
  }
  const body = parseJsonBody(exchange, text, bytes);
  if (body !== NO_BODY) settle(exchange, runSurface(exchange, surface, body, bytes, variant, text));
}

/**
 * The run step: the pipeline on the body as the surface negotiates it with the request's headers;
 * `variant`: where the memo keeps the outcome (see PipelineMemo), or null.
 */
function runSurface(
  exchange: HttpExchange,
  surface: Surface,
  parsed: unknown,
  bytes: number,
  variant: string | null,
  text: string,
): Promise<void> | void {
  const body = surface.negotiateStream(exchange.req, parsed, exchange.params);
  exchange.body = body;
  const { timing } = exchange;
  if (timing !== undefined && "error" in timing)
    return exchange.refuse(surface.describeError(malformedHeader(timing.header, timing.error)));
  const outcome = run(exchange, surface, body, bytes, clientKey(exchange.req, surface.credentials), timing);
  if (outcome instanceof Promise) {
    // A large body planned in slices: null when the client left meanwhile.
    return outcome.then((ready) =>
      ready === null ? void (exchange.interrupted = true) : deliverOutcome(exchange, surface, ready),
    );
  }
  if (variant !== null) exchange.server.memo.remember(surface, variant, text, body, outcome);
  return deliverOutcome(exchange, surface, outcome);
}
