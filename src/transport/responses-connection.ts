// One Responses API WebSocket connection: `response.create` frames in, the SSE event payloads out
// as JSON text frames. Lanes (`stream_id`) run concurrently, up to 16 responses in flight; requests
// on one lane run in order.
import type { WebSocket } from "ws";
import type { SequenceClaim } from "../fixtures/index.js";
import type { JournalEntry } from "../journal/journal.js";
import { isInStreamError, runPipeline } from "../pipeline.js";
import { LARGE_BODY_BYTES, runSlicedPipeline } from "../pipeline-sliced.js";
import { internalError, type ApiError } from "../core/errors.js";
import {
  createResponsesSurface,
  type ConnectionMemory,
  type ResponsesConversation,
  type ResponsesSurface,
  type ResponseStore,
  type StoredResponse,
} from "../protocols/openai/responses/index.js";
import type { Conversation } from "../core/conversation.js";
import { isApiError, type RenderedStream, type Surface } from "../protocols/types.js";
import { eventData } from "../protocols/sse.js";
import type { HttpState } from "./http.js";
import { shownValue } from "../protocols/openai/content.js";
import { tooDeep } from "./json-depth.js";
import { reportExchange } from "./exchange.js";
import { reportInternalError } from "./internal-error.js";
import { Admission } from "../policies/index.js";
import { sendStream, type EventSink } from "./stream-sender.js";
import { isTokenEvent } from "./writer.js";
import { NO_DELAY, type Timing } from "../core/timing.js";

const STREAM_ID = /^[A-Za-z0-9_.-]{1,256}$/;
const MAX_NAMED_LANES = 32;
const MAX_IN_FLIGHT = 16;
const DEFAULT_LANE = "";

/** A frame refused by the WebSocket's own rules: a 400 invalid_request_error naming its code and param. */
const refused = (code: string, message: string, param: string | null): ApiError => ({ status: 400, type: "invalid_request_error", code, message, param });

/** Echoes the lane on every event by appending `stream_id` to the already-serialised object. */
function withStreamId(stream: RenderedStream, streamId: string | undefined): string[] {
  if (streamId === undefined) return stream.events.map((event) => eventData(stream, event));
  const suffix = `,"stream_id":${JSON.stringify(streamId)}}`;
  return stream.events.map((event) => eventData(stream, event).slice(0, -1) + suffix);
}

/** What one request is answered with. */
interface Answer {
  frames: string[];
  isToken(i: number): boolean;
  timing: Timing;
  promptTokens: number;
  /** A generation (paced, counted in metrics, subject to maxConcurrency), not an error or a warm-up. */
  generates: boolean;
  /** The sequence numbers the reply took, given back if its connection closes before it is sent. */
  sequences: SequenceClaim;
  /** For the surface's after-delivery step: the conversation answered (none for a frame refused before parse), what its render handed over, and whether it failed. */
  conversation?: Conversation;
  delivery?: unknown;
  failed?: boolean;
}

const unpaced = (frames: string[], after?: Pick<Answer, "conversation" | "delivery" | "failed">): Answer => ({
  frames, isToken: () => false, timing: NO_DELAY, promptTokens: 0, generates: false, sequences: null, ...after,
});

/** Above this many unsent bytes the connection counts as full: a paced stream waits for it to drain. */
const HIGH_WATER_BYTES = 64 * 1024;
const DRAIN_POLL_MS = 10;

/**
 * Frames over a WebSocket. `ws` has no drain event, so a full connection is polled until it empties.
 * `closeWatchers` is the connection's one set of close callbacks: a listener per response would pass
 * node's limit of 10 with 16 responses in flight.
 */
function frameSink(ws: WebSocket, frames: readonly string[], closeWatchers: Set<() => void>): EventSink {
  const send = (from: number, to: number): void => {
    for (let i = from; i < to; i++) ws.send(frames[i]);
  };
  return {
    write(from, to) {
      send(from, to);
      return ws.bufferedAmount < HIGH_WATER_BYTES;
    },
    finish: send,
    onDrain(resume) {
      const check = (): void => {
        if (ws.readyState !== ws.OPEN || ws.bufferedAmount < HIGH_WATER_BYTES) resume();
        else setTimeout(check, DRAIN_POLL_MS);
      };
      setTimeout(check, DRAIN_POLL_MS);
    },
    onClose(gone) {
      // A new Set entry per call, so one callback given twice is still removed once each.
      const watcher = (): void => gone();
      closeWatchers.add(watcher);
      return () => closeWatchers.delete(watcher);
    },
  };
}

/** Each lane's latest response, looked up before the server store (so `store: false` chains work). */
function createConnectionMemory(): ConnectionMemory {
  const latest = new Map<string, StoredResponse>();
  return {
    find: (id) => {
      for (const stored of latest.values()) if (stored.id === id) return stored;
      return undefined;
    },
    remember: (conversation: ResponsesConversation, stored) => {
      const lane = conversation.body.stream_id;
      latest.set(typeof lane === "string" ? lane : DEFAULT_LANE, stored);
    },
    forget: (id) => {
      for (const [lane, stored] of latest) if (stored.id === id) latest.delete(lane);
    },
  };
}

/** Checks a frame's envelope; returns the request body, or the error frame to send (rendered by the surface). */
function readFrame(data: string, surface: ResponsesSurface): { body: Record<string, unknown>; lane: string | undefined } | string {
  let frame: unknown;
  try {
    frame = JSON.parse(data);
  } catch {
    return surface.renderErrorFrame(refused("invalid_json", "The message is not valid JSON.", null), undefined);
  }
  if (typeof frame !== "object" || frame === null || Array.isArray(frame)) {
    return surface.renderErrorFrame(refused("invalid_type", "Each message must be a JSON object with a 'type'.", "type"), undefined);
  }
  const { type, stream_id: streamId, ...body } = frame as Record<string, unknown>;
  // Only a string names a lane; anything else is refused below, and never echoed back.
  const lane = typeof streamId === "string" ? streamId : undefined;
  const nested = tooDeep(frame, data.length);
  if (nested) return surface.renderErrorFrame(surface.describeError(nested), lane);
  if (type !== "response.create") {
    const missing = type === undefined;
    const message = missing ? "Missing required parameter: 'type'." : `Invalid value: '${shownValue(type)}'. Supported values are: 'response.create'.`;
    return surface.renderErrorFrame(refused(missing ? "missing_required_parameter" : "invalid_value", message, "type"), lane);
  }
  if (streamId !== undefined && (lane === undefined || !STREAM_ID.test(lane))) {
    const message = "Invalid 'stream_id': expected 1 to 256 characters from A-Z, a-z, 0-9, '_', '.' and '-'.";
    return surface.renderErrorFrame(refused("invalid_stream_id", message, "stream_id"), lane);
  }
  if (body.background === true) {
    return surface.renderErrorFrame(refused("unsupported_parameter", "'background' is not supported on the Responses WebSocket.", "background"), lane);
  }
  // The stream is implicit on a WebSocket; the lane stays in the body so the surface remembers by lane.
  return { body: { ...body, stream: true, ...(lane !== undefined ? { stream_id: lane } : {}) }, lane };
}

/** `client` is the API key the upgrade authenticated with, which rate limits are kept per. */
export function serveResponsesConnection(ws: WebSocket, path: string, client: string, state: HttpState, store: ResponseStore): void {
  const memory = createConnectionMemory();
  const surface = createResponsesSurface({ store, ids: state.ids, tokens: state.tokens, connection: memory });
  // The pipeline's outcomes hold conversations as the pipeline types them: it answers through this view.
  const generation: Surface = surface;
  const lanes = new Map<string, Promise<void>>();
  const inFlight = new Admission(MAX_IN_FLIGHT);
  const context = { ids: state.ids, clock: state.clock };
  const closeWatchers = new Set<() => void>();
  ws.on("close", () => {
    for (const gone of closeWatchers) gone();
  });

  /** The frames answering one request, which of them carry tokens, and their timing. */
  async function answer(body: Record<string, unknown>, lane: string | undefined, entry: JournalEntry, bytes: number): Promise<Answer> {
    if (body.generate === false) {
      const conversation = surface.parse(body);
      if (isApiError(conversation)) return unpaced([surface.renderErrorFrame(conversation, lane)]);
      entry.fixture = "(warm-up, generate: false)";
      const warmup = surface.renderWarmup(conversation, context);
      return unpaced(withStreamId(warmup, lane), { conversation, delivery: warmup.delivery, failed: false });
    }
    const outcome =
      bytes > LARGE_BODY_BYTES
        ? await runSlicedPipeline(state, surface, body, client, undefined, () => ws.readyState !== ws.OPEN)
        : runPipeline(state, surface, body, client);
    if (outcome === null) return unpaced([]);
    entry.fixture = outcome.fixture;
    entry.model = outcome.conversation?.model;
    if (outcome.kind === "reply") {
      if (outcome.warnings.length) entry.warnings = outcome.warnings;
      const { plan, conversation } = outcome;
      const stream = generation.renderStream(plan, conversation, context);
      return {
        frames: withStreamId(stream, lane), isToken: isTokenEvent(stream.events), timing: plan.timing, promptTokens: plan.usage.promptTokens, generates: true,
        sequences: outcome.sequences, conversation, delivery: stream.delivery, failed: false,
      };
    }
    entry.error = outcome.error.message;
    const { conversation } = outcome;
    if (conversation && isInStreamError(outcome)) {
      const stream = generation.renderStreamError!(outcome.error, conversation, context);
      return unpaced(withStreamId(stream, lane), { conversation, delivery: stream.delivery, failed: true });
    }
    entry.status = outcome.error.status;
    return unpaced([surface.renderErrorFrame(outcome.error, lane)], { conversation, failed: true });
  }

  /** Sends an answer, paced by its timing; a generation waits for a slot under maxConcurrency. */
  async function deliver(reply: Answer, entry: JournalEntry, arrival: number): Promise<boolean> {
    const admission = reply.generates ? state.policies.beforeDelivery : null;
    let start = arrival;
    if (admission) {
      const queuedAt = performance.now();
      await admission.enter();
      start = performance.now();
      entry.queuedMs = Math.round((start - queuedAt) * 10) / 10;
    }
    try {
      // Refused by admission: the connection closed while the reply waited, so its sequence numbers go back.
      if (ws.readyState !== ws.OPEN) {
        state.fixtures.release(reply.sequences);
        return true;
      }
      const pacing = state.pacer.stream(reply.timing, reply.promptTokens, start);
      const observer = reply.generates ? state.metrics : undefined;
      const sink = frameSink(ws, reply.frames, closeWatchers);
      const { interrupted } = await sendStream({ count: reply.frames.length, isToken: reply.isToken, sink, pacing, observer, arrival });
      return interrupted;
    } finally {
      admission?.leave();
    }
  }

  /**
   * Answers one request and records it. Never rejects: a bug in a stage costs this response (an
   * error frame with status 500, as HTTP answers 500), never the connection or the process.
   */
  async function respond(body: Record<string, unknown>, lane: string | undefined, bytes: number): Promise<void> {
    const started = performance.now();
    const entry: JournalEntry = {
      requestId: state.ids.next("req_", 32, "hex"), time: state.clock.now(), method: "WS", path, api: "responses",
      stream: true, status: 200, fixture: null, durationMs: 0, interrupted: false, body,
    };
    try {
      const reply = await answer(body, lane, entry, bytes);
      entry.interrupted = await deliver(reply, entry, started);
      if (reply.conversation) generation.delivered?.(reply.conversation, reply.delivery, reply.failed === true);
    } catch (failure) {
      const message = reportInternalError(failure, `WS ${path} response.create`);
      entry.status = 500;
      entry.error = message;
      if (ws.readyState === ws.OPEN) ws.send(surface.renderErrorFrame(surface.describeError(internalError(message)), lane));
    }
    entry.durationMs = Math.round((performance.now() - started) * 10) / 10;
    state.journal.add(entry);
    if (state.onExchange) reportExchange(state.onExchange, entry);
    state.metrics.requestFinished("responses", entry.status, entry.durationMs, "websocket");
  }

  ws.on("message", (data, isBinary) => {
    const text = isBinary ? Buffer.from(data as Buffer).toString("utf8") : String(data);
    let frame: ReturnType<typeof readFrame>;
    try {
      frame = readFrame(text, surface);
    } catch (failure) {
      // A bug must cost one frame, not the process: an exception here would escape the socket's handler.
      const message = reportInternalError(failure, `WS ${path} frame`);
      return ws.send(surface.renderErrorFrame(surface.describeError(internalError(message)), undefined));
    }
    if (typeof frame === "string") return ws.send(frame);
    const laneKey = frame.lane ?? DEFAULT_LANE;
    const namedLanes = lanes.size - (lanes.has(DEFAULT_LANE) ? 1 : 0);
    if (frame.lane !== undefined && !lanes.has(laneKey) && namedLanes >= MAX_NAMED_LANES) {
      const limit = refused("websocket_stream_limit_reached", `At most ${MAX_NAMED_LANES} lanes may be active on one connection.`, "stream_id");
      return ws.send(surface.renderErrorFrame(limit, frame.lane));
    }
    const previous = lanes.get(laneKey) ?? Promise.resolve();
    const run = previous.then(() => (ws.readyState === ws.OPEN ? inFlight.run(() => respond(frame.body, frame.lane, text.length)) : undefined));
    lanes.set(laneKey, run);
    void run.finally(() => {
      if (lanes.get(laneKey) === run) lanes.delete(laneKey);
    });
  });
  ws.on("error", () => ws.terminate());
}
