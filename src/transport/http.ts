// The HTTP transport: routes requests, reads bodies within limits, runs the pipeline, writes the
// answer and records the exchange in the journal.
import cluster from "node:cluster";
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Journal, JournalEntry } from "../journal/journal.js";
import { timingFromHeaders } from "../core/timing.js";
import { isInStreamError, runPipeline, type PipelineState } from "../pipeline.js";
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
  /** This server's Prometheus metrics, served at `GET /metrics`. */
  metrics: ServerMetrics;
  /** Called once per finished exchange (the CLI prints its request log line from it). */
  onExchange?: (entry: JournalEntry) => void;
}

/** Generation endpoints by path, without the optional `/v1` prefix. */
export type SurfaceRoutes = Record<string, Surface>;

type Headers = Record<string, string | number>;

const INVALID_JSON =
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. " +
  "The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)";

function wantsEventStream(req: IncomingMessage): boolean {
  const accept = req.headers.accept;
  return accept !== undefined && accept.includes("text/event-stream");
}

const OPENAI_VERSION = "2020-10-01";

/** Under `--workers`, /health names the worker (cluster id and pid) that answered, to tell them apart. */
const HEALTH_BODY = cluster.worker ? { status: "ok", worker: cluster.worker.id, pid: process.pid } : { status: "ok" };

/** The API key a request authenticated with, which rate limits are kept per ("" without one). */
export function clientKey(req: IncomingMessage): string {
  const header = req.headers.authorization;
  return header?.startsWith("Bearer ") ? header.slice(7).trim() : "";
}

/**
 * A body declared as something other than JSON is refused as OpenAI refuses it. A request with no
 * Content-Type at all is read as JSON, which is what raw HTTP clients mean by it.
 */
function unsupportedContentType(req: IncomingMessage): ApiError | null {
  const type = req.headers["content-type"];
  if (type === undefined || /^\s*application\/([\w.+-]*\+)?json\s*(;|$)/i.test(type)) return null;
  const shown = type.split(";")[0].trim();
  return invalidRequest(
    `Unsupported content type: '${shown}'. This API method only accepts 'application/json' requests, but you specified the header 'Content-Type: ${shown}'. Please try again with a supported content type.`,
    null,
    "unsupported_content_type",
  );
}

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

function parseJson(raw: Buffer): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(raw.toString("utf8")) };
  } catch {
    return { ok: false };
  }
}

export function createRequestHandler(state: HttpState, surfaces: SurfaceRoutes, resources: readonly ResourceRoute[] = []) {
  const context = { ids: state.ids, clock: state.clock };
  const arrivals = new WeakMap<JournalEntry, number>();

  /** `openai-processing-ms`: the time from the request's arrival to the answer's headers. */
  function stampProcessing(headers: Headers, entry: JournalEntry): void {
    stampProcessingTime(headers, arrivals.get(entry) ?? performance.now());
  }

  function sendError(res: ServerResponse, error: ApiError, entry: JournalEntry, headers: Headers): void {
    stampProcessing(headers, entry);
    entry.status = error.status;
    entry.error = errorMessage(error);
    if (error.headers) Object.assign(headers, error.headers);
    writeJson(res, error.status, error.body, headers);
  }

  /** Runs the pipeline on a parsed body and writes the answer; resolves when the answer is complete. */
  function answer(surface: Surface, req: IncomingMessage, res: ServerResponse, body: unknown, entry: JournalEntry, headers: Headers): Promise<void> | void {
    // The real API answers JSON unless `stream: true`; a client that leaves `stream` unset and asks
    // for an event stream in `Accept` (as seed 001's samples expect) gets one.
    if (isRecord(body) && body.stream === undefined && wantsEventStream(req)) body = { ...body, stream: true };
    entry.body = body;
    const requestTiming = timingFromHeaders(req.headers);
    if (requestTiming !== undefined && "error" in requestTiming) return sendError(res, invalidRequest(requestTiming.error, null, "invalid_header"), entry, headers);
    const outcome = runPipeline(state, surface, body, clientKey(req), requestTiming);
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
      return sendError(res, outcome.error, entry, headers);
    }
    entry.status = 200;
    if (outcome.warnings.length) entry.warnings = outcome.warnings;
    Object.assign(headers, outcome.headers);
    const admission = state.admission;
    const arrival = arrivals.get(entry) ?? performance.now();
    const exchange = { res, entry, headers, arrival, start: arrival };
    if (admission === null) return deliverReply(state, surface, outcome, context, exchange);
    // Under maxConcurrency the answer waits for a generation slot, which it holds until it is complete.
    const slot = admission.enter();
    const deliver = (): Promise<void> | void => {
      if (slot !== null) exchange.start = performance.now();
      entry.queuedMs = Math.round((exchange.start - arrival) * 10) / 10;
      headers["x-understudy-queue-ms"] = Math.round(entry.queuedMs);
      if (res.destroyed) return void (entry.interrupted = true);
      return deliverReply(state, surface, outcome, context, exchange);
    };
    return (slot ?? Promise.resolve()).then(deliver).finally(() => admission.leave());
  }

  /**
   * Reads the JSON body within the size limit and hands it to `use`, which calls `done` once its answer
   * is complete; answers 413 or 400 itself when there is no JSON body, and 500 when `use` throws.
   */
  function withJsonBody(req: IncomingMessage, res: ServerResponse, entry: JournalEntry, headers: Headers, done: () => void, use: (body: unknown) => void): void {
    const wrongType = unsupportedContentType(req);
    if (wrongType) {
      req.resume();
      sendError(res, wrongType, entry, headers);
      return done();
    }
    readBody(req, state.maxBodyBytes, (err, raw) => {
      const parsed = raw ? parseJson(raw) : { ok: false as const };
      if (err || !parsed.ok) {
        const error =
          err instanceof BodyTooLargeError
            ? openAIError(413, err.message, { type: "invalid_request_error", code: "request_too_large" })
            : invalidRequest(INVALID_JSON, null);
        sendError(res, error, entry, headers);
        return done();
      }
      const nested = tooDeep(parsed.value, raw?.length ?? 0);
      if (nested) {
        sendError(res, nested, entry, headers);
        return done();
      }
      try {
        use(parsed.value);
      } catch (failure) {
        // A bug in a stage must not take the server down: answer 500 if we still can, and keep serving.
        const message = `Internal error in Understudy: ${(failure as Error).message}`;
        if (!res.headersSent) sendError(res, openAIError(500, message, { type: "server_error" }), entry, headers);
        else res.destroy();
        done();
      }
    });
  }

  function serveSurface(surface: Surface, req: IncomingMessage, res: ServerResponse, entry: JournalEntry, headers: Headers, done: () => void): void {
    entry.api = surface.api;
    withJsonBody(req, res, entry, headers, done, (body) => {
      const pending = answer(surface, req, res, body, entry, headers);
      if (pending) pending.then(done, done);
      else done();
    });
  }

  function sendResource(res: ServerResponse, answer: ResourceAnswer, entry: JournalEntry, headers: Headers): void {
    stampProcessing(headers, entry);
    entry.status = answer.status;
    if (answer.model !== undefined) entry.model = answer.model;
    if (answer.fixture !== undefined) entry.fixture = answer.fixture;
    if (answer.status >= 400) entry.error = errorMessage(answer);
    if (answer.headers) Object.assign(headers, answer.headers);
    writeJson(res, answer.status, answer.body, headers);
  }

  return function handleRequest(req: IncomingMessage, res: ServerResponse): void {
    const started = performance.now();
    const requestId = state.ids.next("req_", 32, "hex");
    const headers: Headers = { "x-request-id": requestId, "openai-version": OPENAI_VERSION };
    const method = req.method ?? "GET";
    const url = req.url ?? "/";
    const entry: JournalEntry = {
      requestId, time: state.clock.now(), method, path: url, stream: false, status: 0, fixture: null, durationMs: 0, interrupted: false,
    };
    arrivals.set(entry, started);
    const done = (): void => {
      entry.durationMs = Math.round((performance.now() - started) * 10) / 10;
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
      sendError(res, denied, entry, headers);
      return done();
    }
    const surface = surfaces[path];
    if (surface && method === "POST") return serveSurface(surface, req, res, entry, headers, done);
    const resource = findResource(resources, method, path);
    if (resource) {
      const { route, params } = resource;
      const query = new URLSearchParams(url.includes("?") ? url.slice(url.indexOf("?") + 1) : "");
      if (route.api) entry.api = route.api;
      if (method !== "POST") {
        sendResource(res, route.handle(params, query), entry, headers);
        return done();
      }
      return withJsonBody(req, res, entry, headers, done, (body) => {
        entry.body = body;
        sendResource(res, route.handle(params, query, body), entry, headers);
        done();
      });
    }
    sendError(res, openAIError(404, `Invalid URL (${method} ${url.split("?")[0]})`, { type: "invalid_request_error" }), entry, headers);
    done();
  };
}
