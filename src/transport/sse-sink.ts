// SSE over an HTTP response, for the stream sender: the first write goes through the response (it
// sends the headers); the rest go straight to the socket as HTTP chunks, encoded as they are sent.
import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { formatSse, formatSseEvent } from "../protocols/sse.js";
import type { StreamEvent } from "../protocols/types.js";
import type { EventSink } from "./stream-sender.js";

/**
 * Frames events as HTTP/1.1 chunks (size in hex, CRLF, bytes, CRLF) in one buffer that all streams
 * share: a paced stream holds no encoded bytes of its own while it waits for its next token, which at
 * thousands of streams is most of their memory. A write the kernel takes whole (the usual case) leaves
 * the buffer free for the next one; a write the socket has to queue keeps it, and encoding moves on
 * to a fresh one.
 */
class SharedChunkEncoder {
  private buffer = Buffer.allocUnsafe(16 * 1024);

  /** Events [from, to) as consecutive chunks: a valid chunked body however the runs are cut. */
  encode(events: readonly StreamEvent[], from: number, to: number): Buffer {
    let at = 0;
    for (let i = from; i < to; i++) {
      const sse = formatSseEvent(events[i]);
      const length = Buffer.byteLength(sse);
      const size = length.toString(16);
      if (at + size.length + length + 4 > this.buffer.length) this.grow(at, at + size.length + length + 4);
      at += this.buffer.write(size, at, "latin1");
      at += this.buffer.write("\r\n", at, "latin1");
      at += this.buffer.write(sse, at, "utf8");
      at += this.buffer.write("\r\n", at, "latin1");
    }
    return this.buffer.subarray(0, at);
  }

  /** Call after writing what `encode` returned: a socket that queued the bytes still needs them. */
  written(socket: Socket): void {
    if (socket.writableLength > 0) this.buffer = Buffer.allocUnsafe(this.buffer.length);
  }

  private grow(used: number, needed: number): void {
    const larger = Buffer.allocUnsafe(Math.max(needed, 2 * this.buffer.length));
    this.buffer.copy(larger, 0, 0, used);
    this.buffer = larger;
  }
}

const encoder = new SharedChunkEncoder();

/**
 * Straight to the socket costs a paced stream far less than ServerResponse.write (which corks, defers
 * to nextTick and sends a three-part writev per token); `end()` still closes the body with its last chunk.
 */
export function sseSink(res: ServerResponse, events: readonly StreamEvent[]): EventSink {
  let socket: Socket | null = null;
  const send = (from: number, to: number): boolean => {
    if (socket !== null) {
      const more = socket.write(encoder.encode(events, from, to));
      encoder.written(socket);
      return more;
    }
    const more = res.write(formatSse(events, from, to));
    // Only a chunked body on its own socket (not an HTTP/1.0 client, not behind a pipelined answer) can be framed by hand.
    if ((res as ServerResponse & { chunkedEncoding?: boolean }).chunkedEncoding === true && res.socket) socket = res.socket;
    return more;
  };
  return {
    write: send,
    finish(from, to) {
      if (from < to && socket !== null) send(from, to);
      else if (from < to) return void res.end(formatSse(events, from, to));
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
