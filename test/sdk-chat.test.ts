// The official openai SDK against Understudy's Chat Completions: replies, streams, usage, tool calls and errors.
import { encode as cl100k } from "gpt-tokenizer/encoding/cl100k_base";
import { encode as o200k } from "gpt-tokenizer/encoding/o200k_base";
import OpenAI, { BadRequestError, InternalServerError, RateLimitError } from "openai";
import { LLMock } from "understudy-llm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

type Msg = { role: "system" | "user" | "assistant"; content: string };
/** The cookbook formula: 3 + Σ(3 + tokens(role) + tokens(content)). */
const promptTokens = (messages: Msg[], encode: (text: string) => number[]) =>
  3 + messages.reduce((sum, m) => sum + 3 + encode(m.role).length + encode(m.content).length, 0);

const WEATHER_TOOL = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Current weather",
    parameters: { type: "object", properties: { city: { type: "string" } } },
  },
};

let mock: LLMock;
let client: OpenAI;
const sdk = (maxRetries = 0) => new OpenAI({ baseURL: `${mock.url}/v1`, apiKey: "test", maxRetries });

beforeAll(async () => {
  mock = new LLMock();
  await mock.start();
  client = sdk();
});
afterAll(() => mock.stop());
beforeEach(() => {
  mock.clearFixtures();
});

describe("chat.completions.create without streaming", () => {
  it("returns the fixture text with finish_reason stop, a chatcmpl- id and exact o200k usage for gpt-4o", async () => {
    const reply = "Hello! How can I help?";
    mock.on({ userMessage: "hello" }, { content: reply });
    const messages: Msg[] = [
      { role: "system", content: "You are a terse assistant." },
      { role: "user", content: "hello there" },
    ];
    const completion = await client.chat.completions.create({ model: "gpt-4o", messages });
    expect(completion.id).toMatch(/^chatcmpl-[A-Za-z0-9]{29}$/);
    expect(completion.object).toBe("chat.completion");
    expect(completion.model).toBe("gpt-4o");
    expect(completion.choices).toHaveLength(1);
    expect(completion.choices[0].message.content).toBe(reply);
    expect(completion.choices[0].message.role).toBe("assistant");
    expect(completion.choices[0].finish_reason).toBe("stop");
    // 3 + (3 + 1 + 6) + (3 + 1 + 2) = 19 prompt tokens; the reply is 7 tokens.
    const expectedPrompt = promptTokens(messages, o200k);
    expect(expectedPrompt).toBe(19);
    expect(completion.usage).toMatchObject({ prompt_tokens: 19, completion_tokens: 7, total_tokens: 26 });
    expect(completion.usage?.completion_tokens).toBe(o200k(reply).length);
  });

  it("counts gpt-4 with cl100k_base and gpt-4o with o200k_base (Russian text: 8 vs 6 tokens)", async () => {
    const russian = "Привет, как дела?";
    expect([cl100k(russian).length, o200k(russian).length]).toEqual([8, 6]);
    mock.on({ userMessage: "Привет" }, { content: russian });
    const messages: Msg[] = [{ role: "user", content: russian }];

    const gpt4 = await client.chat.completions.create({ model: "gpt-4", messages });
    expect(gpt4.usage).toMatchObject({
      prompt_tokens: promptTokens(messages, cl100k),
      completion_tokens: 8,
      total_tokens: 15 + 8,
    });
    expect(gpt4.usage?.prompt_tokens).toBe(15);

    const gpt4o = await client.chat.completions.create({ model: "gpt-4o", messages });
    expect(gpt4o.usage).toMatchObject({
      prompt_tokens: promptTokens(messages, o200k),
      completion_tokens: 6,
      total_tokens: 13 + 6,
    });
    expect(gpt4o.usage?.prompt_tokens).toBe(13);
  });

  it("returns a tool call with content null, a call_ id and finish_reason tool_calls", async () => {
    mock.on({ toolName: "get_weather" }, { toolCalls: [{ name: "get_weather", arguments: { city: "Paris" } }] });
    const completion = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "weather in Paris?" }],
      tools: [WEATHER_TOOL],
    });
    const choice = completion.choices[0];
    expect(choice.finish_reason).toBe("tool_calls");
    expect(choice.message.content).toBeNull();
    const call = choice.message.tool_calls?.[0];
    expect(call?.id).toMatch(/^call_[A-Za-z0-9]{24}$/);
    expect(call?.type).toBe("function");
    if (call?.type !== "function") throw new Error("expected a function call");
    expect(call.function).toEqual({ name: "get_weather", arguments: '{"city":"Paris"}' });
    expect(completion.usage?.completion_tokens).toBe(o200k('{"city":"Paris"}').length);
  });
});

describe("chat.completions.create with stream: true", () => {
  it("streams one token per content chunk by default, so the content chunks number the completion tokens", async () => {
    const reply = "The quick brown fox jumps over the lazy dog.";
    mock.on({ userMessage: "fox" }, { content: reply });
    const stream = await client.chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "fox please" }],
      stream: true,
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks[0].choices[0].delta).toEqual({ role: "assistant", content: "", refusal: null });
    const contentChunks = chunks.slice(1).filter((c) => c.choices[0]?.delta.content);
    expect(contentChunks.map((c) => c.choices[0].delta.content)).toEqual([
      "The",
      " quick",
      " brown",
      " fox",
      " jumps",
      " over",
      " the",
      " lazy",
      " dog",
      ".",
    ]);
    expect(contentChunks).toHaveLength(o200k(reply).length);
    expect(chunks.map((c) => c.choices[0].delta.content ?? "").join("")).toBe(reply);
    expect(chunks.at(-1)?.choices[0].finish_reason).toBe("stop");
    expect(chunks.slice(0, -1).every((c) => c.choices[0].finish_reason === null)).toBe(true);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks[0].id).toMatch(/^chatcmpl-/);
    expect(chunks.every((c) => c.usage === undefined)).toBe(true);
  });

  it("sends usage: null on every chunk and a final choices: [] chunk with the usage when include_usage is set", async () => {
    const reply = "Hello! How can I help?";
    mock.on({ userMessage: "hello" }, { content: reply });
    const messages: Msg[] = [{ role: "user", content: "hello" }];
    const stream = await client.chat.completions.create({
      model: "gpt-4",
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    // 3 + (3 + 1 + 1) = 8 prompt tokens; the reply is 7 cl100k tokens.
    expect(last.usage).toMatchObject({
      prompt_tokens: promptTokens(messages, cl100k),
      completion_tokens: 7,
      total_tokens: 15,
    });
    expect(last.usage?.prompt_tokens).toBe(8);
    expect(chunks.slice(0, -1).every((c) => c.usage === null)).toBe(true);
    expect(chunks.at(-2)?.choices[0].finish_reason).toBe("stop");
    expect(chunks.filter((c) => c.choices[0]?.delta.content).length).toBe(last.usage?.completion_tokens);
  });
});

describe("chat.completions.stream(...).finalChatCompletion()", () => {
  it("assembles a streamed tool call into tool_calls[0] with its name, arguments and finish_reason tool_calls", async () => {
    mock.on(
      { userMessage: "weather" },
      { toolCalls: [{ name: "get_weather", arguments: '{"city":"SF"}', id: "call_fixed_1" }] },
    );
    const final = await client.chat.completions
      .stream({ model: "gpt-4o", messages: [{ role: "user", content: "what is the weather?" }], tools: [WEATHER_TOOL] })
      .finalChatCompletion();
    const choice = final.choices[0];
    expect(choice.finish_reason).toBe("tool_calls");
    expect(choice.message.tool_calls).toHaveLength(1);
    const call = choice.message.tool_calls![0];
    if (call.type !== "function") throw new Error("expected a function call");
    expect(call.id).toBe("call_fixed_1");
    expect(call.function.name).toBe("get_weather");
    expect(call.function.arguments).toBe('{"city":"SF"}');
    expect(JSON.parse(call.function.arguments)).toEqual({ city: "SF" });
  });

  it("assembles two parallel tool calls at indexes 0 and 1 with distinct ids", async () => {
    mock.on(
      { userMessage: "two cities" },
      {
        toolCalls: [
          { name: "get_weather", arguments: { city: "Paris" } },
          { name: "get_time", arguments: '{"zone":"Europe/Berlin"}' },
        ],
      },
    );
    const final = await client.chat.completions
      .stream({ model: "gpt-4o", messages: [{ role: "user", content: "two cities please" }] })
      .finalChatCompletion();
    expect(final.choices[0].finish_reason).toBe("tool_calls");
    const calls = (final.choices[0].message.tool_calls ?? []).map((c) => {
      if (c.type !== "function") throw new Error("expected function calls");
      return { id: c.id, name: c.function.name, arguments: c.function.arguments };
    });
    expect(calls.map(({ name, arguments: args }) => [name, args])).toEqual([
      ["get_weather", '{"city":"Paris"}'],
      ["get_time", '{"zone":"Europe/Berlin"}'],
    ]);
    expect(calls[0].id).toMatch(/^call_/);
    expect(calls[1].id).toMatch(/^call_/);
    expect(calls[0].id).not.toBe(calls[1].id);
  });

  it("assembles streamed text into the final message content", async () => {
    mock.on({ userMessage: "hello" }, { content: "Hello! How can I help?" });
    const final = await client.chat.completions
      .stream({ model: "gpt-4o", messages: [{ role: "user", content: "hello" }] })
      .finalChatCompletion();
    expect(final.choices[0].message.content).toBe("Hello! How can I help?");
    expect(final.choices[0].finish_reason).toBe("stop");
  });
});

describe("errors through the SDK", () => {
  const ask = (c: OpenAI, content: string) =>
    c.chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content }] });

  it("throws RateLimitError with status 429, the fixture message and a retry-after header", async () => {
    mock.on({ userMessage: "busy" }, { error: { status: 429, message: "Slow down", retryAfter: 0 } });
    const err = await ask(client, "busy?").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RateLimitError);
    const rate = err as RateLimitError;
    expect(rate.status).toBe(429);
    expect(rate.message).toBe("429 Slow down");
    expect(rate.code).toBe("rate_limit_exceeded");
    expect(rate.headers.get("retry-after")).toBe("0");
    expect(rate.requestID).toMatch(/^req_[0-9a-f]{32}$/);
  });

  it("is retried by the SDK with maxRetries 1: the journal shows a 429 then a 200", async () => {
    mock.on(
      { userMessage: "flaky", sequenceIndex: 0 },
      { error: { status: 429, message: "Slow down", retryAfter: 0 } },
    );
    mock.on({ userMessage: "flaky", sequenceIndex: 1 }, { content: "made it" });
    const before = mock.requests.length;
    const completion = await ask(sdk(1), "flaky call");
    expect(completion.choices[0].message.content).toBe("made it");
    const exchanges = mock.requests.slice(before);
    expect(exchanges.map((e) => e.status)).toEqual([429, 200]);
    expect(exchanges[0].error).toBe("Slow down");
  });

  it("gives up after maxRetries 1 when every attempt is rate limited (2 requests in the journal)", async () => {
    mock.on({ userMessage: "busy" }, { error: { status: 429, message: "Still busy", retryAfter: 0 } });
    const before = mock.requests.length;
    await expect(ask(sdk(1), "busy")).rejects.toThrow(RateLimitError);
    expect(mock.requests.slice(before).map((e) => [e.status, e.error])).toEqual([
      [429, "Still busy"],
      [429, "Still busy"],
    ]);
  });

  it("throws InternalServerError for a 500 fixture", async () => {
    mock.on({ userMessage: "boom" }, { error: { status: 500, message: "The server had an error" } });
    const err = await ask(client, "boom").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InternalServerError);
    expect((err as InternalServerError).status).toBe(500);
    expect((err as InternalServerError).message).toBe("500 The server had an error");
  });

  it("throws BadRequestError naming the closest fixture and the failing field when nothing matches", async () => {
    mock.on({ userMessage: "weather" }, { content: "sunny" });
    const err = await ask(client, "what time is it?").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BadRequestError);
    const bad = err as BadRequestError;
    expect(bad.status).toBe(400);
    expect(bad.code).toBe("no_match");
    expect(bad.message).toBe(
      '400 No matching response found for the given conversation. Closest fixtures: #0 userMessage="weather": last user message "what time is it?" does not contain "weather"',
    );
  });
});
