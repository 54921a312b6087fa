// The Gemini parse as a pure function: the canonical conversation it makes (messages, tool calls and
// results, media, parameters), and that no body, however hostile, makes it throw.
import { describe, expect, it } from "vitest";
import { parseBatchEmbed, parseEmbedContent, parsePredict } from "../src/protocols/gemini/embed-parse.js";
import { generateContentParser } from "../src/protocols/gemini/parse.js";

const parse = generateContentParser("generateContent", false);

describe("a generateContent body as the canonical conversation", () => {
  it("makes messages of turns, tool calls of functionCall parts and tool results of functionResponse parts", () => {
    const conversation = parse({
      model: "models/gemini-2.5-flash",
      systemInstruction: { parts: [{ text: "Be brief." }, { text: "Be kind." }] },
      contents: [
        { role: "user", parts: [{ text: "Weather?" }, { fileData: { mimeType: "video/mp4", fileUri: "gs://v" } }] },
        {
          role: "model",
          parts: [
            { text: "thinking...", thought: true },
            { text: "Checking." },
            { functionCall: { name: "get_weather", args: { city: "Paris" } } },
          ],
        },
        {
          role: "user",
          parts: [{ functionResponse: { name: "get_weather", response: { temp: 21 } } }, { text: "Thanks" }],
        },
      ],
      generationConfig: { maxOutputTokens: "64", candidateCount: 2, stopSequences: ["END"], temperature: 0.2 },
    });
    expect(conversation).toMatchObject({
      api: "generateContent",
      model: "gemini-2.5-flash",
      stream: false,
      media: ["VIDEO"],
      includeThoughts: false,
      thinkingOff: false,
      params: { maxOutputTokens: 64, n: 2, stop: ["END"], responseFormat: null },
    });
    expect("messages" in conversation && conversation.messages).toEqual([
      { role: "system", content: "Be brief.\nBe kind." },
      { role: "user", content: "Weather?" },
      {
        role: "assistant",
        content: "Checking.",
        toolCalls: [{ id: "", name: "get_weather", arguments: '{"city":"Paris"}' }],
      },
      { role: "tool", content: '{"temp":21}', name: "get_weather", toolCallId: "get_weather" },
      { role: "user", content: "Thanks" },
    ]);
  });

  it("reads a responseSchema's OpenAPI types as JSON Schema's, and responseJsonSchema as it is", () => {
    const schema = {
      type: "OBJECT",
      properties: { n: { type: "INTEGER" }, tags: { type: "ARRAY", items: { type: "STRING" } } },
    };
    const parsed = parse({
      model: "models/m",
      contents: [{ parts: [{ text: "x" }] }],
      generationConfig: { responseMimeType: "application/json", responseSchema: schema },
    });
    expect("params" in parsed && parsed.params.responseFormat).toEqual({
      type: "json_schema",
      schema: {
        type: "object",
        properties: { n: { type: "integer" }, tags: { type: "array", items: { type: "string" } } },
      },
    });
  });

  it("refuses a function calling mode Gemini does not have, and takes the ones it has", () => {
    const body = (mode: string) => ({
      model: "models/m",
      contents: [{ parts: [{ text: "x" }] }],
      toolConfig: { functionCallingConfig: { mode } },
    });
    expect(parse(body("SOMETIMES"))).toMatchObject({
      status: 400,
      message:
        "Invalid value at 'tool_config.function_calling_config.mode' (type.googleapis.com/google.ai.generativelanguage.v1beta.FunctionCallingConfig.Mode), \"SOMETIMES\"",
    });
    for (const mode of ["AUTO", "ANY", "NONE", "VALIDATED"]) expect(parse(body(mode))).toHaveProperty("messages");
  });

  it("never throws on a hostile body, and refuses what it cannot read with a 400", () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const names = [
      "contents",
      "parts",
      "text",
      "role",
      "functionCall",
      "functionResponse",
      "args",
      "inlineData",
      "generationConfig",
      "thinkingConfig",
      "responseSchema",
      "properties",
      "tools",
      "functionDeclarations",
      "name",
      "__proto__",
      "constructor",
      "systemInstruction",
      "requests",
      "content",
      "instances",
      "outputDimensionality",
    ];
    const value = (depth: number): unknown => {
      const pick = Math.floor(random() * 9);
      if (depth > 5 || pick < 3) return [null, true, 0, -1, 1e308, "", "user", "model", "x"][Math.floor(random() * 9)];
      if (pick < 5) return Array.from({ length: Math.floor(random() * 4) }, () => value(depth + 1));
      const record: Record<string, unknown> = {};
      for (let i = Math.floor(random() * 5); i > 0; i--)
        Object.defineProperty(record, names[Math.floor(random() * names.length)], {
          value: value(depth + 1),
          enumerable: true,
          configurable: true,
          writable: true,
        });
      return record;
    };
    let conversations = 0;
    for (let i = 0; i < 3000; i++) {
      // Every other body is a valid request with hostile options, so both outcomes are exercised.
      const body =
        i % 2 === 0
          ? value(0)
          : {
              contents: [{ parts: [{ text: "hi" }] }],
              generationConfig: value(1),
              tools: value(1),
              systemInstruction: value(1),
            };
      if (body !== null && typeof body === "object" && !Array.isArray(body))
        (body as Record<string, unknown>).model = "models/m";
      for (const result of [parse(body), parseEmbedContent(body), parseBatchEmbed(body), parsePredict(body)]) {
        const outcome = result as { status?: number };
        if (outcome.status !== undefined) expect(outcome.status).toBe(400);
        else conversations++;
      }
    }
    expect(conversations).toBeGreaterThan(0);
  });
});
