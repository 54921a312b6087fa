// @openai/agents runs a one-tool agent to completion against Understudy's Responses API, over HTTP and over WebSocket.
import { Agent, OpenAIProvider, Runner, setTracingDisabled, tool } from "@openai/agents";
import OpenAI from "openai";
import { createServer, type ServerInstance } from "understudy-llm/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WebSocket as NodeWebSocket } from "ws";
import { z } from "zod";

const FINAL_TEXT = "It is sunny and 22°C in Paris.";
const TOOL_RESULT = "Sunny, 22°C";

let instance: ServerInstance;
let client: OpenAI;

beforeAll(async () => {
  setTracingDisabled(true);
  instance = await createServer([
    // The tool-result fixture first: after the tool runs, the last user message still says "weather".
    { match: { hasToolResult: true }, response: { content: FINAL_TEXT } },
    {
      match: { userMessage: "weather", toolName: "get_weather" },
      response: { toolCalls: [{ name: "get_weather", arguments: '{"city":"Paris"}' }] },
    },
  ]);
  client = new OpenAI({ baseURL: `${instance.url}/v1`, apiKey: "test-key", maxRetries: 0 });
});
afterAll(() => instance.close());

/** A fresh agent whose one tool records the arguments it was called with. */
function weatherAgent() {
  const calls: Array<{ city: string }> = [];
  const getWeather = tool({
    name: "get_weather",
    description: "Current weather for a city",
    parameters: z.object({ city: z.string() }),
    execute: async (args) => {
      calls.push(args);
      return TOOL_RESULT;
    },
  });
  const agent = new Agent({
    name: "Forecaster",
    instructions: "Answer weather questions with the tool.",
    model: "gpt-4o",
    tools: [getWeather],
  });
  return { agent, calls };
}

/** The function_call_output the agent sent back, read from a journaled request body. */
function toolOutputIn(body: unknown) {
  const input = (body as { input?: unknown }).input;
  return Array.isArray(input)
    ? input.find((item: { type?: string }) => item.type === "function_call_output")
    : undefined;
}

describe("@openai/agents over HTTP", () => {
  it("calls the tool with the fixture's arguments, sends its result back and ends with the fixture's final text", async () => {
    instance.journal.clear();
    const { agent, calls } = weatherAgent();
    const runner = new Runner({ modelProvider: new OpenAIProvider({ openAIClient: client, useResponses: true }) });
    const result = await runner.run(agent, "What's the weather in Paris?");

    expect(calls).toEqual([{ city: "Paris" }]);
    expect(result.finalOutput).toBe(FINAL_TEXT);
    expect(result.newItems.map((item) => item.type)).toEqual([
      "tool_call_item",
      "tool_call_output_item",
      "message_output_item",
    ]);
    expect(result.rawResponses).toHaveLength(2);
    expect(result.rawResponses[0].responseId).toMatch(/^resp_[0-9a-f]{48}$/);
    expect(result.rawResponses[1].usage.outputTokens).toBeGreaterThan(0);

    const entries = instance.journal.all();
    expect(entries.map((e) => [e.method, e.path, e.status])).toEqual([
      ["POST", "/v1/responses", 200],
      ["POST", "/v1/responses", 200],
    ]);
    const call = (entries[0].body as { tools: Array<{ type: string; name: string }> }).tools[0];
    expect(call).toMatchObject({ type: "function", name: "get_weather" });
    const output = toolOutputIn(entries[1].body);
    expect(output).toBeDefined();
    expect(JSON.stringify(output.output)).toContain(TOOL_RESULT);
  });
});

describe("@openai/agents over WebSocket (useResponsesWebSocket)", () => {
  it("runs the same tool loop over one WebSocket connection, using ws as globalThis.WebSocket", async () => {
    const saved = Object.getOwnPropertyDescriptor(globalThis, "WebSocket");
    (globalThis as { WebSocket?: unknown }).WebSocket = NodeWebSocket;
    const provider = new OpenAIProvider({ openAIClient: client, useResponses: true, useResponsesWebSocket: true });
    try {
      instance.journal.clear();
      const { agent, calls } = weatherAgent();
      const result = await new Runner({ modelProvider: provider }).run(agent, "What's the weather in Paris?");

      expect(calls).toEqual([{ city: "Paris" }]);
      expect(result.finalOutput).toBe(FINAL_TEXT);
      expect(result.rawResponses).toHaveLength(2);
      const entries = instance.journal.all();
      expect(entries.map((e) => [e.method, e.path, e.stream, e.status, e.interrupted])).toEqual([
        ["WS", "/v1/responses", true, 200, false],
        ["WS", "/v1/responses", true, 200, false],
      ]);
      expect(JSON.stringify(toolOutputIn(entries[1].body).output)).toContain(TOOL_RESULT);
    } finally {
      await provider.close();
      if (saved) Object.defineProperty(globalThis, "WebSocket", saved);
      else delete (globalThis as { WebSocket?: unknown }).WebSocket;
    }
  });
});
