// Vercel's `ai` with @ai-sdk/anthropic against Understudy's Messages API: generateText and streamText,
// with text, usage, tool calls and reasoning, and the provider's errors.
import { createAnthropic } from "@ai-sdk/anthropic";
import { APICallError, generateText, jsonSchema, streamText, tool } from "ai";
import { LLMock } from "understudy-llm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { promptTokens, tokens } from "./support/anthropic.js";

const MODEL = "claude-sonnet-5";
const REPLY = "Hello from the stand-in.";
let mock: LLMock;
let provider: ReturnType<typeof createAnthropic>;

beforeAll(async () => {
  mock = new LLMock();
  await mock.start();
  provider = createAnthropic({ baseURL: `${mock.url}/v1`, apiKey: "test" });
});
afterAll(() => mock.stop());
beforeEach(() => {
  mock.clearFixtures();
  mock.on({ userMessage: "hello" }, { content: REPLY });
});

const weather = tool({
  description: "Current weather",
  inputSchema: jsonSchema<{ city: string }>({
    type: "object",
    properties: { city: { type: "string" } },
    required: ["city"],
  }),
});

describe("generateText", () => {
  it("returns the fixture's text, finish reason stop and the usage the API reported", async () => {
    const result = await generateText({ model: provider(MODEL), prompt: "hello", maxRetries: 0 });
    expect(result.text).toBe(REPLY);
    expect(result.finishReason).toBe("stop");
    expect(result.usage.inputTokens).toBe(promptTokens(["hello"]));
    expect(result.usage.outputTokens).toBe(tokens(REPLY));
    expect(result.response.modelId).toBe(MODEL);
    expect(result.response.id).toMatch(/^msg_011C[A-Za-z0-9]{20}$/);
    expect(mock.requests.at(-1)).toMatchObject({ provider: "anthropic", api: "messages", stream: false });
  });

  it("returns a tool call with its parsed input and finish reason tool-calls", async () => {
    mock.on(
      { toolName: "weather" },
      { toolCalls: [{ name: "weather", arguments: { city: "Oslo" }, id: "toolu_oslo" }] },
    );
    const result = await generateText({
      model: provider(MODEL),
      prompt: "Weather in Oslo?",
      tools: { weather },
      maxRetries: 0,
    });
    expect(result.finishReason).toBe("tool-calls");
    expect(result.toolCalls).toHaveLength(1);
    expect(result.toolCalls[0]).toMatchObject({
      toolCallId: "toolu_oslo",
      toolName: "weather",
      input: { city: "Oslo" },
    });
  });

  it("reads a thinking block as the answer's reasoning", async () => {
    mock.on({ userMessage: "think" }, { reasoning: "Considering it.", content: "Done." });
    const result = await generateText({
      model: provider(MODEL),
      prompt: "think about it",
      providerOptions: { anthropic: { thinking: { type: "enabled", budgetTokens: 1024 } } },
      maxRetries: 0,
    });
    expect(result.text).toBe("Done.");
    expect(result.reasoningText).toBe("Considering it.");
  });

  it("surfaces a no-match as an APICallError with status 400 and the diagnosis", async () => {
    const error = await generateText({ model: provider(MODEL), prompt: "unmatched", maxRetries: 0 }).catch(
      (caught: unknown) => caught,
    );
    expect(APICallError.isInstance(error)).toBe(true);
    expect((error as APICallError).statusCode).toBe(400);
    expect((error as APICallError).message).toContain("No matching response found for the given conversation.");
  });
});

describe("streamText", () => {
  it("streams the text piece by piece and ends with the usage and finish reason", async () => {
    const result = streamText({ model: provider(MODEL), prompt: "hello", maxRetries: 0 });
    const pieces: string[] = [];
    for await (const piece of result.textStream) pieces.push(piece);
    expect(pieces.join("")).toBe(REPLY);
    expect(pieces.length).toBe(tokens(REPLY));
    expect(await result.finishReason).toBe("stop");
    const usage = await result.usage;
    expect(usage.inputTokens).toBe(promptTokens(["hello"]));
    expect(usage.outputTokens).toBe(tokens(REPLY));
    expect(mock.requests.at(-1)).toMatchObject({ provider: "anthropic", api: "messages", stream: true });
  });

  it("streams a tool call and assembles its input", async () => {
    mock.on({ toolName: "weather" }, { toolCalls: [{ name: "weather", arguments: { city: "Rome" } }] });
    const result = streamText({
      model: provider(MODEL),
      prompt: "Weather in Rome?",
      tools: { weather },
      maxRetries: 0,
    });
    const calls = await result.toolCalls;
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ toolName: "weather", input: { city: "Rome" } });
    expect(calls[0].toolCallId).toMatch(/^toolu_01[A-Za-z0-9]{22}$/);
    expect(await result.finishReason).toBe("tool-calls");
  });
});
