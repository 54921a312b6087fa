// The shared chunk encoder on its own: each write is one valid HTTP/1.1 chunk holding exactly the events' SSE text.
import { describe, expect, it } from "vitest";
import { formatSse } from "../src/protocols/sse.js";
import type { RenderedStream } from "../src/protocols/types.js";
import { SharedChunkEncoder } from "../src/transport/chunk-encoder.js";

/** Splits a chunk into its size line and data, checking the framing. */
function unchunk(chunk: Buffer): { size: string; data: Buffer } {
  const text = chunk.toString("latin1");
  const line = text.indexOf("\r\n");
  const size = text.slice(0, line);
  const data = chunk.subarray(line + 2, chunk.length - 2);
  expect(size).toMatch(/^[0-9a-f]+$/);
  expect(parseInt(size, 16)).toBe(data.length);
  expect(chunk.subarray(chunk.length - 2).toString("latin1")).toBe("\r\n");
  return { size, data };
}

describe("SharedChunkEncoder", () => {
  const stream: RenderedStream = {
    envelope: '{"id":"chatcmpl-1","choices":[',
    events: [
      { data: '{"delta":"Hello"}', token: true },
      { data: '{"delta":{"content":"Grüße"}}]}', enveloped: true, token: true },
      { event: "response.output_text.delta", data: '{"delta":"héllo wörld ✓ 😀"}', token: true },
      { data: "[DONE]" },
    ],
  };

  it("frames a range of events as one chunk of their SSE text, envelopes and non-ASCII text included", () => {
    const encoder = new SharedChunkEncoder();
    for (const [from, to] of [
      [0, 1],
      [1, 2],
      [0, 4],
      [2, 3],
      [3, 4],
    ]) {
      const { data } = unchunk(encoder.encode(stream, from, to));
      expect(data.toString("utf8")).toBe(formatSse(stream, from, to));
    }
    expect(formatSse(stream, 1, 2)).toBe('data: {"id":"chatcmpl-1","choices":[{"delta":{"content":"Grüße"}}]}\n\n');
    expect(unchunk(encoder.encode(stream, 3, 4)).size).toBe(formatSse(stream, 3, 4).length.toString(16));
  });

  it("grows past its buffer for a large event, and keeps what it already framed in that write", () => {
    const encoder = new SharedChunkEncoder();
    const large: RenderedStream = {
      envelope: "ü".repeat(20_000),
      events: [
        stream.events[2],
        { data: JSON.stringify({ delta: "ü".repeat(40_000) }), enveloped: true },
        stream.events[1],
      ],
    };
    const { data, size } = unchunk(encoder.encode(large, 0, 3));
    expect(data.toString("utf8")).toBe(formatSse(large));
    expect(parseInt(size, 16)).toBe(Buffer.byteLength(formatSse(large)));
  });

  it("moves on to a fresh buffer when the socket queued the last write, so the queued bytes stay intact", () => {
    const encoder = new SharedChunkEncoder();
    const first = encoder.encode(stream, 0, 1);
    const copy = Buffer.from(first);
    encoder.written(true);
    encoder.encode(stream, 2, 3);
    expect(first.equals(copy)).toBe(true);
    encoder.written(false);
    const third = encoder.encode(stream, 3, 4);
    const fourth = encoder.encode(stream, 0, 1);
    expect(third.buffer).toBe(fourth.buffer);
  });
});
