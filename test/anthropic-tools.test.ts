// Tool use through @anthropic-ai/sdk: tool_use blocks with toolu_ ids and parsed input, parallel calls,
// streamed input, a tool_result turn matched by toolCallId, and tool definitions counted in input tokens.
import Anthropic from "@anthropic-ai/sdk";
import { LLMock } from "understudy-llm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { tokens } from "./support/anthropic.js";

const MODEL = "claude-opus-5";
const WEATHER = {
  name: "get_weather",
  description: "Current weather",
  input_schema: { type: "object" as const, properties: { city: { type: "string" } } },
};
let mock: LLMock;
let client: Anthropic;

beforeAll(async () => {
  mock = new LLMock();
  await mock.start();
  client = new Anthropic({ baseURL: mock.url, apiKey: "test", maxRetries: 0 });
});
afterAll(() => mock.stop());
beforeEach(() => mock.clearFixtures());

const ask = (content: Anthropic.MessageParam["content"]) => ({
  model: MODEL,
  max_tokens: 1024,
  tools: [WEATHER],
  messages: [{ role: "user" as const, content }],
});

describe("tool_use blocks", () => {
  it("answers a call as a tool_use block with a fresh toolu_ id, its input parsed, and stop_reason tool_use", async () => {
    mock.on({ toolName: "get_weather" }, { toolCalls: [{ name: "get_weather", arguments: { city: "Paris" } }] });
    const message = await client.messages.create(ask("Weather in Paris?"));
    expect(message.stop_reason).toBe("tool_use");
    expect(message.content).toHaveLength(1);
    const [block] = message.content;
    expect(block).toMatchObject({
      type: "tool_use",
      name: "get_weather",
      input: { city: "Paris" },
      caller: { type: "direct" },
    });
    expect(block.type === "tool_use" && block.id).toMatch(/^toolu_01[A-Za-z0-9]{22}$/);
    const again = await client.messages.create(ask("Weather in Paris?"));
    expect(again.content[0].type === "tool_use" && again.content[0].id).not.toBe(block.type === "tool_use" && block.id);
  });

  it("puts text before the calls, and several calls as several blocks in order", async () => {
    mock.on(
      { toolName: "get_weather" },
      {
        content: "Checking both.",
        toolCalls: [
          { name: "get_weather", arguments: { city: "Paris" }, id: "toolu_a" },
          { name: "get_weather", arguments: '{"city":"Rome"}', id: "toolu_b" },
        ],
      },
    );
    const message = await client.messages.create(ask("Paris and Rome?"));
    expect(message.content).toEqual([
      { type: "text", text: "Checking both." },
      { type: "tool_use", id: "toolu_a", name: "get_weather", input: { city: "Paris" }, caller: { type: "direct" } },
      { type: "tool_use", id: "toolu_b", name: "get_weather", input: { city: "Rome" }, caller: { type: "direct" } },
    ]);
    expect(message.usage.output_tokens).toBe(
      tokens("Checking both.") + tokens('{"city":"Paris"}') + tokens('{"city":"Rome"}'),
    );
  });

  it("streams a call's input as JSON fragments that the stream helper assembles into the parsed input", async () => {
    mock.on(
      { toolName: "get_weather" },
      { toolCalls: [{ name: "get_weather", arguments: { city: "Paris", days: 3 } }] },
    );
    const fragments: string[] = [];
    const stream = client.messages.stream(ask("Weather?"));
    stream.on("inputJson", (partial) => fragments.push(partial));
    const message = await stream.finalMessage();
    expect(fragments.join("")).toBe('{"city":"Paris","days":3}');
    expect(fragments.length).toBeGreaterThan(3);
    expect(message.content[0]).toMatchObject({
      type: "tool_use",
      name: "get_weather",
      input: { city: "Paris", days: 3 },
    });
    expect(message.stop_reason).toBe("tool_use");
  });
});

describe("a tool_result turn", () => {
  it("is matched by the id of the call it answers (toolCallId) and as a tool result (hasToolResult)", async () => {
    mock.on({ toolCallId: "toolu_paris" }, { content: "It is sunny in Paris." });
    mock.on({ hasToolResult: true }, { content: "Some other result." });
    mock.on({ toolName: "get_weather" }, { content: "No result yet." });
    const turns: Anthropic.MessageParam[] = [
      { role: "user", content: "Weather in Paris?" },
      {
        role: "assistant",
        content: [{ type: "tool_use", id: "toolu_paris", name: "get_weather", input: { city: "Paris" } }],
      },
      { role: "user", content: [{ type: "tool_result", tool_use_id: "toolu_paris", content: "sunny, 24C" }] },
    ];
    const message = await client.messages.create({ model: MODEL, max_tokens: 100, tools: [WEATHER], messages: turns });
    expect(message.content).toEqual([{ type: "text", text: "It is sunny in Paris." }]);
    expect(message.stop_reason).toBe("end_turn");

    const other = structuredClone(turns);
    (other[2].content as Anthropic.ToolResultBlockParam[])[0].tool_use_id = "toolu_other";
    (other[1].content as Anthropic.ToolUseBlockParam[])[0].id = "toolu_other";
    const second = await client.messages.create({ model: MODEL, max_tokens: 100, tools: [WEATHER], messages: other });
    expect(second.content).toEqual([{ type: "text", text: "Some other result." }]);
  });

  it("counts the tool definition, the assistant's call and the result in input_tokens", async () => {
    mock.on({ hasToolResult: true }, { content: "Done." });
    const count = await client.messages.countTokens({
      model: MODEL,
      tools: [WEATHER],
      messages: [
        { role: "user", content: "Weather?" },
        {
          role: "assistant",
          content: [{ type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } }],
        },
        {
          role: "user",
          content: [{ type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text", text: "sunny" }] }],
        },
      ],
    });
    // Priming 3; "Weather?" 3 + t; the assistant turn 3 + its empty text, its call 3 + name + input JSON; the
    // result 3 + t; the tool 9 + name + description + schema JSON.
    const expected =
      3 +
      (3 + tokens("Weather?")) +
      (3 + (3 + tokens("get_weather") + tokens('{"city":"Paris"}'))) +
      (3 + tokens("sunny")) +
      (9 + tokens("get_weather") + tokens("Current weather") + tokens(JSON.stringify(WEATHER.input_schema)));
    expect(count.input_tokens).toBe(expected);
    const message = await client.messages.create({
      model: MODEL,
      max_tokens: 100,
      tools: [WEATHER],
      messages: [
        { role: "user", content: "Weather?" },
        {
          role: "assistant",
          content: [{ type: "tool_use", id: "toolu_1", name: "get_weather", input: { city: "Paris" } }],
        },
        {
          role: "user",
          content: [{ type: "tool_result", tool_use_id: "toolu_1", content: [{ type: "text", text: "sunny" }] }],
        },
      ],
    });
    expect(message.usage.input_tokens).toBe(expected);
  });
});
