// Azure OpenAI's wire over raw HTTP: the api-version checks (before the body is read), the gateway's
// error bodies, the headers every answer carries, rate limits, the journal's and metrics' provider, and
// answers kept apart from OpenAI's by the memo.
import { createServer, type ServerInstance } from "understudy-llm/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpPost } from "./support/http.js";

const KEY = "azure-wire-key";
const CHAT = "/openai/deployments/gpt-4o/chat/completions";
const hello = { messages: [{ role: "user", content: "hello" }] };
const withKey = { "api-key": KEY };

let server: ServerInstance;
beforeAll(async () => {
  server = await createServer([{ match: { userMessage: "hello" }, response: { content: "Hi!" } }], { apiKeys: [KEY] });
});
afterAll(() => server.close());

const post = (path: string, body: unknown = hello, headers: Record<string, string> = withKey) =>
  httpPost(`${server.url}${path}`, body, headers);
const lastEntry = () => server.journal.all().at(-1)!;

describe("api-version on the dated API", () => {
  it("is required: without it Azure answers 404 Resource not found, before reading the body", async () => {
    // Not JSON at all: the refusal comes from the head, so the body is never parsed.
    const res = await fetch(`${server.url}${CHAT}`, {
      method: "POST",
      headers: { ...withKey, "content-type": "application/json" },
      body: "{not json",
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({ error: { code: "404", message: "Resource not found" } });
    expect(lastEntry()).toMatchObject({ provider: "azure", api: "chat.completions", status: 404 });
  });

  it("takes GA and preview dates, refuses anything else with 400 API version not supported", async () => {
    for (const version of ["2024-10-21", "2025-04-01-preview", "2024%2D10%2D21"])
      expect((await post(`${CHAT}?api-version=${version}`)).status, version).toBe(200);
    for (const version of ["v1", "2024-10-21x", "", "preview"]) {
      const res = await post(`${CHAT}?foo=1&api-version=${version}`);
      expect(res.status, version).toBe(400);
      expect(JSON.parse(res.body)).toEqual({ error: { code: "BadRequest", message: "API version not supported" } });
    }
  });

  it("is optional on the v1 API, which takes v1, preview and latest and refuses a dated version", async () => {
    const body = { model: "gpt-4o", ...hello };
    for (const query of ["", "?api-version=v1", "?api-version=preview", "?api-version=latest"])
      expect((await post(`/openai/v1/chat/completions${query}`, body)).status, query).toBe(200);
    const dated = await post("/openai/v1/chat/completions?api-version=2024-10-21", body);
    expect(dated.status).toBe(400);
    expect(JSON.parse(dated.body)).toEqual({ error: { code: "BadRequest", message: "API version not supported" } });
  });
});

describe("credentials and unknown URLs", () => {
  it("takes the key as api-key or as a Bearer token, and any of several presented", async () => {
    const path = `${CHAT}?api-version=2024-10-21`;
    expect((await post(path, hello, { authorization: `Bearer ${KEY}` })).status).toBe(200);
    expect((await post(path, hello, { "api-key": "stale", authorization: `Bearer ${KEY}` })).status).toBe(200);
    const none = await post(path, hello, {});
    expect(none.status).toBe(401);
    expect(JSON.parse(none.body).error.code).toBe("401");
    expect(JSON.parse(none.body).error.message).toMatch(/^Access denied due to invalid subscription key/);
  });

  it("answers an Azure URL no route serves with its 404, and a wrong method likewise", async () => {
    const images = await post("/openai/deployments/dall-e-3/images/generations?api-version=2024-10-21", {});
    expect(images.status).toBe(404);
    expect(JSON.parse(images.body)).toEqual({ error: { code: "404", message: "Resource not found" } });
    expect(images.headers["apim-request-id"]).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    const get = await fetch(`${server.url}${CHAT}?api-version=2024-10-21`, { headers: withKey });
    expect(get.status).toBe(404);
    expect(await get.json()).toEqual({ error: { code: "404", message: "Resource not found" } });
  });
});

describe("answer headers", () => {
  it("carry apim-request-id (the journal's id as a UUID), x-request-id (the id itself) and x-ms-region", async () => {
    const res = await post(`${CHAT}?api-version=2024-10-21`);
    const id = lastEntry().requestId;
    expect(id).toMatch(/^[0-9a-f]{32}$/);
    expect(res.headers["x-request-id"]).toBe(id);
    expect(res.headers["apim-request-id"]).toBe(
      `${id.slice(0, 8)}-${id.slice(8, 12)}-${id.slice(12, 16)}-${id.slice(16, 20)}-${id.slice(20)}`,
    );
    expect(res.headers["x-ms-client-request-id"]).toBe(res.headers["apim-request-id"]);
    expect(res.headers["x-ms-region"]).toBe("East US");
    expect(res.headers["openai-version"]).toBeUndefined();
    expect(res.headers["openai-processing-ms"]).toBeUndefined();
  });
});

describe("rate limits", () => {
  it("send Azure's x-ratelimit headers, and a 429 in the gateway's words with retry-after", async () => {
    const limited = await createServer([{ match: { userMessage: "hello" }, response: { content: "Hi!" } }], {
      rateLimit: { rpm: 2 },
    });
    try {
      const path = `${limited.url}${CHAT}?api-version=2024-10-21`;
      const first = await httpPost(path, hello);
      expect(first.status).toBe(200);
      expect(first.headers["x-ratelimit-limit-requests"]).toBe("2");
      expect(first.headers["x-ratelimit-remaining-requests"]).toBe("1");
      expect(first.headers["x-ratelimit-reset-requests"]).toMatch(/^\d+$/);
      await httpPost(path, hello);
      const refused = await httpPost(path, hello);
      expect(refused.status).toBe(429);
      const seconds = refused.headers["retry-after"];
      expect(Number(seconds)).toBeGreaterThanOrEqual(1);
      expect(refused.headers["x-ratelimit-remaining-requests"]).toBe("0");
      expect(JSON.parse(refused.body)).toEqual({
        error: {
          code: "429",
          message: `Requests to the ChatCompletions_Create Operation under Azure OpenAI API have exceeded call rate limit of your current OpenAI S0 pricing tier. Please retry after ${seconds} seconds. Please go here: https://aka.ms/oai/quotaincrease if you would like to further increase the default rate limit.`,
        },
      });
    } finally {
      await limited.close();
    }
  });
});

describe("Azure beside OpenAI", () => {
  it("keeps the same body's answers apart: OpenAI's headers on OpenAI's path, Azure's on Azure's, each deployment its own model", async () => {
    const body = { model: "gpt-4o", ...hello };
    for (let round = 0; round < 2; round++) {
      // The second round is answered from the memo: each answer must still be its own path's.
      const openai = await post("/v1/chat/completions", body, { authorization: `Bearer ${KEY}` });
      expect(openai.headers["x-request-id"]).toMatch(/^req_/);
      expect(openai.headers["apim-request-id"]).toBeUndefined();
      expect(lastEntry().provider).toBe("openai");
      const azure = await post(`${CHAT}?api-version=2024-10-21`, body);
      // apim-request-id is the journal's request id (x-request-id) written as a UUID.
      expect(azure.headers["apim-request-id"]).toMatch(
        /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
      );
      expect(String(azure.headers["apim-request-id"]).replaceAll("-", "")).toBe(lastEntry().requestId);
      expect(lastEntry().provider).toBe("azure");
      const other = await post("/openai/deployments/gpt-4o-mini/chat/completions?api-version=2024-10-21", body);
      expect([JSON.parse(azure.body).model, JSON.parse(other.body).model]).toEqual(["gpt-4o", "gpt-4o-mini"]);
      expect(JSON.parse(openai.body).choices[0].message.content).toBe("Hi!");
    }
  });

  it("labels Azure's requests provider=azure in metrics, under the OpenAI API's route name", async () => {
    const fresh = await createServer([{ match: { userMessage: "hello" }, response: { content: "Hi!" } }]);
    try {
      await httpPost(`${fresh.url}${CHAT}?api-version=2024-10-21`, hello);
      await httpPost(`${fresh.url}${CHAT}`, hello);
      await httpPost(`${fresh.url}/v1/chat/completions`, { model: "gpt-4o", ...hello });
      const text = await (await fetch(`${fresh.url}/metrics`)).text();
      expect(text).toContain(
        'understudy_requests_total{provider="azure",route="chat.completions",transport="http",status="200"} 1',
      );
      expect(text).toContain(
        'understudy_requests_total{provider="azure",route="chat.completions",transport="http",status="404"} 1',
      );
      expect(text).toContain(
        'understudy_requests_total{provider="openai",route="chat.completions",transport="http",status="200"} 1',
      );
    } finally {
      await fresh.close();
    }
  });
});
