// What the plan takes from the surface a request came in on: the tool call ids it draws and the prompt
// formula its usage counts with; OpenAI's formulas as its surfaces declare them, and its request ids.
import { encode } from "gpt-tokenizer/encoding/o200k_base";
import { describe, expect, it } from "vitest";
import { DEFAULT_PARAMS, type Conversation, type Message } from "../../src/core/conversation.js";
import { createIdSource } from "../../src/core/ids.js";
import { planReply, TokenCache, type PlanWire } from "../../src/core/plan.js";
import type { Reply } from "../../src/core/reply.js";
import { createChatSurface } from "../../src/protocols/openai/chat/index.js";
import { createCompletionsSurface } from "../../src/protocols/openai/completions/index.js";
import { countChatPrompt, countRawPrompt } from "../../src/protocols/openai/prompt-tokens.js";
import { createResponsesSurface, ResponseStore } from "../../src/protocols/openai/responses/index.js";
import { OPENAI_SURFACE_WIRE, OPENAI_WIRE } from "../../src/protocols/openai/wire.js";
import { isApiError, type Surface } from "../../src/protocols/types.js";
import { promptTokens } from "../support/tokens.js";

const MODEL = "gpt-4o";
const MESSAGES: Message[] = [
  { role: "system", content: "Be brief." },
  { role: "user", content: "What is the weather in Paris?" },
];

const conversation = (messages: Message[] = MESSAGES): Conversation => ({
  api: "chat.completions",
  model: MODEL,
  messages,
  tools: [],
  stream: false,
  params: DEFAULT_PARAMS,
  body: {},
});

const TOOL_REPLY: Reply = {
  toolCalls: [
    { name: "weather", arguments: { city: "Paris" } },
    { id: "call_fixed", name: "time", arguments: "{}" },
  ],
};

function parsed<C extends Conversation>(surface: Surface<C>, body: Record<string, unknown>): C {
  const result = surface.parse(body);
  if (isApiError(result)) throw new Error(result.message);
  return result;
}

describe("the plan's wire", () => {
  it("draws tool call ids in the surface's format, and keeps a fixture's own id", () => {
    const anthropicLike: PlanWire = { toolCallIds: { prefix: "toolu_", length: 24 }, promptTokens: countChatPrompt };
    const { toolCalls } = planReply(
      conversation(),
      TOOL_REPLY,
      { ids: createIdSource(3), wire: anthropicLike },
      new TokenCache(),
    ).choices[0];
    expect(toolCalls[0].id).toMatch(/^toolu_[A-Za-z0-9]{24}$/);
    expect(toolCalls[1].id).toBe("call_fixed");
  });

  it("draws them from the format's alphabet: a surface may ask for hex", () => {
    const hex: PlanWire = {
      toolCallIds: { prefix: "fc-", length: 16, alphabet: "hex" },
      promptTokens: countChatPrompt,
    };
    const [drawn] = planReply(conversation(), TOOL_REPLY, { ids: createIdSource(3), wire: hex }, new TokenCache())
      .choices[0].toolCalls;
    expect(drawn.id).toMatch(/^fc-[0-9a-f]{16}$/);
  });

  it("the OpenAI wire gives requests OpenAI's ids: req_ and 32 hex digits", () => {
    expect(OPENAI_WIRE.requestIds).toEqual({ prefix: "req_", length: 32, alphabet: "hex" });
    expect(
      createResponsesSurface({ store: new ResponseStore(1), ids: createIdSource(1), tokens: new TokenCache() })
        .requestIds,
    ).toBe(OPENAI_WIRE.requestIds);
  });

  it("draws OpenAI's call_ ids on the OpenAI surfaces, the same ones from the same seed", () => {
    const idsOf = () =>
      planReply(
        conversation(),
        TOOL_REPLY,
        { ids: createIdSource(3), wire: OPENAI_SURFACE_WIRE },
        new TokenCache(),
      ).choices[0].toolCalls.map((call) => call.id);
    expect(idsOf()[0]).toMatch(/^call_[A-Za-z0-9]{24}$/);
    expect(idsOf()).toEqual(idsOf());
    expect(createChatSurface().toolCallIds).toEqual({ prefix: "call_", length: 24 });
  });

  it("counts the prompt with the surface's formula, given a counter in the model's encoding", () => {
    const seen: string[] = [];
    const wire: PlanWire = {
      toolCallIds: OPENAI_SURFACE_WIRE.toolCallIds,
      promptTokens: (c, count) =>
        c.messages.reduce((sum, message) => (seen.push(message.content), sum + count(message.content)), 100),
    };
    const { usage } = planReply(
      conversation(),
      { content: "Sunny." },
      { ids: createIdSource(1), wire },
      new TokenCache(),
    );
    expect(seen).toEqual(["Be brief.", "What is the weather in Paris?"]);
    expect(usage.promptTokens).toBe(100 + encode("Be brief.").length + encode("What is the weather in Paris?").length);
    expect(usage.totalTokens).toBe(usage.promptTokens + encode("Sunny.").length);
  });

  it("lets a fixture's usage override the formula", () => {
    const { usage } = planReply(
      conversation(),
      { content: "Sunny.", usage: { promptTokens: 7 } },
      { ids: createIdSource(1), wire: OPENAI_SURFACE_WIRE },
      new TokenCache(),
    );
    expect(usage.promptTokens).toBe(7);
  });
});

describe("OpenAI's prompt formulas", () => {
  it("Chat Completions and Responses count messages by the per-message formula", () => {
    const tokens = new TokenCache();
    const count = tokens.counter(tokens.encodingFor(MODEL));
    const expected = promptTokens(MODEL, MESSAGES);
    const chat = createChatSurface();
    expect(chat.promptTokens(parsed(chat, { model: MODEL, messages: MESSAGES }), count)).toBe(expected);
    const responses = createResponsesSurface({ store: new ResponseStore(10), ids: createIdSource(1), tokens });
    const input = parsed(responses, {
      model: MODEL,
      instructions: "Be brief.",
      input: "What is the weather in Paris?",
    });
    expect(responses.promptTokens(input, count)).toBe(expected);
  });

  it("legacy Completions counts its raw prompt as it is, without framing: text and suffix, or the token list as sent", () => {
    const tokens = new TokenCache();
    const count = tokens.counter(tokens.encodingFor("gpt-3.5-turbo-instruct"));
    const completions = createCompletionsSurface();
    const text = parsed(completions, {
      model: "gpt-3.5-turbo-instruct",
      prompt: "Once upon a time",
      suffix: " The end.",
    });
    expect(completions.promptTokens(text, count)).toBe(count("Once upon a time") + count(" The end."));
    const list = parsed(completions, { model: "gpt-3.5-turbo-instruct", prompt: [1, 2, 3, 4, 5] });
    expect(completions.promptTokens(list, count)).toBe(5);
    expect(countRawPrompt({ text: "ignored", tokens: [9, 9] }, count)).toBe(2);
  });

  it("each part of a split Completions request is counted with its own prompt", () => {
    const tokens = new TokenCache();
    const count = tokens.counter(tokens.encodingFor("gpt-3.5-turbo-instruct"));
    const completions = createCompletionsSurface();
    const parts = completions.split!(
      parsed(completions, { model: "gpt-3.5-turbo-instruct", prompt: ["one", "two words"] }),
    );
    expect(parts.map((part) => completions.promptTokens(part, count))).toEqual([count("one"), count("two words")]);
  });
});

describe("TokenCache.prepare", () => {
  it("counts ahead exactly the texts the surface's formula asks for", async () => {
    const tokens = new TokenCache();
    const long = "word ".repeat(5_000);
    const formula = {
      promptTokens: (c: Conversation, count: (text: string) => number) => count(c.messages[1].content),
    };
    const prepared = await tokens.prepare(
      [conversation([MESSAGES[0], { role: "user", content: long }])],
      formula,
      () => false,
    );
    expect([...prepared!.get("o200k_base")!.keys()]).toEqual([long]);
    expect(prepared!.get("o200k_base")!.get(long)).toBe(encode(long).length);
  });
});
