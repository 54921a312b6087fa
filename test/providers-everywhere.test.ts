// One fixture set, every provider: the same fixtures, flows, fallback, timing headers, maxConcurrency,
// rate limits, journal and metrics apply on OpenAI's, Anthropic's, Gemini's and Azure's paths alike.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createServer, type ServerInstance } from "understudy-llm/server";
import { LLMock } from "understudy-llm";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { answerText, askProvider, PROVIDERS, sseEvents, type ProviderName } from "./support/providers.js";

const servers: ServerInstance[] = [];
const serve = async (...args: Parameters<typeof createServer>) => {
  const server = await createServer(...args);
  servers.push(server);
  return server;
};
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

const FIXTURES = [
  { match: { userMessage: "ping" }, response: { content: "pong, from the one fixture set" } },
  { match: { userMessage: "count", sequenceIndex: 0 }, response: { content: "first" } },
  { match: { userMessage: "count", sequenceIndex: 1 }, response: { content: "second" } },
];

describe.each(PROVIDERS)("on %s's wire", (provider: ProviderName) => {
  it("answers from the same fixture, as JSON and as a stream", async () => {
    const server = await serve(FIXTURES);
    const json = await askProvider(server.url, provider, { text: "ping" });
    expect(json.status).toBe(200);
    expect(answerText(provider, json)).toBe("pong, from the one fixture set");
    const stream = await askProvider(server.url, provider, { text: "ping", stream: true });
    expect(stream.status).toBe(200);
    expect(stream.headers["content-type"]).toMatch(/^text\/event-stream/);
    expect(sseEvents(stream.body).length).toBeGreaterThan(3);
    expect(answerText(provider, stream)).toBe("pong, from the one fixture set");
  });

  it("counts sequenceIndex across requests the same way", async () => {
    const server = await serve(FIXTURES);
    const first = await askProvider(server.url, provider, { text: "count" });
    const second = await askProvider(server.url, provider, { text: "count" });
    expect([answerText(provider, first), answerText(provider, second)]).toEqual(["first", "second"]);
  });

  it("records the provider in the journal, and labels its metrics with it", async () => {
    const server = await serve(FIXTURES);
    await askProvider(server.url, provider, { text: "ping" });
    const entry = server.journal.last();
    expect(entry).toMatchObject({ provider, status: 200, fixture: expect.stringContaining("ping") });
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(
      new RegExp(`understudy_requests_total\\{provider="${provider}",route="[^"]+",transport="http",status="200"\\} 1`),
    );
  });

  it("answers from a YAML flow file", async () => {
    const dir = mkdtempSync(join(tmpdir(), "understudy-flows-"));
    const file = join(dir, "flow.yaml");
    writeFileSync(
      file,
      [
        "responses:",
        "  - id: greeting",
        "    messages:",
        "      - role: user",
        "        content: Hello, how are you?",
        "      - role: assistant",
        "        content: Hello! I am doing well.",
        "",
      ].join("\n"),
    );
    const mock = new LLMock().loadFixtures(file);
    const url = await mock.start();
    try {
      const answer = await askProvider(url, provider, { text: "Hello, how are you?" });
      expect(answerText(provider, answer)).toBe("Hello! I am doing well.");
      expect(mock.requests.at(-1)).toMatchObject({ provider, fixture: expect.stringContaining("greeting") });
    } finally {
      await mock.stop();
    }
  });

  it("answers unmatched requests with the fallback when one is set", async () => {
    const server = await serve([], { fallback: "echo" });
    const answer = await askProvider(server.url, provider, { text: "say this back" });
    expect(answer.status).toBe(200);
    expect(answerText(provider, answer)).toBe("say this back");
  });

  it("waits the ttft a request's timing header asks for before the first token", async () => {
    const server = await serve(FIXTURES);
    const started = performance.now();
    const answer = await askProvider(server.url, provider, {
      text: "ping",
      stream: true,
      headers: { "x-understudy-ttft": "150" },
    });
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(answerText(provider, answer)).toBe("pong, from the one fixture set");
  });

  it("queues a second answer under maxConcurrency 1 and says how long it waited", async () => {
    const server = await serve(FIXTURES, { maxConcurrency: 1, timing: { ttft: 120 } });
    const [first, second] = await Promise.all([
      askProvider(server.url, provider, { text: "ping", stream: true }),
      askProvider(server.url, provider, { text: "ping", stream: true }),
    ]);
    const waits = [first, second].map((answer) => Number(answer.headers["x-understudy-queue-ms"] ?? 0));
    expect(Math.max(...waits)).toBeGreaterThanOrEqual(80);
    expect(answerText(provider, second)).toBe("pong, from the one fixture set");
  });

  it("refuses past a rate limit with its provider's 429 and retry-after", async () => {
    const server = await serve(FIXTURES, { rateLimit: { rpm: 1 }, apiKeys: ["k-1"] });
    const first = await askProvider(server.url, provider, { text: "ping", key: "k-1" });
    expect(first.status).toBe(200);
    const refused = await askProvider(server.url, provider, { text: "ping", key: "k-1" });
    expect(refused.status).toBe(429);
    // Gemini says when to retry in the body (a RetryInfo detail, which @google/genai reads), the others in a header.
    const retry =
      provider === "gemini"
        ? Number.parseFloat(JSON.parse(refused.body).error.details.find((d: any) => d.retryDelay).retryDelay)
        : Number(refused.headers["retry-after"]);
    expect(retry).toBeGreaterThan(0);
    expect(server.journal.last()).toMatchObject({ provider, status: 429 });
  });

  it("refuses a request with a key the server does not know, as its provider does", async () => {
    const server = await serve(FIXTURES, { apiKeys: ["k-1"] });
    expect((await askProvider(server.url, provider, { text: "ping", key: "k-1" })).status).toBe(200);
    const refused = await askProvider(server.url, provider, { text: "ping", key: "wrong" });
    // Gemini answers an invalid key with 400 INVALID_ARGUMENT (reason API_KEY_INVALID); the others with 401.
    expect(refused.status).toBe(provider === "gemini" ? 400 : 401);
    expect(JSON.parse(refused.body)).toHaveProperty("error");
  });
});

afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
});
