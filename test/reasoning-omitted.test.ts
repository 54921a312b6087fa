// A request whose model gives no reasoning (Anthropic without `thinking`, Gemini with a thinking budget of
// 0) gets a reasoning fixture's answer without its reasoning: not sent, not counted, and not spent from the
// output limit, so a tight limit still leaves the whole answer.
import { encode } from "gpt-tokenizer/encoding/o200k_base";
import { createServer, type ServerInstance } from "understudy-llm/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpPost } from "./support/http.js";

const CONTENT = "The answer is forty-two.";
const REASONING = "Let me think about this step by step, weighing every possibility with great care before I answer.";

let server: ServerInstance;
beforeAll(async () => {
  server = await createServer([
    { match: { userMessage: "think" }, response: { content: CONTENT, reasoning: REASONING } },
  ]);
});
afterAll(() => server.close());

const anthropic = (extra: Record<string, unknown>) =>
  httpPost(
    `${server.url}/v1/messages`,
    { model: "claude-sonnet-4-5", messages: [{ role: "user", content: "think" }], ...extra },
    { "anthropic-version": "2023-06-01" },
  );

const gemini = (generationConfig: Record<string, unknown>) =>
  httpPost(`${server.url}/v1beta/models/gemini-2.5-flash:generateContent`, {
    contents: [{ role: "user", parts: [{ text: "think" }] }],
    generationConfig,
  });

// Fewer tokens than the reasoning and the answer together, more than the answer alone.
const TIGHT = encode(CONTENT).length + 2;

describe("Anthropic", () => {
  it("without thinking: the whole answer within max_tokens, no thinking block, only the answer billed", async () => {
    const message = JSON.parse((await anthropic({ max_tokens: TIGHT })).body);
    expect(message.content).toEqual([{ type: "text", text: CONTENT }]);
    expect(message.stop_reason).toBe("end_turn");
    expect(message.usage.output_tokens).toBe(encode(CONTENT).length);
  });

  it("with thinking: the reasoning is shown, billed and spent from max_tokens", async () => {
    const message = JSON.parse(
      (await anthropic({ max_tokens: 2048, thinking: { type: "enabled", budget_tokens: 1024 } })).body,
    );
    expect(message.content.map((block: { type: string }) => block.type)).toEqual(["thinking", "text"]);
    expect(message.usage.output_tokens).toBe(encode(CONTENT).length + encode(REASONING).length);
  });
});

describe("Gemini", () => {
  it("with a thinking budget of 0: the whole answer within maxOutputTokens and no thoughts counted", async () => {
    const answer = JSON.parse((await gemini({ maxOutputTokens: TIGHT, thinkingConfig: { thinkingBudget: 0 } })).body);
    expect(answer.candidates[0].content.parts).toEqual([{ text: CONTENT }]);
    expect(answer.candidates[0].finishReason).toBe("STOP");
    expect(answer.usageMetadata.candidatesTokenCount).toBe(encode(CONTENT).length);
    expect(answer.usageMetadata.thoughtsTokenCount).toBeUndefined();
  });

  it("thinking by default: the thoughts are counted and spent from maxOutputTokens", async () => {
    const answer = JSON.parse((await gemini({ maxOutputTokens: TIGHT })).body);
    expect(answer.candidates[0].finishReason).toBe("MAX_TOKENS");
    expect(answer.usageMetadata.thoughtsTokenCount).toBe(TIGHT);
  });
});
