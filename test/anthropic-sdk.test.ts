// The official @anthropic-ai/sdk against Understudy's Messages API: replies, the stream helper, stop
// sequences, the max_tokens cut, ids, usage and the journal.
import Anthropic from "@anthropic-ai/sdk";
import { LLMock } from "understudy-llm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { promptTokens, tokens } from "./support/anthropic.js";

const MODEL = "claude-opus-4-8";
const REPLY = "Hello! How can I help?";
let mock: LLMock;
let client: Anthropic;

beforeAll(async () => {
  mock = new LLMock();
  await mock.start();
  client = new Anthropic({ baseURL: mock.url, apiKey: "test", maxRetries: 0 });
});
afterAll(() => mock.stop());
beforeEach(() => {
  mock.clearFixtures();
  mock.on({ userMessage: "hello" }, { content: REPLY });
});

describe("messages.create", () => {
  it("answers with the fixture's text as one text block, end_turn, a msg_ id and usage by the documented formula", async () => {
    const message = await client.messages.create({
      model: MODEL,
      max_tokens: 1024,
      system: "You are terse.",
      messages: [{ role: "user", content: "hello there" }],
    });
    expect(message.id).toMatch(/^msg_011C[A-Za-z0-9]{20}$/);
    expect(message).toMatchObject({
      type: "message",
      role: "assistant",
      model: MODEL,
      content: [{ type: "text", text: REPLY }],
      stop_reason: "end_turn",
      stop_sequence: null,
    });
    // 3 + (3 + 4 system tokens) + (3 + 2 user tokens) = 15; the reply is 7 tokens.
    expect(promptTokens(["You are terse.", "hello there"])).toBe(15);
    expect(message.usage).toMatchObject({
      input_tokens: 15,
      output_tokens: tokens(REPLY),
      cache_creation_input_tokens: 0,
      cache_read_input_tokens: 0,
      service_tier: "standard",
    });
    expect(message.usage.output_tokens).toBe(7);
  });

  it("takes system as text blocks and content as blocks, the same turns as strings", async () => {
    const message = await client.messages.create({
      model: MODEL,
      max_tokens: 100,
      system: [{ type: "text", text: "You are terse." }],
      messages: [{ role: "user", content: [{ type: "text", text: "hello there" }] }],
    });
    expect(message.content).toEqual([{ type: "text", text: REPLY }]);
    expect(message.usage.input_tokens).toBe(15);
  });

  it("carries a request-id header (req_011C and 20 characters) that the SDK reports as the request's id", async () => {
    const { response, request_id } = await client.messages
      .create({ model: MODEL, max_tokens: 50, messages: [{ role: "user", content: "hello" }] })
      .withResponse();
    expect(response.headers.get("request-id")).toMatch(/^req_011C[A-Za-z0-9]{20}$/);
    expect(request_id).toBe(response.headers.get("request-id"));
    expect(mock.requests.at(-1)?.requestId).toBe(request_id);
  });

  it("ends before a stop sequence with stop_reason stop_sequence, naming the sequence that matched first", async () => {
    mock.on({ userMessage: "count" }, { content: "one, two, three, four" });
    const message = await client.messages.create({
      model: MODEL,
      max_tokens: 100,
      stop_sequences: ["four", "three"],
      messages: [{ role: "user", content: "count please" }],
    });
    expect(message.content).toEqual([{ type: "text", text: "one, two, " }]);
    expect(message.stop_reason).toBe("stop_sequence");
    expect(message.stop_sequence).toBe("three");
    expect(message.usage.output_tokens).toBe(tokens("one, two, "));
  });

  it("cuts a reply at max_tokens on a token boundary with stop_reason max_tokens", async () => {
    const message = await client.messages.create({
      model: MODEL,
      max_tokens: 3,
      messages: [{ role: "user", content: "hello" }],
    });
    expect(message.content).toEqual([{ type: "text", text: "Hello! How" }]);
    expect(message).toMatchObject({ stop_reason: "max_tokens", stop_sequence: null });
    expect(message.usage.output_tokens).toBe(3);
  });

  it("answers max_tokens 0 (a cache warm-up) with no content at all", async () => {
    const message = await client.messages.create({
      model: MODEL,
      max_tokens: 0,
      messages: [{ role: "user", content: "hello" }],
    });
    expect(message).toMatchObject({ content: [], stop_reason: "max_tokens", usage: { output_tokens: 0 } });
  });

  it("matches the last user turn when consecutive user turns are sent, as the API combines them", async () => {
    mock.on({ userMessage: "second" }, { content: "Got both." });
    const message = await client.messages.create({
      model: MODEL,
      max_tokens: 50,
      messages: [
        { role: "user", content: "first" },
        { role: "user", content: "second" },
      ],
    });
    expect(message.content).toEqual([{ type: "text", text: "Got both." }]);
  });

  it("journals the exchange as provider anthropic, api messages, with its model", async () => {
    await client.messages.create({ model: MODEL, max_tokens: 50, messages: [{ role: "user", content: "hello" }] });
    const entry = mock.requests.at(-1);
    expect(entry).toMatchObject({ provider: "anthropic", api: "messages", model: MODEL, status: 200, stream: false });
    expect(entry?.path).toBe("/v1/messages");
  });
});

describe("messages.stream", () => {
  it("emits the reply token by token as text events and resolves finalMessage to the same message", async () => {
    const texts: string[] = [];
    const stream = client.messages.stream({
      model: MODEL,
      max_tokens: 100,
      messages: [{ role: "user", content: "hello" }],
    });
    stream.on("text", (text) => texts.push(text));
    const message = await stream.finalMessage();
    expect(texts).toEqual(["Hello", "!", " How", " can", " I", " help", "?"]);
    expect(message).toMatchObject({
      role: "assistant",
      model: MODEL,
      content: [{ type: "text", text: REPLY }],
      stop_reason: "end_turn",
      stop_sequence: null,
      usage: { input_tokens: promptTokens(["hello"]), output_tokens: 7 },
    });
    expect(message.id).toMatch(/^msg_011C[A-Za-z0-9]{20}$/);
    expect(mock.requests.at(-1)).toMatchObject({ provider: "anthropic", api: "messages", stream: true });
  });

  it("streams raw events with create({stream: true}) in the API's order", async () => {
    const stream = await client.messages.create({
      model: MODEL,
      max_tokens: 100,
      stream: true,
      messages: [{ role: "user", content: "hello" }],
    });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types).toEqual([
      "message_start",
      "content_block_start",
      ...Array(7).fill("content_block_delta"),
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
  });

  it("reports a stop sequence in the stream's message_delta", async () => {
    mock.on({ userMessage: "count" }, { content: "one, two, three" });
    const message = await client.messages
      .stream({
        model: MODEL,
        max_tokens: 100,
        stop_sequences: ["two"],
        messages: [{ role: "user", content: "count" }],
      })
      .finalMessage();
    expect(message).toMatchObject({
      content: [{ type: "text", text: "one, " }],
      stop_reason: "stop_sequence",
      stop_sequence: "two",
    });
  });
});
