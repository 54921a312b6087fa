// The contract suite's reading of answers: SSE with and without event names, CRLF line endings,
// multi-line data and comments, and a stream that is one JSON array (Gemini without alt=sse).
import { describe, expect, it } from "vitest";
import { parseSse, readAnswer } from "./wire.js";

const SSE = { "content-type": "text/event-stream; charset=utf-8" };
const JSON_TYPE = { "content-type": "application/json; charset=UTF-8" };

describe("reading answers", () => {
  it("reads data-only SSE, keeping [DONE]", () => {
    expect(parseSse('data: {"a":1}\n\ndata: [DONE]\n\n')).toEqual([{ data: { a: 1 } }, { data: "[DONE]" }]);
  });

  it("reads named events, CRLF blocks, data without its space, multi-line data, and skips comments", () => {
    const text =
      'event: message_start\r\ndata: {"type":"message_start"}\r\n\r\n: keep-alive\r\n\r\nevent: ping\ndata:{"type":"ping"}\n\ndata: {"a":\ndata: 2}\n\n';
    expect(parseSse(text)).toEqual([
      { event: "message_start", data: { type: "message_start" } },
      { event: "ping", data: { type: "ping" } },
      { data: { a: 2 } },
    ]);
  });

  it("reads a JSON array answer as a stream of its elements, and a JSON object as a body", () => {
    const array = readAnswer(200, JSON_TYPE, '[{"n":1}\n,\r\n{"n":2}\n]');
    expect(array).toMatchObject({ events: [{ data: { n: 1 } }, { data: { n: 2 } }], framing: "json-array" });
    expect(array.json).toBeUndefined();
    const object = readAnswer(400, JSON_TYPE, '{"error":{"code":400}}');
    expect(object).toMatchObject({ json: { error: { code: 400 } } });
    expect(object.events).toBeUndefined();
    expect(readAnswer(200, SSE, "data: [DONE]\n\n")).toMatchObject({ events: [{ data: "[DONE]" }], framing: "sse" });
  });
});
