// Gemini under the server's limits and model list: a rate limit's 429 in the Gemini API's words (the
// quota it met, QuotaFailure, Help and RetryInfo details; no rate-limit headers), Vertex AI's plainer 429,
// and configured models (listed in order, others refused by GET and by generateContent).
import { ApiError, GoogleGenAI } from "@google/genai";
import { createServer, type ServerInstance } from "understudy-llm/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

let limited: ServerInstance;
let listed: ServerInstance;

beforeAll(async () => {
  const fixtures = [{ match: { userMessage: "hello" }, response: { content: "Hi!" } }];
  limited = await createServer(fixtures, { rateLimit: { rpm: 1 } });
  listed = await createServer(fixtures, { models: ["gemini-2.5-pro", "team-model"] });
});
afterAll(() => Promise.all([limited.close(), listed.close()]));

const generate = (server: ServerInstance, path: string, headers: Record<string, string>) =>
  fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ contents: [{ parts: [{ text: "hello" }] }] }),
  });

describe("rate limits", () => {
  it("refuses past the limit with the Gemini API's quota error, and sends no rate-limit headers", async () => {
    const path = "/v1beta/models/gemini-2.5-flash:generateContent";
    const first = await generate(limited, path, { "x-goog-api-key": "key-a" });
    expect(first.status).toBe(200);
    expect([...first.headers.keys()].filter((name) => name.includes("ratelimit"))).toEqual([]);
    const second = await generate(limited, path, { "x-goog-api-key": "key-a" });
    expect(second.status).toBe(429);
    const { error } = (await second.json()) as any;
    expect(error.status).toBe("RESOURCE_EXHAUSTED");
    expect(error.message).toMatch(
      /^You exceeded your current quota, please check your plan and billing details\. .*\n\* Quota exceeded for metric: generativelanguage\.googleapis\.com\/generate_requests_per_model, limit: 1, model: gemini-2\.5-flash\nPlease retry in [\d.]+s\.$/s,
    );
    expect(error.details.map((detail: { "@type": string }) => detail["@type"])).toEqual([
      "type.googleapis.com/google.rpc.QuotaFailure",
      "type.googleapis.com/google.rpc.Help",
      "type.googleapis.com/google.rpc.RetryInfo",
    ]);
    expect(error.details[0].violations[0]).toEqual({
      quotaMetric: "generativelanguage.googleapis.com/generate_requests_per_model",
      quotaId: "GenerateRequestsPerMinutePerProjectPerModel",
      quotaDimensions: { location: "global", model: "gemini-2.5-flash" },
      quotaValue: "1",
    });
    expect(error.details[2].retryDelay).toMatch(/^\d+(\.\d+)?s$/);
  });

  it("answers Vertex AI's clients with Vertex AI's 429, which says only that", async () => {
    const path = "/v1/projects/p/locations/l/publishers/google/models/gemini-2.5-flash:generateContent";
    await generate(limited, path, { authorization: "Bearer token-b" });
    const refused = await generate(limited, path, { authorization: "Bearer token-b" });
    expect(await refused.json()).toEqual({
      error: {
        code: 429,
        message:
          "Resource exhausted. Please try again later. Please refer to https://cloud.google.com/vertex-ai/generative-ai/docs/error-code-429 for more details.",
        status: "RESOURCE_EXHAUSTED",
      },
    });
  });
});

describe("configured models", () => {
  const ai = () => new GoogleGenAI({ apiKey: "k", httpOptions: { baseUrl: listed.url } });

  it("lists the configured models in order, the catalogue's as it describes them, others generically", async () => {
    const pager = await ai().models.list();
    expect(pager.page.map((model) => [model.name, model.displayName])).toEqual([
      ["models/gemini-2.5-pro", "Gemini 2.5 Pro"],
      ["models/team-model", "team-model"],
    ]);
  });

  it("refuses a model not configured, on GET and on generateContent alike", async () => {
    const statusOf = async (run: () => Promise<unknown>) => {
      try {
        await run();
        return 200;
      } catch (error) {
        return error instanceof ApiError ? error.status : -1;
      }
    };
    expect(await statusOf(() => ai().models.get({ model: "gemini-2.5-flash" }))).toBe(404);
    expect(await statusOf(() => ai().models.generateContent({ model: "gemini-2.5-flash", contents: "hello" }))).toBe(
      404,
    );
    const answered = await ai().models.generateContent({ model: "team-model", contents: "hello" });
    expect(answered.text).toBe("Hi!");
  });
});

describe("ranges Google checks", () => {
  const refusal = async (model: string, generationConfig: Record<string, unknown>) => {
    const res = await fetch(`${listed.url}/v1beta/models/${model}:generateContent`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ contents: [{ parts: [{ text: "hello" }] }], generationConfig }),
    });
    return ((await res.json()) as any).error?.message;
  };

  it("holds maxOutputTokens to the model's output limit, and temperature and candidateCount to theirs", async () => {
    expect(await refusal("gemini-2.5-pro", { maxOutputTokens: 70_000 })).toBe(
      "Unable to submit request because it has a maxOutputTokens value of 70000 but the supported range is from 1 (inclusive) to 65537 (exclusive). Update the value and try again.",
    );
    expect(await refusal("team-model", { maxOutputTokens: 0 })).toMatch(
      /maxOutputTokens value of 0 .* to 65537 \(exclusive\)/,
    );
    expect(await refusal("team-model", { maxOutputTokens: 70_000 })).toBeUndefined();
    expect(await refusal("team-model", { temperature: 2.5 })).toMatch(
      /temperature value of 2.5 .* from 0 \(inclusive\) to 2.0001/,
    );
    expect(await refusal("team-model", { candidateCount: 9 })).toMatch(
      /candidateCount value of 9 .* from 1 \(inclusive\) to 9/,
    );
  });
});
