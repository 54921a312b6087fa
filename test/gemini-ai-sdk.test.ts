// Vercel's AI SDK with @ai-sdk/google against Understudy's Gemini surface: generateText and streamText,
// usage, reasoning, a tool loop (its functionResponse turn carries the SDK's own call id), and embeddings.
import { createGoogleGenerativeAI } from "@ai-sdk/google";
import { embed, generateText, stepCountIs, streamText, tool } from "ai";
import { encode } from "gpt-tokenizer/encoding/o200k_base";
import { createServer, type ServerInstance } from "understudy-llm/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { derivedVector } from "../src/core/embedding-vectors.js";

const tokens = (text: string) => encode(text).length;
const REPLY = "Paris is the capital of France.";

let server: ServerInstance;
let google: ReturnType<typeof createGoogleGenerativeAI>;

beforeAll(async () => {
  server = await createServer([
    { match: { hasToolResult: true }, response: { content: "It is 21 degrees in Paris." } },
    {
      match: { userMessage: "weather", toolName: "get_weather" },
      response: { toolCalls: [{ name: "get_weather", arguments: { city: "Paris" } }] },
    },
    { match: { userMessage: "reason" }, response: { content: "Done.", reasoning: "Let me see." } },
    { match: { userMessage: "capital" }, response: { content: REPLY } },
  ]);
  google = createGoogleGenerativeAI({ baseURL: `${server.url}/v1beta`, apiKey: "test-key" });
});
afterAll(() => server.close());

describe("generateText", () => {
  it("returns the fixture's text, finishReason stop and o200k usage", async () => {
    const result = await generateText({ model: google("gemini-2.5-flash"), prompt: "What is the capital of France?" });
    expect(result.text).toBe(REPLY);
    expect(result.finishReason).toBe("stop");
    const prompt = tokens("What is the capital of France?");
    expect(result.usage).toMatchObject({
      inputTokens: prompt,
      outputTokens: tokens(REPLY),
      totalTokens: prompt + tokens(REPLY),
    });
    expect(server.journal.last()).toMatchObject({ provider: "gemini", api: "generateContent", status: 200 });
  });

  it("reads thoughts as reasoning when the request asks to include them", async () => {
    const result = await generateText({
      model: google("gemini-2.5-flash"),
      prompt: "reason it out",
      providerOptions: { google: { thinkingConfig: { includeThoughts: true } } },
    });
    expect(result.text).toBe("Done.");
    expect(result.reasoningText).toBe("Let me see.");
    expect(result.usage.outputTokenDetails.reasoningTokens).toBe(tokens("Let me see."));
  });

  it("runs a tool loop: the call, then the answer to its result", async () => {
    const result = await generateText({
      model: google("gemini-2.5-flash"),
      prompt: "weather in Paris?",
      tools: {
        get_weather: tool({
          description: "Current weather for a city",
          inputSchema: z.object({ city: z.string() }),
          execute: async ({ city }) => ({ city, temperature: 21 }),
        }),
      },
      stopWhen: stepCountIs(2),
    });
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0].toolCalls.map((call) => [call.toolName, call.input])).toEqual([
      ["get_weather", { city: "Paris" }],
    ]);
    expect(result.text).toBe("It is 21 degrees in Paris.");
    // The SDK names its own call id in the result it sends back, as the call had none.
    const body = server.journal.last()?.body as { contents: { parts: { functionResponse?: { id?: string } }[] }[] };
    const response = body.contents.at(-1)?.parts[0].functionResponse;
    expect(response?.id).toBe(result.steps[0].toolCalls[0].toolCallId);
  });
});

describe("streamText", () => {
  it("streams the text token by token and reports the usage at the end", async () => {
    const result = streamText({ model: google("gemini-2.5-flash"), prompt: "capital of France?" });
    const pieces: string[] = [];
    for await (const piece of result.textStream) pieces.push(piece);
    expect(pieces.join("")).toBe(REPLY);
    expect(pieces).toHaveLength(tokens(REPLY));
    expect(await result.finishReason).toBe("stop");
    expect((await result.usage).outputTokens).toBe(tokens(REPLY));
    expect(server.journal.last()).toMatchObject({ api: "streamGenerateContent", stream: true });
  });
});

describe("embed", () => {
  it("embeds through embedContent with the shared derived vector", async () => {
    const { embedding } = await embed({ model: google.textEmbeddingModel("gemini-embedding-001"), value: "sunny day" });
    expect(embedding).toEqual(derivedVector("gemini-embedding-001", "sunny day", 3072));
  });
});
