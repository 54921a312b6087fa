// The Responses API through the official openai SDK (HTTP and ResponsesWS) and raw WebSocket frames: lanes, bad frames, disconnects.
import { encode } from "gpt-tokenizer/encoding/o200k_base";
import OpenAI, { BadRequestError } from "openai";
import { ResponsesWS } from "openai/resources/responses/ws";
import type { ResponseFunctionToolCall, ResponseInputItem } from "openai/resources/responses/responses";
import { createServer, type ServerInstance } from "understudy-llm/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";

const LONG_STORY = Array.from({ length: 60 }, (_, i) => `word${i}`).join(" ");
const WEATHER_TOOL = {
  type: "function" as const,
  name: "get_weather",
  description: "Current weather for a city",
  parameters: {
    type: "object",
    properties: { city: { type: "string" } },
    required: ["city"],
    additionalProperties: false,
  },
  strict: true,
};
const tokens = (text: string) => encode(text).length;

let instance: ServerInstance;
let client: OpenAI;
const wsUrl = () => `${instance.url.replace(/^http/, "ws")}/v1/responses`;

beforeAll(async () => {
  instance = await createServer([
    // Tool loop: the tool-result fixture comes before the one that makes the call (first match wins).
    { match: { hasToolResult: true }, response: { content: "It is sunny in NYC." } },
    {
      match: { userMessage: "weather" },
      response: { toolCalls: [{ name: "get_weather", arguments: '{"city":"NYC"}' }] },
    },
    { match: { turnIndex: 1, userMessage: "again" }, response: { content: "I remember the first turn." } },
    { match: { userMessage: "slow" }, response: { content: "one two three four five six" }, latency: 20 },
    { match: { userMessage: "long story" }, response: { content: LONG_STORY }, latency: 50 },
    { match: { userMessage: "hello" }, response: { content: "Hi there!" } },
  ]);
  client = new OpenAI({ baseURL: `${instance.url}/v1`, apiKey: "test-key", maxRetries: 0 });
});
afterAll(() => instance.close());

/** Polls until `check` returns a value, or fails after `ms`. */
async function until<T>(check: () => T | undefined | false, ms = 5000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** A raw WebSocket that records every frame it receives, parsed. */
async function openSocket(): Promise<{ ws: WebSocket; frames: any[] }> {
  const ws = new WebSocket(wsUrl());
  const frames: any[] = [];
  ws.on("message", (data) => frames.push(JSON.parse(String(data))));
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  return { ws, frames };
}
const completedCount = (frames: any[]) => frames.filter((f) => f.type === "response.completed").length;

describe("openai SDK over HTTP", () => {
  it("responses.create returns the fixture text as output_text with a resp_ id and exact usage", async () => {
    const response = await client.responses.create({ model: "gpt-4o", input: "hello" });
    expect(response.id).toMatch(/^resp_[0-9a-f]{48}$/);
    expect(response.output_text).toBe("Hi there!");
    expect(response.status).toBe("completed");
    // 3 + (3 + tokens("user") + tokens("hello")) = 8; "Hi there!" is 3 tokens.
    expect(response.usage).toMatchObject({ input_tokens: 8, output_tokens: 3, total_tokens: 11 });
  });

  it("responses.stream().finalResponse() yields the function call, and function_call_output gets the final answer both ways", async () => {
    const question = "what is the weather in NYC?";
    const stream = client.responses.stream({ model: "gpt-4o", input: question, tools: [WEATHER_TOOL] });
    const argDeltas: string[] = [];
    stream.on("response.function_call_arguments.delta", (e) => argDeltas.push(e.delta));
    const first = await stream.finalResponse();
    expect(first.status).toBe("completed");
    expect(first.output).toHaveLength(1);
    const call = first.output[0] as ResponseFunctionToolCall;
    expect(call).toMatchObject({
      type: "function_call",
      name: "get_weather",
      arguments: '{"city":"NYC"}',
      status: "completed",
    });
    expect(call.id).toMatch(/^fc_[0-9a-f]{48}$/);
    expect(call.call_id).toMatch(/^call_[A-Za-z0-9]{24}$/);
    expect(argDeltas.join("")).toBe('{"city":"NYC"}');
    expect(first.usage?.output_tokens).toBe(tokens('{"city":"NYC"}'));

    const toolOutput: ResponseInputItem = { type: "function_call_output", call_id: call.call_id, output: "Sunny, 22C" };
    const chained = await client.responses.create({
      model: "gpt-4o",
      previous_response_id: first.id,
      input: [toolOutput],
      tools: [WEATHER_TOOL],
    });
    expect(chained.output_text).toBe("It is sunny in NYC.");
    expect(chained.previous_response_id).toBe(first.id);

    const replayed = await client.responses.create({
      model: "gpt-4o",
      input: [{ role: "user", content: question }, call, toolOutput],
      tools: [WEATHER_TOOL],
    });
    expect(replayed.output_text).toBe("It is sunny in NYC.");
    expect(replayed.previous_response_id).toBeNull();
    // The same conversation either way: user, assistant call, tool result, plus the tool definition (WIRE.md §6).
    const expected =
      3 +
      (3 + tokens("user") + tokens(question)) +
      (3 + tokens("assistant") + 3 + tokens("get_weather") + tokens('{"city":"NYC"}')) +
      (3 + tokens("tool") + tokens("Sunny, 22C")) +
      (9 + tokens("get_weather") + tokens(WEATHER_TOOL.description) + tokens(JSON.stringify(WEATHER_TOOL.parameters)));
    expect(replayed.usage?.input_tokens).toBe(expected);
    expect(chained.usage?.input_tokens).toBe(expected);
  });

  it("rejects a function_call_output whose call_id was never issued with a 400 BadRequestError", async () => {
    const attempt = client.responses.create({
      model: "gpt-4o",
      input: [{ type: "function_call_output", call_id: "call_nope", output: "x" }],
    });
    await expect(attempt).rejects.toBeInstanceOf(BadRequestError);
    await expect(attempt).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining("No tool call found for function call output with call_id call_nope"),
    });
  });
});

describe("openai SDK ResponsesWS", () => {
  it("holds a two-turn conversation, the second turn chained by previous_response_id with store:false from connection memory", async () => {
    const ws = new ResponsesWS(client);
    const events: any[] = [];
    ws.on("event", (event) => events.push(event));
    try {
      ws.send({ type: "response.create", model: "gpt-4o", input: "hello", store: false });
      await until(() => completedCount(events) === 1);
      const first = events.find((e) => e.type === "response.completed").response;
      expect(first.output[0].content[0].text).toBe("Hi there!");
      expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));

      const secondStart = events.length;
      ws.send({
        type: "response.create",
        model: "gpt-4o",
        input: "again",
        previous_response_id: first.id,
        store: false,
      });
      await until(() => completedCount(events) === 2);
      const second = events.slice(secondStart);
      expect(second[0].type).toBe("response.created");
      expect(second.map((e) => e.sequence_number)).toEqual(second.map((_, i) => i));
      const deltas = second.filter((e) => e.type === "response.output_text.delta").map((e) => e.delta);
      expect(deltas.join("")).toBe("I remember the first turn.");
      const final = second.at(-1).response;
      expect(final).toMatchObject({ status: "completed", store: false, previous_response_id: first.id });
      expect(final.id).not.toBe(first.id);
      // store:false kept both out of the server's store: only the connection remembered them.
      expect((await fetch(`${instance.url}/v1/responses/${first.id}`)).status).toBe(404);
    } finally {
      ws.close();
    }
  });
});

describe("raw WebSocket frames", () => {
  it("echoes stream_id on every event, and two lanes with latency interleave", async () => {
    const { ws, frames } = await openSocket();
    ws.send(JSON.stringify({ type: "response.create", stream_id: "lane-a", model: "gpt-4o", input: "slow one" }));
    ws.send(JSON.stringify({ type: "response.create", stream_id: "lane.b", model: "gpt-4o", input: "slow two" }));
    await until(() => completedCount(frames) === 2);
    ws.close();
    expect(new Set(frames.map((f) => f.stream_id))).toEqual(new Set(["lane-a", "lane.b"]));
    for (const lane of ["lane-a", "lane.b"]) {
      const own = frames.filter((f) => f.stream_id === lane);
      expect(own.map((f) => f.sequence_number)).toEqual(own.map((_, i) => i));
      expect(
        own
          .filter((f) => f.type === "response.output_text.delta")
          .map((f) => f.delta)
          .join(""),
      ).toBe("one two three four five six");
    }
    const firstB = frames.findIndex((f) => f.stream_id === "lane.b");
    const lastA = frames.findLastIndex((f) => f.stream_id === "lane-a");
    expect(firstB).toBeLessThan(lastA);
  });

  it("runs requests on one lane in order: a fast reply waits for the slow one before it", async () => {
    const { ws, frames } = await openSocket();
    ws.send(JSON.stringify({ type: "response.create", stream_id: "main", model: "gpt-4o", input: "slow please" }));
    ws.send(JSON.stringify({ type: "response.create", stream_id: "main", model: "gpt-4o", input: "hello" }));
    await until(() => completedCount(frames) === 2);
    ws.close();
    const ids = frames.map((f) => (f.response?.id ?? f.item_id) as string | undefined);
    const firstId = frames[0].response.id;
    const boundary = frames.findIndex((f) => f.type === "response.completed") + 1;
    expect(frames[boundary - 1].response.id).toBe(firstId);
    expect(frames[boundary - 1].response.output[0].content[0].text).toBe("one two three four five six");
    expect(frames[boundary].type).toBe("response.created");
    expect(frames[boundary].sequence_number).toBe(0);
    expect(frames.at(-1).response.output[0].content[0].text).toBe("Hi there!");
    expect(ids.slice(boundary)).not.toContain(firstId);
  });

  it("answers malformed frames with status-400 error frames and keeps the connection open", async () => {
    const { ws, frames } = await openSocket();
    ws.send("this is not json");
    ws.send(JSON.stringify({ type: "response.cancel" }));
    ws.send(JSON.stringify({ type: "response.create", stream_id: "bad id!", model: "gpt-4o", input: "hello" }));
    ws.send(JSON.stringify({ type: "response.create", model: "gpt-4o", input: "nothing matches this" }));
    await until(() => frames.length === 4);
    expect(frames[0]).toEqual({
      type: "error",
      status: 400,
      error: {
        type: "invalid_request_error",
        code: "invalid_json",
        message: "The message is not valid JSON.",
        param: null,
      },
    });
    expect(frames[1]).toMatchObject({
      type: "error",
      status: 400,
      error: { type: "invalid_request_error", code: "invalid_value", param: "type" },
    });
    expect(frames[1].error.message).toContain("'response.cancel'");
    expect(frames[2]).toMatchObject({
      type: "error",
      status: 400,
      stream_id: "bad id!",
      error: { code: "invalid_stream_id", param: "stream_id" },
    });
    expect(frames[3]).toMatchObject({
      type: "error",
      status: 400,
      error: { type: "invalid_request_error", code: "no_match" },
    });
    expect(ws.readyState).toBe(WebSocket.OPEN);

    ws.send(JSON.stringify({ type: "response.create", model: "gpt-4o", input: "hello" }));
    await until(() => completedCount(frames) === 1);
    expect(frames.at(-1).response.output[0].content[0].text).toBe("Hi there!");
    expect(frames.at(-1)).not.toHaveProperty("stream_id");
    ws.close();
  });

  // `generate: false` is a warm-up that returns a response id to chain from, with no output.
  it("treats generate:false as a warm-up: a completed response with no output that a later turn can chain from", async () => {
    const { ws, frames } = await openSocket();
    ws.send(
      JSON.stringify({ type: "response.create", model: "gpt-4o", input: "hello", generate: false, store: false }),
    );
    await until(() => completedCount(frames) === 1);
    expect(frames.some((f) => f.type === "response.output_text.delta")).toBe(false);
    const warm = frames.at(-1).response;
    expect(warm.output).toEqual([]);
    expect(warm.usage.output_tokens).toBe(0);
    // The warm-up matched no fixture, and a follow-up continues from its input.
    ws.send(
      JSON.stringify({
        type: "response.create",
        model: "gpt-4o",
        input: "hello again",
        previous_response_id: warm.id,
        store: false,
      }),
    );
    await until(() => completedCount(frames) === 2);
    ws.close();
    const followUp = frames.at(-1).response;
    expect(followUp.previous_response_id).toBe(warm.id);
    expect(followUp.output[0].content[0].text).toBe("Hi there!");
    expect(followUp.usage.input_tokens).toBeGreaterThan(warm.usage.input_tokens);
  });

  it("refuses background: true on the WebSocket with a 400 error frame", async () => {
    const { ws, frames } = await openSocket();
    ws.send(JSON.stringify({ type: "response.create", model: "gpt-4o", input: "hello", background: true }));
    await until(() => frames.some((f) => f.type === "error"));
    ws.close();
    expect(frames.find((f) => f.type === "error")).toMatchObject({
      status: 400,
      error: { code: "unsupported_parameter", param: "background" },
    });
  });

  it("stops a paced response when the client disconnects, and journals it as interrupted", async () => {
    const { ws, frames } = await openSocket();
    const totalDeltas = tokens(LONG_STORY);
    const input = `tell me a long story ${Date.now()}`;
    ws.send(JSON.stringify({ type: "response.create", model: "gpt-4o", input }));
    await until(() => frames.some((f) => f.type === "response.output_text.delta"));
    ws.terminate();
    const entry = await until(() =>
      instance.journal.all().find((e) => (e.body as { input?: string } | undefined)?.input === input),
    );
    expect(entry).toMatchObject({
      method: "WS",
      api: "responses",
      stream: true,
      status: 200,
      interrupted: true,
      model: "gpt-4o",
    });
    expect(entry.fixture).not.toBeNull();
    // The full reply would take (totalDeltas + 8) × 50 ms; the server gave up long before that.
    expect(totalDeltas).toBeGreaterThan(60);
    expect(entry.durationMs).toBeLessThan(totalDeltas * 50);
    expect(frames.filter((f) => f.type === "response.output_text.delta").length).toBeLessThan(totalDeltas);
  });
});

describe("closing a server with WebSocket connections open", () => {
  it("ends them, so close() resolves, and a server that never saw one closes as well", async () => {
    const quiet = await createServer([{ match: {}, response: { content: "ok" } }]);
    await quiet.close();
    const busy = await createServer([{ match: {}, response: { content: "ok" } }]);
    const ws = new WebSocket(`${busy.url.replace(/^http/, "ws")}/v1/responses`);
    await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
    const closed = new Promise<number>((resolve) => ws.once("close", (code) => resolve(code)));
    await busy.close();
    expect(await closed).toBe(1006); // terminated: no closing handshake
  });
});
