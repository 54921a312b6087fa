// SSE over an HTTP response, for the stream sender: the first write goes through the response (it
// sends the headers); the rest go straight to the socket as HTTP chunks, encoded as they are sent.
import type { ServerResponse } from "node:http";
import type { Socket } from "node:net";
import { formatSse } from "../protocols/sse.js";
import type { RenderedStream } from "../protocols/types.js";
import { SharedChunkEncoder } from "./chunk-encoder.js";
import type { EventSink } from "./stream-sender.js";

const encoder = new SharedChunkEncoder();

/**
 * Straight to the socket costs a paced stream far less than ServerResponse.write (which corks, defers
 * to nextTick and sends a three-part writev per token); `end()` still closes the body with its last chunk.
 */
export function sseSink(res: ServerResponse, stream: RenderedStream): EventSink {
  let socket: Socket | null = null;
  const send = (from: number, to: number): boolean => {
    if (socket !== null) {
      const more = socket.write(encoder.encode(stream, from, to));
      encoder.written(socket.writableLength > 0);
      return more;
    }
    const more = res.write(formatSse(stream, from, to));
    // Only a chunked body on its own socket (not an HTTP/1.0 client, not behind a pipelined answer) can be framed by hand.
    if ((res as ServerResponse & { chunkedEncoding?: boolean }).chunkedEncoding === true && res.socket)
      socket = res.socket;
    return more;
  };
  return {
    write: send,
    finish(from, to) {
      if (from < to && socket !== null) send(from, to);
      else if (from < to) return void res.end(formatSse(stream, from, to));
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
