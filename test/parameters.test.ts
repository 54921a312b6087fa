// Generation parameters through the official openai SDK: n, stop, max_tokens, ignore_eos, a raw prompt and logprobs.
import { decode, encode } from "gpt-tokenizer/encoding/o200k_base";
import OpenAI from "openai";
import type { ChatCompletionChunk } from "openai/resources/chat/completions";
import { LLMock } from "understudy-llm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expectConforms } from "./support/openapi.js";
import { promptTokens } from "./support/tokens.js";

const MODEL = "gpt-4o-mini";
const PARIS = "Paris is the capital of France.";
const STEPS = "Step one: mix. Step two: bake. Step three: serve.";
const MITO = "The mitochondria is the powerhouse of the cell, converting nutrients into ATP through respiration.";
const SHORT = "Short answer.";
const STORY = "there lived a tiny dragon who collected teapots.";
const GERMAN = "Grüße aus Zürich, café au lait ☕ und 你好";

let mock: LLMock;
let client: OpenAI;

beforeAll(async () => {
  mock = new LLMock({ seed: 11 });
  mock.on({ userMessage: "[repeat]" }, { content: PARIS });
  mock.on(
    { userMessage: "[variants]" },
    { content: "unused", choices: [{ content: "Red." }, { content: "Green, like grass." }] },
  );
  mock.on({ userMessage: "[steps]" }, { content: STEPS });
  mock.on({ userMessage: "[mito]" }, { content: MITO });
  mock.on({ userMessage: "[short]" }, { content: SHORT });
  mock.on({ userMessage: "Once upon a time" }, { content: STORY });
  mock.on({ userMessage: "[german]" }, { content: GERMAN });
  await mock.start();
  client = new OpenAI({ baseURL: `${mock.url}/v1`, apiKey: "sk-test", maxRetries: 0 });
});
afterAll(() => mock.stop());

const user = (tag: string) => [{ role: "user" as const, content: `Please answer ${tag}` }];
const promptOf = (tag: string) => promptTokens(MODEL, user(tag));

async function create(tag: string, extra: Record<string, unknown> = {}) {
  const body = { model: MODEL, messages: user(tag), ...extra };
  const completion = await client.chat.completions.create(body as OpenAI.ChatCompletionCreateParamsNonStreaming);
  expectConforms("CreateChatCompletionResponse", completion);
  return completion;
}

async function stream(tag: string, extra: Record<string, unknown> = {}): Promise<ChatCompletionChunk[]> {
  const body = { model: MODEL, messages: user(tag), stream: true, stream_options: { include_usage: true }, ...extra };
  const chunks: ChatCompletionChunk[] = [];
  for await (const chunk of await client.chat.completions.create(body as OpenAI.ChatCompletionCreateParamsStreaming)) {
    expectConforms("CreateChatCompletionStreamResponse", chunk);
    chunks.push(chunk);
  }
  return chunks;
}

/** Per choice index: its role chunks, content, finish reasons (in order) and logprob entries. */
function reassemble(chunks: ChatCompletionChunk[]) {
  const byIndex = new Map<
    number,
    { roles: number; content: string; finishes: string[]; logprobs: OpenAI.ChatCompletionTokenLogprob[] }
  >();
  for (const chunk of chunks) {
    expect(chunk.choices.length, "a chunk carries at most one choice").toBeLessThanOrEqual(1);
    for (const choice of chunk.choices) {
      const slot = byIndex.get(choice.index) ?? { roles: 0, content: "", finishes: [], logprobs: [] };
      byIndex.set(choice.index, slot);
      if (choice.delta.role === "assistant") slot.roles++;
      slot.content += choice.delta.content ?? "";
      if (choice.finish_reason) slot.finishes.push(choice.finish_reason);
      slot.logprobs.push(...(choice.logprobs?.content ?? []));
    }
  }
  return byIndex;
}

describe("n", () => {
  it("n=3 repeats the reply in three choices indexed 0..2, counting the prompt once and the completions three times", async () => {
    const completion = await create("[repeat]", { n: 3 });
    expect(completion.choices.map((c) => [c.index, c.message.content, c.finish_reason])).toEqual([
      [0, PARIS, "stop"],
      [1, PARIS, "stop"],
      [2, PARIS, "stop"],
    ]);
    expect(encode(PARIS)).toHaveLength(7);
    expect(completion.usage).toMatchObject({
      prompt_tokens: promptOf("[repeat]"),
      completion_tokens: 21,
      total_tokens: promptOf("[repeat]") + 21,
    });
  });

  it("n=3 cycles the fixture's choices (Red., Green, Red.) and sums their completion tokens", async () => {
    const completion = await create("[variants]", { n: 3 });
    expect(completion.choices.map((c) => c.message.content)).toEqual(["Red.", "Green, like grass.", "Red."]);
    const expected = 2 * encode("Red.").length + encode("Green, like grass.").length;
    expect(expected).toBe(9);
    expect(completion.usage?.completion_tokens).toBe(expected);
    expect(completion.usage?.prompt_tokens).toBe(promptOf("[variants]"));
  });

  it("n=2 streaming gives each index its own role chunk and finish chunk, and each index reassembles to its reply", async () => {
    const chunks = await stream("[variants]", { n: 2 });
    const byIndex = reassemble(chunks);
    expect([...byIndex.keys()].sort()).toEqual([0, 1]);
    expect(byIndex.get(0)).toMatchObject({ roles: 1, content: "Red.", finishes: ["stop"] });
    expect(byIndex.get(1)).toMatchObject({ roles: 1, content: "Green, like grass.", finishes: ["stop"] });
    const usage = chunks.at(-1)!;
    expect(usage.choices).toEqual([]);
    expect(usage.usage).toMatchObject({
      prompt_tokens: promptOf("[variants]"),
      completion_tokens: encode("Red.").length + encode("Green, like grass.").length,
    });
    expect(usage.usage?.completion_tokens).toBe(2 + 5);
  });
});

describe("stop", () => {
  it("cuts the content before a string stop sequence, with finish_reason stop and the cut text's tokens", async () => {
    const completion = await create("[steps]", { stop: ". Step two" });
    expect(completion.choices[0].message.content).toBe("Step one: mix");
    expect(completion.choices[0].finish_reason).toBe("stop");
    expect(completion.usage?.completion_tokens).toBe(encode("Step one: mix").length);
    expect(completion.usage?.completion_tokens).toBe(4);
  });

  it("cuts at the earliest of a list of stop sequences, whatever their order in the list", async () => {
    const completion = await create("[steps]", { stop: ["three", "serve", " two"] });
    expect(completion.choices[0].message.content).toBe("Step one: mix. Step");
    expect(completion.choices[0].finish_reason).toBe("stop");
    expect(completion.usage?.completion_tokens).toBe(encode("Step one: mix. Step").length);
  });

  it("leaves the reply whole when no stop sequence occurs in it", async () => {
    const completion = await create("[steps]", { stop: ["###", "END"] });
    expect(completion.choices[0].message.content).toBe(STEPS);
    expect(completion.usage?.completion_tokens).toBe(15);
  });

  it("cuts a streamed reply at the stop sequence too", async () => {
    const byIndex = reassemble(await stream("[steps]", { stop: ["bake"] }));
    expect(byIndex.get(0)).toMatchObject({ content: "Step one: mix. Step two: ", finishes: ["stop"] });
  });
});

describe("max_tokens and max_completion_tokens", () => {
  const cut = (k: number) => decode(encode(MITO).slice(0, k));

  it.each([
    ["max_tokens", 5],
    ["max_completion_tokens", 9],
  ])(
    "%s=%i cuts on a token boundary with finish_reason length and exactly that many completion tokens",
    async (param, k) => {
      const completion = await create("[mito]", { [param]: k });
      expect(completion.choices[0].message.content).toBe(cut(k));
      expect(completion.choices[0].finish_reason).toBe("length");
      expect(completion.usage?.completion_tokens).toBe(k);
    },
  );

  it("gives the exact cuts 'The mitochondria is the' (5 tokens) and '…powerhouse of the cell,' (10)", async () => {
    expect((await create("[mito]", { max_tokens: 5 })).choices[0].message.content).toBe("The mitochondria is the");
    expect((await create("[mito]", { max_completion_tokens: 10 })).choices[0].message.content).toBe(
      "The mitochondria is the powerhouse of the cell,",
    );
  });

  it("answers the whole reply with finish_reason stop when the limit is not reached", async () => {
    const completion = await create("[mito]", { max_tokens: 17 });
    expect(completion.choices[0].message.content).toBe(MITO);
    expect(completion.choices[0].finish_reason).toBe("stop");
    expect(completion.usage?.completion_tokens).toBe(17);
  });

  it("streams the first k tokens as k content chunks, then finish_reason length, with usage completion_tokens k", async () => {
    const chunks = await stream("[mito]", { max_completion_tokens: 7 });
    const contentChunks = chunks.filter((c) => c.choices[0]?.delta.content);
    expect(contentChunks.map((c) => c.choices[0].delta.content)).toEqual(
      encode(MITO)
        .slice(0, 7)
        .map((t) => decode([t])),
    );
    expect(reassemble(chunks).get(0)).toMatchObject({ content: cut(7), finishes: ["length"] });
    expect(chunks.at(-1)!.usage?.completion_tokens).toBe(7);
  });
});

describe("ignore_eos", () => {
  it("with max_tokens=40 extends the reply by repeating it to exactly 40 tokens, finish_reason length", async () => {
    const completion = await create("[short]", { ignore_eos: true, max_tokens: 40 });
    const content = completion.choices[0].message.content!;
    expect(completion.choices[0].finish_reason).toBe("length");
    expect(completion.usage?.completion_tokens).toBe(40);
    expect(encode(content)).toHaveLength(40);
    expect(content.startsWith(`${SHORT} ${SHORT} ${SHORT} `)).toBe(true);
    expect(content).toBe(decode(encode(`${SHORT} `.repeat(20)).slice(0, 40)));
  });

  it("streams the same 40 tokens", async () => {
    const chunks = await stream("[short]", { ignore_eos: true, max_tokens: 40 });
    const full = await create("[short]", { ignore_eos: true, max_tokens: 40 });
    expect(reassemble(chunks).get(0)).toMatchObject({ content: full.choices[0].message.content, finishes: ["length"] });
    expect(chunks.at(-1)!.usage?.completion_tokens).toBe(40);
  });

  it("without a token limit answers the reply as it is", async () => {
    const completion = await create("[short]", { ignore_eos: true });
    expect(completion.choices[0].message.content).toBe(SHORT);
    expect(completion.choices[0].finish_reason).toBe("stop");
  });
});

describe("a raw prompt instead of messages (seed 004)", () => {
  it("matches a userMessage fixture and counts the prompt as one user message", async () => {
    const body = { model: MODEL, prompt: "Once upon a time", max_tokens: 100, temperature: 0.8 };
    const completion = await client.chat.completions.create(
      body as unknown as OpenAI.ChatCompletionCreateParamsNonStreaming,
    );
    expectConforms("CreateChatCompletionResponse", completion);
    expect(completion.choices[0].message.content).toBe(STORY);
    expect(completion.usage?.prompt_tokens).toBe(promptTokens(MODEL, [{ role: "user", content: "Once upon a time" }]));
    expect(mock.requests.at(-1)).toMatchObject({ status: 200, fixture: expect.stringContaining("Once upon a time") });
  });
});

describe("logprobs", () => {
  const utf8 = (entries: { bytes: number[] | null }[]) =>
    Buffer.from(entries.flatMap((e) => e.bytes ?? [])).toString("utf8");

  it("gives one entry per token with real token text and bytes, three top_logprobs led by the chosen token, all <= 0", async () => {
    const completion = await create("[german]", { logprobs: true, top_logprobs: 3 });
    const content = completion.choices[0].logprobs!.content!;
    expect(completion.choices[0].logprobs!.refusal).toBeNull();
    expect(content).toHaveLength(encode(GERMAN).length);
    expect(content).toHaveLength(14);
    expect(utf8(content)).toBe(GERMAN);
    expect(
      content
        .slice(0, 9)
        .map((e) => e.token)
        .join(""),
    ).toBe("Grüße aus Zürich, café au lait");
    expect(content[1]).toMatchObject({ token: "ü", bytes: [0xc3, 0xbc] });
    // " ☕" is two tokens that split the character's bytes; OpenAI writes such tokens as their bytes.
    expect(content.slice(9, 11).map((e) => [e.token, e.bytes])).toEqual([
      ["bytes:\\x20\\xe2\\x98", [0x20, 0xe2, 0x98]],
      ["bytes:\\x95", [0x95]],
    ]);
    expect(
      content
        .slice(11)
        .map((e) => e.token)
        .join(""),
    ).toBe(" und 你好");
    for (const entry of content) {
      if (!entry.token.startsWith("bytes:")) expect(entry.bytes).toEqual([...Buffer.from(entry.token, "utf8")]);
      expect(entry.logprob).toBeLessThanOrEqual(0);
      expect(entry.top_logprobs).toHaveLength(3);
      expect(entry.top_logprobs[0]).toEqual({ token: entry.token, logprob: entry.logprob, bytes: entry.bytes });
      for (const alt of entry.top_logprobs) expect(alt.logprob).toBeLessThanOrEqual(0);
      expect(entry.top_logprobs[1].logprob).toBeLessThan(entry.top_logprobs[0].logprob);
      expect(entry.top_logprobs[2].logprob).toBeLessThan(entry.top_logprobs[1].logprob);
    }
  });

  it("is deterministic: two calls give identical logprobs", async () => {
    const first = await create("[german]", { logprobs: true, top_logprobs: 3 });
    const second = await create("[german]", { logprobs: true, top_logprobs: 3 });
    expect(second.choices[0].logprobs).toEqual(first.choices[0].logprobs);
  });

  it("leaves logprobs null when not requested, and top_logprobs empty with logprobs alone", async () => {
    expect((await create("[german]")).choices[0].logprobs).toBeNull();
    const bare = await create("[german]", { logprobs: true });
    expect(bare.choices[0].logprobs!.content!.every((e) => e.top_logprobs.length === 0)).toBe(true);
  });

  it("streams each content chunk with the entries of its tokens, the same entries as without streaming", async () => {
    const chunks = await stream("[german]", { logprobs: true, top_logprobs: 3 });
    const full = await create("[german]", { logprobs: true, top_logprobs: 3 });
    const pieces: string[] = [];
    for (const chunk of chunks) {
      const choice = chunk.choices[0];
      if (!choice?.delta.content) continue;
      expect(utf8(choice.logprobs!.content!)).toBe(choice.delta.content);
      pieces.push(choice.delta.content);
    }
    // The two tokens of " ☕" travel together in one chunk, so the character is never cut.
    expect(pieces).toContain(" ☕");
    expect(pieces).toHaveLength(13);
    expect(reassemble(chunks).get(0)!.logprobs).toEqual(full.choices[0].logprobs!.content);
  });

  it("follows a max_tokens cut: as many entries as completion tokens", async () => {
    const completion = await create("[german]", { logprobs: true, top_logprobs: 2, max_tokens: 4 });
    expect(completion.choices[0].message.content).toBe("Grüße aus");
    expect(completion.choices[0].logprobs!.content!.map((e) => e.token)).toEqual(["Gr", "ü", "ße", " aus"]);
    expect(completion.usage?.completion_tokens).toBe(4);
  });
});
