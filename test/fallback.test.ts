// The fallback for requests no fixture matches (`--fallback lorem:<tokens>` or `echo`), for load tests
// that need no fixtures: exact token counts in the model's encoding, max_tokens and ignore_eos honoured.
import * as cl100k from "gpt-tokenizer/encoding/cl100k_base";
import * as o200k from "gpt-tokenizer/encoding/o200k_base";
import OpenAI from "openai";
import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import { createServer, type ServerInstance } from "understudy-llm/server";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_PARAMS, type Conversation } from "../src/core/conversation.js";
import { createFallback, loremText } from "../src/fixtures/fallback.js";
import { httpPost, sseData } from "./support/http.js";
import { runCli, startCli, stopAllClis, waitForLine } from "./support/cli.js";

const o200kTokens = (text: string) => o200k.encode(text).length;
const cl100kTokens = (text: string) => cl100k.encode(text).length;

const clientOf = (server: ServerInstance) =>
  new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "sk-test", maxRetries: 0 });
const ask = (text: string) => [{ role: "user" as const, content: text }];

async function chat(client: OpenAI, body: Record<string, unknown>) {
  return client.chat.completions.create({
    model: "gpt-4o-mini",
    messages: ask("Write me something"),
    ...body,
  } as OpenAI.ChatCompletionCreateParamsNonStreaming);
}

async function streamChat(client: OpenAI, body: Record<string, unknown>): Promise<ChatCompletionChunk[]> {
  const params = {
    model: "gpt-4o-mini",
    messages: ask("Write me something"),
    stream: true,
    stream_options: { include_usage: true },
    ...body,
  };
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of await client.chat.completions.create(params as OpenAI.ChatCompletionCreateParamsStreaming))
    chunks.push(chunk);
  return chunks;
}

const contentDeltas = (chunks: ChatCompletionChunk[]) =>
  chunks
    .flatMap((chunk) => chunk.choices.map((choice) => choice.delta.content ?? ""))
    .filter((text) => text.length > 0);

describe("lorem text", () => {
  it("has exactly the asked number of tokens in both encodings, for every length up to 600", () => {
    for (let n = 1; n <= 600; n++) {
      expect(o200kTokens(loremText(n, "o200k_base")), `o200k, ${n} tokens`).toBe(n);
      expect(cl100kTokens(loremText(n, "cl100k_base")), `cl100k, ${n} tokens`).toBe(n);
    }
  });

  it("is exact for long replies too, up to the 128000-token maximum", () => {
    for (const n of [4096, 128_000]) {
      expect(o200kTokens(loremText(n, "o200k_base"))).toBe(n);
      expect(cl100kTokens(loremText(n, "cl100k_base"))).toBe(n);
    }
  });

  it("reads as lorem ipsum and is the same text every time", () => {
    expect(loremText(8, "o200k_base")).toBe("Lorem ipsum dolor sit amet, consectetur adipiscing");
    expect(loremText(300, "cl100k_base")).toBe(loremText(300, "cl100k_base"));
    expect(loremText(300, "o200k_base")).not.toMatch(/\n/);
  });

  it("is one long-lived reply per encoding, so the render and token caches keep working", () => {
    const fallback = createFallback("lorem:30")!;
    const conversation = (model: string, text: string): Conversation => ({
      api: "chat.completions",
      model,
      messages: [{ role: "user", content: text }],
      tools: [],
      stream: false,
      params: DEFAULT_PARAMS,
      body: {},
    });
    const first = fallback.hit(conversation("gpt-4o", "one"), "o200k_base");
    expect(first).toMatchObject({ label: "fallback lorem:30", options: {} });
    expect(fallback.hit(conversation("gpt-4o-mini", "two"), "o200k_base").reply).toBe(first.reply);
    expect(fallback.hit(conversation("gpt-4", "three"), "cl100k_base").reply).not.toBe(first.reply);
  });
});

describe("--fallback lorem:30", () => {
  let server: ServerInstance;
  let client: OpenAI;
  beforeAll(async () => {
    server = await createServer([{ match: { userMessage: "hello" }, response: { content: "Hello from a fixture." } }], {
      fallback: "lorem:30",
    });
    client = clientOf(server);
  });
  afterAll(() => server.close());

  it("answers an unmatched chat completion with exactly 30 tokens in o200k (gpt-4o-mini)", async () => {
    const completion = await chat(client, {});
    const content = completion.choices[0].message.content!;
    expect(completion.usage?.completion_tokens).toBe(30);
    expect(o200kTokens(content)).toBe(30);
    expect(content).toMatch(/^Lorem ipsum dolor sit amet/);
    expect(completion.choices[0].finish_reason).toBe("stop");
  });

  it("answers with exactly 30 tokens in cl100k for gpt-4", async () => {
    const completion = await chat(client, { model: "gpt-4" });
    expect(completion.usage?.completion_tokens).toBe(30);
    expect(cl100kTokens(completion.choices[0].message.content!)).toBe(30);
  });

  it("streams 30 content chunks, one token each, and reports 30 completion tokens", async () => {
    const chunks = await streamChat(client, {});
    const deltas = contentDeltas(chunks);
    expect(deltas).toHaveLength(30);
    expect(o200kTokens(deltas.join(""))).toBe(30);
    expect(chunks.at(-1)!.usage?.completion_tokens).toBe(30);
    expect(chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.finish_reason)).filter(Boolean)).toEqual([
      "stop",
    ]);
  });

  it("cuts at max_tokens: 10 with finish_reason length", async () => {
    const completion = await chat(client, { max_tokens: 10 });
    expect(completion.usage?.completion_tokens).toBe(10);
    expect(o200kTokens(completion.choices[0].message.content!)).toBe(10);
    expect(completion.choices[0].finish_reason).toBe("length");
  });

  it("answers 30 tokens when max_tokens is larger and ignore_eos is not set", async () => {
    const completion = await chat(client, { max_tokens: 200 });
    expect(completion.usage?.completion_tokens).toBe(30);
    expect(completion.choices[0].finish_reason).toBe("stop");
  });

  it("generates exactly max_tokens: 200 with ignore_eos, as vLLM and SGLang do", async () => {
    const completion = await chat(client, { ignore_eos: true, max_tokens: 200 });
    const content = completion.choices[0].message.content!;
    expect(completion.usage?.completion_tokens).toBe(200);
    expect(o200kTokens(content)).toBe(200);
    expect(completion.choices[0].finish_reason).toBe("length");

    const chunks = await streamChat(client, { ignore_eos: true, max_tokens: 200 });
    expect(contentDeltas(chunks)).toHaveLength(200);
    expect(contentDeltas(chunks).join("")).toBe(content);
    expect(chunks.at(-1)!.usage?.completion_tokens).toBe(200);
  });

  it("generates exactly max_tokens with ignore_eos in cl100k too", async () => {
    const completion = await chat(client, { model: "gpt-4", ignore_eos: true, max_tokens: 123 });
    expect(completion.usage?.completion_tokens).toBe(123);
    expect(cl100kTokens(completion.choices[0].message.content!)).toBe(123);
  });

  it("answers the Responses API with 30 output tokens", async () => {
    const response = await client.responses.create({ model: "gpt-4o-mini", input: "Write me something" });
    expect(response.status).toBe("completed");
    expect(response.usage?.output_tokens).toBe(30);
    expect(o200kTokens(response.output_text)).toBe(30);

    const cut = await client.responses.create({
      model: "gpt-4o-mini",
      input: "Write me something",
      max_output_tokens: 16,
    });
    expect(cut.status).toBe("incomplete");
    expect(cut.usage?.output_tokens).toBe(16);
  });

  it("answers legacy completions, each prompt of a list with 30 tokens", async () => {
    const completion = await client.completions.create({
      model: "gpt-3.5-turbo-instruct",
      prompt: "Once upon a time",
      max_tokens: 100,
    });
    expect(completion.usage?.completion_tokens).toBe(30);
    expect(cl100kTokens(completion.choices[0].text)).toBe(30);
    // Legacy completions default to max_tokens 16, as OpenAI's do.
    const byDefault = await client.completions.create({ model: "gpt-3.5-turbo-instruct", prompt: "Once upon a time" });
    expect([byDefault.usage?.completion_tokens, byDefault.choices[0].finish_reason]).toEqual([16, "length"]);

    const both = await client.completions.create({
      model: "gpt-3.5-turbo-instruct",
      prompt: ["First", "Second"],
      max_tokens: 12,
      ignore_eos: true,
    } as OpenAI.CompletionCreateParamsNonStreaming);
    expect(both.choices.map((choice) => [choice.index, cl100kTokens(choice.text), choice.finish_reason])).toEqual([
      [0, 12, "length"],
      [1, 12, "length"],
    ]);
    expect(both.usage?.completion_tokens).toBe(24);
  });

  it("leaves matching requests to their fixtures", async () => {
    const completion = await chat(client, { messages: ask("hello there") });
    expect(completion.choices[0].message.content).toBe("Hello from a fixture.");
  });

  it("names the fallback as the fixture in the journal", async () => {
    const from = server.journal.all().length;
    await chat(client, {});
    await chat(client, { messages: ask("hello") });
    expect(
      server.journal
        .all()
        .slice(from)
        .map((entry) => [entry.fixture, entry.status]),
    ).toEqual([
      ["fallback lorem:30", 200],
      ['#0 userMessage="hello"', 200],
    ]);
  });
});

describe("--fallback echo", () => {
  let server: ServerInstance;
  let client: OpenAI;
  beforeAll(async () => {
    server = await createServer([], { fallback: { kind: "echo" } });
    client = clientOf(server);
  });
  afterAll(() => server.close());

  it("answers with the last user message, counted exactly", async () => {
    const messages = [
      { role: "system", content: "Be brief." },
      { role: "user", content: "first question" },
      { role: "assistant", content: "first answer" },
      { role: "user", content: "Grüße aus Zürich, café ☕" },
    ];
    const completion = await chat(client, { messages });
    expect(completion.choices[0].message.content).toBe("Grüße aus Zürich, café ☕");
    expect(completion.usage?.completion_tokens).toBe(o200kTokens("Grüße aus Zürich, café ☕"));
    expect(server.journal.last()?.fixture).toBe("fallback echo");
  });

  it("joins the text parts of multi-part content", async () => {
    const messages = [
      {
        role: "user",
        content: [
          { type: "text", text: "one" },
          { type: "text", text: "two" },
        ],
      },
    ];
    expect((await chat(client, { messages })).choices[0].message.content).toBe("one\ntwo");
  });

  it("honours max_tokens and ignore_eos", async () => {
    const text = "The quick brown fox jumps over the lazy dog and keeps on running far away.";
    const cut = await chat(client, { messages: ask(text), max_tokens: 4 });
    expect(cut.choices[0].message.content).toBe("The quick brown fox");
    expect(cut.choices[0].finish_reason).toBe("length");
    const long = await chat(client, { messages: ask(text), ignore_eos: true, max_tokens: 50 });
    expect(long.usage?.completion_tokens).toBe(50);
    expect(long.choices[0].message.content!.startsWith(`${text} ${text}`)).toBe(true);
  });

  it("echoes the prompt of a legacy completion", async () => {
    const completion = await client.completions.create({ model: "gpt-3.5-turbo-instruct", prompt: "Say this back" });
    expect(completion.choices[0].text).toBe("Say this back");
    expect(completion.usage?.completion_tokens).toBe(cl100kTokens("Say this back"));
  });

  it("echoes the input of a Responses API request", async () => {
    const response = await client.responses.create({
      model: "gpt-4o-mini",
      instructions: "Be brief.",
      input: "Echo me",
    });
    expect(response.output_text).toBe("Echo me");
  });

  it("answers an empty message when there is no user message", async () => {
    const completion = await chat(client, { messages: [{ role: "system", content: "Only a system prompt." }] });
    expect(completion.choices[0].message.content).toBe("");
    expect(completion.usage?.completion_tokens).toBe(0);
  });

  it("streams the echo token by token", async () => {
    const chunks = await streamChat(client, { messages: ask("one two three four") });
    expect(contentDeltas(chunks)).toEqual(["one", " two", " three", " four"]);
  });
});

describe("the fallback option", () => {
  it("is off by default: an unmatched request still gets 400 no_match", async () => {
    const server = await createServer([]);
    try {
      const res = await httpPost(`${server.url}/v1/chat/completions`, {
        model: "gpt-4o-mini",
        messages: ask("anything"),
      });
      expect(res.status).toBe(400);
      expect(JSON.parse(res.body).error.code).toBe("no_match");
    } finally {
      await server.close();
    }
  });

  it("refuses a bad value with a message saying what is accepted", async () => {
    await expect(createServer([], { fallback: "lorem" })).rejects.toThrow(
      'fallback must be "echo" or "lorem:<tokens>" with 1 to 128000 tokens, got "lorem"',
    );
    await expect(createServer([], { fallback: "lorem:0" })).rejects.toThrow(/got "lorem:0"/);
    await expect(createServer([], { fallback: { kind: "lorem", tokens: 2.5 } })).rejects.toThrow(/got "lorem:2.5"/);
  });

  it("answers raw HTTP streams with exact token counts", async () => {
    const server = await createServer([], { fallback: "lorem:7" });
    try {
      const res = await httpPost(`${server.url}/v1/chat/completions`, {
        model: "gpt-4o-mini",
        messages: ask("x"),
        stream: true,
        stream_options: { include_usage: true },
      });
      const events = sseData(res.body);
      const content = events
        .flatMap((event) => event.choices.map((choice: { delta: { content?: string } }) => choice.delta.content ?? ""))
        .join("");
      expect(o200kTokens(content)).toBe(7);
      expect(events.at(-1).usage.completion_tokens).toBe(7);
    } finally {
      await server.close();
    }
  });
});

describe("the understudy command with --fallback (built CLI)", () => {
  afterEach(stopAllClis);

  it("answers every request with the fallback when started without fixtures, and logs it", async () => {
    const { url, lines } = await startCli(["--fallback", "lorem:5"]);
    expect(await waitForLine(lines, /^ {2}requests no fixture matches get --fallback lorem:5$/)).toBeTruthy();
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: "test", maxRetries: 0 });
    // "hello" would match the demo set, which is not loaded alongside a fallback.
    const completion = await client.chat.completions.create({ model: "gpt-4o-mini", messages: ask("hello") });
    expect(completion.usage?.completion_tokens).toBe(5);
    expect(o200kTokens(completion.choices[0].message.content!)).toBe(5);
    expect(
      await waitForLine(lines, /^POST \/v1\/chat\/completions {2}fallback lorem:5 {2}200 {2}[\d.]+ ms$/),
    ).toBeTruthy();
  });

  it("exits 2 with the accepted forms on a bad value", () => {
    const result = runCli(["--fallback", "lorem:lots"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain(
      'understudy: --fallback must be "echo" or "lorem:<tokens>" with 1 to 128000 tokens, got "lorem:lots"',
    );
  });
});
