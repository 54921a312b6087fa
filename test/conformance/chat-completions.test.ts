// Conformance: every Chat Completions body, stream chunk and error Understudy sends validates against OpenAI's OpenAPI spec.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Fixture, FixtureResponse } from "understudy-llm";
import { createServer, type ServerInstance } from "understudy-llm/server";
import { expectConforms, validateAgainst } from "../support/openapi.js";

interface ToolCall {
  id?: string;
  index?: number;
  type?: string;
  function?: { name?: string; arguments?: string };
}
interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  completion_tokens_details?: { reasoning_tokens?: number };
}
interface Choice {
  index: number;
  finish_reason: string | null;
  message?: Record<string, unknown> & { content: string | null; tool_calls?: ToolCall[] };
  delta?: Record<string, unknown> & { content?: string | null; reasoning_content?: string; tool_calls?: ToolCall[] };
}
interface Body {
  id: string;
  object: string;
  created: number;
  model: string;
  choices: Choice[];
  usage?: Usage | null;
}

const NOW_MS = 1_741_569_952_000;
const weatherTool = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Current weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
  },
};
const timeTool = {
  type: "function",
  function: { name: "get_time", parameters: { type: "object", properties: { zone: { type: "string" } } } },
};

interface Case {
  name: string;
  response: FixtureResponse;
  finish: string;
  tools?: boolean;
}
// Each case is matched by its bracketed tag in the user message, so no two tags overlap.
const cases: Case[] = [
  { name: "plain", response: { content: "Hello! How can I help you today?" }, finish: "stop" },
  {
    name: "unicode",
    response: { content: "Grüße aus Zürich 👋🏽 — 你好，世界！ 👨‍👩‍👧‍👦 café, naïve, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢" },
    finish: "stop",
  },
  {
    name: "one-tool",
    response: { toolCalls: [{ name: "get_weather", arguments: { city: "Paris" } }] },
    finish: "tool_calls",
    tools: true,
  },
  {
    name: "two-tools",
    response: {
      toolCalls: [
        { name: "get_weather", arguments: { city: "Paris" } },
        { name: "get_time", arguments: '{"zone":"Asia/Tokyo"}', id: "call_fixed0000000000000001" },
      ],
    },
    finish: "tool_calls",
    tools: true,
  },
  {
    name: "text-and-tool",
    response: {
      content: "Let me check the weather.",
      toolCalls: [{ name: "get_weather", arguments: { city: "Oslo" } }],
    },
    finish: "tool_calls",
    tools: true,
  },
  {
    name: "reasoning",
    response: { reasoning: "The user said hi, so a short greeting fits.", content: "Hi there!" },
    finish: "stop",
  },
  {
    name: "length",
    response: { content: "This answer stops in the middle of a", finishReason: "length" },
    finish: "length",
  },
  {
    name: "usage",
    response: { content: "Counted.", usage: { promptTokens: 1234, completionTokens: 56, reasoningTokens: 7 } },
    finish: "stop",
  },
];

const fixtures: Fixture[] = [
  ...cases.map((c) => ({ match: { userMessage: `[${c.name}]` }, response: c.response })),
  {
    match: { userMessage: "[rate-limited]" },
    response: {
      error: {
        status: 429,
        message: "Rate limit reached for gpt-4o on requests per min (RPM): Limit 3.",
        type: "requests",
        retryAfter: 2,
      },
    },
  },
  {
    match: { userMessage: "[server-error]" },
    response: { error: { status: 500, message: "The server had an error while processing your request." } },
  },
];

let server: ServerInstance;
beforeAll(async () => {
  server = await createServer(fixtures, { seed: 7, now: () => NOW_MS });
});
afterAll(async () => {
  await server?.close();
});

const requestBody = (tag: string, extra: Record<string, unknown> = {}, tools = false): Record<string, unknown> => ({
  model: "gpt-4o",
  messages: [
    { role: "system", content: "You are terse." },
    { role: "user", content: `Please answer [${tag}]` },
  ],
  ...(tools ? { tools: [weatherTool, timeTool], tool_choice: "auto" } : {}),
  ...extra,
});

async function post(body: unknown, path = "/v1/chat/completions"): Promise<Response> {
  // Every request the suite sends is itself checked, so a fixture test cannot pass on a body OpenAI would refuse.
  if (typeof body !== "string" && path.endsWith("/chat/completions"))
    expectConforms("CreateChatCompletionRequest", body, "request body");
  return fetch(server.url + path, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

/** Splits an SSE body into chunk objects, checking the framing OpenAI uses: `data: <json>\n\n`, then `data: [DONE]\n\n`. */
function parseSse(text: string): Body[] {
  expect(text.endsWith("data: [DONE]\n\n"), "stream ends with data: [DONE]").toBe(true);
  const blocks = text.slice(0, -"data: [DONE]\n\n".length).split("\n\n");
  expect(blocks.pop(), "every event ends with a blank line").toBe("");
  return blocks.map((block) => {
    expect(
      block.startsWith("data: ") && !block.includes("\n"),
      `one data line per event: ${JSON.stringify(block)}`,
    ).toBe(true);
    expect(block).not.toBe("data: [DONE]");
    return JSON.parse(block.slice("data: ".length)) as Body;
  });
}

/** Reassembles streamed tool calls the way the SDK's ChatCompletionStream does, by `index`. */
function joinToolCalls(chunks: Body[]): ToolCall[] {
  const calls: ToolCall[] = [];
  for (const chunk of chunks) {
    for (const part of chunk.choices[0]?.delta?.tool_calls ?? []) {
      const i = part.index ?? -1;
      const call = (calls[i] ??= { function: { arguments: "" } });
      if (part.id)
        Object.assign(call, {
          id: part.id,
          type: part.type,
          function: { name: part.function?.name, arguments: call.function?.arguments ?? "" },
        });
      call.function!.arguments += part.function?.arguments ?? "";
    }
  }
  return calls;
}

function expectToolCalls(calls: ToolCall[] | undefined, c: Case): void {
  const expected = c.response.toolCalls ?? [];
  expect(calls?.length ?? 0).toBe(expected.length);
  expected.forEach((want, i) => {
    const got = calls![i];
    expect(got.type).toBe("function");
    expect(got.id).toMatch(want.id ? new RegExp(`^${want.id}$`) : /^call_[A-Za-z0-9]{24}$/);
    expect(got.function?.name).toBe(want.name);
    expect(JSON.parse(got.function?.arguments ?? "")).toEqual(
      typeof want.arguments === "string" ? JSON.parse(want.arguments) : want.arguments,
    );
  });
}

function expectUsage(usage: Usage | null | undefined, c: Case): void {
  expect(usage).toBeTruthy();
  expect(usage!.total_tokens).toBe(usage!.prompt_tokens + usage!.completion_tokens);
  if (c.response.usage) {
    expect(usage).toMatchObject({
      prompt_tokens: 1234,
      completion_tokens: 56,
      total_tokens: 1290,
      completion_tokens_details: { reasoning_tokens: 7 },
    });
  } else {
    expect(usage!.prompt_tokens).toBeGreaterThan(0);
    if (c.response.reasoning) expect(usage!.completion_tokens_details?.reasoning_tokens).toBeGreaterThan(0);
  }
}

describe.each(cases)("chat completion: $name", (c) => {
  it("non-streaming body conforms to CreateChatCompletionResponse", async () => {
    const res = await post(requestBody(c.name, {}, c.tools));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expect(res.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
    const body = (await res.json()) as Body;
    expectConforms("CreateChatCompletionResponse", body);

    expect(body).toMatchObject({ object: "chat.completion", created: NOW_MS / 1000, model: "gpt-4o" });
    expect(body.id).toMatch(/^chatcmpl-/);
    const [choice] = body.choices;
    expect(choice.finish_reason).toBe(c.finish);
    expect(choice.message?.content).toBe(c.response.content ?? null);
    if (c.response.reasoning) expect(choice.message?.reasoning_content).toBe(c.response.reasoning);
    expectToolCalls(choice.message?.tool_calls, c);
    expectUsage(body.usage, c);
  });

  for (const includeUsage of [false, true]) {
    it(`stream${includeUsage ? " with include_usage" : ""}: every chunk conforms to CreateChatCompletionStreamResponse`, async () => {
      const res = await post(
        requestBody(
          c.name,
          { stream: true, ...(includeUsage ? { stream_options: { include_usage: true } } : {}) },
          c.tools,
        ),
      );
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
      const chunks = parseSse(await res.text());
      for (const [i, chunk] of chunks.entries())
        expectConforms("CreateChatCompletionStreamResponse", chunk, `chunk ${i}`);

      // One id and one timestamp for the whole stream, as the spec says ("Each chunk has the same ID").
      expect(new Set(chunks.map((chunk) => chunk.id)).size).toBe(1);
      expect(chunks.every((chunk) => chunk.created === NOW_MS / 1000 && chunk.object === "chat.completion.chunk")).toBe(
        true,
      );

      const usageChunk = includeUsage ? chunks.pop() : undefined;
      // The SDK's ChatCompletionStream throws without a role on the first delta or a finish_reason on the last.
      expect(chunks[0].choices[0].delta?.role).toBe("assistant");
      expect(chunks.map((chunk) => chunk.choices[0].finish_reason)).toEqual([
        ...Array(chunks.length - 1).fill(null),
        c.finish,
      ]);

      const text = chunks.map((chunk) => chunk.choices[0].delta?.content ?? "").join("");
      expect(text).toBe(c.response.content ?? "");
      const reasoning = chunks.map((chunk) => chunk.choices[0].delta?.reasoning_content ?? "").join("");
      expect(reasoning).toBe(c.response.reasoning ?? "");
      expectToolCalls(joinToolCalls(chunks), c);

      if (usageChunk) {
        expect(chunks.every((chunk) => chunk.usage === null)).toBe(true);
        expect(usageChunk.choices).toEqual([]);
        expectUsage(usageChunk.usage, c);
      } else {
        expect(chunks.some((chunk) => "usage" in chunk)).toBe(false);
      }
    });
  }
});

describe("error bodies conform to ErrorResponse", () => {
  interface ErrorBody {
    error: { message: string; type: string; param: string | null; code: string | null };
  }
  async function errorOf(res: Response, status: number): Promise<ErrorBody["error"]> {
    expect(res.status).toBe(status);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const body = (await res.json()) as ErrorBody;
    expectConforms("ErrorResponse", body);
    return body.error;
  }

  it("400 when no fixture matches", async () => {
    const error = await errorOf(await post(requestBody("no-such-case")), 400);
    expect(error).toMatchObject({ type: "invalid_request_error", code: "no_match", param: null });
    expect(error.message).toMatch(/^No matching response found/);
  });

  for (const stream of [false, true]) {
    it(`429 from an error fixture carries retry-after${stream ? " (stream requested)" : ""}`, async () => {
      const res = await post(requestBody("rate-limited", stream ? { stream: true } : {}));
      expect(res.headers.get("retry-after")).toBe("2");
      const error = await errorOf(res, 429);
      expect(error).toMatchObject({ type: "requests", code: "rate_limit_exceeded", param: null });
    });
  }

  it("500 from an error fixture", async () => {
    const error = await errorOf(await post(requestBody("server-error")), 500);
    expect(error.message).toBe("The server had an error while processing your request.");
  });

  it("400 for a body that is not JSON", async () => {
    const error = await errorOf(await post('{"model": "gpt-4o", "messages": ['), 400);
    expect(error).toMatchObject({ type: "invalid_request_error", param: null });
    expect(error.message).toMatch(/could not parse the JSON body/);
  });

  it("400 for a missing required parameter", async () => {
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"model":"gpt-4o"}',
    });
    expect(await errorOf(res, 400)).toMatchObject({ param: "messages", code: "missing_required_parameter" });
  });

  it("404 for an unknown path", async () => {
    const error = await errorOf(await post(requestBody("plain"), "/v1/no/such/endpoint"), 404);
    expect(error.message).toMatch(/no\/such\/endpoint/);
  });
});

describe("request bodies against CreateChatCompletionRequest", () => {
  // The harness has to say no as well as yes, or the passing tests above prove nothing.
  const base = requestBody("plain", {}, true);
  const rejected: [string, Record<string, unknown>, RegExp][] = [
    ["temperature above 2", { ...base, temperature: 3 }, /^\/temperature: must be <= 2/m],
    ["top_p above 1", { ...base, top_p: 1.5 }, /^\/top_p: must be <= 1/m],
    ["empty messages", { ...base, messages: [] }, /^\/messages: must NOT have fewer than 1 items/m],
    ["missing model", { messages: base.messages }, /must have required property 'model'/],
  ];

  it("accepts the bodies this suite sends, streaming options included", () => {
    expect(
      validateAgainst("CreateChatCompletionRequest", {
        ...base,
        stream: true,
        stream_options: { include_usage: true },
        temperature: 2,
        top_p: 0,
      }),
    ).toEqual([]);
  });

  it.each(rejected)("rejects %s", (_label, body, message) => {
    expect(validateAgainst("CreateChatCompletionRequest", body).join("\n")).toMatch(message);
  });
});
