// The official openai SDK against POST /v1/completions (legacy Completions): text, prompt lists, echo,
// suffix, logprobs, streaming and errors, with usage counted independently and every body checked against the spec.
import { decode, encode } from "gpt-tokenizer/encoding/cl100k_base";
import OpenAI, { BadRequestError } from "openai";
import type { Completion } from "openai/resources/completions";
import { LLMock } from "understudy-llm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { expectConforms } from "./support/openapi.js";

// gpt-3.5-turbo-instruct is a cl100k_base model; a completion's prompt is counted as raw text.
const MODEL = "gpt-3.5-turbo-instruct";
const tokens = (text: string): number => encode(text).length;
const PROMPT = "Say this is a test";
const REPLY = " This is indeed a test.";
const LONG =
  " Once upon a time, in a land far away, there lived a curious fox who wanted to see the sea and the mountains beyond it.";

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
  mock.on({ userMessage: "Say this" }, { content: REPLY });
  mock.on({ userMessage: "Tell a story" }, { content: LONG });
});

async function complete(
  params: Omit<OpenAI.CompletionCreateParamsNonStreaming, "model"> & { model?: string },
): Promise<Completion> {
  const completion = await client.completions.create({ model: MODEL, ...params });
  expectConforms("CreateCompletionResponse", completion);
  return completion;
}

async function streamChunks(
  params: Omit<OpenAI.CompletionCreateParamsStreaming, "model" | "stream">,
): Promise<Completion[]> {
  const chunks: Completion[] = [];
  for await (const chunk of await client.completions.create({ model: MODEL, stream: true, ...params })) {
    expectConforms("CreateCompletionResponse", chunk, `chunk ${chunks.length}`);
    chunks.push(chunk);
  }
  return chunks;
}

async function postRaw(body: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${mock.url}/v1/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json() };
}

const usageOf = (prompt: number, completion: number) => ({
  prompt_tokens: prompt,
  completion_tokens: completion,
  total_tokens: prompt + completion,
});

describe("completions.create without streaming", () => {
  it("answers with the fixture text, a cmpl- id and usage counted on the raw prompt, with no chat framing", async () => {
    const completion = await complete({ prompt: PROMPT, max_tokens: 50 });
    expect(completion.id).toMatch(/^cmpl-[A-Za-z0-9]{29}$/);
    expect(completion.object).toBe("text_completion");
    expect(completion.model).toBe(MODEL);
    expect(completion.choices).toEqual([{ text: REPLY, index: 0, logprobs: null, finish_reason: "stop" }]);
    expect(tokens(PROMPT)).toBe(5);
    expect(completion.usage).toEqual(usageOf(5, tokens(REPLY)));
  });

  it("stops at 16 tokens when max_tokens is not set, the API's default", async () => {
    const { choices, usage } = await complete({ prompt: "Tell a story" });
    expect(tokens(LONG)).toBeGreaterThan(16);
    expect(choices[0]).toMatchObject({ text: decode(encode(LONG).slice(0, 16)), finish_reason: "length" });
    expect(usage).toEqual(usageOf(tokens("Tell a story"), 16));
  });

  it("cuts the reply at max_tokens on a token boundary, with finish_reason length", async () => {
    const { choices, usage } = await complete({ prompt: "Tell a story", max_tokens: 5 });
    expect(choices[0]).toMatchObject({ text: decode(encode(LONG).slice(0, 5)), finish_reason: "length" });
    expect(usage?.completion_tokens).toBe(5);
  });

  it("ends the text before the stop sequence, with finish_reason stop", async () => {
    const { choices, usage } = await complete({ prompt: PROMPT, stop: ["indeed", "zzz"] });
    expect(choices[0]).toMatchObject({ text: " This is ", finish_reason: "stop" });
    expect(usage?.completion_tokens).toBe(tokens(" This is "));
  });

  it("answers n choices from the fixture's alternatives, counting the prompt once and every choice's tokens", async () => {
    mock.on(
      { userMessage: "Pick" },
      { content: "unused", choices: [{ content: " red" }, { content: " green and blue" }] },
    );
    const { choices, usage } = await complete({ prompt: "Pick a colour", n: 2 });
    expect(choices.map((c) => [c.index, c.text])).toEqual([
      [0, " red"],
      [1, " green and blue"],
    ]);
    expect(usage).toEqual(usageOf(tokens("Pick a colour"), tokens(" red") + tokens(" green and blue")));
  });

  it("answers a list of prompts with n choices each, indexed prompt × n + choice, each prompt matched on its own", async () => {
    mock.on({ userMessage: "capital of France" }, { content: " Paris." });
    mock.on({ userMessage: "capital of Japan" }, { content: " Tokyo." });
    const prompts = ["The capital of France is", "The capital of Japan is"];
    const { choices, usage } = await complete({ prompt: prompts, n: 2 });
    expect(choices.map((c) => [c.index, c.text])).toEqual([
      [0, " Paris."],
      [1, " Paris."],
      [2, " Tokyo."],
      [3, " Tokyo."],
    ]);
    expect(usage).toEqual(
      usageOf(tokens(prompts[0]) + tokens(prompts[1]), 2 * tokens(" Paris.") + 2 * tokens(" Tokyo.")),
    );
  });

  it("decodes token prompts for matching and counts exactly the tokens sent", async () => {
    const ids = encode(PROMPT);
    const one = await complete({ prompt: ids });
    expect(one.choices[0].text).toBe(REPLY);
    expect(one.usage?.prompt_tokens).toBe(ids.length);
    const story = encode("Tell a story");
    const two = await complete({ prompt: [ids, story], max_tokens: 3 });
    expect(two.choices.map((c) => c.text)).toEqual([
      decode(encode(REPLY).slice(0, 3)),
      decode(encode(LONG).slice(0, 3)),
    ]);
    expect(two.usage).toEqual(usageOf(ids.length + story.length, 6));
  });

  it("prepends the prompt to the text with echo, leaving usage as it was", async () => {
    const { choices, usage } = await complete({ prompt: PROMPT, echo: true });
    expect(choices[0].text).toBe(PROMPT + REPLY);
    expect(usage).toEqual(usageOf(5, tokens(REPLY)));
  });

  it("scores a prompt with echo, logprobs and max_tokens 0: its tokens, the first without a logprob", async () => {
    const { choices, usage } = await complete({ prompt: PROMPT, echo: true, logprobs: 1, max_tokens: 0 });
    const [choice] = choices;
    expect(choice).toMatchObject({ text: PROMPT, finish_reason: "length" });
    const lp = choice.logprobs!;
    expect(lp.tokens).toEqual(encode(PROMPT).map((t) => decode([t])));
    expect(lp.token_logprobs?.[0]).toBeNull();
    expect(lp.top_logprobs?.[0]).toBeNull();
    for (const logprob of lp.token_logprobs!.slice(1)) expect(logprob).toBeLessThanOrEqual(0);
    expect(lp.text_offset).toEqual([0, 3, 8, 11, 13]);
    expect(usage).toEqual(usageOf(5, 0));
  });

  it("lists each completion token with its likeliest alternatives for logprobs: 2, offsets counted from the prompt's start", async () => {
    const { choices } = await complete({ prompt: PROMPT, logprobs: 2 });
    const lp = choices[0].logprobs!;
    expect(lp.tokens).toEqual(encode(REPLY).map((t) => decode([t])));
    expect(lp.tokens!.join("")).toBe(REPLY);
    let offset = PROMPT.length;
    lp.tokens!.forEach((token, i) => {
      expect(lp.text_offset![i]).toBe(offset);
      offset += token.length;
      const top = lp.top_logprobs![i]!;
      expect(Object.keys(top).length).toBeGreaterThanOrEqual(1);
      expect(Object.keys(top).length).toBeLessThanOrEqual(2);
      expect(top[token]).toBe(lp.token_logprobs![i]);
    });
  });

  it("sends top_logprobs null for logprobs: 0, with the chosen tokens' logprobs", async () => {
    const { choices } = await complete({ prompt: PROMPT, logprobs: 0 });
    expect(choices[0].logprobs).toMatchObject({ tokens: encode(REPLY).map((t) => decode([t])), top_logprobs: null });
    expect(choices[0].logprobs!.token_logprobs).toHaveLength(tokens(REPLY));
  });

  it("answers a suffix with the inserted text alone, counting the suffix as prompt", async () => {
    const suffix = " Thanks for reading.";
    const { choices, usage } = await complete({ prompt: PROMPT, suffix });
    expect(choices[0].text).toBe(REPLY);
    expect(usage).toEqual(usageOf(tokens(PROMPT) + tokens(suffix), tokens(REPLY)));
  });

  it("gives every request its own id, even when the rendered body is reused", async () => {
    const [a, b] = [await complete({ prompt: PROMPT }), await complete({ prompt: PROMPT })];
    expect(a.id).not.toBe(b.id);
    expect(a.choices).toEqual(b.choices);
  });
});

describe("completions.create with stream: true", () => {
  it("sends text_completion chunks, a final chunk with empty text and the finish_reason, then the usage chunk", async () => {
    const chunks = await streamChunks({ prompt: PROMPT, stream_options: { include_usage: true } });
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
    expect(chunks.every((c) => c.object === "text_completion" && c.model === MODEL)).toBe(true);
    const usageChunk = chunks.at(-1)!;
    expect(usageChunk.choices).toEqual([]);
    expect(usageChunk.usage).toEqual(usageOf(5, tokens(REPLY)));
    const text = chunks.slice(0, -1);
    expect(text.map((c) => c.choices[0].text).join("")).toBe(REPLY);
    expect(text.slice(0, -1).every((c) => c.choices[0].finish_reason === null && c.usage === undefined)).toBe(true);
    expect(text.at(-1)!.choices).toEqual([{ text: "", index: 0, logprobs: null, finish_reason: "stop" }]);
    expect(text).toHaveLength(tokens(REPLY) + 1);
  });

  it("sends no usage chunk unless stream_options.include_usage asks for one", async () => {
    const chunks = await streamChunks({ prompt: "Tell a story", max_tokens: 4 });
    expect(chunks.every((c) => c.choices.length === 1 && c.usage === undefined)).toBe(true);
    expect(chunks.at(-1)!.choices[0].finish_reason).toBe("length");
    expect(chunks.map((c) => c.choices[0].text).join("")).toBe(decode(encode(LONG).slice(0, 4)));
  });

  it("streams the echoed prompt first, with logprob offsets running on across chunks", async () => {
    const chunks = await streamChunks({ prompt: PROMPT, echo: true, logprobs: 1 });
    const [echo, ...rest] = chunks;
    expect(echo.choices[0].text).toBe(PROMPT);
    expect(echo.choices[0].logprobs?.token_logprobs?.[0]).toBeNull();
    const offsets = chunks.flatMap((c) => c.choices[0].logprobs?.text_offset ?? []);
    const pieces = chunks.flatMap((c) => c.choices[0].logprobs?.tokens ?? []);
    expect(pieces.join("")).toBe(PROMPT + REPLY);
    expect(offsets).toEqual(pieces.map((_, i) => pieces.slice(0, i).join("").length));
    expect(rest.at(-1)!.choices[0].finish_reason).toBe("stop");
  });

  it("streams every choice of every prompt, each index ending with its own finish chunk", async () => {
    mock.on({ userMessage: "capital of France" }, { content: " Paris." });
    const chunks = await streamChunks({ prompt: ["The capital of France is", PROMPT], n: 2 });
    const byIndex = new Map<number, string>();
    for (const { choices } of chunks)
      for (const c of choices) byIndex.set(c.index, (byIndex.get(c.index) ?? "") + c.text);
    expect([...byIndex.entries()].sort()).toEqual([
      [0, " Paris."],
      [1, " Paris."],
      [2, REPLY],
      [3, REPLY],
    ]);
    const finishes = chunks.flatMap((c) =>
      c.choices.filter((choice) => choice.finish_reason !== null).map((choice) => choice.index),
    );
    expect(finishes.sort()).toEqual([0, 1, 2, 3]);
  });
});

describe("completions.create errors", () => {
  async function expectBadRequest(
    request: Promise<unknown>,
    param: string | null,
    code: string | null,
    message?: RegExp,
  ) {
    const error = await request.then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(BadRequestError);
    const bad = error as BadRequestError;
    expectConforms("ErrorResponse", { error: bad.error });
    expect(bad).toMatchObject({ status: 400, param, code, type: "invalid_request_error" });
    if (message) expect(bad.message).toMatch(message);
  }

  it("refuses best_of below n", async () => {
    await expectBadRequest(
      client.completions.create({ model: MODEL, prompt: PROMPT, n: 3, best_of: 2 }),
      "best_of",
      "invalid_value",
      /greater than or equal to 'n'/,
    );
  });

  it("refuses best_of with stream when candidates would be dropped", async () => {
    await expectBadRequest(
      client.completions.create({ model: MODEL, prompt: PROMPT, best_of: 3, stream: true }),
      "best_of",
      "invalid_value",
      /cannot be used with 'stream'/,
    );
  });

  it("answers best_of above n without streaming with n choices", async () => {
    const { choices } = await complete({ prompt: PROMPT, n: 1, best_of: 3 });
    expect(choices).toHaveLength(1);
  });

  it("checks ranges with OpenAI's wording: best_of 0–20, logprobs 0–5, max_tokens ≥ 0", async () => {
    await expectBadRequest(
      client.completions.create({ model: MODEL, prompt: PROMPT, best_of: 21 }),
      "best_of",
      "integer_above_max_value",
      /Expected a value <= 20, but got 21 instead/,
    );
    await expectBadRequest(
      client.completions.create({ model: MODEL, prompt: PROMPT, logprobs: 6 }),
      "logprobs",
      "integer_above_max_value",
    );
    await expectBadRequest(
      client.completions.create({ model: MODEL, prompt: PROMPT, max_tokens: -1 }),
      "max_tokens",
      "integer_below_min_value",
    );
    await expectBadRequest(
      client.completions.create({ model: MODEL, prompt: PROMPT, echo: "yes" as unknown as boolean }),
      "echo",
      "invalid_type",
    );
  });

  it("names the missing or malformed prompt", async () => {
    const missing = await postRaw({ model: MODEL });
    expect(missing).toEqual({
      status: 400,
      body: {
        error: {
          message: "Missing required parameter: 'prompt'.",
          type: "invalid_request_error",
          param: "prompt",
          code: "missing_required_parameter",
        },
      },
    });
    const mixed = await postRaw({ model: MODEL, prompt: ["fine", 3] });
    expect(mixed.body.error).toMatchObject({ param: "prompt[1]", code: "invalid_type" });
    const unknownToken = await postRaw({ model: MODEL, prompt: [[9906], [99_999_999]] });
    expect(unknownToken.body.error).toMatchObject({
      param: "prompt[1]",
      code: "invalid_value",
      message: "Invalid 'prompt[1]': token 99999999 is not in the cl100k_base vocabulary.",
    });
    for (const { body } of [missing, mixed, unknownToken]) expectConforms("ErrorResponse", body);
  });

  it("explains a prompt that matches no fixture, even when the others of its list do", async () => {
    await expectBadRequest(
      client.completions.create({ model: MODEL, prompt: [PROMPT, "Something else entirely"] }),
      null,
      "no_match",
      /No matching response/,
    );
  });
});
