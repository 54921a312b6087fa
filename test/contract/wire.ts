// How the contract suite talks to a running server: one request in, one answer out, over HTTP (a JSON
// body or an SSE stream) or the Responses WebSocket (a `response.create` frame, the frames it gets).
import WebSocket from "ws";

/** One stream event: its SSE `event:` name (the `type` of a WebSocket frame) and its parsed data. */
export interface WireEvent {
  event?: string;
  data: any;
}

export interface Answer {
  status: number;
  headers: Record<string, string>;
  /** The bytes as received: the HTTP body, or the WebSocket frames one per line. */
  text: string;
  /** The parsed body of a JSON answer. */
  json?: any;
  /** The events of a stream (an SSE body or WebSocket frames); `[DONE]` is kept as data "[DONE]". */
  events?: WireEvent[];
}

export type Transport = (url: string, path: string, body: Record<string, unknown>) => Promise<Answer>;

function parseSse(text: string): WireEvent[] {
  return text
    .split("\n\n")
    .filter((block) => block.length > 0)
    .map((block) => {
      const event = /^event: (.*)$/m.exec(block)?.[1];
      const data = /^data: (.*)$/m.exec(block)?.[1] ?? "";
      return { event, data: data === "[DONE]" ? data : JSON.parse(data) };
    });
}

/** POSTs the body as JSON; an event-stream answer is parsed into events, a JSON one into `json`. */
export const http: Transport = async (url, path, body) => {
  const res = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const headers = Object.fromEntries(res.headers.entries());
  const type = headers["content-type"] ?? "";
  if (type.startsWith("text/event-stream")) return { status: res.status, headers, text, events: parseSse(text) };
  return {
    status: res.status,
    headers,
    text,
    json: type.startsWith("application/json") ? JSON.parse(text) : undefined,
  };
};

/** The last frame of an answer: a final response event, or an error frame (which carries a status). */
const isLast = (frame: any): boolean =>
  frame.type === "response.completed" ||
  frame.type === "response.incomplete" ||
  frame.type === "response.failed" ||
  (frame.type === "error" && "status" in frame);

/**
 * Sends the body as one `response.create` frame on a fresh connection and collects frames up to the
 * answer's last. Status: an error frame's own, 200 for a response (in-band errors included).
 */
export const websocket: Transport = (url, path, body) =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, "ws")}${path}`);
    const frames: string[] = [];
    const timer = setTimeout(() => {
      ws.terminate();
      reject(new Error(`no final frame after ${frames.length} frames`));
    }, 5000);
    ws.on("open", () => ws.send(JSON.stringify({ type: "response.create", ...body })));
    ws.on("error", reject);
    ws.on("message", (data) => {
      const text = String(data);
      frames.push(text);
      const frame = JSON.parse(text);
      if (!isLast(frame)) return;
      clearTimeout(timer);
      ws.close();
      const events = frames.map((raw) => {
        const data = JSON.parse(raw);
        return { event: data.type as string, data };
      });
      resolve({
        status: frame.type === "error" && "status" in frame ? frame.status : 200,
        headers: {},
        text: frames.join("\n"),
        events,
      });
    });
  });
