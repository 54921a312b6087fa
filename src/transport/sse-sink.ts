// SSE over an HTTP response, for the stream sender: the first write goes through the response (it
// sends the headers); the rest go straight to the socket as HTTP chunks encoded once per stream.
import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";
import type { StreamEvent } from "../protocols/types.js";
import type { EventSink } from "./stream-sender.js";

function formatSseEvent(event: StreamEvent): string {
  return event.event === undefined ? `data: ${event.data}\n\n` : `event: ${event.event}\ndata: ${event.data}\n\n`;
}

function sseText(events: readonly StreamEvent[], from: number, to: number): string {
  let text = "";
  for (let i = from; i < to; i++) text += formatSseEvent(events[i]);
  return text;
}

/**
 * Events from `from` on, each framed as its own HTTP/1.1 chunk (size in hex, CRLF, bytes, CRLF), in
 * one Buffer: a run of events is then one slice of it, written with no per-token string building or
 * UTF-8 encoding. Consecutive chunks are a valid chunked body however the runs are cut.
 */
class EncodedChunks {
  private readonly bytes: Buffer;
  /** offsets[i - from]: where event i's chunk starts; the last entry is the end. */
  private readonly offsets: Uint32Array;

  constructor(
    events: readonly StreamEvent[],
    private readonly from: number,
  ) {
    this.offsets = new Uint32Array(events.length - from + 1);
    let text = "";
    let at = 0;
    for (let i = from; i < events.length; i++) {
      const sse = formatSseEvent(events[i]);
      const length = Buffer.byteLength(sse);
      const size = length.toString(16);
      text += `${size}\r\n${sse}\r\n`;
      at += size.length + length + 4;
      this.offsets[i - from + 1] = at;
    }
    this.bytes = Buffer.from(text);
  }

  slice(from: number, to: number): Buffer {
    return this.bytes.subarray(this.offsets[from - this.from], this.offsets[to - this.from]);
  }
}

/**
 * Straight to the socket costs a paced stream far less than ServerResponse.write (which corks, defers
 * to nextTick and sends a three-part writev per token); `end()` still closes the body with its last chunk.
 */
export function sseSink(res: ServerResponse, events: readonly StreamEvent[]): EventSink {
  let pending: readonly StreamEvent[] | null = events;
  let socket: Socket | null = null;
  let chunks: EncodedChunks | null = null;
  const send = (from: number, to: number): boolean => {
    if (socket !== null) {
      if (chunks === null) {
        chunks = new EncodedChunks(pending!, from);
        // The stream's bytes are all in `chunks` now; the events need not live as long as the stream.
        pending = null;
      }
      return socket.write(chunks.slice(from, to));
    }
    const more = res.write(sseText(pending!, from, to));
    // Only a chunked body on its own socket (not an HTTP/1.0 client, not behind a pipelined answer) can be framed by hand.
    if ((res as ServerResponse & { chunkedEncoding?: boolean }).chunkedEncoding === true && res.socket) socket = res.socket;
    return more;
  };
  return {
    write: send,
    finish(from, to) {
      if (from < to && socket !== null) send(from, to);
      else if (from < to) return void res.end(sseText(pending!, from, to));
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
