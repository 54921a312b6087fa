// The WebSocket endpoint: upgrades on /v1/responses and hands each connection to its session.
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
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

export function attachResponsesWebSocket(server: Server, state: HttpState, store: ResponseStore): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: state.maxBodyBytes });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (routePath(req.url ?? "/") !== "/responses") return refuse(socket, 404, { error: { message: `Invalid URL (GET ${req.url})`, type: "invalid_request_error", param: null, code: null } });
    const denied = authenticate(req, state.auth);
    if (denied) return refuse(socket, denied.status, denied.body);
    wss.handleUpgrade(req, socket, head, (ws) => serveResponsesConnection(ws, req.url ?? "/v1/responses", clientKey(req), state, store));
  });
  return wss;
}
