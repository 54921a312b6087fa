// @langchain/anthropic's ChatAnthropic against Understudy's Messages API (anthropicApiUrl): invoke and
// stream, usage, tool calls and a tool-result turn.
import { ChatAnthropic } from "@langchain/anthropic";
import { AIMessage, HumanMessage, SystemMessage, ToolMessage } from "@langchain/core/messages";
import { LLMock } from "understudy-llm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { promptTokens, tokens } from "./support/anthropic.js";

const MODEL = "claude-opus-4-8";
const REPLY = "LangChain says hello.";
let mock: LLMock;
let chat: ChatAnthropic;

beforeAll(async () => {
  mock = new LLMock();
  await mock.start();
  chat = new ChatAnthropic({ model: MODEL, anthropicApiUrl: mock.url, apiKey: "test", maxRetries: 0, maxTokens: 256 });
});
afterAll(() => mock.stop());
beforeEach(() => {
  mock.clearFixtures();
  mock.on({ userMessage: "hello" }, { content: REPLY });
});

const WEATHER = {
  name: "get_weather",
  description: "Current weather",
  input_schema: { type: "object" as const, properties: { city: { type: "string" } }, required: ["city"] },
};

describe("ChatAnthropic.invoke", () => {
  it("answers with the fixture's text and the usage the API reported", async () => {
    const message = await chat.invoke([new SystemMessage("Be kind."), new HumanMessage("hello")]);
    expect(message.content).toBe(REPLY);
    expect(message.id).toMatch(/^msg_011C[A-Za-z0-9]{20}$/);
    expect(message.usage_metadata).toMatchObject({
      input_tokens: promptTokens(["Be kind.", "hello"]),
      output_tokens: tokens(REPLY),
      total_tokens: promptTokens(["Be kind.", "hello"]) + tokens(REPLY),
    });
    expect(message.response_metadata).toMatchObject({ model: MODEL, stop_reason: "end_turn" });
    expect(mock.requests.at(-1)).toMatchObject({ provider: "anthropic", api: "messages", stream: false });
  });

  it("returns a tool call with its parsed args, and answers the tool-result turn matched by its id", async () => {
    mock.on(
      { toolName: "get_weather", hasToolResult: false },
      {
        toolCalls: [{ name: "get_weather", arguments: { city: "Lima" }, id: "toolu_lima" }],
      },
    );
    mock.on({ toolCallId: "toolu_lima" }, { content: "Lima is mild today." });
    const withTools = chat.bindTools([WEATHER]);
    const question = new HumanMessage("Weather in Lima?");
    const call = await withTools.invoke([question]);
    expect(call.tool_calls).toEqual([
      { id: "toolu_lima", name: "get_weather", args: { city: "Lima" }, type: "tool_call" },
    ]);
    expect(call.response_metadata).toMatchObject({ stop_reason: "tool_use" });
    const answer = await withTools.invoke([
      question,
      new AIMessage({ content: call.content, tool_calls: call.tool_calls }),
      new ToolMessage({ tool_call_id: "toolu_lima", content: "18C, cloudy" }),
    ]);
    expect(answer.content).toBe("Lima is mild today.");
  });
});

describe("ChatAnthropic.stream", () => {
  it("streams the reply token by token and totals the usage as the events report it", async () => {
    const pieces: string[] = [];
    let inputTokens = 0;
    let outputTokens = 0;
    for await (const chunk of await chat.stream([new HumanMessage("hello")])) {
      if (typeof chunk.content === "string" && chunk.content !== "") pieces.push(chunk.content);
      inputTokens += chunk.usage_metadata?.input_tokens ?? 0;
      outputTokens += chunk.usage_metadata?.output_tokens ?? 0;
    }
    expect(pieces.join("")).toBe(REPLY);
    expect(pieces).toHaveLength(tokens(REPLY));
    expect(inputTokens).toBe(promptTokens(["hello"]));
    // message_start reports 1 output token so far, as the API's does; LangChain adds it to message_delta's total.
    expect(outputTokens).toBe(1 + tokens(REPLY));
    expect(mock.requests.at(-1)).toMatchObject({ provider: "anthropic", api: "messages", stream: true });
  });
});
