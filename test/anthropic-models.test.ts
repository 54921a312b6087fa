// GET /v1/models for Anthropic's clients (models.list and models.retrieve, paged) and
// POST /v1/messages/count_tokens (messages.countTokens), through @anthropic-ai/sdk.
import Anthropic, { BadRequestError, NotFoundError } from "@anthropic-ai/sdk";
import { LLMock } from "understudy-llm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { promptTokens } from "./support/anthropic.js";

const CATALOGUE = [
  "claude-opus-5",
  "claude-sonnet-5",
  "claude-fable-5",
  "claude-opus-4-8",
  "claude-opus-4-7",
  "claude-opus-4-6",
  "claude-haiku-4-5-20251001",
];
let mock: LLMock;
let client: Anthropic;

beforeAll(async () => {
  mock = new LLMock();
  await mock.start();
  client = new Anthropic({ baseURL: mock.url, apiKey: "test", maxRetries: 0 });
});
afterAll(() => mock.stop());
beforeEach(() => mock.clearFixtures());

async function allIds(sdk: Anthropic, params: Anthropic.ModelListParams = {}): Promise<string[]> {
  const ids: string[] = [];
  for await (const model of sdk.models.list(params)) ids.push(model.id);
  return ids;
}

describe("models.list", () => {
  it("lists the Claude catalogue newest first in Anthropic's shape, then the fixtures' Claude models", async () => {
    mock.on({ model: "claude-test-model" }, { content: "x" });
    mock.on({ model: "gpt-4o" }, { content: "y" });
    const page = await client.models.list();
    expect(page.data.map((model) => model.id)).toEqual([...CATALOGUE, "claude-test-model"]);
    expect(page.has_more).toBe(false);
    expect(page.first_id).toBe("claude-opus-5");
    expect(page.last_id).toBe("claude-test-model");
    expect(page.data[3]).toEqual({
      type: "model",
      id: "claude-opus-4-8",
      display_name: "Claude Opus 4.8",
      created_at: "2026-05-28T00:00:00Z",
      capabilities: null,
      deprecated_at: null,
      lifecycle: "active",
      line: "opus",
      max_input_tokens: 1_000_000,
      max_tokens: 128_000,
      retires_at: null,
    });
    expect(page.data.at(-1)).toMatchObject({
      id: "claude-test-model",
      display_name: "claude-test-model",
      created_at: "1970-01-01T00:00:00Z",
    });
  });

  it("pages by limit and after_id, which the SDK follows to the end", async () => {
    const first = await client.models.list({ limit: 3 });
    expect(first.data.map((model) => model.id)).toEqual(CATALOGUE.slice(0, 3));
    expect(first).toMatchObject({ has_more: true, first_id: "claude-opus-5", last_id: "claude-fable-5" });
    expect(await allIds(client, { limit: 3 })).toEqual(CATALOGUE);
    const after = await client.models.list({ limit: 2, after_id: "claude-opus-4-7" });
    expect(after.data.map((model) => model.id)).toEqual(CATALOGUE.slice(5, 7));
    expect(after.has_more).toBe(false);
  });

  it("pages backwards by before_id", async () => {
    const before = await client.models.list({ limit: 2, before_id: "claude-opus-4-8" });
    expect(before.data.map((model) => model.id)).toEqual(["claude-sonnet-5", "claude-fable-5"]);
    expect(before.has_more).toBe(true);
  });

  it("refuses a limit past 1000", async () => {
    const error = await client.models.list({ limit: 1001 }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).message).toContain("limit: Input should be less than or equal to 1000");
  });

  it("lists the configured models, then the fixtures' models, when the server has a models list", async () => {
    const configured = new LLMock({ models: ["claude-opus-4-8", { id: "house-model", aliasOf: "claude-opus-4-8" }] });
    await configured.start();
    try {
      configured.on({ model: "fixture-model" }, { content: "z" });
      const sdk = new Anthropic({ baseURL: configured.url, apiKey: "test", maxRetries: 0 });
      expect(await allIds(sdk)).toEqual(["claude-opus-4-8", "house-model", "fixture-model"]);
      const error = await sdk.models.retrieve("claude-opus-5").catch((caught: unknown) => caught);
      expect(error).toBeInstanceOf(NotFoundError);
    } finally {
      await configured.stop();
    }
  });

  it("answers a request without Anthropic's headers in OpenAI's shape", async () => {
    const res = await fetch(`${mock.url}/v1/models`);
    expect(await res.json()).toMatchObject({ object: "list" });
  });
});

describe("models.retrieve", () => {
  it("describes a catalogue model, and resolves an alias to the dated model it names", async () => {
    expect(await client.models.retrieve("claude-sonnet-5")).toMatchObject({
      type: "model",
      id: "claude-sonnet-5",
      display_name: "Claude Sonnet 5",
      created_at: "2026-06-30T00:00:00Z",
    });
    expect(await client.models.retrieve("claude-haiku-4-5")).toMatchObject({
      id: "claude-haiku-4-5-20251001",
      display_name: "Claude Haiku 4.5",
      max_tokens: 64_000,
    });
  });

  it("answers an unknown model with NotFoundError not_found_error", async () => {
    const error = await client.models.retrieve("claude-nope").catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(NotFoundError);
    expect((error as NotFoundError).error).toMatchObject({
      type: "error",
      error: { type: "not_found_error", message: "model: claude-nope" },
    });
  });
});

describe("messages.countTokens", () => {
  it("counts what a Messages request with the same body reports as input_tokens", async () => {
    mock.on({ userMessage: "hello" }, { content: "Hi." });
    const body = {
      model: "claude-opus-4-8",
      system: "Be brief.",
      messages: [
        { role: "user" as const, content: "hello" },
        { role: "assistant" as const, content: "Hi." },
        { role: "user" as const, content: "hello again" },
      ],
    };
    const count = await client.messages.countTokens(body);
    expect(count).toEqual({ input_tokens: promptTokens(["Be brief.", "hello", "Hi.", "hello again"]) });
    const message = await client.messages.create({ ...body, max_tokens: 100 });
    expect(message.usage.input_tokens).toBe(count.input_tokens);
    expect(mock.requests.at(-2)).toMatchObject({ provider: "anthropic", api: "messages.count_tokens", status: 200 });
  });

  it("refuses a body the Messages API would refuse, max_tokens aside", async () => {
    const error = await client.messages
      .countTokens({ model: "claude-opus-4-8", messages: [] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).message).toContain("messages: at least one message is required");
  });
});
