// The WebSocket endpoint: the upgrade on a surface's frame protocol path (refused as plain HTTP before any
// WebSocket exists), then each connection: frames in, each request on its lane through the exchange
// lifecycle (frame-exchange.ts), frames out. The protocol's rules are its own (protocols/*/websocket.ts).
import type { IncomingMessage, Server } from "node:http";
import { createRequire } from "node:module";
import type { Duplex } from "node:stream";
import type { RawData, WebSocket, WebSocketServer } from "ws";
import { routeNotFound, type ApiError } from "../core/errors.js";
import { Admission } from "../policies/index.js";
import type { FrameLimits, FrameProtocol } from "../protocols/frame-protocol.js";
import type { SurfaceWire } from "../protocols/types.js";
import { answerFrame, type FrameConnection } from "./frame-exchange.js";
import { reportInternalError } from "./internal-error.js";
import { tooDeep } from "./json-depth.js";
import { internalErrorOf } from "./lifecycle.js";
import { clientKey } from "./request-checks.js";
import { routePath } from "./route-path.js";
import type { ServerState } from "./state.js";

const STATUS_TEXT: Record<number, string> = { 401: "Unauthorized", 404: "Not Found" };

/** The transport's limits on a frame's JSON, as on an HTTP body's. */
const FRAME_LIMITS: FrameLimits = { nesting: tooDeep };

/** Answers an upgrade request with a plain HTTP error in the surface's shape, as the real API does before any WebSocket exists. */
function refuse(socket: Duplex, wire: SurfaceWire, error: ApiError): void {
  const { status } = error;
  const text = JSON.stringify(wire.renderError(error));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? "Error"}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}

const require = createRequire(import.meta.url);

/**
 * `CONNECT` asks for a tunnel, which no API route is; without a listener node would drop the connection
 * unanswered. The listener answers 404 as `wire` (the server's default surface) words it.
 */
export function refuseConnect(wire: SurfaceWire): (req: IncomingMessage, socket: Duplex) => void {
  return (req, socket) => refuse(socket, wire, wire.describeError(routeNotFound("CONNECT", String(req.url))));
}

export interface WebSocketEndpoint {
  /** Drops every open WebSocket connection and stops accepting new ones. */
  close(): void;
}

/** One connection's lanes: requests on one lane run in order, at most the session's maxInFlight at once. */
interface Lanes {
  readonly active: Map<string, Promise<void>>;
  readonly inFlight: Admission;
}

/** Reads one text frame and queues its request on its lane, or sends the protocol's refusal at once. */
function receive(connection: FrameConnection, lanes: Lanes, text: string): void {
  const { ws, session } = connection;
  let request: ReturnType<typeof session.read>;
  try {
    request = session.read(text, FRAME_LIMITS);
  } catch (failure) {
    // A bug must cost one frame, not the process: an exception here would escape the socket's handler.
    const message = reportInternalError(failure, `WS ${connection.path} frame`);
    return ws.send(session.errorFrame(internalErrorOf(session.surface, message), undefined));
  }
  if (typeof request === "string") return ws.send(request);
  const { lane } = request;
  const { active, inFlight } = lanes;
  if (!active.has(lane)) {
    const refusal = session.openLane(request, active);
    if (refusal !== null) return ws.send(refusal);
  }
  const answered = request;
  const previous = active.get(lane) ?? Promise.resolve();
  const turn = previous.then(() =>
    ws.readyState === ws.OPEN ? inFlight.run(() => answerFrame(connection, answered)) : undefined,
  );
  active.set(lane, turn);
  void turn.finally(() => {
    if (active.get(lane) === turn) active.delete(lane);
  });
}

function serveConnection(
  ws: WebSocket,
  protocol: FrameProtocol,
  server: ServerState,
  path: string,
  client: string,
): void {
  const session = protocol.open();
  const connection: FrameConnection = {
    ws,
    session,
    server,
    path,
    api: protocol.api,
    client,
    closeWatchers: new Set(),
  };
  const lanes: Lanes = { active: new Map(), inFlight: new Admission(session.maxInFlight) };
  ws.on("close", () => {
    for (const gone of connection.closeWatchers) gone();
  });
  ws.on("message", (data: RawData, isBinary: boolean) => {
    receive(connection, lanes, isBinary ? Buffer.from(data as Buffer).toString("utf8") : String(data));
  });
  ws.on("error", () => ws.terminate());
}

/**
 * Upgrades on `protocol.path` after its wire's credentials are checked; an upgrade on any other path is
 * refused as the server's default surface words it.
 */
export function attachWebSocket(server: Server, state: ServerState, protocol: FrameProtocol): WebSocketEndpoint {
  // `ws` (about 8 MB of a server's memory) loads with the first upgrade: most servers never see one.
  let wss: WebSocketServer | null = null;
  const { wire } = protocol;
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (routePath(req.url ?? "/") !== protocol.path) {
      const fallback = state.defaultSurface;
      return refuse(socket, fallback, fallback.describeError(routeNotFound("GET", String(req.url))));
    }
    const denied = state.policies.checkCredentials(req, wire.credentials);
    if (denied) return refuse(socket, wire, wire.describeError(denied));
    wss ??= new (require("ws") as typeof import("ws")).WebSocketServer({
      noServer: true,
      maxPayload: state.maxBodyBytes,
    });
    const path = req.url ?? `/v1${protocol.path}`;
    wss.handleUpgrade(req, socket, head, (ws) =>
      serveConnection(ws, protocol, state, path, clientKey(req, wire.credentials)),
    );
  });
  return {
    close() {
      if (wss === null) return;
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}
