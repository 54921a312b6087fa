// Generation requests held in proportion: max_tokens past a known model's output limit gets OpenAI's 400
// on every surface (after an alias resolves), and answers Understudy multiplies (n, prompts, ignore_eos,
// log probabilities) stop at a documented ceiling of generated tokens, while the server keeps serving.
import OpenAI, { BadRequestError } from "openai";
import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import { createServer, type ServerInstance } from "understudy-llm/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GENERATED_TOKENS_CEILING } from "../src/protocols/openai/validate/generation-ceiling.js";
import { sseData } from "./support/http.js";
import { expectConforms } from "./support/openapi.js";

const hi = [{ role: "user" as const, content: "hi" }];
// A reply of exactly 600 tokens in o200k: "word" repeated, each " word" one token.
const LONG_REPLY = `word${" word".repeat(599)}`;

let server: ServerInstance;
let fallback: ServerInstance;
let client: OpenAI;
beforeAll(async () => {
  server = await createServer(
    [
      { match: { model: "local-llama" }, response: { content: "ok" } },
      { match: { model: "long-fixture" }, response: { content: LONG_REPLY } },
      { match: {}, response: { content: "ok" } },
    ],
    {
      models: [
        "gpt-4o",
        "gpt-4o-mini",
        "gpt-4o-mini-2024-07-18",
        "gpt-4.1",
        "gpt-5",
        "o3",
        "gpt-3.5-turbo",
        "gpt-4",
        "gpt-3.5-turbo-instruct",
        { id: "house-model", aliasOf: "gpt-4o-mini" },
      ],
    },
  );
  fallback = await createServer([], { fallback: "lorem:1000" });
  client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "sk-test", maxRetries: 0 });
});
afterAll(async () => {
  await server.close();
  await fallback.close();
});

async function post(path: string, body: unknown, url = server.url): Promise<{ status: number; body: any }> {
  const res = await fetch(`${url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

/** The server answers an ordinary request as before. */
async function stillServes(url = server.url): Promise<void> {
  expect((await fetch(`${url}/health`)).status).toBe(200);
  const answer = await post("/v1/chat/completions", { model: "gpt-4o", messages: hi }, url);
  expect(answer.status).toBe(200);
  expect(answer.body.choices[0].message.content).toMatch(/\S/);
}

async function expectRefused(
  path: string,
  body: unknown,
  error: { message: string; param: string | null; code: string | null },
  url = server.url,
): Promise<void> {
  const answer = await post(path, body, url);
  expect(answer.status).toBe(400);
  expectConforms("ErrorResponse", answer.body);
  expect(answer.body.error).toEqual({ type: "invalid_request_error", ...error });
  await stillServes(url);
}

async function sdkError(request: Promise<unknown>): Promise<BadRequestError> {
  const error = await request.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BadRequestError);
  return error as BadRequestError;
}

const tooLarge = (param: string, value: number, limit: number) => ({
  message: `${param} is too large: ${value}. This model supports at most ${limit} completion tokens, whereas you provided ${value}.`,
  param,
  code: "invalid_value",
});

describe("a known model's output limit", () => {
  it.each([
    ["gpt-4o", "max_tokens", 100_000, 16_384],
    ["gpt-4o", "max_completion_tokens", 16_385, 16_384],
    ["gpt-4o-mini-2024-07-18", "max_tokens", 16_385, 16_384],
    ["gpt-4.1", "max_completion_tokens", 32_769, 32_768],
    ["gpt-5", "max_completion_tokens", 128_001, 128_000],
    ["o3", "max_completion_tokens", 100_001, 100_000],
    ["gpt-3.5-turbo", "max_tokens", 4_097, 4_096],
  ])("refuses %s with %s %i as OpenAI does (at most %i)", async (model, param, value, limit) => {
    await expectRefused("/v1/chat/completions", { model, messages: hi, [param]: value }, tooLarge(param, value, limit));
  });

  it("answers at the limit itself", async () => {
    for (const [model, limit] of [
      ["gpt-4o", 16_384],
      ["gpt-4.1", 32_768],
      ["gpt-5", 128_000],
    ] as const) {
      const answer = await post("/v1/chat/completions", { model, messages: hi, max_completion_tokens: limit });
      expect(answer.status, model).toBe(200);
    }
  });

  it("reaches the openai SDK as a BadRequestError with OpenAI's fields", async () => {
    const error = await sdkError(
      client.chat.completions.create({ model: "gpt-4o", messages: hi, max_tokens: 100_000 }),
    );
    expect(error).toMatchObject({
      status: 400,
      type: "invalid_request_error",
      param: "max_tokens",
      code: "invalid_value",
    });
    expect(error.message).toBe(
      "400 max_tokens is too large: 100000. This model supports at most 16384 completion tokens, whereas you provided 100000.",
    );
    await stillServes();
  });

  it("holds a configured alias to the limit of the model it serves", async () => {
    await expectRefused(
      "/v1/chat/completions",
      { model: "house-model", messages: hi, max_tokens: 20_000 },
      tooLarge("max_tokens", 20_000, 16_384),
    );
    expect(
      (await post("/v1/chat/completions", { model: "house-model", messages: hi, max_tokens: 16_384 })).status,
    ).toBe(200);
  });

  it("does not check a model OpenAI does not serve (one a fixture names)", async () => {
    const answer = await post("/v1/chat/completions", { model: "local-llama", messages: hi, max_tokens: 1_000_000 });
    expect(answer.status).toBe(200);
    expect(answer.body.choices[0].message.content).toBe("ok");
  });

  it("refuses gpt-4's messages plus max_tokens past its 8192-token context, in OpenAI's words", async () => {
    await expectRefused(
      "/v1/chat/completions",
      { model: "gpt-4", messages: hi, max_tokens: 8_190 },
      {
        message:
          "This model's maximum context length is 8192 tokens. However, you requested 8198 tokens (8 in the messages, 8190 in the completion). Please reduce the length of the messages or completion.",
        param: "messages",
        code: "context_length_exceeded",
      },
    );
    expect((await post("/v1/chat/completions", { model: "gpt-4", messages: hi, max_tokens: 8_184 })).status).toBe(200);
  });

  it("refuses a legacy Completions prompt plus max_tokens past gpt-3.5-turbo-instruct's context, in that endpoint's words", async () => {
    const body = { model: "gpt-3.5-turbo-instruct", prompt: "Say this is a test", max_tokens: 4_096 };
    await expectRefused("/v1/completions", body, {
      message:
        "This model's maximum context length is 4097 tokens, however you requested 4101 tokens (5 in your prompt; 4096 for the completion). Please reduce your prompt; or completion length.",
      param: null,
      code: null,
    });
    const error = await sdkError(client.completions.create(body));
    expect(error).toMatchObject({ status: 400, param: null, code: null });
    // Each prompt of a list is held to the context: the second one here is too long.
    await expectRefused(
      "/v1/completions",
      { model: "gpt-3.5-turbo-instruct", prompt: ["hi", "Say this is a test"], max_tokens: 4_093 },
      {
        message:
          "This model's maximum context length is 4097 tokens, however you requested 4098 tokens (5 in your prompt; 4093 for the completion). Please reduce your prompt; or completion length.",
        param: null,
        code: null,
      },
    );
    expect((await post("/v1/completions", { ...body, max_tokens: 4_092 })).status).toBe(200);
  });

  it("refuses max_tokens past a chat model's limit on legacy Completions", async () => {
    await expectRefused(
      "/v1/completions",
      { model: "gpt-4o", prompt: "hi", max_tokens: 20_000 },
      tooLarge("max_tokens", 20_000, 16_384),
    );
  });

  it("refuses a Responses max_output_tokens past the model's limit as a range error", async () => {
    await expectRefused(
      "/v1/responses",
      { model: "gpt-4o", input: "hi", max_output_tokens: 16_385 },
      {
        message:
          "Invalid 'max_output_tokens': integer above maximum value. Expected a value <= 16384, but got 16385 instead.",
        param: "max_output_tokens",
        code: "integer_above_max_value",
      },
    );
    const error = await sdkError(
      client.responses.create({ model: "house-model", input: "hi", max_output_tokens: 20_000 }),
    );
    expect(error).toMatchObject({ status: 400, param: "max_output_tokens", code: "integer_above_max_value" });
    const response = await client.responses.create({ model: "gpt-4o", input: "hi", max_output_tokens: 16_384 });
    expect(response.output_text).toBe("ok");
  });
});

describe("the ceiling on generated tokens", () => {
  it(`is ${GENERATED_TOKENS_CEILING} tokens`, () => {
    expect(GENERATED_TOKENS_CEILING).toBe(32_768);
  });

  it("refuses the audit's 129-byte request for 128 × 15625 ignore_eos tokens at once, naming n", async () => {
    const body =
      '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hello"}],"n":128,"ignore_eos":true,"max_tokens":15625,"stream":true}';
    expect(body.length).toBe(129);
    const started = performance.now();
    await expectRefused("/v1/chat/completions", body, {
      message:
        "Invalid 'n': 128 choices of 15625 tokens each (2000000 tokens in all) exceed the 32768 generated tokens Understudy answers one request with. Lower 'n' or 'max_tokens'.",
      param: "n",
      code: "invalid_value",
    });
    // Refused before anything is generated (the answer was 491 MB and took seconds).
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it("names max_tokens (or max_completion_tokens) when there is one choice", async () => {
    await expectRefused(
      "/v1/chat/completions",
      { model: "local-llama", messages: hi, ignore_eos: true, max_tokens: 32_769 },
      {
        message:
          "Invalid 'max_tokens': 32769 tokens exceed the 32768 generated tokens Understudy answers one request with. Lower 'max_tokens'.",
        param: "max_tokens",
        code: "invalid_value",
      },
    );
    const error = await sdkError(
      client.chat.completions.create({
        model: "gpt-5",
        messages: hi,
        ignore_eos: true,
        max_completion_tokens: 100_000,
      } as OpenAI.ChatCompletionCreateParamsNonStreaming),
    );
    expect(error).toMatchObject({ status: 400, param: "max_completion_tokens", code: "invalid_value" });
    await stillServes();
  });

  it("serves a single ignore_eos answer at the ceiling in full", async () => {
    const answer = await post("/v1/chat/completions", {
      model: "gpt-4.1",
      messages: hi,
      ignore_eos: true,
      max_completion_tokens: 32_768,
    });
    expect(answer.status).toBe(200);
    expect(answer.body.usage.completion_tokens).toBe(32_768);
    expect(answer.body.choices[0].finish_reason).toBe("length");
  });

  it("streams 128 choices × 256 ignore_eos tokens (the ceiling) in full, every token its own chunk", async () => {
    const params = {
      model: "gpt-4o",
      messages: hi,
      n: 128,
      ignore_eos: true,
      max_tokens: 256,
      stream: true,
      stream_options: { include_usage: true },
    };
    const chunks: ChatCompletionChunk[] = [];
    for await (const chunk of await client.chat.completions.create(
      params as OpenAI.ChatCompletionCreateParamsStreaming,
    ))
      chunks.push(chunk);
    const deltas = new Map<number, number>();
    const finishes = new Map<number, string>();
    for (const chunk of chunks) {
      for (const choice of chunk.choices) {
        if (choice.delta.content) deltas.set(choice.index, (deltas.get(choice.index) ?? 0) + 1);
        if (choice.finish_reason) finishes.set(choice.index, choice.finish_reason);
      }
    }
    expect(deltas.size).toBe(128);
    expect([...deltas.values()].every((count) => count === 256)).toBe(true);
    expect([...finishes.values()].filter((reason) => reason === "length")).toHaveLength(128);
    expect(chunks.at(-1)?.usage?.completion_tokens).toBe(32_768);
    await stillServes();
  });

  it("counts every prompt of a legacy Completions list, and streams one just under the ceiling in full", async () => {
    await expectRefused(
      "/v1/completions",
      { model: "gpt-3.5-turbo-instruct", prompt: ["a", "b", "c"], n: 20, max_tokens: 1_000, ignore_eos: true },
      {
        message:
          "Invalid 'n': 60 choices of 1000 tokens each (60000 tokens in all) exceed the 32768 generated tokens Understudy answers one request with. Lower 'n' or 'max_tokens'.",
        param: "n",
        code: "invalid_value",
      },
    );
    const res = await fetch(`${server.url}/v1/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        model: "gpt-3.5-turbo-instruct",
        prompt: ["a", "b"],
        n: 4,
        max_tokens: 4_096,
        ignore_eos: true,
        stream: true,
        stream_options: { include_usage: true },
      }),
    });
    const events = sseData(await res.text());
    const texts = events.flatMap((event) => event.choices.filter((choice: any) => choice.text !== ""));
    expect(texts).toHaveLength(8 * 4_096);
    expect(events.at(-1).usage.completion_tokens).toBe(32_768);
  });

  it("weighs log probabilities: with top_logprobs 20 each token counts 46 times", async () => {
    await expectRefused(
      "/v1/chat/completions",
      { model: "gpt-4o", messages: hi, ignore_eos: true, max_tokens: 713, logprobs: true, top_logprobs: 20 },
      {
        message:
          "Invalid 'max_tokens': 713 tokens, each counted 46 times for its log probabilities, exceed the 32768 generated tokens Understudy answers one request with. Lower 'max_tokens' or 'top_logprobs'.",
        param: "max_tokens",
        code: "invalid_value",
      },
    );
    const answer = await post("/v1/chat/completions", {
      model: "gpt-4o",
      messages: hi,
      ignore_eos: true,
      max_tokens: 712,
      logprobs: true,
      top_logprobs: 20,
    });
    expect(answer.status).toBe(200);
    expect(answer.body.choices[0].logprobs.content).toHaveLength(712);
    expect(answer.body.choices[0].logprobs.content[0].top_logprobs).toHaveLength(20);
  });

  it("counts fallback replies that fill max_tokens, n times", async () => {
    // lorem:1000 answers 1,000 tokens a choice, or max_tokens if fewer.
    await expectRefused(
      "/v1/chat/completions",
      { model: "gpt-4o-mini", messages: hi, n: 64 },
      {
        message:
          "Invalid 'n': 64 choices of 1000 tokens each (64000 tokens in all) exceed the 32768 generated tokens Understudy answers one request with. Lower 'n' or 'max_tokens'.",
        param: "n",
        code: "invalid_value",
      },
      fallback.url,
    );
    for (const body of [{ n: 32 }, { n: 64, max_tokens: 512 }]) {
      const answer = await post("/v1/chat/completions", { model: "gpt-4o-mini", messages: hi, ...body }, fallback.url);
      expect(answer.status, JSON.stringify(body)).toBe(200);
      expect(answer.body.choices).toHaveLength(body.n);
      expect(answer.body.usage.completion_tokens).toBe(body.n * Math.min(1_000, body.max_tokens ?? 1_000));
    }
  });

  it("counts a fixture's reply n times too", async () => {
    await expectRefused(
      "/v1/chat/completions",
      { model: "long-fixture", messages: hi, n: 64 },
      {
        message:
          "Invalid 'n': 64 choices of 600 tokens each (38400 tokens in all) exceed the 32768 generated tokens Understudy answers one request with. Lower 'n' or 'max_tokens'.",
        param: "n",
        code: "invalid_value",
      },
    );
    const answer = await post("/v1/chat/completions", { model: "long-fixture", messages: hi, n: 54 });
    expect(answer.status).toBe(200);
    expect(answer.body.usage.completion_tokens).toBe(54 * 600);
  });

  it("leaves every sequence counter where it was when it refuses", async () => {
    const steps = await createServer(
      [0, 1].map((i) => ({
        match: { userMessage: "step", sequenceIndex: i },
        response: { content: `seq-${i} ${LONG_REPLY}` },
      })),
    );
    try {
      const step = (extra: Record<string, unknown>) =>
        post(
          "/v1/chat/completions",
          { model: "gpt-4o", messages: [{ role: "user", content: "step" }], ...extra },
          steps.url,
        );
      expect((await step({ n: 64 })).body.error.param).toBe("n");
      expect((await step({ max_tokens: 20_000 })).body.error.param).toBe("max_tokens");
      expect((await step({})).body.choices[0].message.content).toMatch(/^seq-0 /);
      expect((await step({})).body.choices[0].message.content).toMatch(/^seq-1 /);
    } finally {
      await steps.close();
    }
  });

  it("leaves a single plain answer as long as its fixture makes it", async () => {
    const answer = await post("/v1/chat/completions", { model: "long-fixture", messages: hi, max_tokens: 100_000 });
    expect(answer.status).toBe(200);
    expect(answer.body.usage.completion_tokens).toBe(600);
  });
});

describe("n itself", () => {
  it.each([
    ["/v1/chat/completions", { model: "gpt-4o", messages: hi, n: 129 }],
    ["/v1/completions", { model: "gpt-3.5-turbo-instruct", prompt: "hi", n: 129 }],
  ])("is at most 128 on %s, as OpenAI checks it", async (path, body) => {
    await expectRefused(path, body, {
      message: "Invalid 'n': integer above maximum value. Expected a value <= 128, but got 129 instead.",
      param: "n",
      code: "integer_above_max_value",
    });
  });

  it("is at least 1", async () => {
    await expectRefused(
      "/v1/chat/completions",
      { model: "gpt-4o", messages: hi, n: 0 },
      {
        message: "Invalid 'n': integer below minimum value. Expected a value >= 1, but got 0 instead.",
        param: "n",
        code: "integer_below_min_value",
      },
    );
  });
});
