// The Messages stream's bytes on the wire: exact event order and SSE framing, `event:` names equal to
// their data's `type`, the ping after the first block starts, the same bytes whether sent at once or paced,
// tool input as input_json_delta fragments, and a fixture's error on a stream as an in-band `error` event.
import { LLMock } from "understudy-llm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { postAnthropic, promptTokens, sseEvents } from "./support/anthropic.js";

const MODEL = "claude-sonnet-5";
let mock: LLMock;
let url: string;

beforeAll(async () => {
  mock = new LLMock();
  await mock.start();
  url = `${mock.url}/v1/messages`;
});
afterAll(() => mock.stop());
beforeEach(() => mock.clearFixtures());

const ask = (text: string, extra: Record<string, unknown> = {}) => ({
  model: MODEL,
  max_tokens: 200,
  stream: true,
  messages: [{ role: "user", content: text }],
  ...extra,
});

/** The body with its message id replaced, so two answers can be compared byte for byte. */
const withoutId = (text: string) => text.replace(/"id":"msg_011C[A-Za-z0-9]{20}"/, '"id":"MSG"');

describe("a text stream", () => {
  it("is exactly message_start, content_block_start, ping, one text_delta per token, stop, message_delta, message_stop", async () => {
    mock.on({ userMessage: "hi" }, { content: "Hi there." });
    const { status, headers, text } = await postAnthropic(url, ask("hi"));
    expect(status).toBe(200);
    expect(headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(headers.get("request-id")).toMatch(/^req_011C[A-Za-z0-9]{20}$/);
    const input = promptTokens(["hi"]);
    const usage = `"cache_creation_input_tokens":0,"cache_read_input_tokens":0`;
    const startUsage = `{"input_tokens":${input},${usage},"cache_creation":{"ephemeral_5m_input_tokens":0,"ephemeral_1h_input_tokens":0},"output_tokens":1,"output_tokens_details":null,"server_tool_use":null,"service_tier":"standard","inference_geo":"not_available","speed":"standard"}`;
    const delta = (piece: string) =>
      `event: content_block_delta\ndata: {"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":"${piece}"}}\n\n`;
    expect(withoutId(text)).toBe(
      `event: message_start\ndata: {"type":"message_start","message":{"model":"${MODEL}","id":"MSG","type":"message","role":"assistant","content":[],"container":null,"stop_reason":null,"stop_sequence":null,"stop_details":null,"usage":${startUsage},"diagnostics":null}}\n\n` +
        `event: content_block_start\ndata: {"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}\n\n` +
        `event: ping\ndata: {"type":"ping"}\n\n` +
        delta("Hi") +
        delta(" there") +
        delta(".") +
        `event: content_block_stop\ndata: {"type":"content_block_stop","index":0}\n\n` +
        `event: message_delta\ndata: {"type":"message_delta","delta":{"stop_reason":"end_turn","stop_sequence":null,"stop_details":null,"container":null},"usage":{"input_tokens":${input},${usage},"output_tokens":3,"output_tokens_details":{"thinking_tokens":0},"server_tool_use":null}}\n\n` +
        `event: message_stop\ndata: {"type":"message_stop"}\n\n`,
    );
  });

  it("sends the same bytes paced token by token as at once (only the message id differs)", async () => {
    mock.on({ userMessage: "hi" }, { content: "Hi there, paced." });
    const once = await postAnthropic(url, ask("hi"));
    const paced = await postAnthropic(url, ask("hi"), { "x-understudy-itl": "1" });
    expect(withoutId(paced.text)).toBe(withoutId(once.text));
    expect(paced.text).not.toBe(once.text);
  });

  it("names every event after its data's type", async () => {
    mock.on(
      { userMessage: "all" },
      { content: "Both.", reasoning: "Hmm.", toolCalls: [{ name: "f", arguments: { a: 1 } }] },
    );
    const { text } = await postAnthropic(
      url,
      ask("all", { thinking: { type: "enabled", budget_tokens: 1024 }, max_tokens: 2000 }),
    );
    const events = sseEvents(text);
    expect(events.length).toBeGreaterThan(10);
    for (const { event, data } of events) expect(data.type).toBe(event);
  });

  it("sends a ping after message_start when the answer has no block at all (max_tokens 0)", async () => {
    mock.on({ userMessage: "hi" }, { content: "Hi." });
    const { text } = await postAnthropic(url, ask("hi", { max_tokens: 0 }));
    expect(sseEvents(text).map((e) => e.event)).toEqual(["message_start", "ping", "message_delta", "message_stop"]);
    expect(sseEvents(text)[2].data.delta.stop_reason).toBe("max_tokens");
  });
});

describe("stream negotiation", () => {
  it("answers JSON when the body leaves stream unset, whatever Accept asks for, as the API does", async () => {
    mock.on({ userMessage: "hi" }, { content: "Hi." });
    const body = { model: MODEL, max_tokens: 50, messages: [{ role: "user", content: "hi" }] };
    const { headers, text } = await postAnthropic(url, body, { accept: "text/event-stream" });
    expect(headers.get("content-type")).toContain("application/json");
    expect(JSON.parse(text)).toMatchObject({ type: "message", content: [{ type: "text", text: "Hi." }] });
  });
});

describe("blocks in a stream", () => {
  it("streams thinking, then text, then a tool use, each with its own index, deltas and stop", async () => {
    mock.on(
      { userMessage: "plan" },
      {
        reasoning: "Weather first.",
        content: "Checking.",
        toolCalls: [{ name: "get_weather", arguments: '{"city":"Paris"}', id: "toolu_fixed" }],
      },
    );
    const { text } = await postAnthropic(
      url,
      ask("plan", { thinking: { type: "enabled", budget_tokens: 1024 }, max_tokens: 4000 }),
    );
    const events = sseEvents(text);
    const starts = events.filter((e) => e.event === "content_block_start").map((e) => e.data);
    expect(starts).toEqual([
      { type: "content_block_start", index: 0, content_block: { type: "thinking", thinking: "", signature: "" } },
      { type: "content_block_start", index: 1, content_block: { type: "text", text: "" } },
      {
        type: "content_block_start",
        index: 2,
        content_block: {
          type: "tool_use",
          id: "toolu_fixed",
          name: "get_weather",
          input: {},
          caller: { type: "direct" },
        },
      },
    ]);
    const deltas = (index: number) =>
      events.filter((e) => e.event === "content_block_delta" && e.data.index === index).map((e) => e.data.delta);
    expect(deltas(0).map((d) => d.type)).toEqual([
      "thinking_delta",
      "thinking_delta",
      "thinking_delta",
      "signature_delta",
    ]);
    expect(
      deltas(0)
        .slice(0, 3)
        .map((d) => d.thinking)
        .join(""),
    ).toBe("Weather first.");
    expect(
      deltas(1)
        .map((d) => d.text)
        .join(""),
    ).toBe("Checking.");
    const json = deltas(2);
    expect(json[0]).toEqual({ type: "input_json_delta", partial_json: "" });
    expect(json.map((d) => d.partial_json).join("")).toBe('{"city":"Paris"}');
    expect(json.length).toBeGreaterThan(2);
    const order = events.map((e) => `${e.event}${e.data.index ?? ""}`);
    expect(order.indexOf("content_block_stop0")).toBeLessThan(order.indexOf("content_block_start1"));
    expect(order.indexOf("ping")).toBe(2);
    expect(events.at(-2)?.data.delta).toEqual({
      stop_reason: "tool_use",
      stop_sequence: null,
      stop_details: null,
      container: null,
    });
  });
});

describe("a fixture's error on a stream", () => {
  it("goes out in-band as one `error` event in a 200 stream, as the API reports errors once a stream has begun", async () => {
    mock.on({ userMessage: "busy" }, { error: { status: 529, message: "Overloaded", type: "overloaded_error" } });
    const { status, text } = await postAnthropic(url, ask("busy"));
    expect(status).toBe(200);
    expect(text).toBe(
      'event: error\ndata: {"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}\n\n',
    );
  });

  it("is an HTTP 429 with retry-after for a rate limit, which is refused before any stream starts", async () => {
    mock.on({ userMessage: "slow" }, { error: { status: 429, message: "Too many requests", retryAfter: 7 } });
    const { status, headers, text } = await postAnthropic(url, ask("slow"));
    expect(status).toBe(429);
    expect(headers.get("retry-after")).toBe("7");
    expect(JSON.parse(text)).toMatchObject({
      type: "error",
      error: { type: "rate_limit_error", message: "Too many requests" },
    });
  });
});
