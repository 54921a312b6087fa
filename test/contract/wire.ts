// How the contract suite talks to a running server: one request in, one answer out, over HTTP (a JSON
// body, an SSE stream with or without event names, or a stream written as one JSON array, as Gemini's
// is without `alt=sse`) or the Responses WebSocket (a `response.create` frame, the frames it gets).
import WebSocket from "ws";

/** One stream event: its SSE `event:` name (the `type` of a WebSocket frame) and its parsed data. */
export interface WireEvent {
  event?: string;
  data: any;
}

/** How a stream came: SSE, WebSocket frames, or the elements of one JSON array. */
export type StreamFraming = "sse" | "frames" | "json-array";

export interface Answer {
  status: number;
  headers: Record<string, string>;
  /** The bytes as received: the HTTP body, or the WebSocket frames one per line. */
  text: string;
  /** The parsed body of a JSON answer that is not a stream. */
  json?: any;
  /** The events of a stream; `[DONE]` is kept as data "[DONE]". */
  events?: WireEvent[];
  framing?: StreamFraming;
}

export type Transport = (
  url: string,
  path: string,
  body: Record<string, unknown>,
  headers?: Record<string, string>,
) => Promise<Answer>;

/** One SSE block's fields: `event:`, its `data:` lines joined by newlines (comments and `id:` ignored). */
function parseSseBlock(block: string): WireEvent {
  let event: string | undefined;
  const data: string[] = [];
  for (const line of block.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    const field = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? "" : line.slice(colon + 1).replace(/^ /, "");
    if (field === "event") event = value;
    else if (field === "data") data.push(value);
  }
  const text = data.join("\n");
  return event === undefined ? { data: parseData(text) } : { event, data: parseData(text) };
}

const parseData = (text: string): unknown => (text === "[DONE]" ? text : JSON.parse(text));

/** An SSE body's events, with or without event names, whatever its line endings. */
export function parseSse(text: string): WireEvent[] {
  return text
    .split(/\r?\n\r?\n/)
    .filter((block) => block.trim().length > 0 && !block.startsWith(":"))
    .map(parseSseBlock);
}

/** The answer to an HTTP request, its body read by its Content-Type; a JSON array is a stream of its elements. */
export function readAnswer(status: number, headers: Record<string, string>, text: string): Answer {
  const type = headers["content-type"] ?? "";
  if (type.startsWith("text/event-stream")) return { status, headers, text, events: parseSse(text), framing: "sse" };
  if (!type.startsWith("application/json")) return { status, headers, text };
  const json = JSON.parse(text);
  if (!Array.isArray(json)) return { status, headers, text, json };
  return { status, headers, text, events: json.map((data) => ({ data })), framing: "json-array" };
}

/** POSTs the body as JSON, with the spec's headers; the answer is read by readAnswer. */
export const http: Transport = async (url, path, body, headers = {}) => {
  const res = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const text = await res.text();
  return readAnswer(res.status, Object.fromEntries(res.headers.entries()), text);
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
export const websocket: Transport = (url, path, body, headers = {}) =>
  new Promise((resolve, reject) => {
    const ws = new WebSocket(`${url.replace(/^http/, "ws")}${path}`, { headers });
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
        framing: "frames",
      });
    });
  });
