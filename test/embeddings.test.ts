// POST /v1/embeddings through the official openai SDK (its default base64 path and the float path) and raw HTTP.
import { encode as cl100k } from "gpt-tokenizer/encoding/cl100k_base";
import OpenAI, { BadRequestError } from "openai";
import { LLMock } from "understudy-llm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expectConforms } from "./support/openapi.js";

const MODEL = "text-embedding-3-small";

let mock: LLMock;
let client: OpenAI;

beforeAll(async () => {
  mock = new LLMock();
  await mock.start();
  client = new OpenAI({ baseURL: `${mock.url}/v1`, apiKey: "test", maxRetries: 0 });
});
afterAll(() => mock.stop());
beforeEach(() => {
  mock.clearFixtures();
});

const norm = (vector: readonly number[]): number => Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));
const dot = (a: readonly number[], b: readonly number[]): number => a.reduce((sum, x, i) => sum + x * b[i], 0);

async function post(body: unknown): Promise<{ status: number; json: any }> {
  const res = await fetch(`${mock.url}/v1/embeddings`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: await res.json() };
}

/** The SDK's error for a request, with the OpenAI error fields it carries. */
async function sdkError(body: Record<string, unknown>): Promise<BadRequestError> {
  const failure = await client.embeddings.create(body as never).then(
    () => null,
    (err: unknown) => err,
  );
  expect(failure).toBeInstanceOf(BadRequestError);
  return failure as BadRequestError;
}

describe("embeddings.create with the SDK's defaults (base64 on the wire)", () => {
  it("returns a 1536-component unit vector, decoded by the SDK, with exact cl100k usage", async () => {
    const input = "The quick brown fox jumped over the lazy dog";
    const response = await client.embeddings.create({ model: MODEL, input });
    expectConforms("CreateEmbeddingResponse", response);
    expect(response.object).toBe("list");
    expect(response.model).toBe(MODEL);
    expect(response.data).toHaveLength(1);
    const [item] = response.data;
    expect(item).toMatchObject({ object: "embedding", index: 0 });
    expect(item.embedding).toHaveLength(1536);
    expect(Math.abs(norm(item.embedding) - 1)).toBeLessThan(1e-6);
    const tokens = cl100k(input).length;
    expect(response.usage).toEqual({ prompt_tokens: tokens, total_tokens: tokens });
  });

  it("gives the same vector for the same text every time and different vectors for different texts", async () => {
    const first = await client.embeddings.create({ model: MODEL, input: "a sentence about cats" });
    const again = await client.embeddings.create({ model: MODEL, input: "a sentence about cats" });
    const other = await client.embeddings.create({ model: MODEL, input: "a sentence about dogs" });
    expect(again.data[0].embedding).toEqual(first.data[0].embedding);
    expect(other.data[0].embedding).not.toEqual(first.data[0].embedding);
    // Unrelated directions on a 1536-dimensional sphere are nearly orthogonal.
    expect(Math.abs(dot(first.data[0].embedding, other.data[0].embedding))).toBeLessThan(0.2);
  });

  it("depends on the model as well as the text", async () => {
    const small = await client.embeddings.create({ model: MODEL, input: "same text", dimensions: 256 });
    const large = await client.embeddings.create({
      model: "text-embedding-3-large",
      input: "same text",
      dimensions: 256,
    });
    expect(large.data[0].embedding).not.toEqual(small.data[0].embedding);
  });

  it("sends little-endian float32 base64 that matches the float encoding exactly", async () => {
    const base64 = await post({ model: MODEL, input: "bytes on the wire", encoding_format: "base64" });
    const floats = await post({ model: MODEL, input: "bytes on the wire", encoding_format: "float" });
    const encoded: string = base64.json.data[0].embedding;
    expect(typeof encoded).toBe("string");
    const bytes = Buffer.from(encoded, "base64");
    expect(bytes.length).toBe(1536 * 4);
    const decoded = Array.from({ length: 1536 }, (_, i) => bytes.readFloatLE(i * 4));
    // Derived components are float32 values, so both encodings carry the same numbers.
    expect(decoded).toEqual(floats.json.data[0].embedding);
    expect(base64.json.usage).toEqual(floats.json.usage);
  });
});

describe("embeddings.create with options", () => {
  it("returns plain float arrays with encoding_format float", async () => {
    const response = await client.embeddings.create({ model: MODEL, input: "floats please", encoding_format: "float" });
    expectConforms("CreateEmbeddingResponse", response);
    const vector = response.data[0].embedding;
    expect(vector).toHaveLength(1536);
    expect(vector.every((x) => typeof x === "number" && Number.isFinite(x))).toBe(true);
    expect(Math.abs(norm(vector) - 1)).toBeLessThan(1e-6);
    expect(vector).toEqual(
      (await client.embeddings.create({ model: MODEL, input: "floats please" })).data[0].embedding,
    );
  });

  it("honours dimensions, shortening as text-embedding-3 does (a prefix, scaled to length 1)", async () => {
    const short = (await client.embeddings.create({ model: MODEL, input: "shorter", dimensions: 256 })).data[0]
      .embedding;
    const full = (await client.embeddings.create({ model: MODEL, input: "shorter" })).data[0].embedding;
    expect(short).toHaveLength(256);
    expect(Math.abs(norm(short) - 1)).toBeLessThan(1e-6);
    const prefix = full.slice(0, 256);
    const scaled = prefix.map((x) => x / norm(prefix));
    for (const [i, x] of short.entries()) expect(x).toBeCloseTo(scaled[i], 6);
  });

  it("defaults to 3072 components for text-embedding-3-large and 1536 for ada-002", async () => {
    const large = await client.embeddings.create({ model: "text-embedding-3-large", input: "big" });
    expect(large.data[0].embedding).toHaveLength(3072);
    const ada = await client.embeddings.create({ model: "text-embedding-ada-002", input: "classic" });
    expect(ada.data[0].embedding).toHaveLength(1536);
  });

  it("embeds an array of strings in order, with indices and the usage of all inputs", async () => {
    const input = ["first input", "second, longer input with more tokens", "first input"];
    const response = await client.embeddings.create({ model: MODEL, input, encoding_format: "float" });
    expectConforms("CreateEmbeddingResponse", response);
    expect(response.data.map((item) => item.index)).toEqual([0, 1, 2]);
    const single = await client.embeddings.create({
      model: MODEL,
      input: "second, longer input with more tokens",
      encoding_format: "float",
    });
    expect(response.data[1].embedding).toEqual(single.data[0].embedding);
    expect(response.data[2].embedding).toEqual(response.data[0].embedding);
    expect(response.data[1].embedding).not.toEqual(response.data[0].embedding);
    const tokens = input.reduce((sum, text) => sum + cl100k(text).length, 0);
    expect(response.usage).toEqual({ prompt_tokens: tokens, total_tokens: tokens });
  });

  it("embeds token arrays as their decoded text and counts the tokens sent", async () => {
    const tokens = cl100k("hello tokens");
    const asTokens = await client.embeddings.create({
      model: MODEL,
      input: [tokens, cl100k("another")],
      encoding_format: "float",
    });
    const asText = await client.embeddings.create({ model: MODEL, input: "hello tokens", encoding_format: "float" });
    expect(asTokens.data[0].embedding).toEqual(asText.data[0].embedding);
    expect(asTokens.usage.prompt_tokens).toBe(tokens.length + cl100k("another").length);
    const flat = await client.embeddings.create({ model: MODEL, input: tokens, encoding_format: "float" });
    expect(flat.data).toHaveLength(1);
    expect(flat.data[0].embedding).toEqual(asText.data[0].embedding);
  });

  it("records the exchange in the journal with the api and model", async () => {
    await client.embeddings.create({ model: MODEL, input: "journal me" });
    const entry = mock.requests.at(-1)!;
    expect(entry).toMatchObject({ method: "POST", api: "embeddings", model: MODEL, status: 200, fixture: null });
    expect(entry.body).toMatchObject({ model: MODEL, input: "journal me", encoding_format: "base64" });
  });
});

describe("fixtures that pin a vector", () => {
  const PINNED = [0.1, 0.2, 0.3, -0.25];

  it("returns the pinned vector exactly on the float path", async () => {
    mock.on({ userMessage: "hello" }, { embedding: PINNED });
    const response = await client.embeddings.create({
      model: MODEL,
      input: ["well hello there", "goodbye"],
      encoding_format: "float",
    });
    expectConforms("CreateEmbeddingResponse", response);
    expect(response.data[0].embedding).toEqual(PINNED);
    // An input no fixture matches is not an error: it gets a derived vector.
    expect(response.data[1].embedding).toHaveLength(1536);
    expect(mock.requests.at(-1)!.fixture).toBe('#0 userMessage="hello"');
  });

  it("returns the pinned vector within float32 precision on the SDK's base64 path", async () => {
    mock.on({ userMessage: "hello" }, { embedding: PINNED });
    const response = await client.embeddings.create({ model: MODEL, input: "hello" });
    const vector = response.data[0].embedding;
    expect(vector).toHaveLength(PINNED.length);
    for (const [i, x] of vector.entries()) expect(Math.abs(x - PINNED[i])).toBeLessThan(1e-7);
    expect(vector).toEqual(PINNED.map(Math.fround));
  });

  it("matches on the model and fixture order like any other fixture", async () => {
    mock.on({ userMessage: "hello", model: "text-embedding-3-large" }, { embedding: [1, 0] });
    mock.on({ userMessage: "hello" }, { embedding: [0, 1] });
    const large = await client.embeddings.create({
      model: "text-embedding-3-large",
      input: "hello",
      encoding_format: "float",
    });
    const small = await client.embeddings.create({ model: MODEL, input: "hello", encoding_format: "float" });
    expect(large.data[0].embedding).toEqual([1, 0]);
    expect(small.data[0].embedding).toEqual([0, 1]);
  });

  it("ignores a chat fixture that matches, falling back to the derived vector", async () => {
    mock.on({ userMessage: "hello" }, { content: "Hi there!" });
    const pinnedless = await client.embeddings.create({ model: MODEL, input: "hello", encoding_format: "float" });
    mock.clearFixtures();
    const derived = await client.embeddings.create({ model: MODEL, input: "hello", encoding_format: "float" });
    expect(pinnedless.data[0].embedding).toEqual(derived.data[0].embedding);
  });

  it("accepts a pinned vector of the requested length, and refuses one of another length", async () => {
    mock.on({ userMessage: "hello" }, { embedding: PINNED });
    const same = await client.embeddings.create({
      model: MODEL,
      input: "hello",
      dimensions: 4,
      encoding_format: "float",
    });
    expect(same.data[0].embedding).toEqual(PINNED);
    const { status, json } = await post({ model: MODEL, input: ["hi", "hello"], dimensions: 256 });
    expect(status).toBe(400);
    expectConforms("ErrorResponse", json);
    expect(json.error).toMatchObject({ type: "invalid_request_error", param: "dimensions", code: "invalid_value" });
    expect(json.error.message).toContain("pins a vector of 4 dimensions for 'input[1]', but the request asked for 256");
  });

  it("rejects an empty pinned vector when the fixture is added", () => {
    expect(() => mock.on({ userMessage: "x" }, { embedding: [] })).toThrow(
      /fixtures\[0\]\.response\.embedding: expected an array of at least one number/,
    );
  });
});

describe("errors", () => {
  const cases: [string, Record<string, unknown>, { param: string | null; code: string | null; message: RegExp }][] = [
    [
      "a missing model",
      { input: "x" },
      { param: "model", code: "missing_required_parameter", message: /^Missing required parameter: 'model'\.$/ },
    ],
    [
      "a missing input",
      { model: MODEL },
      { param: "input", code: "missing_required_parameter", message: /^Missing required parameter: 'input'\.$/ },
    ],
    // OpenAI's own words for an empty string, a wrong shape, or an empty token list.
    [
      "an empty string",
      { model: MODEL, input: "" },
      { param: "input", code: "invalid_value", message: /^'\$\.input' is invalid\. Please check the API reference/ },
    ],
    [
      "an empty string in an array",
      { model: MODEL, input: ["ok", ""] },
      { param: "input", code: "invalid_value", message: /^'\$\.input' is invalid/ },
    ],
    [
      "mixed strings and tokens",
      { model: MODEL, input: ["ok", [1, 2]] },
      { param: "input", code: "invalid_value", message: /^'\$\.input' is invalid/ },
    ],
    [
      "an input of the wrong type",
      { model: MODEL, input: 42 },
      { param: "input", code: "invalid_value", message: /^'\$\.input' is invalid/ },
    ],
    [
      "an empty array",
      { model: MODEL, input: [] },
      { param: "input", code: "empty_array", message: /^Invalid 'input': empty array\./ },
    ],
    [
      "2049 inputs",
      { model: MODEL, input: Array(2049).fill("x") },
      {
        param: "input",
        code: "array_above_max_length",
        message: /maximum length 2048, but got an array with length 2049/,
      },
    ],
    [
      "a token outside the vocabulary",
      { model: MODEL, input: [[15339, 999999]] },
      { param: "input[0]", code: "invalid_value", message: /token 999999 is not in the cl100k_base vocabulary/ },
    ],
    [
      "dimensions 0",
      { model: MODEL, input: "x", dimensions: 0 },
      {
        param: "dimensions",
        code: "integer_below_min_value",
        message: /^Invalid 'dimensions': integer below minimum value\. Expected a value >= 1, but got 0 instead\.$/,
      },
    ],
    [
      "fractional dimensions",
      { model: MODEL, input: "x", dimensions: 1.5 },
      { param: "dimensions", code: "invalid_type", message: /expected an integer, but got a decimal number/ },
    ],
    [
      "dimensions above the model's size",
      { model: MODEL, input: "x", dimensions: 1537 },
      { param: "dimensions", code: "integer_above_max_value", message: /Expected a value <= 1536, but got 1537/ },
    ],
    // OpenAI's answer names neither a param nor a code (seen in its 400s: 'param': None, 'code': None).
    [
      "dimensions for ada-002",
      { model: "text-embedding-ada-002", input: "x", dimensions: 1536 },
      { param: null, code: null, message: /^This model does not support specifying dimensions\.$/ },
    ],
    [
      "an unknown encoding_format",
      { model: MODEL, input: "x", encoding_format: "int8" },
      { param: "encoding_format", code: "invalid_value", message: /Supported values are: 'float' and 'base64'/ },
    ],
  ];

  it.each(cases)("answers %s with an OpenAI-shaped 400", async (_name, body, expected) => {
    const { status, json } = await post(body);
    expect(status).toBe(400);
    expectConforms("ErrorResponse", json);
    expect(json.error).toMatchObject({ type: "invalid_request_error", param: expected.param, code: expected.code });
    expect(json.error.message).toMatch(expected.message);
  });

  it("surfaces as BadRequestError in the SDK, with the param and code", async () => {
    const err = await sdkError({ model: MODEL, input: "x", dimensions: 0 });
    expect(err.status).toBe(400);
    expect(err.param).toBe("dimensions");
    expect(err.code).toBe("integer_below_min_value");
    expect(mock.requests.at(-1)).toMatchObject({
      api: "embeddings",
      model: MODEL,
      status: 400,
      error: expect.stringContaining("below minimum value"),
    });
  });

  it("answers a body that is not JSON with the same 400 as the generation endpoints", async () => {
    const res = await fetch(`${mock.url}/v1/embeddings`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{not json",
    });
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: { message: string } };
    expect(json.error.message).toMatch(/We could not parse the JSON body of your request/);
  });

  it("answers other methods on the path with 404", async () => {
    const res = await fetch(`${mock.url}/v1/embeddings`);
    expect(res.status).toBe(404);
  });
});
