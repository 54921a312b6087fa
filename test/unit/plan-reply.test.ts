// planReply on its own: how a matched reply is shaped by the request's parameters (stop sequences, the
// output token limit, n, ignore_eos), what usage it reports, and how it is cut into streamed chunks.
// Token figures are computed independently with gpt-tokenizer.
import { decode, encode } from "gpt-tokenizer/encoding/o200k_base";
import { describe, expect, it } from "vitest";
import { DEFAULT_PARAMS, type Conversation, type GenerationParams } from "../../src/core/conversation.js";
import { createIdSource } from "../../src/core/ids.js";
import { planReply, TokenCache, type Plan, type PlanOptions } from "../../src/core/plan.js";
import type { Reply } from "../../src/core/reply.js";
import { OPENAI_SURFACE_WIRE } from "../../src/protocols/openai/wire.js";
import { promptTokens } from "../support/tokens.js";

const MODEL = "gpt-4o-mini";
const PROMPT = promptTokens(MODEL, [{ role: "user", content: "hi" }]);
const LONG = "Plans are cut on token boundaries with the request model's own encoding, never inside a word piece.";

function conversation(params: Partial<GenerationParams> = {}): Conversation {
  return {
    api: "chat.completions",
    model: MODEL,
    messages: [{ role: "user", content: "hi" }],
    tools: [],
    stream: false,
    params: { ...DEFAULT_PARAMS, ...params },
    body: {},
  };
}

function plan(reply: Reply, params: Partial<GenerationParams> = {}, options: Partial<PlanOptions> = {}): Plan {
  return planReply(
    conversation(params),
    reply,
    { ids: createIdSource(1), wire: OPENAI_SURFACE_WIRE, ...options },
    new TokenCache(),
  );
}

const tokensOf = (text: string): string[] => encode(text).map((token) => decode([token]));
const firstTokens = (text: string, count: number): string => decode(encode(text).slice(0, count));

describe("planReply", () => {
  it("a plain reply: its text, one chunk per token, finish stop, and exact usage", () => {
    const { choices, usage, model } = plan({ content: LONG });
    expect(model).toBe(MODEL);
    expect(choices).toHaveLength(1);
    expect(choices[0]).toMatchObject({
      index: 0,
      content: LONG,
      finishReason: "stop",
      truncated: false,
      toolCalls: [],
      reasoning: null,
    });
    expect(choices[0].contentChunks).toEqual(tokensOf(LONG));
    expect(usage).toEqual({
      promptTokens: PROMPT,
      completionTokens: encode(LONG).length,
      reasoningTokens: 0,
      totalTokens: PROMPT + encode(LONG).length,
    });
  });

  describe("stop", () => {
    it("cuts the reply before the earliest stop sequence, finish stop, and counts only what is left", () => {
      const [choice] = plan({ content: "Hello there. STOP now, really." }, { stop: ["now", "STOP"] }).choices;
      expect(choice).toMatchObject({
        content: "Hello there. ",
        finishReason: "stop",
        truncated: false,
        completionTokens: encode("Hello there. ").length,
      });
      expect(choice.contentChunks).toEqual(tokensOf("Hello there. "));
    });

    it("a stop sequence the reply does not contain changes nothing, not even a fixture's own finish reason", () => {
      const [choice] = plan({ content: "No cut here.", finishReason: "content_filter" }, { stop: ["STOP"] }).choices;
      expect(choice).toMatchObject({ content: "No cut here.", finishReason: "content_filter" });
    });
  });

  describe("max tokens", () => {
    it("cuts on a token boundary: exactly that many tokens, finish length, truncated", () => {
      const [choice] = plan({ content: LONG }, { maxOutputTokens: 5 }).choices;
      expect(choice).toMatchObject({
        content: firstTokens(LONG, 5),
        finishReason: "length",
        truncated: true,
        completionTokens: 5,
      });
      expect(choice.contentChunks).toEqual(tokensOf(LONG).slice(0, 5));
    });

    it("a limit the reply fits in leaves it whole", () => {
      expect(plan({ content: "Short." }, { maxOutputTokens: 50 }).choices[0]).toMatchObject({
        content: "Short.",
        finishReason: "stop",
        truncated: false,
      });
    });

    it("spends the budget on reasoning first, then text, and drops a tool call whose arguments are cut away entirely", () => {
      const reasoning = "Let me think about it.";
      const thinking = encode(reasoning).length;
      const reply: Reply = { reasoning, content: LONG, toolCalls: [{ name: "lookup", arguments: { q: "x" } }] };
      const partly = plan(reply, { maxOutputTokens: thinking + 2 }).choices[0];
      expect(partly).toMatchObject({
        reasoning,
        content: firstTokens(LONG, 2),
        toolCalls: [],
        finishReason: "length",
        reasoningTokens: thinking,
        completionTokens: thinking + 2,
      });
      const onlyReasoning = plan(reply, { maxOutputTokens: thinking }).choices[0];
      expect(onlyReasoning).toMatchObject({ reasoning, content: "", toolCalls: [], completionTokens: thinking });
    });
  });

  describe("n", () => {
    it("answers with n choices, the reply's alternatives in turn, the prompt counted once", () => {
      const reply: Reply = {
        content: "fallback",
        choices: [{ content: "First." }, { content: "Second one.", finishReason: "content_filter" }],
      };
      const { choices, usage } = plan(reply, { n: 3 });
      expect(choices.map((choice) => [choice.index, choice.content, choice.finishReason])).toEqual([
        [0, "First.", "stop"],
        [1, "Second one.", "content_filter"],
        [2, "First.", "stop"],
      ]);
      const completion = 2 * encode("First.").length + encode("Second one.").length;
      expect(usage).toEqual({
        promptTokens: PROMPT,
        completionTokens: completion,
        reasoningTokens: 0,
        totalTokens: PROMPT + completion,
      });
    });

    it("without alternatives every choice repeats the reply; fields an alternative leaves out come from the reply", () => {
      expect(plan({ content: "Same." }, { n: 2 }).choices.map((choice) => choice.content)).toEqual(["Same.", "Same."]);
      const [, second] = plan(
        { content: "Base.", reasoning: "Shared thought.", choices: [{}, { content: "Own." }] },
        { n: 2 },
      ).choices;
      expect(second).toMatchObject({ content: "Own.", reasoning: "Shared thought." });
    });

    it("stop and max tokens apply to every choice", () => {
      const reply: Reply = { choices: [{ content: "Alpha STOP beta." }, { content: LONG }] };
      const choices = plan(reply, { n: 2, stop: ["STOP"], maxOutputTokens: 3 }).choices;
      expect(choices.map((choice) => [choice.content, choice.finishReason])).toEqual([
        ["Alpha ", "stop"],
        [firstTokens(LONG, 3), "length"],
      ]);
    });
  });

  describe("ignore_eos", () => {
    it("with a token limit, extends the reply to exactly that many tokens, finish length", () => {
      const [choice] = plan({ content: "Hi." }, { ignoreEos: true, maxOutputTokens: 12 }).choices;
      expect(choice.content?.startsWith("Hi. Hi.")).toBe(true);
      expect(encode(choice.content ?? "").length).toBe(12);
      expect(choice).toMatchObject({ completionTokens: 12, finishReason: "length" });
      expect(choice.contentChunks).toHaveLength(12);
    });

    it("does nothing without a limit, and a stop sequence still ends the reply first", () => {
      expect(plan({ content: "Hi." }, { ignoreEos: true }).choices[0]).toMatchObject({
        content: "Hi.",
        finishReason: "stop",
      });
      expect(
        plan({ content: "Hi. Bye." }, { ignoreEos: true, maxOutputTokens: 12, stop: ["Bye"] }).choices[0],
      ).toMatchObject({ content: "Hi. ", finishReason: "stop" });
    });
  });

  describe("usage override", () => {
    it("a fixture's usage replaces the counted figures, and the total follows", () => {
      const { usage } = plan({
        content: "Counted anyway.",
        usage: { promptTokens: 1000, completionTokens: 7, reasoningTokens: 2 },
      });
      expect(usage).toEqual({ promptTokens: 1000, completionTokens: 7, reasoningTokens: 2, totalTokens: 1007 });
    });

    it("figures it leaves out are still counted", () => {
      const { usage } = plan({ content: "Counted anyway.", usage: { promptTokens: 1000 } });
      expect(usage).toEqual({
        promptTokens: 1000,
        completionTokens: encode("Counted anyway.").length,
        reasoningTokens: 0,
        totalTokens: 1000 + encode("Counted anyway.").length,
      });
    });
  });

  describe("chunkSize", () => {
    it("streams that many characters per chunk instead of one token per chunk", () => {
      const [choice] = plan({ content: "abcdefghij", reasoning: "thinking" }, {}, { chunkSize: 4 }).choices;
      expect(choice.contentChunks).toEqual(["abcd", "efgh", "ij"]);
      expect(choice.reasoningChunks).toEqual(["thin", "king"]);
      // Usage is still counted in tokens.
      expect(choice.completionTokens).toBe(encode("abcdefghij").length + encode("thinking").length);
    });

    it("0 means one token per chunk, and tool call arguments are chunked the same way", () => {
      const [choice] = plan(
        { toolCalls: [{ id: "call_fixed", name: "lookup", arguments: '{"city":"Paris"}' }] },
        {},
        { chunkSize: 0 },
      ).choices;
      expect(choice.toolCalls).toEqual([
        {
          id: "call_fixed",
          name: "lookup",
          arguments: '{"city":"Paris"}',
          argumentChunks: tokensOf('{"city":"Paris"}'),
        },
      ]);
      expect(choice.finishReason).toBe("tool_calls");
    });

    it("with log probabilities the content streams by token whatever the chunk size", () => {
      const [choice] = plan({ content: "abcdefghij" }, { topLogprobs: 0 }, { chunkSize: 4 }).choices;
      expect(choice.contentChunks).toEqual(tokensOf("abcdefghij"));
      expect(choice.contentLogprobs?.map((entries) => entries.map((entry) => entry.token).join(""))).toEqual(
        tokensOf("abcdefghij"),
      );
    });
  });
});
