// The WebSocket endpoint: upgrades on /v1/responses and hands each connection to its session.
import type { IncomingMessage, Server } from "node:http";
import { createRequire } from "node:module";
import type { Duplex } from "node:stream";
import type { WebSocketServer } from "ws";
import type { ResponseStore } from "../protocols/openai/responses/index.js";
import type { HttpState } from "./http.js";
import { clientKey } from "./request-checks.js";
import { authenticate } from "./auth.js";
import { routePath } from "./route-path.js";
import { serveResponsesConnection } from "./responses-connection.js";

const STATUS_TEXT: Record<number, string> = { 401: "Unauthorized", 404: "Not Found" };

/** Answers an upgrade request with a plain HTTP error, as the real API does before any WebSocket exists. */
function refuse(socket: Duplex, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? "Error"}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`,
  );
}

const require = createRequire(import.meta.url);

/** `CONNECT` asks for a tunnel, which no API route is; without a listener node would drop the connection unanswered. */
export function refuseConnect(req: IncomingMessage, socket: Duplex): void {
  refuse(socket, 404, { error: { message: `Invalid URL (CONNECT ${req.url})`, type: "invalid_request_error", param: null, code: null } });
}

export interface WebSocketEndpoint {
  /** Drops every open WebSocket connection and stops accepting new ones. */
  close(): void;
}

export function attachResponsesWebSocket(server: Server, state: HttpState, store: ResponseStore): WebSocketEndpoint {
  // `ws` (about 8 MB of a server's memory) loads with the first upgrade: most servers never see one.
  let wss: WebSocketServer | null = null;
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (routePath(req.url ?? "/") !== "/responses") return refuse(socket, 404, { error: { message: `Invalid URL (GET ${req.url})`, type: "invalid_request_error", param: null, code: null } });
    const denied = authenticate(req, state.auth);
    if (denied) return refuse(socket, denied.status, denied.body);
    wss ??= new (require("ws") as typeof import("ws")).WebSocketServer({ noServer: true, maxPayload: state.maxBodyBytes });
    wss.handleUpgrade(req, socket, head, (ws) => serveResponsesConnection(ws, req.url ?? "/v1/responses", clientKey(req), state, store));
  });
  return {
    close() {
      if (wss === null) return;
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}
