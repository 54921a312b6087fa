// Writes answers: a JSON body in one write, or stream events as SSE, paced and stopped on disconnect.
import type { ServerResponse } from "node:http";
import type { StreamEvent } from "../protocols/types.js";

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

/**
 * Sends the events as SSE. Without pacing the whole stream goes out in one write; with pacing,
 * one event per `latencyMs`, waiting for `drain` when the socket is full. Resolves with whether
 * the client went away before the end.
 */
export function writeSse(res: ServerResponse, events: readonly StreamEvent[], latencyMs: number, headers: Record<string, string | number>): Promise<{ interrupted: boolean }> {
  res.writeHead(200, Object.assign(headers, SSE_HEADERS));
  if (latencyMs <= 0) {
    let text = "";
    for (const event of events) text += formatSseEvent(event);
    res.end(text);
    return Promise.resolve({ interrupted: false });
  }
  return new Promise((resolve) => {
    let index = 0;
    let timer: NodeJS.Timeout | undefined;
    let finished = false;
    const finish = (interrupted: boolean): void => {
      if (finished) return;
      finished = true;
      if (timer) clearTimeout(timer);
      res.off("close", onClose);
      resolve({ interrupted });
    };
    const onClose = (): void => finish(!res.writableEnded);
    res.on("close", onClose);
    const sendNext = (): void => {
      timer = undefined;
      if (finished) return;
      const ok = res.write(formatSseEvent(events[index++]));
      if (index === events.length) {
        res.end();
        finish(false);
        return;
      }
      if (ok) timer = setTimeout(sendNext, latencyMs);
      else res.once("drain", () => (timer = setTimeout(sendNext, latencyMs)));
    };
    // The first event (the stream's opening) goes at once; the delay separates the chunks after it.
    sendNext();
  });
}
