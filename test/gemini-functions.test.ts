// Function calling through @google/genai: calls as functionCall parts (no id unless a fixture pins one),
// a functionResponse turn matched by toolCallId (the call's name, or its id) and hasToolResult, calls in a
// stream, parallel calls, a call cut by maxOutputTokens, and the prompt tokens tools add.
import { type Content, GoogleGenAI, Type } from "@google/genai";
import { encode } from "gpt-tokenizer/encoding/o200k_base";
import { createServer, type ServerInstance } from "understudy-llm/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const tokens = (text: string) => encode(text).length;
const WEATHER = {
  name: "get_weather",
  description: "Current weather for a city",
  parameters: { type: Type.OBJECT, properties: { city: { type: Type.STRING } }, required: ["city"] },
};

let server: ServerInstance;
let ai: GoogleGenAI;

beforeAll(async () => {
  server = await createServer([
    { match: { toolCallId: "call_7" }, response: { content: "Pinned id answered." } },
    { match: { toolCallId: "get_weather" }, response: { content: "It is 21 degrees in Paris." } },
    { match: { hasToolResult: true }, response: { content: "Some tool answered." } },
    {
      match: { userMessage: "pinned" },
      response: { toolCalls: [{ id: "call_7", name: "get_weather", arguments: { city: "Oslo" } }] },
    },
    {
      match: { userMessage: "both" },
      response: {
        toolCalls: [
          { name: "get_weather", arguments: '{"city":"Paris"}' },
          { name: "get_weather", arguments: '{"city":"Rome"}' },
        ],
      },
    },
    {
      match: { userMessage: "weather", toolName: "get_weather" },
      response: { toolCalls: [{ name: "get_weather", arguments: { city: "Paris" } }] },
    },
  ]);
  ai = new GoogleGenAI({ apiKey: "test-key", httpOptions: { baseUrl: server.url } });
});
afterAll(() => server.close());

const withTools = { tools: [{ functionDeclarations: [WEATHER] }] };

/** The declaration's schema as the SDK sent it in the last request (its JSON is what the prompt counts). */
function sentSchema(): unknown {
  const body = server.journal.last()?.body as { tools: { functionDeclarations: { parameters: unknown }[] }[] };
  return body.tools[0].functionDeclarations[0].parameters;
}

describe("function calls", () => {
  it("answers with a functionCall part, its args an object, no id, finishReason STOP", async () => {
    const response = await ai.models.generateContent({
      model: "gemini-2.5-flash",
      contents: "weather in Paris?",
      config: withTools,
    });
    expect(response.functionCalls).toEqual([{ name: "get_weather", args: { city: "Paris" } }]);
    expect(response.candidates?.[0].content?.parts).toEqual([
      { functionCall: { name: "get_weather", args: { city: "Paris" } } },
    ]);
    expect(response.candidates?.[0].finishReason).toBe("STOP");
    expect(response.usageMetadata?.candidatesTokenCount).toBe(tokens('{"city":"Paris"}'));
  });

  it("counts the declarations in the prompt: name, description and the schema's JSON as sent", async () => {
    await ai.models.generateContent({ model: "gemini-2.5-flash", contents: "weather in Paris?", config: withTools });
    const expected =
      tokens("weather in Paris?") +
      tokens(WEATHER.name) +
      tokens(WEATHER.description) +
      tokens(JSON.stringify(sentSchema()));
    const response = await ai.models.generateContent({
      model: "gemini-2.5-flash",
      contents: "weather in Paris?",
      config: withTools,
    });
    expect(response.usageMetadata?.promptTokenCount).toBe(expected);
  });

  it("makes parallel calls as parts of one candidate", async () => {
    const response = await ai.models.generateContent({ model: "gemini-2.5-flash", contents: "both cities" });
    expect(response.functionCalls?.map((call) => call.args)).toEqual([{ city: "Paris" }, { city: "Rome" }]);
  });

  it("streams a call whole, in one chunk that ends the candidate", async () => {
    const stream = await ai.models.generateContentStream({
      model: "gemini-2.5-flash",
      contents: "weather in Paris?",
      config: withTools,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks).toHaveLength(1);
    expect(chunks[0].functionCalls).toEqual([{ name: "get_weather", args: { city: "Paris" } }]);
    expect(chunks[0].candidates?.[0].finishReason).toBe("STOP");
  });

  it("drops a call whose arguments maxOutputTokens cut, as the API sends no partial call", async () => {
    const response = await ai.models.generateContent({
      model: "gemini-2.5-flash",
      contents: "weather in Paris?",
      config: { ...withTools, maxOutputTokens: 2 },
    });
    expect(response.candidates?.[0].content).toBeUndefined();
    expect(response.candidates?.[0].finishReason).toBe("MAX_TOKENS");
    expect(response.functionCalls).toBeUndefined();
  });
});

describe("a functionResponse turn", () => {
  const history = (response: Record<string, unknown>, id?: string): Content[] => [
    { role: "user", parts: [{ text: "weather in Paris?" }] },
    { role: "model", parts: [{ functionCall: { id, name: "get_weather", args: { city: "Paris" } } }] },
    { role: "user", parts: [{ functionResponse: { id, name: "get_weather", response } }] },
  ];

  it("is a tool result whose toolCallId is the function's name when the call had no id", async () => {
    const response = await ai.models.generateContent({
      model: "gemini-2.5-flash",
      contents: history({ temperature: 21 }),
      config: withTools,
    });
    expect(response.text).toBe("It is 21 degrees in Paris.");
    // The call and the result count their names and JSON; the declaration its name, description and schema.
    const prompt =
      tokens("weather in Paris?") +
      tokens("get_weather") +
      tokens('{"city":"Paris"}') +
      tokens('{"temperature":21}') +
      tokens("get_weather") +
      tokens(WEATHER.name) +
      tokens(WEATHER.description) +
      tokens(JSON.stringify(sentSchema()));
    expect(response.usageMetadata?.promptTokenCount).toBe(prompt);
  });

  it("answers a pinned id's call, which the client echoes, by that id", async () => {
    const call = await ai.models.generateContent({ model: "gemini-2.5-flash", contents: "pinned call" });
    expect(call.functionCalls).toEqual([{ id: "call_7", name: "get_weather", args: { city: "Oslo" } }]);
    const answer = await ai.models.generateContent({
      model: "gemini-2.5-flash",
      contents: history({ temperature: 3 }, "call_7"),
    });
    expect(answer.text).toBe("Pinned id answered.");
  });

  it("matches hasToolResult for a result of any other call", async () => {
    const contents: Content[] = [
      { role: "user", parts: [{ text: "time?" }] },
      { role: "model", parts: [{ functionCall: { name: "get_time", args: {} } }] },
      { role: "user", parts: [{ functionResponse: { name: "get_time", response: { now: "noon" } } }] },
    ];
    const response = await ai.models.generateContent({ model: "gemini-2.5-flash", contents });
    expect(response.text).toBe("Some tool answered.");
  });
});
