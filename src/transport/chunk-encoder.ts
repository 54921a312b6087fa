// Frames a paced stream's events as HTTP/1.1 chunks straight into bytes, in one buffer that all
// streams share: a paced stream holds no encoded bytes of its own while it waits for its next token,
// which at thousands of streams is most of their memory.
import type { RenderedStream } from "../protocols/types.js";

/** Room kept before the data for the chunk's size line: up to 14 hex digits, then CRLF. */
const SIZE_ROOM = 16;
const HEX = Buffer.from("0123456789abcdef", "latin1");
const CR = 13;
const LF = 10;

/**
 * Each write is one chunk (size in hex, CRLF, the events' SSE text (or raw data), CRLF). The SSE text is written
 * first, after room for the size line, and the size then goes right before it: a native call for each
 * of an event's strings (the envelope and its data) and none for the framing, where formatting each event as a
 * string, measuring it and copying it in took four calls and two new strings. A write the kernel takes whole (the usual case) leaves the
 * buffer free for the next one; a write the socket has to queue keeps it, and encoding moves on to a
 * fresh one.
 */
export class SharedChunkEncoder {
  private buffer = Buffer.allocUnsafe(16 * 1024);

  /** Events [from, to), which must not be empty (a chunk of size 0 would end the body), as one chunk. */
  encode(stream: RenderedStream, from: number, to: number): Buffer {
    const { events, envelope } = stream;
    const sse = stream.framing !== "raw";
    let at = SIZE_ROOM;
    for (let i = from; i < to; i++) {
      const { event, enveloped, data } = events[i];
      // At most 3 bytes per UTF-16 unit, plus the field names, newlines and the chunk's closing CRLF.
      const most =
        at + 3 * (data.length + (event === undefined ? 0 : event.length) + (enveloped ? envelope.length : 0)) + 20;
      if (most > this.buffer.length) this.grow(at, most);
      const buffer = this.buffer;
      if (sse && event !== undefined) {
        at = putText(buffer, at, "event: ");
        at = putText(buffer, at, event);
        buffer[at++] = LF;
      }
      if (sse) at = putText(buffer, at, "data: ");
      if (enveloped) at += buffer.write(envelope, at, "utf8");
      at += buffer.write(data, at, "utf8");
      if (sse) {
        buffer[at++] = LF;
        buffer[at++] = LF;
      }
    }
    const buffer = this.buffer;
    let start = SIZE_ROOM - 2;
    buffer[start] = CR;
    buffer[start + 1] = LF;
    let size = at - SIZE_ROOM;
    do {
      buffer[--start] = HEX[size % 16];
      size = Math.floor(size / 16);
    } while (size > 0);
    buffer[at++] = CR;
    buffer[at++] = LF;
    return buffer.subarray(start, at);
  }

  /** Call after writing what `encode` returned: a socket that queued the bytes still needs them. */
  written(queued: boolean): void {
    if (queued) this.buffer = Buffer.allocUnsafe(this.buffer.length);
  }

  private grow(used: number, needed: number): void {
    const larger = Buffer.allocUnsafe(Math.max(needed, 2 * this.buffer.length));
    this.buffer.copy(larger, 0, 0, used);
    this.buffer = larger;
  }
}

/** Writes short ASCII text byte by byte (cheaper than a call into Buffer#write); anything else through Buffer#write. */
function putText(buffer: Buffer, at: number, text: string): number {
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code >= 0x80) return at + buffer.write(text, at, "utf8");
    buffer[at + i] = code;
  }
  return at + text.length;
}
