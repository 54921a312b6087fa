// The HTTP transport: routes requests, reads bodies within limits, runs the pipeline, writes the
// answer and records the exchange in the journal.
import cluster from "node:cluster";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Journal, JournalEntry } from "../journal/journal.js";
import { timingFromHeaders, type TimingOptions } from "../core/timing.js";
import { isInStreamError, runPipeline, type Outcome, type PipelineState } from "../pipeline.js";
import { PipelineMemo } from "../pipeline-memo.js";
import { LARGE_BODY_BYTES, runSlicedPipeline } from "../pipeline-sliced.js";
import { bodyTooLarge, internalError as internalFault, invalidJson, malformedHeader, requestTimeout, routeNotFound, type ApiError, type ServerError } from "../core/errors.js";
import type { ResourceAnswer, ResourceRoute, Surface, SurfaceWire } from "../protocols/types.js";
import { BodyTooLargeError, readBody, RequestTimeoutError } from "./body.js";
import { tooDeep } from "./json-depth.js";
import type { ServerMetrics } from "./metrics.js";
import { metricsRoute, writeMetrics } from "./metrics-endpoint.js";
import type { Pacer } from "./pacer.js";
import { reportExchange, stampProcessingTime, type HttpExchange, type SurfaceRequest } from "./exchange.js";
import { reportInternalError } from "./internal-error.js";
import { deliverReply } from "./reply-delivery.js";
import { clientKey, parseJson, unsupportedContentType } from "./request-checks.js";
import { routePath } from "./route-path.js";
import { writeJson, writeSse } from "./writer.js";

export interface HttpState extends PipelineState {
  journal: Journal;
  /** The server's one scheduler and its answers' timing. */
  pacer: Pacer;
  maxBodyBytes: number;
  /** Outcomes of requests seen before, for answering repeats without running the pipeline. */
  memo: PipelineMemo;
  /** This server's Prometheus metrics, served at `GET /metrics`. */
  metrics: ServerMetrics;
  /** Called once per finished exchange (the CLI prints its request log line from it). */
  onExchange?: (entry: JournalEntry) => void;
  /** The wire of routes with no surface of their own (/health, unknown URLs, the 401 before a route is known). */
  defaultSurface: SurfaceWire;
}

/** Generation endpoints by path, without the optional `/v1` prefix. */
export type SurfaceRoutes = Record<string, Surface>;

/** What parseJsonBody returns when it has answered the request itself. */
const NO_BODY = Symbol("no body");

/** Memo variants of a request without timing headers (see memoVariant). */
const PLAIN_VARIANT = "";
const SSE_VARIANT = "sse";

/** Under `--workers`, /health names the worker (cluster id and pid) that answered, to tell them apart. */
const HEALTH_BODY = cluster.worker ? { status: "ok", worker: cluster.worker.id, pid: process.pid } : { status: "ok" };

/**
 * A path parameter as the client meant it; a malformed percent-escape (`%ZZ`, a cut `%E0%A4%A`)
 * stays as it was sent, so the route answers its own 404 for an id that does not exist.
 */
function decodeParam(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function findResource(routes: readonly ResourceRoute[], method: string, path: string): { route: ResourceRoute; params: string[] } | null {
  for (const route of routes) {
    if (route.method !== method) continue;
    const found = route.pattern.exec(path);
    if (found) return { route, params: found.slice(1).map(decodeParam) };
  }
  return null;
}

export function createRequestHandler(state: HttpState, surfaces: SurfaceRoutes, resources: readonly ResourceRoute[] = []) {
  const context = { ids: state.ids, clock: state.clock };
  // A Map, not the object: a request's path is a fresh string, and looking it up as a property key
  // first searches V8's table of every interned string.
  const surfaceByPath = new Map(Object.entries(surfaces));

  /** Records a finished exchange: its duration, the journal, the log callback and the metrics. */
  function finish(exchange: HttpExchange): void {
    const { entry } = exchange;
    entry.durationMs = Math.round((performance.now() - exchange.arrival) * 10) / 10;
    state.journal.add(entry);
    if (state.onExchange) reportExchange(state.onExchange, entry);
    state.metrics.requestFinished(entry.api ?? metricsRoute(routePath(entry.path), surfaces, resources), entry.status, entry.durationMs);
  }

  /** Finishes the exchange now, or once a pending answer (a stream, a paced or queued reply) is complete. */
  function settle(exchange: HttpExchange, pending: Promise<void> | void): void {
    if (pending) pending.then(() => finish(exchange), (failure: unknown) => internalError(exchange, failure));
    else finish(exchange);
  }

  /** Answers with an error in the exchange's surface's shape. */
  function sendError(exchange: HttpExchange, error: ApiError): void {
    const { entry, headers, surface } = exchange;
    stampProcessingTime(headers, exchange.arrival, surface.processingTimeHeader);
    entry.status = error.status;
    entry.error = error.message;
    if (error.headers) Object.assign(headers, error.headers);
    writeJson(exchange.res, error.status, surface.renderError(error), headers);
  }

  /** Answers with an error and finishes the exchange. */
  function fail(exchange: HttpExchange, error: ApiError): void {
    sendError(exchange, error);
    finish(exchange);
  }

  /** Answers with one of the server's own errors, as the exchange's surface words it, and finishes the exchange. */
  function raise(exchange: HttpExchange, error: ServerError): void {
    fail(exchange, exchange.surface.describeError(error));
  }

  /**
   * A bug in a stage must not take the server down: the answer is a 500 if it can still be, and the
   * server keeps serving.
   */
  function internalError(exchange: HttpExchange, failure: unknown): void {
    const message = reportInternalError(failure, `${exchange.entry.method} ${exchange.entry.path}`);
    if (!exchange.res.headersSent) sendError(exchange, exchange.surface.describeError(internalFault(message)));
    else exchange.res.destroy();
    finish(exchange);
  }

  /**
   * Runs the pipeline on a parsed body and writes the answer; resolves when the answer is complete.
   * `memo`: where to remember the outcome (see PipelineMemo), or null.
   */
  function answer(request: SurfaceRequest, body: unknown, bytes: number, memo: { variant: string; text: string } | null): Promise<void> | void {
    const { surface, req, entry, timing } = request;
    // Stream negotiation is the surface's: a request may ask for a stream in its headers.
    body = surface.negotiateStream(req, body);
    entry.body = body;
    if (timing !== undefined && "error" in timing) return sendError(request, surface.describeError(malformedHeader(timing.header, timing.error)));
    if (bytes > LARGE_BODY_BYTES) return answerSliced(request, body, timing);
    const outcome = runPipeline(state, surface, body, clientKey(req, surface.credentials), timing);
    if (memo !== null) state.memo.remember(surface, memo.variant, memo.text, body, outcome);
    return respond(request, outcome);
  }

  /** A large body's answer: its token counts are prepared in slices, so other clients are served meanwhile. */
  async function answerSliced(request: SurfaceRequest, body: unknown, timing: TimingOptions | undefined): Promise<void> {
    const { surface, req } = request;
    const outcome = await runSlicedPipeline(state, surface, body, clientKey(req, surface.credentials), timing, () => request.res.destroyed);
    if (outcome === null) return void (request.entry.interrupted = true);
    return respond(request, outcome);
  }

  /** Writes the pipeline's outcome: an error, or the reply (after its generation slot, under maxConcurrency). */
  function respond(request: SurfaceRequest, outcome: Outcome): Promise<void> | void {
    const { surface, res, entry, headers, arrival } = request;
    entry.fixture = outcome.fixture;
    if (outcome.conversation) {
      entry.model = outcome.conversation.model;
      entry.stream = outcome.conversation.stream;
    }
    if (outcome.kind === "error") {
      // A fixture's error on a stream that reports errors in-band goes out as events, status 200.
      const { conversation } = outcome;
      if (conversation && isInStreamError(outcome) && surface.renderStreamError) {
        entry.status = 200;
        entry.error = outcome.error.message;
        const stream = surface.renderStreamError(outcome.error, conversation, context);
        return writeSse(res, stream, headers, { pacing: null, arrival: performance.now() }).then(() => surface.delivered?.(conversation, stream.delivery, true));
      }
      sendError(request, outcome.error);
      if (conversation) surface.delivered?.(conversation, undefined, true);
      return;
    }
    entry.status = 200;
    if (outcome.warnings.length) entry.warnings = outcome.warnings;
    Object.assign(headers, outcome.headers);
    const admission = state.policies.beforeDelivery;
    if (admission === null) return deliverReply(state, surface, outcome, context, request);
    // Under maxConcurrency the answer waits for a generation slot, which it holds until it is complete.
    const slot = admission.enter();
    const deliver = (): Promise<void> | void => {
      if (slot !== null) request.start = performance.now();
      entry.queuedMs = Math.round((request.start - arrival) * 10) / 10;
      headers["x-understudy-queue-ms"] = Math.round(entry.queuedMs);
      // Refused by admission: the client left before its slot, so the reply's sequence numbers go back.
      if (res.destroyed) return void (state.fixtures.release(outcome.sequences), (entry.interrupted = true));
      return deliverReply(state, surface, outcome, context, request);
    };
    return (slot ?? Promise.resolve()).then(deliver).finally(() => admission.leave());
  }

  /**
   * Reads the body as text within the size limit and hands it to `use` with its size in bytes; answers
   * 400 (a declared non-JSON type) or 413 itself, and 500 when `use` throws.
   */
  function readJsonText(exchange: HttpExchange, use: (text: string, bytes: number) => void): void {
    const { req } = exchange;
    const wrongType = unsupportedContentType(req);
    if (wrongType) {
      req.resume();
      return raise(exchange, wrongType);
    }
    readBody(req, state.maxBodyBytes, (err, raw) => {
      if (err instanceof BodyTooLargeError) return raise(exchange, bodyTooLarge(err.limit));
      // node has already answered 408 and closed the connection: this only journals it as what it was.
      if (err instanceof RequestTimeoutError) return raise(exchange, requestTimeout());
      if (err || !raw) return raise(exchange, invalidJson());
      try {
        use(raw.toString("utf8"), raw.length);
      } catch (failure) {
        internalError(exchange, failure);
      }
    });
  }

  /** The parsed JSON body, or NO_BODY after answering 400 for text that is not JSON or is nested too deep. */
  function parseJsonBody(exchange: HttpExchange, text: string, bytes: number): unknown {
    const parsed = parseJson(text);
    if (!parsed.ok) {
      raise(exchange, invalidJson());
      return NO_BODY;
    }
    const nested = tooDeep(parsed.value, bytes);
    if (nested) {
      raise(exchange, nested);
      return NO_BODY;
    }
    return parsed.value;
  }

  /**
   * The memo variant of a request (everything besides its surface and body that shapes the outcome:
   * its timing headers and whether it asks for SSE), or null when the memo may not be used now.
   */
  function memoVariant(request: SurfaceRequest): string | null {
    const { timing } = request;
    if ((timing !== undefined && "error" in timing) || !state.memo.usable(state, request.surface)) return null;
    const sse = request.surface.asksForStream(request.req);
    if (timing === undefined) return sse ? SSE_VARIANT : PLAIN_VARIANT;
    return `${sse ? SSE_VARIANT : PLAIN_VARIANT}\u0000${JSON.stringify(timing)}`;
  }

  function serveSurface(request: SurfaceRequest): void {
    request.entry.api = request.surface.api;
    readJsonText(request, (text, bytes) => {
      // A body seen before is answered from its remembered outcome, without parsing it again.
      const variant = bytes > LARGE_BODY_BYTES ? null : memoVariant(request);
      const hit = variant === null ? undefined : state.memo.get(request.surface, variant, text);
      if (hit !== undefined) {
        request.entry.body = hit.body;
        return settle(request, respond(request, hit.outcome));
      }
      const body = parseJsonBody(request, text, bytes);
      if (body !== NO_BODY) settle(request, answer(request, body, bytes, variant === null ? null : { variant, text }));
    });
  }

  /** Resolves (when it returns a promise) once a body written in parts is complete or the client has gone. */
  function sendResource(exchange: HttpExchange, answer: ResourceAnswer): Promise<void> | void {
    const { entry, headers } = exchange;
    if (answer.model !== undefined) entry.model = answer.model;
    if (answer.fixture !== undefined) entry.fixture = answer.fixture;
    if (answer.error !== undefined) return sendError(exchange, answer.error);
    stampProcessingTime(headers, exchange.arrival, exchange.surface.processingTimeHeader);
    entry.status = answer.status;
    if (answer.headers) Object.assign(headers, answer.headers);
    return writeJson(exchange.res, answer.status, answer.body, headers)?.then(({ interrupted }) => void (entry.interrupted = interrupted));
  }

  function serveResource(exchange: HttpExchange, method: string, resource: { route: ResourceRoute; params: string[] }): void {
    const { route, params } = resource;
    const url = exchange.entry.path;
    const query = new URLSearchParams(url.includes("?") ? url.slice(url.indexOf("?") + 1) : "");
    if (route.api) exchange.entry.api = route.api;
    if (method !== "POST") return settle(exchange, answerResource(exchange, route.handle(params, query)));
    readJsonText(exchange, (text, bytes) => {
      const body = parseJsonBody(exchange, text, bytes);
      if (body === NO_BODY) return;
      exchange.entry.body = body;
      settle(exchange, answerResource(exchange, route.handle(params, query, body)));
    });
  }

  /** Sends a route's answer, once it is ready when the route works on it in slices (large embeddings requests). */
  function answerResource(exchange: HttpExchange, answer: ResourceAnswer | Promise<ResourceAnswer>): Promise<void> | void {
    return answer instanceof Promise ? answer.then((ready) => sendResource(exchange, ready)) : sendResource(exchange, answer);
  }

  return function handleRequest(req: IncomingMessage, res: ServerResponse): void {
    const arrival = performance.now();
    const requestId = state.ids.next("req_", 32, "hex");
    const method = req.method ?? "GET";
    const url = req.url ?? "/";
    const entry: JournalEntry = {
      requestId, time: state.clock.now(), method, path: url, stream: false, status: 0, fixture: null, durationMs: 0, interrupted: false,
    };
    const path = routePath(url);
    const surface = surfaceByPath.get(path);
    // The hot path: one object for the whole exchange, built at once.
    if (surface && method === "POST") {
      const denied = state.policies.checkCredentials(req, surface.credentials);
      const request: SurfaceRequest = { req, res, entry, headers: surface.answerHeaders(requestId), arrival, surface, timing: timingFromHeaders(req.headers), start: arrival };
      return denied ? raise(request, denied) : serveSurface(request);
    }
    // Scrapes skip API-key auth (Prometheus sends no bearer token) and are neither journalled nor
    // counted: they watch the traffic, they are not part of it.
    if (path === "/metrics" && (method === "GET" || method === "HEAD")) return writeMetrics(res, state.metrics);
    const resource = findResource(resources, method, path);
    const wire = resource?.route.surface ?? state.defaultSurface;
    const exchange: HttpExchange = { req, res, entry, headers: wire.answerHeaders(requestId), arrival, surface: wire };
    if (path === "/health" && (method === "GET" || method === "HEAD")) {
      entry.status = 200;
      writeJson(res, 200, HEALTH_BODY, exchange.headers);
      return finish(exchange);
    }
    const denied = state.policies.checkCredentials(req, wire.credentials);
    if (denied) return raise(exchange, denied);
    if (resource) return serveResource(exchange, method, resource);
    raise(exchange, routeNotFound(method, url.split("?")[0]));
  };
}
