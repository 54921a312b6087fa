// The Responses API over WebSocket: `response.create` frames in, the SSE event payloads out as JSON
// text frames, with lanes (`stream_id`) that run concurrently and requests on one lane in order.
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type WebSocket } from "ws";
import type { JournalEntry } from "../journal/journal.js";
import { runPipeline } from "../pipeline.js";
import { createResponsesSurface, type ConnectionMemory, type ResponsesConversation, type ResponseStore, type StoredResponse } from "../protocols/openai/responses/index.js";
import type { ApiError, StreamEvent } from "../protocols/types.js";
import type { HttpState } from "./http.js";
import { routePath } from "./route-path.js";
import { sendPaced } from "./paced-sender.js";

const STREAM_ID = /^[A-Za-z0-9_.-]{1,256}$/;
const MAX_NAMED_LANES = 32;
const DEFAULT_LANE = "";

interface ErrorFields {
  type?: string;
  code: string | null;
  message: string;
  param: string | null;
}

function errorFrame(status: number, error: ErrorFields, streamId: string | undefined): string {
  const frame: Record<string, unknown> = { type: "error", status, error: { type: error.type ?? "invalid_request_error", code: error.code, message: error.message, param: error.param } };
  if (streamId !== undefined) frame.stream_id = streamId;
  return JSON.stringify(frame);
}

function apiErrorFrame(error: ApiError, streamId: string | undefined): string {
  return errorFrame(error.status, (error.body as { error: ErrorFields }).error, streamId);
}

/** Echoes the lane on every event by appending `stream_id` to the already-serialised object. */
function withStreamId(events: readonly StreamEvent[], streamId: string | undefined): string[] {
  if (streamId === undefined) return events.map((event) => event.data);
  const suffix = `,"stream_id":${JSON.stringify(streamId)}}`;
  return events.map((event) => event.data.slice(0, -1) + suffix);
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
  };
}

export function attachResponsesWebSocket(server: Server, state: HttpState, store: ResponseStore): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: state.maxBodyBytes });

  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (routePath(req.url ?? "/") !== "/responses") {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveConnection(ws, req));
  });

  function serveConnection(ws: WebSocket, req: IncomingMessage): void {
    const surface = createResponsesSurface({ store, ids: state.ids, connection: createConnectionMemory() });
    const lanes = new Map<string, Promise<void>>();
    const sink = { send: (frame: string) => ws.send(frame), isOpen: () => ws.readyState === ws.OPEN };
    const path = req.url ?? "/v1/responses";

    const respond = async (body: Record<string, unknown>, streamId: string | undefined): Promise<void> => {
      const started = performance.now();
      const entry: JournalEntry = {
        requestId: state.ids.next("req_", 32, "hex"), time: state.clock.now(), method: "WS", path, api: "responses",
        stream: true, status: 200, fixture: null, durationMs: 0, interrupted: false, body,
      };
      const outcome = runPipeline(state, surface, body);
      entry.fixture = outcome.fixture;
      entry.model = outcome.conversation?.model;
      const context = { ids: state.ids, clock: state.clock };
      let frames: string[];
      let latencyMs = 0;
      if (outcome.kind === "reply") {
        frames = withStreamId(surface.renderStream(outcome.plan, outcome.conversation, context), streamId);
        latencyMs = outcome.plan.latencyMs;
      } else if (outcome.fixture !== null && outcome.conversation && surface.renderStreamError) {
        frames = withStreamId(surface.renderStreamError(outcome.error, outcome.conversation, context), streamId);
        entry.error = (outcome.error.body as { error: ErrorFields }).error.message;
      } else {
        frames = [apiErrorFrame(outcome.error, streamId)];
        entry.status = outcome.error.status;
        entry.error = (outcome.error.body as { error: ErrorFields }).error.message;
      }
      const { interrupted } = await sendPaced(frames, latencyMs, sink);
      entry.interrupted = interrupted;
      entry.durationMs = Math.round((performance.now() - started) * 10) / 10;
      state.journal.add(entry);
      state.onExchange?.(entry);
    };

    ws.on("message", (data, isBinary) => {
      let frame: unknown;
      try {
        frame = JSON.parse(isBinary ? Buffer.from(data as Buffer).toString("utf8") : String(data));
      } catch {
        return ws.send(errorFrame(400, { code: "invalid_json", message: "The message is not valid JSON.", param: null }, undefined));
      }
      if (typeof frame !== "object" || frame === null || Array.isArray(frame)) {
        return ws.send(errorFrame(400, { code: "invalid_type", message: "Each message must be a JSON object with a 'type'.", param: "type" }, undefined));
      }
      const { type, stream_id: streamId, ...body } = frame as Record<string, unknown>;
      const lane = streamId === undefined ? undefined : String(streamId);
      if (type !== "response.create") {
        const message = type === undefined ? "Missing required parameter: 'type'." : `Invalid value: '${String(type)}'. Supported values are: 'response.create'.`;
        return ws.send(errorFrame(400, { code: type === undefined ? "missing_required_parameter" : "invalid_value", message, param: "type" }, lane));
      }
      if (lane !== undefined && (typeof streamId !== "string" || !STREAM_ID.test(streamId))) {
        return ws.send(errorFrame(400, { code: "invalid_stream_id", message: "Invalid 'stream_id': expected 1 to 256 characters from A-Z, a-z, 0-9, '_', '.' and '-'.", param: "stream_id" }, lane));
      }
      const laneKey = lane ?? DEFAULT_LANE;
      if (!lanes.has(laneKey) && lanes.size >= MAX_NAMED_LANES + 1) {
        return ws.send(errorFrame(400, { code: "websocket_stream_limit_reached", message: `At most ${MAX_NAMED_LANES} lanes per connection.`, param: "stream_id" }, lane));
      }
      // The stream is implicit on a WebSocket; the lane stays in the body so the surface can remember by lane.
      const request = { ...body, stream: true, ...(lane !== undefined ? { stream_id: lane } : {}) };
      const previous = lanes.get(laneKey) ?? Promise.resolve();
      const run = previous.then(() => (ws.readyState === ws.OPEN ? respond(request, lane) : undefined));
      lanes.set(laneKey, run);
      void run.finally(() => {
        if (lanes.get(laneKey) === run) lanes.delete(laneKey);
      });
    });
    ws.on("error", () => ws.terminate());
  }

  return wss;
}
