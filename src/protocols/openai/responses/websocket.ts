// The Responses API over a WebSocket: `response.create` frames in, the stream's events out as JSON text
// frames with the request's lane (`stream_id`) echoed. Lanes run concurrently, up to 16 responses in
// flight; requests on one lane run in order. The transport drives a session per connection.
import type { DirectAnswer, FrameLimits, FrameProtocol, FrameRequest, FrameSession } from "../../frame-protocol.js";
import { eventData } from "../../sse.js";
import { isApiError, type RenderedStream, type SurfaceWire } from "../../types.js";
import { OPENAI_WIRE } from "../wire.js";
import { renderErrorFrame } from "./error-frame.js";
import {
  createResponsesSurface,
  type ConnectionMemory,
  type ResponsesSurfaceDeps,
  type StoredResponse,
} from "./index.js";
import {
  backgroundUnsupported,
  frameNotJson,
  frameNotObject,
  frameTypeRefused,
  invalidStreamId,
  laneLimitReached,
} from "./websocket-errors.js";

const STREAM_ID = /^[A-Za-z0-9_.-]{1,256}$/;
const MAX_NAMED_LANES = 32;
const MAX_IN_FLIGHT = 16;
/** The lane of requests that name none. */
const DEFAULT_LANE = "";

/** A `response.create` request: its lane's key, and the `stream_id` its frames echo (undefined: none named). */
export interface ResponsesFrame extends FrameRequest {
  readonly streamId: string | undefined;
}

/** Journal label of a `generate: false` request, which no fixture answers. */
const WARMUP_LABEL = "(warm-up, generate: false)";

/** Echoes the lane on every event by appending `stream_id` to the already-serialised object. */
function withStreamId(stream: RenderedStream, streamId: string | undefined): string[] {
  if (streamId === undefined) return stream.events.map((event) => eventData(stream, event));
  const suffix = `,"stream_id":${JSON.stringify(streamId)}}`;
  return stream.events.map((event) => eventData(stream, event).slice(0, -1) + suffix);
}

/** Each lane's latest response, looked up before the server store (so `store: false` chains work). */
function createConnectionMemory(): ConnectionMemory {
  const latest = new Map<string, StoredResponse>();
  return {
    find: (id) => {
      for (const stored of latest.values()) if (stored.id === id) return stored;
      return undefined;
    },
    remember: (conversation, stored) => {
      const lane = conversation.body.stream_id;
      latest.set(typeof lane === "string" ? lane : DEFAULT_LANE, stored);
    },
    forget: (id) => {
      for (const [lane, stored] of latest) if (stored.id === id) latest.delete(lane);
    },
  };
}

/** Checks a frame's envelope; returns the request, or the error frame to send. */
function readFrame(data: string, limits: FrameLimits, wire: SurfaceWire): ResponsesFrame | string {
  let frame: unknown;
  try {
    frame = JSON.parse(data);
  } catch {
    return renderErrorFrame(frameNotJson(), undefined);
  }
  if (typeof frame !== "object" || frame === null || Array.isArray(frame))
    return renderErrorFrame(frameNotObject(), undefined);
  const { type, stream_id: streamId, ...body } = frame as Record<string, unknown>;
  // Only a string names a lane; anything else is refused below, and never echoed back.
  const lane = typeof streamId === "string" ? streamId : undefined;
  const nested = limits.nesting(frame, data.length);
  if (nested) return renderErrorFrame(wire.describeError(nested), lane);
  if (type !== "response.create") return renderErrorFrame(frameTypeRefused(type), lane);
  if (streamId !== undefined && (lane === undefined || !STREAM_ID.test(lane)))
    return renderErrorFrame(invalidStreamId(), lane);
  if (body.background === true) return renderErrorFrame(backgroundUnsupported(), lane);
  // The stream is implicit on a WebSocket; the lane stays in the body so the surface remembers by lane.
  const request = { ...body, stream: true, ...(lane !== undefined ? { stream_id: lane } : {}) };
  return { body: request, bytes: data.length, lane: lane ?? DEFAULT_LANE, streamId: lane };
}

/** One connection: a Responses surface that finds the connection's own responses first. */
function openSession(deps: Omit<ResponsesSurfaceDeps, "connection">): FrameSession<ResponsesFrame> {
  const surface = createResponsesSurface({ ...deps, connection: createConnectionMemory() });
  return {
    surface,
    maxInFlight: MAX_IN_FLIGHT,
    read: (text, limits) => readFrame(text, limits, surface),
    openLane(request, active) {
      if (request.streamId === undefined) return null;
      const named = active.size - (active.has(DEFAULT_LANE) ? 1 : 0);
      return named >= MAX_NAMED_LANES ? renderErrorFrame(laneLimitReached(MAX_NAMED_LANES), request.streamId) : null;
    },
    answerDirectly(request, context): DirectAnswer | undefined {
      if (request.body.generate !== false) return undefined;
      // A warm-up: a response with no output that later turns can chain from, matching no fixture.
      const conversation = surface.parse(request.body);
      if (isApiError(conversation)) return { error: conversation };
      return { stream: surface.renderWarmup(conversation, context), conversation, label: WARMUP_LABEL };
    },
    frames: (stream, request) => withStreamId(stream, request.streamId),
    errorFrame: (error, request) => renderErrorFrame(error, request?.streamId),
  };
}

/** The Responses WebSocket endpoint (`/v1/responses`), with the OpenAI wire for its upgrade. */
export function responsesWebSocket(deps: Omit<ResponsesSurfaceDeps, "connection">): FrameProtocol<ResponsesFrame> {
  return { path: "/responses", wire: OPENAI_WIRE, api: "responses", open: () => openSession(deps) };
}
