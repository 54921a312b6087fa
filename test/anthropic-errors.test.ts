// Errors as Anthropic's API and SDK know them: {"type":"error","error":{type,message},"request_id"} with
// Anthropic's types by status and the SDK's error classes, the API's 400 wording for bodies it refuses,
// no-match diagnoses, unknown models and URLs, x-api-key and Bearer credentials, and rate limits.
import Anthropic, {
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  OverloadedError,
  RateLimitError,
} from "@anthropic-ai/sdk";
import { LLMock } from "understudy-llm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ANTHROPIC_HEADERS, postAnthropic } from "./support/anthropic.js";

const MODEL = "claude-opus-4-8";
const HELLO = { model: MODEL, max_tokens: 100, messages: [{ role: "user" as const, content: "hello" }] };
let mock: LLMock;
let client: Anthropic;

const caught = <T>(promise: Promise<unknown>): Promise<T> =>
  promise.then(
    () => {
      throw new Error("expected the request to fail");
    },
    (error: T) => error,
  );

beforeAll(async () => {
  mock = new LLMock();
  await mock.start();
  client = new Anthropic({ baseURL: mock.url, apiKey: "test", maxRetries: 0 });
});
afterAll(() => mock.stop());
beforeEach(() => mock.clearFixtures());

describe("the error body", () => {
  it("is a BadRequestError for a request no fixture matches, with the nearest misses and the answer's request_id", async () => {
    mock.on({ userMessage: "weather" }, { content: "Sunny." }, {});
    const error = await caught<BadRequestError>(client.messages.create(HELLO));
    expect(error).toBeInstanceOf(BadRequestError);
    expect(error.status).toBe(400);
    expect(error.type).toBe("invalid_request_error");
    expect(error.error).toEqual({
      type: "error",
      error: {
        type: "invalid_request_error",
        message: expect.stringMatching(
          /^No matching response found for the given conversation\. Closest fixtures: .*weather/,
        ),
      },
      request_id: error.requestID,
    });
    expect(error.requestID).toMatch(/^req_011C[A-Za-z0-9]{20}$/);
  });

  it.each([
    [{ max_tokens: 10, messages: [{ role: "user", content: "x" }] }, "model: Field required"],
    [{ model: MODEL, max_tokens: 10 }, "messages: Field required"],
    [{ model: MODEL, messages: [{ role: "user", content: "x" }] }, "max_tokens: Field required"],
    [
      { model: MODEL, max_tokens: 1.5, messages: [{ role: "user", content: "x" }] },
      "max_tokens: Input should be a valid integer",
    ],
    [{ model: MODEL, max_tokens: 10, messages: [] }, "messages: at least one message is required"],
    [
      { model: MODEL, max_tokens: 10, messages: [{ role: "bot", content: "x" }] },
      "messages.0.role: Input should be 'user', 'assistant' or 'system'",
    ],
    [{ model: MODEL, max_tokens: 10, messages: [{ role: "user" }] }, "messages.0.content: Field required"],
    [
      { model: MODEL, max_tokens: 10, messages: [{ role: "user", content: "" }] },
      "messages.0: all messages must have non-empty content except for the optional final assistant message",
    ],
    [
      { model: MODEL, max_tokens: 10, messages: [{ role: "user", content: [{ type: "text", text: "" }] }] },
      "messages: text content blocks must be non-empty",
    ],
    [{ ...HELLO, temperature: 1.5 }, "temperature: Input should be less than or equal to 1"],
    [{ ...HELLO, top_p: -1 }, "top_p: Input should be greater than or equal to 0"],
    [{ ...HELLO, stop_sequences: "END" }, "stop_sequences: Input should be a valid list"],
    [{ ...HELLO, tools: [{ name: "f" }] }, "tools.0.input_schema: Field required"],
    [{ ...HELLO, tool_choice: { type: "tool" } }, "tool_choice.tool.name: Field required"],
    [
      { ...HELLO, tool_choice: { type: "required" } },
      "tool_choice: Input tag 'required' found using 'type' does not match any of the expected tags: 'auto', 'any', 'tool', 'none'",
    ],
    [{ ...HELLO, tool_choice: "auto" }, "tool_choice: Input should be a valid dictionary"],
    [
      { ...HELLO, max_tokens: 200_000 },
      `max_tokens: 200000 > 128000, which is the maximum allowed number of output tokens for ${MODEL}`,
    ],
  ])("refuses %j with the API's words", async (body, message) => {
    const { status, text } = await postAnthropic(`${mock.url}/v1/messages`, body);
    expect(status).toBe(400);
    expect(JSON.parse(text)).toMatchObject({ type: "error", error: { type: "invalid_request_error", message } });
  });

  it("accepts a final assistant turn with empty content (a prefill) and a first turn from the assistant", async () => {
    mock.on({ userMessage: "hello" }, { content: "Hi." });
    const message = await client.messages.create({
      model: MODEL,
      max_tokens: 50,
      messages: [
        { role: "assistant", content: "Welcome." },
        { role: "user", content: "hello" },
        { role: "assistant", content: "" },
      ],
    });
    expect(message.content).toEqual([{ type: "text", text: "Hi." }]);
  });

  it("refuses a request without anthropic-version, as the API does on every route", async () => {
    const res = await fetch(`${mock.url}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-api-key": "test" },
      body: JSON.stringify(HELLO),
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({
      type: "error",
      error: { type: "invalid_request_error", message: "anthropic-version: header is required" },
    });
    const models = await fetch(`${mock.url}/v1/models`, { headers: { "x-api-key": "test" } });
    expect(models.status).toBe(400);
  });

  it("answers a body that is not JSON with invalid_request_error", async () => {
    const res = await fetch(`${mock.url}/v1/messages`, {
      method: "POST",
      headers: ANTHROPIC_HEADERS,
      body: "{not json",
    });
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
  });
});

describe("fixture errors", () => {
  it("carries the fixture's status and type: 529 is the SDK's OverloadedError", async () => {
    mock.on({ userMessage: "hello" }, { error: { status: 529, message: "Overloaded", type: "overloaded_error" } });
    const error = await caught<OverloadedError>(client.messages.create(HELLO));
    expect(error).toBeInstanceOf(OverloadedError);
    expect(error.error).toMatchObject({ type: "error", error: { type: "overloaded_error", message: "Overloaded" } });
  });

  it("types a 500 without a type as api_error, and names a fixture's code as details.error_code", async () => {
    mock.on({ userMessage: "hello" }, { error: { status: 500, message: "Boom", code: "internal_fault" } });
    const error = await caught<InternalServerError>(client.messages.create(HELLO));
    expect(error).toBeInstanceOf(InternalServerError);
    expect(error.type).toBe("api_error");
    expect(error.errorCode).toBe("internal_fault");
  });

  it("is a RateLimitError with retry-after for a 429 (1 second unless the fixture says)", async () => {
    mock.on({ userMessage: "hello" }, { error: { status: 429, message: "Slow down" } });
    const error = await caught<RateLimitError>(client.messages.create(HELLO));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error.type).toBe("rate_limit_error");
    expect(error.headers.get("retry-after")).toBe("1");
  });
});

describe("not found", () => {
  it("answers an unknown model with not_found_error when a models list is configured", async () => {
    const strict = new LLMock({ models: [MODEL] });
    await strict.start();
    try {
      const sdk = new Anthropic({ baseURL: strict.url, apiKey: "test", maxRetries: 0 });
      const error = await caught<NotFoundError>(sdk.messages.create({ ...HELLO, model: "claude-nope" }));
      expect(error).toBeInstanceOf(NotFoundError);
      expect(error.error).toMatchObject({
        type: "error",
        error: { type: "not_found_error", message: "model: claude-nope" },
      });
    } finally {
      await strict.stop();
    }
  });

  it("answers an Anthropic client's unknown URL in Anthropic's shape, another client's in OpenAI's", async () => {
    const anthropic = await fetch(`${mock.url}/v1/messages/batches`, { headers: ANTHROPIC_HEADERS });
    expect(anthropic.status).toBe(404);
    expect(await anthropic.json()).toEqual({
      type: "error",
      error: { type: "not_found_error", message: "Not Found" },
      request_id: anthropic.headers.get("request-id"),
    });
    const other = await fetch(`${mock.url}/v1/nothing-here`);
    expect(other.status).toBe(404);
    expect(await other.json()).toHaveProperty("error.code");
  });
});

describe("credentials", () => {
  let keyed: LLMock;
  beforeAll(async () => {
    keyed = new LLMock({ apiKeys: ["sk-ant-good"] });
    await keyed.start();
    keyed.on({ userMessage: "hello" }, { content: "Hi." });
  });
  afterAll(() => keyed.stop());
  const sdk = (auth: { apiKey?: string | null; authToken?: string | null }) =>
    new Anthropic({ baseURL: keyed.url, maxRetries: 0, apiKey: null, authToken: null, ...auth });

  it("lets in x-api-key (the SDK's apiKey) and Authorization: Bearer (its authToken)", async () => {
    expect((await sdk({ apiKey: "sk-ant-good" }).messages.create(HELLO)).content).toEqual([
      { type: "text", text: "Hi." },
    ]);
    expect((await sdk({ authToken: "sk-ant-good" }).messages.create(HELLO)).content).toEqual([
      { type: "text", text: "Hi." },
    ]);
  });

  it("lets a request in when any key it presents is accepted (a wrong x-api-key beside a good Bearer token)", async () => {
    const both = await postAnthropic(`${keyed.url}/v1/messages`, HELLO, {
      "x-api-key": "sk-ant-bad",
      authorization: "Bearer sk-ant-good",
    });
    expect(both.status).toBe(200);
  });

  it("refuses a wrong key with AuthenticationError 'invalid x-api-key', and a request without one", async () => {
    const error = await caught<AuthenticationError>(sdk({ apiKey: "sk-ant-bad" }).messages.create(HELLO));
    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error.error).toMatchObject({
      type: "error",
      error: { type: "authentication_error", message: "invalid x-api-key" },
    });
    const none = await postAnthropic(`${keyed.url}/v1/messages`, HELLO);
    expect(none.status).toBe(401);
    expect(JSON.parse(none.text)).toMatchObject({
      error: { type: "authentication_error", message: "x-api-key header is required" },
    });
  });

  it("sends anthropic-ratelimit-* headers, and past the limit a RateLimitError with retry-after", async () => {
    // A fixed clock (2026-05-28T20:26:40Z): the limit refills at 2 requests a minute, one every 30 s.
    const limitedMock = new LLMock({ rateLimit: { rpm: 2 }, now: () => 1_780_000_000_000 });
    await limitedMock.start();
    try {
      limitedMock.on({ userMessage: "hello" }, { content: "Hi." });
      const client = new Anthropic({ baseURL: limitedMock.url, apiKey: "sk-ant-rl", maxRetries: 0 });
      for (const [remaining, reset] of [
        ["1", "2026-05-28T20:27:10Z"],
        ["0", "2026-05-28T20:27:40Z"],
      ]) {
        const { response } = await client.messages.create(HELLO).withResponse();
        expect(response.headers.get("anthropic-ratelimit-requests-limit")).toBe("2");
        expect(response.headers.get("anthropic-ratelimit-requests-remaining")).toBe(remaining);
        expect(response.headers.get("anthropic-ratelimit-requests-reset")).toBe(reset);
      }
      const limited = await caught<RateLimitError>(client.messages.create(HELLO));
      expect(limited).toBeInstanceOf(RateLimitError);
      expect(limited.type).toBe("rate_limit_error");
      expect(limited.message).toContain("rate limit for your organization (understudy) of 2 requests per minute");
      expect(limited.headers.get("retry-after")).toBe("30");
      expect(limited.headers.get("anthropic-ratelimit-requests-remaining")).toBe("0");
    } finally {
      await limitedMock.stop();
    }
  });
});
