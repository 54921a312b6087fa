// Seed 000's code samples (LLMock Chat Completions), run as written with only the import paths changed.
import { fileURLToPath } from "node:url";
import { LLMock, loadFixtureFile } from "understudy-llm";
import { createServer } from "understudy-llm/server";
import { describe, it, expect, beforeAll, afterAll, onTestFinished } from "vitest";
import { httpPost, sseData } from "./support/http.js";

const CHAT_JSON = fileURLToPath(new URL("./fixtures/seed-000-chat.json", import.meta.url));

describe("seed 000: unit tests against LLMock", () => {
  let mock: LLMock;
  beforeAll(async () => {
    mock = new LLMock();
    await mock.start();
  });
  afterAll(async () => {
    await mock.stop();
  });

  // --- text-response.test.ts ---
  it("non-streaming text response", async () => {
    mock.on({ userMessage: "hello" }, { content: "Hello! How can I help?" });
    const res = await fetch(`${mock.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        model: "gpt-4",
        messages: [{ role: "user", content: "hello" }],
        stream: false,
      }),
    });
    // The one departure besides imports: Node's fetch types json() as unknown, so strict tsc needs `: any`.
    const body: any = await res.json();
    expect(body.choices[0].message.content).toBe("Hello! How can I help?");
    expect(body.object).toBe("chat.completion");
    expect(body.id).toMatch(/^chatcmpl-/);
  });

  // --- tool-calls.test.ts, verbatim ---
  it("returns tool call in streaming mode", async () => {
    mock.on({ userMessage: "weather" }, { toolCalls: [{ name: "get_weather", arguments: '{"city":"SF"}' }] });
    const res = await fetch(`${mock.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({
        model: "gpt-4",
        messages: [{ role: "user", content: "what is the weather?" }],
        stream: true,
      }),
    });
    const text = await res.text();
    expect(text).toContain("get_weather");
    expect(text).toContain("data: [DONE]");
  });

  it("answers the seed's non-streaming response with the documented fields (model echoed, refusal null, stop)", async () => {
    const res = await httpPost(`${mock.url}/v1/chat/completions`, {
      model: "gpt-4",
      messages: [{ role: "user", content: "hello" }],
    });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toBe("application/json");
    const body = JSON.parse(res.body);
    expect(body.model).toBe("gpt-4");
    expect(Number.isInteger(body.created)).toBe(true);
    expect(body.choices[0].message).toMatchObject({
      role: "assistant",
      content: "Hello! How can I help?",
      refusal: null,
    });
    expect(body.choices[0].finish_reason).toBe("stop");
  });

  it("streams the seed's tool call as a header chunk with the id and name, then argument fragments, then tool_calls", async () => {
    const res = await httpPost(`${mock.url}/v1/chat/completions`, {
      model: "gpt-4",
      messages: [{ role: "user", content: "what is the weather?" }],
      stream: true,
    });
    expect(res.headers["content-type"]).toBe("text/event-stream; charset=utf-8");
    expect(res.body.endsWith("data: [DONE]\n\n")).toBe(true);
    const chunks = sseData(res.body);
    expect(chunks.every((c) => c.object === "chat.completion.chunk")).toBe(true);
    expect(chunks[0].choices[0].delta).toEqual({ role: "assistant", content: null, refusal: null });
    const header = chunks[1].choices[0].delta.tool_calls[0];
    expect(header).toMatchObject({ index: 0, type: "function", function: { name: "get_weather", arguments: "" } });
    expect(header.id).toMatch(/^call_[A-Za-z0-9]{24}$/);
    const args = chunks
      .slice(2, -1)
      .map((c) => c.choices[0].delta.tool_calls[0].function.arguments)
      .join("");
    expect(args).toBe('{"city":"SF"}');
    expect(chunks.at(-1).choices[0]).toEqual({ index: 0, delta: {}, logprobs: null, finish_reason: "tool_calls" });
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
  });
});

describe("seed 000: streaming integration with createServer", () => {
  // --- streaming-integration.test.ts, verbatim inside a test ---
  it("streams the reply in 10-character chunks after a role chunk and ends with finish_reason stop", async () => {
    const instance = await createServer(
      [{ match: { userMessage: "hello" }, response: { content: "Hello! How can I help?" } }],
      { port: 0, chunkSize: 10 },
    );
    onTestFinished(() => instance.close());
    const res = await httpPost(`${instance.url}/v1/chat/completions`, {
      model: "gpt-4",
      messages: [{ role: "user", content: "hello" }],
      stream: true,
    });
    // Parse SSE chunks
    const chunks = res.body
      .split("\n\n")
      .filter((b) => b.startsWith("data: ") && !b.includes("[DONE]"))
      .map((b) => JSON.parse(b.slice(6)));
    // First chunk has the role
    expect(chunks[0].choices[0].delta.role).toBe("assistant");
    // Reassemble content
    const content = chunks.map((c) => c.choices[0].delta.content ?? "").join("");
    expect(content).toBe("Hello! How can I help?");
    // Last chunk has finish_reason
    expect(chunks.at(-1).choices[0].finish_reason).toBe("stop");

    // chunkSize 10 cuts the 22-character reply at characters 10 and 20.
    const pieces = chunks.slice(1, -1).map((c) => c.choices[0].delta.content);
    expect(pieces).toEqual(["Hello! How", " can I hel", "p?"]);
    expect(chunks[0].choices[0].delta.content).toBe("");
  });
});

describe("seed 000: the JSON fixture file fixtures/chat.json", () => {
  const ask = async (url: string, content: string, stream = false) =>
    httpPost(`${url}/v1/chat/completions`, { model: "gpt-4", messages: [{ role: "user", content }], stream });

  it("loads into LLMock with mock.loadFixtures(path) and answers both fixtures", async () => {
    const mock = new LLMock();
    mock.loadFixtures(CHAT_JSON);
    await mock.start();
    try {
      const text = JSON.parse((await ask(mock.url, "hello")).body);
      expect(text.choices[0].message.content).toBe("Hello! How can I help?");
      const tool = JSON.parse((await ask(mock.url, "what is the weather?")).body);
      expect(tool.choices[0].message.content).toBeNull();
      expect(tool.choices[0].message.tool_calls).toEqual([
        {
          id: expect.stringMatching(/^call_/),
          type: "function",
          function: { name: "get_weather", arguments: '{"city":"SF"}' },
        },
      ]);
      expect(tool.choices[0].finish_reason).toBe("tool_calls");
      expect(mock.requests.map((r) => r.fixture)).toEqual(['#0 userMessage="hello"', '#1 userMessage="weather"']);
    } finally {
      await mock.stop();
    }
  });

  it("loads into createServer(loadFixtureFile(path)) and streams both fixtures", async () => {
    const fixtures = loadFixtureFile(CHAT_JSON);
    expect(fixtures).toEqual([
      { match: { userMessage: "hello" }, response: { content: "Hello! How can I help?" } },
      {
        match: { userMessage: "weather" },
        response: { toolCalls: [{ name: "get_weather", arguments: '{"city":"SF"}' }] },
      },
    ]);
    const server = await createServer(fixtures);
    try {
      const text = sseData((await ask(server.url, "hello", true)).body);
      expect(text.map((c) => c.choices[0].delta.content ?? "").join("")).toBe("Hello! How can I help?");
      const tool = (await ask(server.url, "weather in SF?", true)).body;
      expect(tool).toContain('"name":"get_weather"');
      expect(tool).toContain('"finish_reason":"tool_calls"');
      expect(tool).toContain("data: [DONE]");
    } finally {
      await server.close();
    }
  });
});
