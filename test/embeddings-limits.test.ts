// POST /v1/embeddings refuses what OpenAI refuses, with OpenAI's 400 bodies: dimensions past the model's size
// (or the ceiling for models it does not know), more than 2,048 inputs, an input over 8,192 tokens, a request
// over 300,000 tokens; the limits themselves are accepted, and the server serves on after every refusal.
import { encode as cl100k } from "gpt-tokenizer/encoding/cl100k_base";
import OpenAI, { BadRequestError } from "openai";
import { LLMock } from "understudy-llm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { expectConforms } from "./support/openapi.js";

const SMALL = "text-embedding-3-small";
const LARGE = "text-embedding-3-large";
/** A name no OpenAI model has, as a fixture file might use. */
const UNKNOWN = "acme-embed-v1";
/** cl100k_base's token for "hello": a list of n of them is an input of exactly n tokens. */
const HELLO = 15339;
const tokens = (n: number): number[] => new Array<number>(n).fill(HELLO);

let mock: LLMock;
let client: OpenAI;

beforeAll(async () => {
  mock = new LLMock();
  await mock.start();
  client = new OpenAI({ baseURL: `${mock.url}/v1`, apiKey: "test", maxRetries: 0 });
});
afterAll(() => mock.stop());

async function post(body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${mock.url}/v1/embeddings`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

// After every case, the server still answers an ordinary request.
afterEach(async () => {
  const health = await fetch(`${mock.url}/health`);
  expect(health.status).toBe(200);
  const { status, json } = await post({ model: SMALL, input: "still serving", encoding_format: "float" });
  expect(status).toBe(200);
  expect(json.data[0].embedding).toHaveLength(1536);
});

const contextMessage = (n: number): string =>
  `This model's maximum context length is 8192 tokens, however you requested ${n} tokens (${n} in your prompt; 0 for the completion). Please reduce your prompt; or completion length.`;

type Refusal = { message: string; type: string; param: string | null; code: string | null };
const invalid = (message: string, param: string | null, code: string | null): Refusal => ({
  message,
  type: "invalid_request_error",
  param,
  code,
});
const aboveMax = (max: number, got: number): Refusal =>
  invalid(
    `Invalid 'dimensions': integer above maximum value. Expected a value <= ${max}, but got ${got} instead.`,
    "dimensions",
    "integer_above_max_value",
  );
const tooManyTokens = (n: number): Refusal => ({
  message: `Requested ${n} tokens, max 300000 tokens per request`,
  type: "max_tokens_per_request",
  param: null,
  code: "max_tokens_per_request",
});

describe("requests OpenAI refuses", () => {
  const cases: [string, Record<string, unknown>, Refusal][] = [
    [
      "dimensions above text-embedding-3-large's 3072",
      { model: LARGE, input: "x", dimensions: 3073 },
      aboveMax(3072, 3073),
    ],
    [
      "dimensions above text-embedding-3-small's 1536",
      { model: SMALL, input: "x", dimensions: 3072 },
      aboveMax(1536, 3072),
    ],
    [
      "dimensions above the 3072 ceiling for a model Understudy does not know",
      { model: UNKNOWN, input: "x", dimensions: 3073 },
      aboveMax(3072, 3073),
    ],
    // The reproduction: 15 KB that once froze the server 8 s, took 1.1 GB and ended in a 500.
    [
      "2048 inputs at 16384 dimensions for an unknown model",
      { model: UNKNOWN, input: new Array(2048).fill("x"), dimensions: 16384 },
      aboveMax(3072, 16384),
    ],
    [
      "negative dimensions",
      { model: LARGE, input: "x", dimensions: -1 },
      invalid(
        "Invalid 'dimensions': integer below minimum value. Expected a value >= 1, but got -1 instead.",
        "dimensions",
        "integer_below_min_value",
      ),
    ],
    [
      "dimensions, even null, for text-embedding-ada-002",
      { model: "text-embedding-ada-002", input: "x", dimensions: null },
      invalid("This model does not support specifying dimensions.", null, null),
    ],
    [
      "2049 token lists",
      { model: SMALL, input: new Array(2049).fill([HELLO]) },
      invalid(
        "Invalid 'input': array too long. Expected an array with maximum length 2048, but got an array with length 2049 instead.",
        "input",
        "array_above_max_length",
      ),
    ],
    ["a token list of 8193 tokens", { model: SMALL, input: tokens(8193) }, invalid(contextMessage(8193), null, null)],
    [
      "one input of 8193 tokens among short ones",
      { model: LARGE, input: [tokens(3), tokens(8193), tokens(9000)] },
      invalid(contextMessage(8193), null, null),
    ],
    [
      "37 inputs of 8192 tokens (303,104 in all)",
      { model: SMALL, input: new Array(37).fill(tokens(8192)) },
      tooManyTokens(303_104),
    ],
    // Over both limits: the request-wide one is reported.
    ["40 inputs of 8193 tokens", { model: UNKNOWN, input: new Array(40).fill(tokens(8193)) }, tooManyTokens(327_720)],
  ];

  it.each(cases)("answers %s with OpenAI's 400", async (_name, body, expected) => {
    const { status, json } = await post(body);
    expect(status).toBe(400);
    expectConforms("ErrorResponse", json);
    expect(json).toEqual({ error: expected });
    expect(mock.requests.at(-1)).toMatchObject({ api: "embeddings", status: 400, error: expected.message });
  });

  it("counts a text input's tokens with the model's encoding for the 8,192-token limit", async () => {
    const text = "hello world ".repeat(4100);
    const counted = cl100k(text).length;
    expect(counted).toBeGreaterThan(8192);
    const { status, json } = await post({ model: LARGE, input: ["short", text] });
    expect(status).toBe(400);
    expect(json.error).toEqual(invalid(contextMessage(counted), null, null));
  });

  it("surfaces the 300,000-token refusal in the SDK as a BadRequestError with OpenAI's type and code", async () => {
    const failure = await client.embeddings.create({ model: SMALL, input: new Array(40).fill(tokens(8000)) }).then(
      () => null,
      (err: unknown) => err,
    );
    expect(failure).toBeInstanceOf(BadRequestError);
    const err = failure as BadRequestError;
    expect(err.status).toBe(400);
    expect(err.type).toBe("max_tokens_per_request");
    expect(err.code).toBe("max_tokens_per_request");
    expect(err.param).toBeNull();
    expect(err.message).toContain("Requested 320000 tokens, max 300000 tokens per request");
  });
});

describe("requests at OpenAI's limits", () => {
  it("accepts an input of exactly 8,192 tokens", async () => {
    const { status, json } = await post({ model: SMALL, input: tokens(8192), encoding_format: "float" });
    expect(status).toBe(200);
    expect(json.data).toHaveLength(1);
    expect(json.usage).toEqual({ prompt_tokens: 8192, total_tokens: 8192 });
  });

  it("accepts exactly 300,000 tokens over 37 inputs", async () => {
    const input = [...new Array(36).fill(tokens(8192)), tokens(300_000 - 36 * 8192)];
    const response = await client.embeddings.create({ model: SMALL, input });
    expect(response.data).toHaveLength(37);
    expect(response.data.every((item) => item.embedding.length === 1536)).toBe(true);
    expect(response.usage).toEqual({ prompt_tokens: 300_000, total_tokens: 300_000 });
  });

  it("gives a model it does not know up to 3,072 dimensions, and 1,536 by default", async () => {
    const full = await client.embeddings.create({ model: UNKNOWN, input: "custom model", dimensions: 3072 });
    expect(full.data[0].embedding).toHaveLength(3072);
    const plain = await client.embeddings.create({ model: UNKNOWN, input: "custom model" });
    expect(plain.data[0].embedding).toHaveLength(1536);
  });

  it("accepts text-embedding-3-large's full 3,072 dimensions and 2,048 inputs", async () => {
    const { status, json } = await post({ model: SMALL, input: new Array(2048).fill([HELLO]), dimensions: 8 });
    expect(status).toBe(200);
    expect(json.data).toHaveLength(2048);
    const large = await client.embeddings.create({ model: LARGE, input: "x", dimensions: 3072 });
    expect(large.data[0].embedding).toHaveLength(3072);
  });
});
