// The WebSocket endpoint: upgrades on /v1/responses and hands each connection to its session.
import type { IncomingMessage, Server } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer } from "ws";
import type { ResponseStore } from "../protocols/openai/responses/index.js";
import type { HttpState } from "./http.js";
import { routePath } from "./route-path.js";
import { serveResponsesConnection } from "./responses-connection.js";

export function attachResponsesWebSocket(server: Server, state: HttpState, store: ResponseStore): WebSocketServer {
  const wss = new WebSocketServer({ noServer: true, maxPayload: state.maxBodyBytes });
  server.on("upgrade", (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (routePath(req.url ?? "/") !== "/responses") {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => serveResponsesConnection(ws, req.url ?? "/v1/responses", state, store));
  });
  return wss;
}
