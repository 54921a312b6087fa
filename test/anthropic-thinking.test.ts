// A fixture's `reasoning` as Anthropic's thinking blocks: shown when the request enables thinking
// (enabled or adaptive), redacted with its signature kept for `display: "omitted"`, and neither shown nor
// billed when the request leaves thinking unset or disabled; the API's checks of a thinking budget.
import { createHash } from "node:crypto";
import Anthropic, { BadRequestError } from "@anthropic-ai/sdk";
import { LLMock } from "understudy-llm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { tokens } from "./support/anthropic.js";

const MODEL = "claude-haiku-4-5";
const REASONING = "The user greets me; answer briefly.";
const REPLY = "Hello!";
const SIGNATURE = createHash("sha256").update(REASONING).digest("base64");
let mock: LLMock;
let client: Anthropic;

beforeAll(async () => {
  mock = new LLMock();
  await mock.start();
  client = new Anthropic({ baseURL: mock.url, apiKey: "test", maxRetries: 0 });
});
afterAll(() => mock.stop());
beforeEach(() => {
  mock.clearFixtures();
  mock.on({ userMessage: "hello" }, { reasoning: REASONING, content: REPLY });
});

const ask = (thinking?: Anthropic.ThinkingConfigParam, max_tokens = 4096) => ({
  model: MODEL,
  max_tokens,
  messages: [{ role: "user" as const, content: "hello" }],
  ...(thinking ? { thinking } : {}),
});

describe("thinking enabled", () => {
  it("answers with a thinking block (the fixture's reasoning and its signature) before the text", async () => {
    const message = await client.messages.create(ask({ type: "enabled", budget_tokens: 2048 }));
    expect(message.content).toEqual([
      { type: "thinking", thinking: REASONING, signature: SIGNATURE },
      { type: "text", text: REPLY },
    ]);
    expect(message.usage.output_tokens).toBe(tokens(REASONING) + tokens(REPLY));
    expect(message.usage.output_tokens_details).toEqual({ thinking_tokens: tokens(REASONING) });
  });

  it("does the same with adaptive thinking", async () => {
    const message = await client.messages.create(ask({ type: "adaptive" }));
    expect(message.content.map((block) => block.type)).toEqual(["thinking", "text"]);
  });

  it("streams thinking deltas and the signature, which the stream helper reports as thinking and signature events", async () => {
    const thinking: string[] = [];
    const signatures: string[] = [];
    const stream = client.messages.stream(ask({ type: "enabled", budget_tokens: 1024 }));
    stream.on("thinking", (delta) => thinking.push(delta));
    stream.on("signature", (signature) => signatures.push(signature));
    const message = await stream.finalMessage();
    expect(thinking.join("")).toBe(REASONING);
    expect(thinking).toHaveLength(tokens(REASONING));
    expect(signatures).toEqual([SIGNATURE]);
    expect(message.content[0]).toEqual({ type: "thinking", thinking: REASONING, signature: SIGNATURE });
  });

  it("redacts the thinking text but keeps its signature for display: omitted, and still bills the reasoning", async () => {
    const message = await client.messages.create(ask({ type: "enabled", budget_tokens: 1024, display: "omitted" }));
    expect(message.content).toEqual([
      { type: "thinking", thinking: "", signature: SIGNATURE },
      { type: "text", text: REPLY },
    ]);
    expect(message.usage.output_tokens).toBe(tokens(REASONING) + tokens(REPLY));
  });

  it("takes back an earlier turn's thinking block unchanged and answers the next turn", async () => {
    mock.on({ userMessage: "again" }, { content: "Hello again!" });
    const message = await client.messages.create({
      model: MODEL,
      max_tokens: 4096,
      thinking: { type: "enabled", budget_tokens: 1024 },
      messages: [
        { role: "user", content: "hello" },
        {
          role: "assistant",
          content: [
            { type: "thinking", thinking: REASONING, signature: SIGNATURE },
            { type: "text", text: REPLY },
          ],
        },
        { role: "user", content: "again" },
      ],
    });
    expect(message.content).toEqual([{ type: "text", text: "Hello again!" }]);
  });
});

describe("thinking left off", () => {
  it("shows no thinking block and bills only the text when the request does not ask for thinking", async () => {
    const message = await client.messages.create(ask());
    expect(message.content).toEqual([{ type: "text", text: REPLY }]);
    expect(message.usage.output_tokens).toBe(tokens(REPLY));
    expect(message.usage.output_tokens_details).toEqual({ thinking_tokens: 0 });
  });

  it("reports a fixture's pinned usage as pinned, thinking or not", async () => {
    mock.on(
      { userMessage: "pinned" },
      { reasoning: REASONING, content: REPLY, usage: { promptTokens: 50, completionTokens: 40 } },
    );
    const pinned = { model: MODEL, max_tokens: 4096, messages: [{ role: "user" as const, content: "pinned" }] };
    expect((await client.messages.create(pinned)).usage).toMatchObject({ input_tokens: 50, output_tokens: 40 });
    const thinking = await client.messages.create({ ...pinned, thinking: { type: "adaptive" } });
    expect(thinking.usage).toMatchObject({ input_tokens: 50, output_tokens: 40 });
  });

  it("does the same for thinking: disabled", async () => {
    const message = await client.messages.create(ask({ type: "disabled" }));
    expect(message.content).toEqual([{ type: "text", text: REPLY }]);
  });
});

describe("the API's checks of a thinking config", () => {
  const refusal = async (params: Anthropic.MessageCreateParamsNonStreaming) => {
    const error = await client.messages.create(params).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(BadRequestError);
    return (error as BadRequestError).error as { type: string; error: { type: string; message: string } };
  };

  it("refuses a budget under 1024 tokens", async () => {
    expect(await refusal(ask({ type: "enabled", budget_tokens: 512 }))).toMatchObject({
      type: "error",
      error: {
        type: "invalid_request_error",
        message: "thinking.enabled.budget_tokens: Input should be greater than or equal to 1024",
      },
    });
  });

  it("refuses a budget that is not under max_tokens", async () => {
    expect(await refusal(ask({ type: "enabled", budget_tokens: 2048 }, 2048))).toMatchObject({
      error: { type: "invalid_request_error", message: "`max_tokens` must be greater than `thinking.budget_tokens`." },
    });
  });

  it("refuses an unknown thinking type", async () => {
    const params = {
      ...ask(),
      thinking: { type: "sometimes" },
    } as unknown as Anthropic.MessageCreateParamsNonStreaming;
    expect((await refusal(params)).error.message).toBe(
      "thinking: Input tag 'sometimes' found using 'type' does not match any of the expected tags: 'enabled', 'disabled', 'adaptive', 'between_tools'",
    );
  });
});
