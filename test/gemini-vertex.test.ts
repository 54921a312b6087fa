// Vertex AI's paths through @google/genai with `vertexai: true`: project and location (OAuth Bearer token),
// express mode (API key, no project), Vertex's answer shape (role before parts, no index 0, trafficType,
// createTime, usage only on a stream's last chunk), countTokens with billable characters, predict
// embeddings, and Vertex AI's 401s.
import { GoogleGenAI, type GoogleGenAIOptions } from "@google/genai";
import { encode } from "gpt-tokenizer/encoding/o200k_base";
import { createServer, type ServerInstance } from "understudy-llm/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { derivedVector } from "../src/core/embedding-vectors.js";

const tokens = (text: string) => encode(text).length;
const NOW = Date.UTC(2026, 2, 10, 14, 54, 45, 66);

type AuthClient = NonNullable<NonNullable<GoogleGenAIOptions["googleAuthOptions"]>["authClient"]>;
/** Stands in for an OAuth client with a fresh access token: the SDK asks it for headers, nothing else. */
const tokenClient = (token: string) =>
  ({ getRequestHeaders: async () => new Headers({ authorization: `Bearer ${token}` }) }) as unknown as AuthClient;

let server: ServerInstance;

beforeAll(async () => {
  server = await createServer([{ match: { userMessage: "hello" }, response: { content: "Hi there" } }], {
    apiKeys: ["vertex-token", "express-key"],
    now: () => NOW,
  });
});
afterAll(() => server.close());

const vertex = (token = "vertex-token") =>
  new GoogleGenAI({
    vertexai: true,
    project: "my-project",
    location: "us-central1",
    googleAuthOptions: { authClient: tokenClient(token) },
    httpOptions: { baseUrl: server.url },
  });

describe("Vertex AI with a project and location", () => {
  it("serves the project's publisher model path, in Vertex AI's shape", async () => {
    const response = await vertex().models.generateContent({ model: "gemini-2.5-flash", contents: "hello" });
    expect(response.text).toBe("Hi there");
    expect(server.journal.last()).toMatchObject({
      path: "/v1beta1/projects/my-project/locations/us-central1/publishers/google/models/gemini-2.5-flash:generateContent",
      provider: "gemini",
      api: "generateContent",
      model: "gemini-2.5-flash",
    });
    const [candidate] = response.candidates ?? [];
    expect(candidate.index).toBeUndefined();
    expect(candidate.finishReason).toBe("STOP");
    expect(response.createTime).toBe("2026-03-10T14:54:45.066000Z");
    expect(response.usageMetadata).toEqual({
      promptTokenCount: 1,
      candidatesTokenCount: 2,
      totalTokenCount: 3,
      trafficType: "ON_DEMAND",
      promptTokensDetails: [{ modality: "TEXT", tokenCount: 1 }],
      candidatesTokensDetails: [{ modality: "TEXT", tokenCount: 2 }],
    });
  });

  it("streams with usage on the last chunk only, the others saying just their traffic type", async () => {
    const stream = await vertex().models.generateContentStream({ model: "gemini-2.5-flash", contents: "hello" });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((chunk) => chunk.text)).toEqual(["Hi", " there"]);
    expect(chunks[0].usageMetadata).toEqual({ trafficType: "ON_DEMAND" });
    expect(chunks[1].usageMetadata?.totalTokenCount).toBe(3);
  });

  it("writes role before parts and leaves index 0 out, on one line per chunk", async () => {
    const path =
      "/v1/projects/p/locations/global/publishers/google/models/gemini-2.5-flash:streamGenerateContent?alt=sse";
    const res = await fetch(`${server.url}${path}`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: "Bearer vertex-token" },
      body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hello" }] }] }),
    });
    const body = await res.text();
    const id = /"responseId": "(\w{23})"/.exec(body)?.[1];
    expect(body.split("\r\n\r\n")[0]).toBe(
      `data: {"candidates": [{"content": {"role": "model","parts": [{"text": "Hi"}]}}],"usageMetadata": {"trafficType": "ON_DEMAND"},` +
        `"modelVersion": "gemini-2.5-flash","createTime": "2026-03-10T14:54:45.066000Z","responseId": "${id}"}`,
    );
  });

  it("counts tokens with Vertex AI's billable characters (text without whitespace)", async () => {
    const counted = await vertex().models.countTokens({ model: "gemini-2.5-flash", contents: "hello big world" });
    expect(counted.totalTokens).toBe(tokens("hello big world"));
    const raw = await fetch(
      `${server.url}/v1/projects/p/locations/us-central1/publishers/google/models/gemini-2.5-flash:countTokens`,
      {
        method: "POST",
        headers: { "content-type": "application/json", authorization: "Bearer vertex-token" },
        body: JSON.stringify({ contents: [{ role: "user", parts: [{ text: "hello big world" }] }] }),
      },
    ).then((res) => res.json() as Promise<any>);
    expect(raw).toEqual({
      totalTokens: 3,
      totalBillableCharacters: 13,
      promptTokensDetails: [{ modality: "TEXT", tokenCount: 3 }],
    });
  });

  it("embeds through predict for text embedding models, 768 components with token statistics", async () => {
    const response = await vertex().models.embedContent({ model: "text-embedding-005", contents: ["one text"] });
    const [embedding] = response.embeddings ?? [];
    expect(embedding.values).toEqual(derivedVector("text-embedding-005", "one text", 768));
    expect(embedding.statistics).toEqual({ truncated: false, tokenCount: 2 });
    expect(server.journal.last()).toMatchObject({ api: "predict", status: 200 });
  });
});

describe("Vertex AI express mode and credentials", () => {
  it("serves publisher paths without a project for an API key", async () => {
    const ai = new GoogleGenAI({ vertexai: true, apiKey: "express-key", httpOptions: { baseUrl: server.url } });
    const response = await ai.models.generateContent({ model: "gemini-2.5-flash", contents: "hello" });
    expect(response.text).toBe("Hi there");
    expect(server.journal.last()?.path).toBe("/v1beta1/publishers/google/models/gemini-2.5-flash:generateContent");
  });

  it("answers a refused token or none with Vertex AI's 401 UNAUTHENTICATED", async () => {
    const path = "/v1/projects/p/locations/l/publishers/google/models/gemini-2.5-flash:generateContent";
    const send = (headers: Record<string, string>) =>
      fetch(`${server.url}${path}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...headers },
        body: JSON.stringify({ contents: [{ parts: [{ text: "hello" }] }] }),
      }).then(async (res) => ({ status: res.status, error: ((await res.json()) as any).error }));
    const missing = await send({});
    expect(missing.status).toBe(401);
    expect(missing.error).toMatchObject({
      status: "UNAUTHENTICATED",
      message: expect.stringMatching(/^Request is missing required authentication credential\./),
      details: [{ reason: "CREDENTIALS_MISSING", metadata: { service: "aiplatform.googleapis.com" } }],
    });
    const refused = await send({ authorization: "Bearer expired" });
    expect(refused.error).toMatchObject({
      code: 401,
      message: expect.stringMatching(/^Request had invalid authentication credentials\./),
      details: [{ reason: "ACCESS_TOKEN_TYPE_UNSUPPORTED" }],
    });
  });
});
