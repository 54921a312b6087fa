// Writes HTTP answers: a JSON body in one write, or stream events as SSE through the stream sender.
import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { StreamEvent } from "../protocols/types.js";
import { sendStream, type EventSink, type StreamObserver, type StreamPacing } from "./stream-sender.js";

/**
 * Sends JSON text in one write. `headers` is the exchange's own object, completed here. The text is
 * encoded once into a Buffer, which gives the length and spares the socket write encoding it again.
 */
export function writeJsonText(res: ServerResponse, status: number, text: string, headers: Record<string, string | number>): void {
  const body = Buffer.from(text);
  headers["content-type"] = "application/json";
  headers["content-length"] = body.length;
  res.writeHead(status, headers);
  res.end(body);
}

export function writeJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | number>): void {
  writeJsonText(res, status, JSON.stringify(body), headers);
}

export function formatSseEvent(event: StreamEvent): string {
  return event.event === undefined ? `data: ${event.data}\n\n` : `event: ${event.event}\ndata: ${event.data}\n\n`;
}

const SSE_HEADERS = { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-cache", connection: "keep-alive" };

function sseText(events: readonly StreamEvent[], from: number, to: number): string {
  let text = "";
  for (let i = from; i < to; i++) text += formatSseEvent(events[i]);
  return text;
}

/** One HTTP/1.1 chunk: its size in hex, the bytes, CRLF. */
function chunkFrame(text: string): string {
  return `${Buffer.byteLength(text).toString(16)}\r\n${text}\r\n`;
}

/**
 * SSE over an HTTP response: each group of events is one write. The first goes through the response
 * (it sends the headers); later ones, already framed as chunks, go straight to the socket, which costs
 * a paced stream less than half the CPU of ServerResponse.write (no cork, nextTick and three-part
 * writev per token), and `end()` still closes the body with its last chunk.
 */
function sseSink(res: ServerResponse): EventSink<StreamEvent> {
  let socket: Socket | null = null;
  const send = (text: string): boolean => {
    if (socket !== null) return socket.write(chunkFrame(text));
    const more = res.write(text);
    // Only a chunked body on its own socket (not an HTTP/1.0 client, not behind a pipelined answer) can be framed by hand.
    if ((res as ServerResponse & { chunkedEncoding?: boolean }).chunkedEncoding === true && res.socket) socket = res.socket;
    return more;
  };
  return {
    write: (events, from, to) => send(sseText(events, from, to)),
    finish(events, from, to) {
      if (from < to && socket !== null) send(sseText(events, from, to));
      else if (from < to) return void res.end(sseText(events, from, to));
      res.end();
    },
    onDrain: (resume) => void (socket ?? res).once("drain", resume),
    onClose(gone) {
      const onClose = (): void => {
        if (!res.writableFinished) gone();
      };
      res.on("close", onClose);
      return () => res.off("close", onClose);
    },
  };
}

export const isTokenEvent = (events: readonly StreamEvent[]) => (i: number): boolean => events[i].token === true;

export interface SseDelivery {
  pacing: StreamPacing | null;
  observer?: StreamObserver;
  /** performance.now() when the request arrived. */
  arrival: number;
}

/**
 * Sends the events as SSE: unpaced, in one write; paced, each token when it is due (see
 * stream-sender). Resolves with whether the client went away before the end.
 */
export function writeSse(res: ServerResponse, events: readonly StreamEvent[], headers: Record<string, string | number>, delivery: SseDelivery): Promise<{ interrupted: boolean }> {
  res.writeHead(200, Object.assign(headers, SSE_HEADERS));
  return sendStream({ items: events, isToken: isTokenEvent(events), sink: sseSink(res), ...delivery });
}
