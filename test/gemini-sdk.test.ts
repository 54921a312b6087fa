// The official @google/genai client against Understudy's Gemini surface: replies, streams, thinking,
// output limits, candidates, JSON mode, stop sequences, usage and the journal.
import { GoogleGenAI } from "@google/genai";
import { decode, encode } from "gpt-tokenizer/encoding/o200k_base";
import { createServer, type ServerInstance } from "understudy-llm/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const tokens = (text: string) => encode(text).length;
const REPLY = "Hello! How can I help?";
const STORY = "Once upon a time there was a small robot who loved to paint the sea.";

let server: ServerInstance;
let ai: GoogleGenAI;

beforeAll(async () => {
  server = await createServer([
    { match: { userMessage: "hello" }, response: { content: REPLY } },
    { match: { userMessage: "think" }, response: { content: "The answer is 42.", reasoning: "Six times seven." } },
    { match: { userMessage: "story" }, response: { content: STORY } },
    {
      match: { userMessage: "two ways" },
      response: { content: "unused", choices: [{ content: "First way." }, { content: "Second way, longer." }] },
    },
    {
      match: { userMessage: "json", responseFormat: "json_schema" },
      response: { content: '{"city":"Paris","temp":21}' },
    },
    { match: { userMessage: "json" }, response: { content: "not json at all" } },
  ]);
  ai = new GoogleGenAI({ apiKey: "test-key", httpOptions: { baseUrl: server.url } });
});
afterAll(() => server.close());

describe("models.generateContent", () => {
  it("answers with the fixture's text, a 23-character responseId, the model and o200k usage", async () => {
    const response = await ai.models.generateContent({
      model: "gemini-2.5-flash",
      contents: "hello there",
      config: { systemInstruction: "Be terse." },
    });
    expect(response.text).toBe(REPLY);
    expect(response.responseId).toMatch(/^[A-Za-z0-9]{23}$/);
    expect(response.modelVersion).toBe("gemini-2.5-flash");
    const [candidate] = response.candidates ?? [];
    expect(candidate).toMatchObject({ finishReason: "STOP", index: 0, content: { role: "model" } });
    expect(candidate.content?.parts).toEqual([{ text: REPLY }]);
    // No framing: the system instruction's and the message's tokens, 3 + 2.
    const prompt = tokens("Be terse.") + tokens("hello there");
    expect(prompt).toBe(5);
    expect(response.usageMetadata).toEqual({
      promptTokenCount: 5,
      candidatesTokenCount: tokens(REPLY),
      totalTokenCount: 5 + tokens(REPLY),
      promptTokensDetails: [{ modality: "TEXT", tokenCount: 5 }],
      serviceTier: "standard",
    });
  });

  it("is journalled as provider gemini, api generateContent, with the model named by the path", async () => {
    await ai.models.generateContent({ model: "models/gemini-2.5-pro", contents: "hello" });
    const entry = server.journal.last();
    expect(entry).toMatchObject({
      provider: "gemini",
      api: "generateContent",
      model: "gemini-2.5-pro",
      stream: false,
      status: 200,
      fixture: '#0 userMessage="hello"',
      path: "/v1beta/models/gemini-2.5-pro:generateContent",
    });
  });

  it("cuts the answer at maxOutputTokens with finishReason MAX_TOKENS", async () => {
    const response = await ai.models.generateContent({
      model: "gemini-2.5-flash",
      contents: "tell a story",
      config: { maxOutputTokens: 5 },
    });
    expect(response.text).toBe(decode(encode(STORY).slice(0, 5)));
    expect(response.text).toBe("Once upon a time there");
    expect(response.candidates?.[0].finishReason).toBe("MAX_TOKENS");
    expect(response.usageMetadata?.candidatesTokenCount).toBe(5);
  });

  it("ends before a stop sequence, with finishReason STOP", async () => {
    const response = await ai.models.generateContent({
      model: "gemini-2.5-flash",
      contents: "a story",
      config: { stopSequences: ["robot"] },
    });
    expect(response.text).toBe("Once upon a time there was a small ");
    expect(response.candidates?.[0].finishReason).toBe("STOP");
  });

  it("answers candidateCount 2 with two candidates, indexed, their tokens summed in usage", async () => {
    const response = await ai.models.generateContent({
      model: "gemini-2.5-flash",
      contents: "two ways please",
      config: { candidateCount: 2 },
    });
    const candidates = response.candidates ?? [];
    expect(candidates.map((one) => [one.index, one.content?.parts?.[0].text])).toEqual([
      [0, "First way."],
      [1, "Second way, longer."],
    ]);
    expect(response.usageMetadata?.candidatesTokenCount).toBe(tokens("First way.") + tokens("Second way, longer."));
  });

  it("JSON mode: responseSchema makes the request a json_schema one, matched and checked as such", async () => {
    const response = await ai.models.generateContent({
      model: "gemini-2.5-flash",
      contents: "json weather",
      config: {
        responseMimeType: "application/json",
        responseSchema: { type: "OBJECT", properties: { city: { type: "STRING" }, temp: { type: "INTEGER" } } },
      },
    });
    expect(JSON.parse(response.text ?? "")).toEqual({ city: "Paris", temp: 21 });
    expect(server.journal.last()?.warnings).toBeUndefined();
    const plain = await ai.models.generateContent({
      model: "gemini-2.5-flash",
      contents: "json weather",
      config: { responseMimeType: "application/json" },
    });
    expect(plain.text).toBe("not json at all");
    expect(server.journal.last()?.warnings).toEqual([
      '#5 userMessage="json": the reply is not valid JSON, but the request asked for json_object',
    ]);
  });
});

describe("thinking", () => {
  it("includeThoughts: the reasoning as a thought part before the answer, counted as thoughtsTokenCount", async () => {
    const response = await ai.models.generateContent({
      model: "gemini-2.5-flash",
      contents: "think hard",
      config: { thinkingConfig: { includeThoughts: true } },
    });
    expect(response.candidates?.[0].content?.parts).toEqual([
      { text: "Six times seven.", thought: true },
      { text: "The answer is 42." },
    ]);
    expect(response.text).toBe("The answer is 42.");
    const thoughts = tokens("Six times seven.");
    const answer = tokens("The answer is 42.");
    expect(response.usageMetadata).toMatchObject({
      candidatesTokenCount: answer,
      thoughtsTokenCount: thoughts,
      totalTokenCount: tokens("think hard") + answer + thoughts,
    });
  });

  it("without includeThoughts the thoughts are counted but not shown; thinkingBudget 0 counts none", async () => {
    const hidden = await ai.models.generateContent({ model: "gemini-2.5-flash", contents: "think" });
    expect(hidden.candidates?.[0].content?.parts).toEqual([{ text: "The answer is 42." }]);
    expect(hidden.usageMetadata?.thoughtsTokenCount).toBe(tokens("Six times seven."));
    const off = await ai.models.generateContent({
      model: "gemini-2.5-flash",
      contents: "think",
      config: { thinkingConfig: { thinkingBudget: 0, includeThoughts: true } },
    });
    expect(off.candidates?.[0].content?.parts).toEqual([{ text: "The answer is 42." }]);
    expect(off.usageMetadata?.thoughtsTokenCount).toBeUndefined();
    expect(off.usageMetadata?.totalTokenCount).toBe(tokens("think") + tokens("The answer is 42."));
  });

  it("streams thought chunks before answer chunks", async () => {
    const stream = await ai.models.generateContentStream({
      model: "gemini-2.5-flash",
      contents: "think",
      config: { thinkingConfig: { includeThoughts: true } },
    });
    const parts: { text?: string; thought?: boolean }[] = [];
    for await (const chunk of stream) parts.push(...(chunk.candidates?.[0].content?.parts ?? []));
    const thoughtCount = encode("Six times seven.").length;
    expect(parts.slice(0, thoughtCount).every((part) => part.thought === true)).toBe(true);
    expect(
      parts
        .slice(0, thoughtCount)
        .map((part) => part.text)
        .join(""),
    ).toBe("Six times seven.");
    const answer = parts.slice(thoughtCount);
    expect(answer).toHaveLength(tokens("The answer is 42."));
    expect(answer.map((part) => part.text).join("")).toBe("The answer is 42.");
    expect(answer.every((part) => part.thought === undefined)).toBe(true);
  });
});

describe("models.generateContentStream", () => {
  it("streams one token per chunk, the last with finishReason STOP and the whole usage", async () => {
    const stream = await ai.models.generateContentStream({ model: "gemini-2.5-flash", contents: "hello" });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks).toHaveLength(tokens(REPLY));
    expect(chunks.map((chunk) => chunk.text).join("")).toBe(REPLY);
    expect(chunks.slice(0, -1).every((chunk) => chunk.candidates?.[0].finishReason === undefined)).toBe(true);
    const last = chunks[chunks.length - 1];
    expect(last.candidates?.[0].finishReason).toBe("STOP");
    expect(last.usageMetadata).toMatchObject({ promptTokenCount: 1, candidatesTokenCount: tokens(REPLY) });
    // Every chunk of one answer carries the same responseId.
    expect(new Set(chunks.map((chunk) => chunk.responseId)).size).toBe(1);
    expect(server.journal.last()).toMatchObject({ api: "streamGenerateContent", stream: true, provider: "gemini" });
  });
});
