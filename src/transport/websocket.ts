// The WebSocket endpoint: upgrades on /v1/responses and hands each connection to its session.
import type { IncomingMessage, Server } from "node:http";
import { createRequire } from "node:module";
import type { Duplex } from "node:stream";
import type { WebSocketServer } from "ws";
import { routeNotFound, type ApiError } from "../core/errors.js";
import type { ResponseStore } from "../protocols/openai/responses/index.js";
import type { SurfaceWire } from "../protocols/types.js";
import type { HttpState } from "./http.js";
import { clientKey } from "./request-checks.js";
import { routePath } from "./route-path.js";
import { serveResponsesConnection } from "./responses-connection.js";

const STATUS_TEXT: Record<number, string> = { 401: "Unauthorized", 404: "Not Found" };

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

/**
 * `wire`: the Responses surface's, whose credentials and errors the upgrade on /v1/responses uses; an
 * upgrade on any other path is refused as the server's default surface words it.
 */
export function attachResponsesWebSocket(server: Server, state: HttpState, store: ResponseStore, wire: SurfaceWire): WebSocketEndpoint {
  // `ws` (about 8 MB of a server's memory) loads with the first upgrade: most servers never see one.
  let wss: WebSocketServer | null = null;
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (routePath(req.url ?? "/") !== "/responses") {
      const fallback = state.defaultSurface;
      return refuse(socket, fallback, fallback.describeError(routeNotFound("GET", String(req.url))));
    }
    const denied = state.policies.checkCredentials(req, wire.credentials);
    if (denied) return refuse(socket, wire, wire.describeError(denied));
    wss ??= new (require("ws") as typeof import("ws")).WebSocketServer({ noServer: true, maxPayload: state.maxBodyBytes });
    wss.handleUpgrade(req, socket, head, (ws) => serveResponsesConnection(ws, req.url ?? "/v1/responses", clientKey(req, wire.credentials), state, store));
  });
  return {
    close() {
      if (wss === null) return;
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}
