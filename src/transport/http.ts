// The HTTP transport: routes requests, reads bodies within limits, runs the pipeline, writes the
// answer and records the exchange in the journal.
import cluster from "node:cluster";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Journal, JournalEntry } from "../journal/journal.js";
import { timingFromHeaders } from "../core/timing.js";
import { isInStreamError, runPipeline, type Outcome, type PipelineState } from "../pipeline.js";
import { PipelineMemo } from "../pipeline-memo.js";
import { isRecord } from "../protocols/openai/content.js";
import { invalidRequest, openAIError } from "../protocols/openai/errors.js";
import type { ApiError, ResourceAnswer, ResourceRoute, Surface } from "../protocols/types.js";
import type { Admission } from "./admission.js";
import { authenticate, type AuthKeys } from "./auth.js";
import { BodyTooLargeError, readBody } from "./body.js";
import { tooDeep } from "./json-depth.js";
import type { ServerMetrics } from "./metrics.js";
import { metricsRoute, writeMetrics } from "./metrics-endpoint.js";
import type { Pacer } from "./pacer.js";
import { deliverReply, stampProcessingTime } from "./reply-delivery.js";
import { clientKey, INVALID_JSON, parseJson, unsupportedContentType, wantsEventStream } from "./request-checks.js";
import { routePath } from "./route-path.js";
import { writeJson, writeSse } from "./writer.js";

export interface HttpState extends PipelineState {
  journal: Journal;
  /** The server's one scheduler and its answers' timing. */
  pacer: Pacer;
  /** The maxConcurrency queue, or null without a limit. */
  admission: Admission | null;
  auth: AuthKeys;
  maxBodyBytes: number;
  /** Outcomes of requests seen before, for answering repeats without running the pipeline. */
  memo: PipelineMemo;
  /** This server's Prometheus metrics, served at `GET /metrics`. */
  metrics: ServerMetrics;
  /** Called once per finished exchange (the CLI prints its request log line from it). */
  onExchange?: (entry: JournalEntry) => void;
}

/** Generation endpoints by path, without the optional `/v1` prefix. */
export type SurfaceRoutes = Record<string, Surface>;

type Headers = Record<string, string | number>;

/** One request being answered. */
interface HttpExchange {
  req: IncomingMessage;
  res: ServerResponse;
  entry: JournalEntry;
  /** The answer's headers, completed as it is written. */
  headers: Headers;
  /** performance.now() when the request arrived. */
  arrival: number;
  /** Records the finished exchange (journal, metrics, log); called once the answer is complete. */
  done: () => void;
}

/** A request to a generation endpoint, with what its headers say of its timing. */
interface SurfaceRequest extends HttpExchange {
  surface: Surface;
  timing: ReturnType<typeof timingFromHeaders>;
}

const OPENAI_VERSION = "2020-10-01";

/** Under `--workers`, /health names the worker (cluster id and pid) that answered, to tell them apart. */
const HEALTH_BODY = cluster.worker ? { status: "ok", worker: cluster.worker.id, pid: process.pid } : { status: "ok" };

function errorMessage(error: ApiError): string | undefined {
  return (error.body as { error?: { message?: string } }).error?.message;
}

function findResource(routes: readonly ResourceRoute[], method: string, path: string): { route: ResourceRoute; params: string[] } | null {
  for (const route of routes) {
    if (route.method !== method) continue;
    const found = route.pattern.exec(path);
    if (found) return { route, params: found.slice(1).map(decodeURIComponent) };
  }
  return null;
}


export function createRequestHandler(state: HttpState, surfaces: SurfaceRoutes, resources: readonly ResourceRoute[] = []) {
  const context = { ids: state.ids, clock: state.clock };

  function sendError(exchange: HttpExchange, error: ApiError): void {
    const { entry, headers } = exchange;
    stampProcessingTime(headers, exchange.arrival);
    entry.status = error.status;
    entry.error = errorMessage(error);
    if (error.headers) Object.assign(headers, error.headers);
    writeJson(exchange.res, error.status, error.body, headers);
  }

  /**
   * Runs the pipeline on a parsed body and writes the answer; resolves when the answer is complete.
   * `memo`: where to remember the outcome (see PipelineMemo), or null.
   */
  function answer(request: SurfaceRequest, body: unknown, memo: { variant: string; text: string } | null): Promise<void> | void {
    const { surface, req, entry, timing } = request;
    // The real API answers JSON unless `stream: true`; a client that leaves `stream` unset and asks
    // for an event stream in `Accept` (as seed 001's samples expect) gets one.
    if (isRecord(body) && body.stream === undefined && wantsEventStream(req)) body = { ...body, stream: true };
    entry.body = body;
    if (timing !== undefined && "error" in timing) return sendError(request, invalidRequest(timing.error, null, "invalid_header"));
    const outcome = runPipeline(state, surface, body, clientKey(req), timing);
    if (memo !== null) state.memo.remember(surface, memo.variant, memo.text, body, outcome);
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
      if (outcome.conversation && isInStreamError(outcome) && surface.renderStreamError) {
        entry.status = 200;
        entry.error = errorMessage(outcome.error);
        const events = surface.renderStreamError(outcome.error, outcome.conversation, context);
        return writeSse(res, events, headers, { pacing: null, arrival: performance.now() }).then(() => undefined);
      }
      return sendError(request, outcome.error);
    }
    entry.status = 200;
    if (outcome.warnings.length) entry.warnings = outcome.warnings;
    Object.assign(headers, outcome.headers);
    const admission = state.admission;
    const delivery = { res, entry, headers, arrival, start: arrival };
    if (admission === null) return deliverReply(state, surface, outcome, context, delivery);
    // Under maxConcurrency the answer waits for a generation slot, which it holds until it is complete.
    const slot = admission.enter();
    const deliver = (): Promise<void> | void => {
      if (slot !== null) delivery.start = performance.now();
      entry.queuedMs = Math.round((delivery.start - arrival) * 10) / 10;
      headers["x-understudy-queue-ms"] = Math.round(entry.queuedMs);
      if (res.destroyed) return void (entry.interrupted = true);
      return deliverReply(state, surface, outcome, context, delivery);
    };
    return (slot ?? Promise.resolve()).then(deliver).finally(() => admission.leave());
  }

  /**
   * Reads the JSON body within the size limit and hands it to `use`, which calls `done` once its answer
   * is complete; answers 413 or 400 itself when there is no JSON body, and 500 when `use` throws.
   * `remembered` may answer from the body's text before it is parsed, returning true when it did.
   */
  function withJsonBody(exchange: HttpExchange, use: (body: unknown) => void, remembered: (text: string) => boolean = () => false): void {
    const { req } = exchange;
    const wrongType = unsupportedContentType(req);
    if (wrongType) {
      req.resume();
      sendError(exchange, wrongType);
      return exchange.done();
    }
    readBody(req, state.maxBodyBytes, (err, raw) => {
      const text = err || !raw ? null : raw.toString("utf8");
      if (text !== null && guard(exchange, () => remembered(text))) return;
      const parsed = text !== null ? parseJson(text) : { ok: false as const };
      if (err || !parsed.ok) {
        const error =
          err instanceof BodyTooLargeError
            ? openAIError(413, err.message, { type: "invalid_request_error", code: "request_too_large" })
            : invalidRequest(INVALID_JSON, null);
        sendError(exchange, error);
        return exchange.done();
      }
      const nested = tooDeep(parsed.value, raw?.length ?? 0);
      if (nested) {
        sendError(exchange, nested);
        return exchange.done();
      }
      guard(exchange, () => use(parsed.value));
    });
  }

  /**
   * Runs a stage and returns what it returns. A bug in a stage must not take the server down: when it
   * throws, the answer is a 500 if it can still be, and the server keeps serving.
   */
  function guard<T>(exchange: HttpExchange, stage: () => T): T | true {
    try {
      return stage();
    } catch (failure) {
      const message = `Internal error in Understudy: ${(failure as Error).message}`;
      if (!exchange.res.headersSent) sendError(exchange, openAIError(500, message, { type: "server_error" }));
      else exchange.res.destroy();
      exchange.done();
      return true;
    }
  }

  function serveSurface(request: SurfaceRequest): void {
    const { surface, req, entry, timing, done } = request;
    entry.api = surface.api;
    const settle = (pending: Promise<void> | void): void => {
      if (pending) pending.then(done, done);
      else done();
    };
    // Besides the body, the request's timing and Accept shape the outcome.
    const memoable = (timing === undefined || !("error" in timing)) && state.memo.usable(state, surface);
    let variant: string | null = null;
    let text = "";
    const remembered = (bodyText: string): boolean => {
      if (!memoable) return false;
      variant = `${wantsEventStream(req) ? "sse" : ""}\u0000${timing === undefined ? "" : JSON.stringify(timing)}`;
      text = bodyText;
      const hit = state.memo.get(surface, variant, text);
      if (hit === undefined) return false;
      entry.body = hit.body;
      settle(respond(request, hit.outcome));
      return true;
    };
    withJsonBody(request, (body) => settle(answer(request, body, variant === null ? null : { variant, text })), remembered);
  }

  function sendResource(exchange: HttpExchange, answer: ResourceAnswer): void {
    const { entry, headers } = exchange;
    stampProcessingTime(headers, exchange.arrival);
    entry.status = answer.status;
    if (answer.model !== undefined) entry.model = answer.model;
    if (answer.fixture !== undefined) entry.fixture = answer.fixture;
    if (answer.status >= 400) entry.error = errorMessage(answer);
    if (answer.headers) Object.assign(headers, answer.headers);
    writeJson(exchange.res, answer.status, answer.body, headers);
  }

  return function handleRequest(req: IncomingMessage, res: ServerResponse): void {
    const arrival = performance.now();
    const requestId = state.ids.next("req_", 32, "hex");
    const headers: Headers = { "x-request-id": requestId, "openai-version": OPENAI_VERSION };
    const method = req.method ?? "GET";
    const url = req.url ?? "/";
    const entry: JournalEntry = {
      requestId, time: state.clock.now(), method, path: url, stream: false, status: 0, fixture: null, durationMs: 0, interrupted: false,
    };
    const done = (): void => {
      entry.durationMs = Math.round((performance.now() - arrival) * 10) / 10;
      state.journal.add(entry);
      state.onExchange?.(entry);
      state.metrics.requestFinished(entry.api ?? metricsRoute(routePath(url), surfaces, resources), entry.status, entry.durationMs);
    };
    const path = routePath(url);
    if (path === "/health" && (method === "GET" || method === "HEAD")) {
      entry.status = 200;
      writeJson(res, 200, HEALTH_BODY, headers);
      return done();
    }
    // Scrapes skip API-key auth (Prometheus sends no bearer token) and are neither journalled nor
    // counted: they watch the traffic, they are not part of it.
    if (path === "/metrics" && (method === "GET" || method === "HEAD")) return writeMetrics(res, state.metrics);
    const denied = authenticate(req, state.auth);
    if (denied) {
      sendError({ req, res, entry, headers, arrival, done }, denied);
      return done();
    }
    const surface = surfaces[path];
    // The hot path: one object for the whole exchange, built at once.
    if (surface && method === "POST") return serveSurface({ req, res, entry, headers, arrival, done, surface, timing: timingFromHeaders(req.headers) });
    const exchange: HttpExchange = { req, res, entry, headers, arrival, done };
    const resource = findResource(resources, method, path);
    if (resource) {
      const { route, params } = resource;
      const query = new URLSearchParams(url.includes("?") ? url.slice(url.indexOf("?") + 1) : "");
      if (route.api) entry.api = route.api;
      if (method !== "POST") {
        sendResource(exchange, route.handle(params, query));
        return done();
      }
      return withJsonBody(exchange, (body) => {
        entry.body = body;
        sendResource(exchange, route.handle(params, query, body));
        done();
      });
    }
    sendError(exchange, openAIError(404, `Invalid URL (${method} ${url.split("?")[0]})`, { type: "invalid_request_error" }));
    done();
  };
}
