// Gemini's other methods through @google/genai and raw HTTP: countTokens (agreeing with generateContent's
// promptTokenCount), embedContent and batchEmbedContents (derived vectors as OpenAI's, pinned vectors,
// outputDimensionality), and models list and get (pages, and /v1/models shared with OpenAI's clients).
import { GoogleGenAI } from "@google/genai";
import { encode } from "gpt-tokenizer/encoding/o200k_base";
import { createServer, type ServerInstance } from "understudy-llm/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { derivedVector } from "../src/core/embedding-vectors.js";

const FOX = "The quick brown fox jumps over the lazy dog.";
const PINNED = [0.6, 0.8, 0];

let server: ServerInstance;
let ai: GoogleGenAI;

beforeAll(async () => {
  server = await createServer([
    { match: { userMessage: "pinned text" }, response: { embedding: PINNED } },
    { match: { userMessage: "fox", model: "my-gemini" }, response: { content: "A fox." } },
    { match: { userMessage: "fox" }, response: { content: "A fox." } },
  ]);
  ai = new GoogleGenAI({ apiKey: "test-key", httpOptions: { baseUrl: server.url } });
});
afterAll(() => server.close());

const norm = (vector: readonly number[]) => Math.sqrt(vector.reduce((sum, x) => sum + x * x, 0));

async function post(path: string, body: unknown) {
  const res = await fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-goog-api-key": "test-key" },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as any };
}

describe("countTokens", () => {
  it("counts Google's documented example as its docs do (10), with the TEXT detail", async () => {
    const counted = await ai.models.countTokens({ model: "gemini-2.5-flash", contents: FOX });
    expect(counted.totalTokens).toBe(10);
    expect(encode(FOX)).toHaveLength(10);
    const raw = await post("/v1beta/models/gemini-2.5-flash:countTokens", { contents: [{ parts: [{ text: FOX }] }] });
    expect(raw.body).toEqual({ totalTokens: 10, promptTokensDetails: [{ modality: "TEXT", tokenCount: 10 }] });
  });

  it("agrees with generateContent's promptTokenCount, also for a whole generateContentRequest", async () => {
    const request = {
      systemInstruction: { parts: [{ text: "Answer in one line." }] },
      contents: [{ role: "user", parts: [{ text: FOX }] }],
    };
    const generated = await post("/v1beta/models/gemini-2.5-flash:generateContent", request);
    const counted = await post("/v1beta/models/gemini-2.5-flash:countTokens", {
      generateContentRequest: { model: "models/gemini-2.5-flash", ...request },
    });
    expect(counted.body.totalTokens).toBe(generated.body.usageMetadata.promptTokenCount);
    expect(counted.body.totalTokens).toBe(encode("Answer in one line.").length + 10);
    expect(server.journal.last()).toMatchObject({ api: "countTokens", provider: "gemini", model: "gemini-2.5-flash" });
  });

  it("refuses contents it cannot count with Google's words", async () => {
    const refused = await post("/v1beta/models/gemini-2.5-flash:countTokens", { contents: [] });
    expect(refused).toEqual({
      status: 400,
      body: {
        error: {
          code: 400,
          message: "* CountTokensRequest.contents: contents is not specified\n",
          status: "INVALID_ARGUMENT",
        },
      },
    });
  });
});

describe("embedContent", () => {
  it("derives the same unit vectors as OpenAI's embeddings, 3,072 components for gemini-embedding-001", async () => {
    const response = await ai.models.embedContent({ model: "gemini-embedding-001", contents: "hello world" });
    const values = response.embeddings?.[0].values ?? [];
    expect(values).toHaveLength(3072);
    expect(values).toEqual(derivedVector("gemini-embedding-001", "hello world", 3072));
    expect(norm(values)).toBeCloseTo(1, 5);
    expect(server.journal.last()).toMatchObject({ api: "batchEmbedContents", provider: "gemini", status: 200 });
  });

  it("embeds several contents in order, each its own vector; outputDimensionality shortens them", async () => {
    const response = await ai.models.embedContent({
      model: "text-embedding-004",
      contents: ["first text", "second text"],
      config: { outputDimensionality: 64 },
    });
    const [first, second] = (response.embeddings ?? []).map((embedding) => embedding.values ?? []);
    expect([first.length, second.length]).toEqual([64, 64]);
    expect(first).toEqual(derivedVector("text-embedding-004", "first text", 64));
    expect(second).toEqual(derivedVector("text-embedding-004", "second text", 64));
    expect(first).not.toEqual(second);
  });

  it("answers with a fixture's pinned vector, and refuses a size it cannot give", async () => {
    const raw = await post("/v1beta/models/text-embedding-004:embedContent", {
      content: { parts: [{ text: "the pinned text" }] },
    });
    expect(raw).toEqual({ status: 200, body: { embedding: { values: PINNED } } });
    expect(server.journal.last()?.fixture).toBe('#0 userMessage="pinned text"');
    const sized = await post("/v1beta/models/text-embedding-004:embedContent", {
      content: { parts: [{ text: "the pinned text" }] },
      outputDimensionality: 8,
    });
    expect(sized.status).toBe(400);
    expect(sized.body.error.message).toMatch(/pins a vector of 3 dimensions for content/);
  });

  it("refuses a batch request whose part has no data, as Google words it", async () => {
    const refused = await post("/v1beta/models/gemini-embedding-001:batchEmbedContents", {
      requests: [{ model: "models/gemini-embedding-001", content: { parts: [{ text: "" }] } }],
    });
    expect(refused.body.error.message).toBe(
      "* BatchEmbedContentsRequest.requests[0].content.parts[0].data: required oneof field 'data' must have one initialized field\n",
    );
  });
});

describe("models", () => {
  it("lists the catalogue and the fixtures' models a page at a time", async () => {
    const pager = await ai.models.list({ config: { pageSize: 3 } });
    expect(pager.page).toHaveLength(3);
    const names: string[] = [];
    for await (const model of pager) names.push(model.name ?? "");
    expect(names.slice(0, 3)).toEqual([
      "models/gemini-2.5-flash",
      "models/gemini-2.5-pro",
      "models/gemini-2.5-flash-lite",
    ]);
    expect(names).toContain("models/gemini-embedding-001");
    expect(names.at(-1)).toBe("models/my-gemini");
    expect(new Set(names).size).toBe(names.length);
  });

  it("gets one model with its limits and methods", async () => {
    const model = await ai.models.get({ model: "gemini-2.5-pro" });
    expect(model).toMatchObject({
      name: "models/gemini-2.5-pro",
      displayName: "Gemini 2.5 Pro",
      inputTokenLimit: 1_048_576,
      outputTokenLimit: 65_536,
      supportedActions: ["generateContent", "countTokens", "createCachedContent", "batchGenerateContent"],
    });
  });

  it("answers GET /v1/models as Gemini's list for a Google key, as OpenAI's list otherwise", async () => {
    const google = await fetch(`${server.url}/v1/models?key=test-key`).then((res) => res.json() as Promise<any>);
    expect(google.models[0].name).toBe("models/gemini-2.5-flash");
    const headers = { authorization: "Bearer sk-test" };
    const openai = await fetch(`${server.url}/v1/models`, { headers }).then((res) => res.json() as Promise<any>);
    expect(openai.object).toBe("list");
  });
});
