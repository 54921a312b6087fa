// Requests that once crashed, froze or starved the server: malformed escapes in paths, long unbroken
// text, exceptions inside the pipeline on the WebSocket, and a large request in flight beside others.
import { connect } from "node:net";
import { encode } from "gpt-tokenizer/encoding/o200k_base";
import OpenAI from "openai";
import { createServer, type ServerInstance } from "understudy-llm/server";
import WebSocket from "ws";
import { afterEach, describe, expect, it, vi } from "vitest";
import { promptTokens } from "./support/tokens.js";

const MODEL = "gpt-4o-mini";
const open: ServerInstance[] = [];
afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function serve(...args: Parameters<typeof createServer>): Promise<ServerInstance> {
  const server = await createServer(...args);
  open.push(server);
  return server;
}

// Wire bodies, checked by value rather than by type.
const json = (res: Response): Promise<any> => res.json();
const sdk = (server: ServerInstance) => new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "sk-test", maxRetries: 0 });
const chat = (server: ServerInstance, content: string) =>
  fetch(`${server.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: MODEL, messages: [{ role: "user", content }] }),
  });

async function healthy(server: ServerInstance): Promise<void> {
  const res = await fetch(`${server.url}/health`);
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ status: "ok" });
}

/** The latency of each GET /health sent, one after another, while `pending` is in flight (at least one). */
async function healthLatenciesUntil(server: ServerInstance, pending: Promise<unknown>): Promise<number[]> {
  const latencies: number[] = [];
  let settled = false;
  void pending.finally(() => (settled = true));
  await new Promise((resolve) => setTimeout(resolve, 100));
  while (!settled && latencies.length < 500) {
    const sent = performance.now();
    await healthy(server);
    latencies.push(performance.now() - sent);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  expect(latencies.length).toBeGreaterThan(3);
  return latencies;
}

describe("malformed percent-escapes in a path", () => {
  it.each([
    ["GET", "/v1/responses/%ZZ", "%ZZ"],
    ["DELETE", "/v1/responses/%", "%"],
    ["GET", "/v1/responses/%C0%AF/input_items", "%C0%AF"],
  ])("%s %s answers 404 for the id as sent, and the server keeps serving", async (method, path, id) => {
    const server = await serve([]);
    const res = await fetch(`${server.url}${path}`, { method });
    expect(res.status).toBe(404);
    expect((await json(res)).error.message).toContain(id);
    await healthy(server);
  });

  it("GET /v1/models/%E0%A4%A answers for the id as sent, and the server keeps serving", async () => {
    const server = await serve([]);
    const res = await fetch(`${server.url}/v1/models/%E0%A4%A`);
    expect(res.status).toBe(200);
    expect((await json(res)).id).toBe("%E0%A4%A");
    await healthy(server);
  });
});

describe("CONNECT, which asks for a tunnel", () => {
  it("gets a 404 and a closed connection instead of a connection dropped unanswered", async () => {
    const server = await serve([]);
    const { port } = new URL(server.url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), "127.0.0.1", () =>
        socket.write("CONNECT /health HTTP/1.1\r\nHost: x\r\n\r\n"),
      );
      let text = "";
      socket.on("data", (chunk) => (text += chunk.toString()));
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    expect(answer.split("\r\n")[0]).toBe("HTTP/1.1 404 Not Found");
    expect(JSON.parse(answer.slice(answer.indexOf("\r\n\r\n") + 4)).error.message).toBe(
      "Invalid URL (CONNECT /health)",
    );
    await healthy(server);
  });
});

describe("long unbroken text is counted exactly, in time proportional to its length", () => {
  it("counts 12,000 letters without a space exactly as gpt-tokenizer does", async () => {
    const server = await serve([{ match: { userMessage: "a" }, response: { content: "ok" } }]);
    const text = "a".repeat(8_000) + "漢字".repeat(2_000);
    const completion = await sdk(server).chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: text }],
    });
    expect(completion.usage?.prompt_tokens).toBe(promptTokens(MODEL, [{ role: "user", content: text }]));
    expect(encode(text).length).toBeGreaterThan(3_000);
  });

  it("answers 400,000 letters without a space in well under a second, with the count the merge order gives", async () => {
    const server = await serve([{ match: { userMessage: "a" }, response: { content: "ok" } }]);
    const started = performance.now();
    const completion = await sdk(server).chat.completions.create({
      model: MODEL,
      messages: [{ role: "user", content: "a".repeat(400_000) }],
    });
    // o200k_base merges a run of "a" into tokens of eight: 50,000 of them, plus the message framing.
    expect(completion.usage?.prompt_tokens).toBe(50_000 + 3 + 3 + 1);
    expect(performance.now() - started).toBeLessThan(3_000);
  });
});

describe("a large or pathological request does not starve other clients", () => {
  it("answers GET /health within 200 ms while a 5.5 MB body of unbroken text is counted", async () => {
    const server = await serve([{ match: { userMessage: "x" }, response: { content: "done" } }]);
    // Three kinds of run the tokenizer's pattern does not break (letters, CJK, spaces): 5.5 MB in all.
    const content = `${"x".repeat(2_000_000) + "漢字仮名".repeat(125_000) + " ".repeat(2_000_000)}x`;
    const big = chat(server, content).then(async (res) => ({ status: res.status, body: await json(res) }));
    const latencies = await healthLatenciesUntil(server, big);
    const answer = await big;
    expect(answer.status).toBe(200);
    expect(answer.body.choices[0].message.content).toBe("done");
    expect(answer.body.usage.prompt_tokens).toBeGreaterThan(500_000);
    // The health checks ran while the big request was in flight, and every one was answered quickly.
    expect(Math.max(...latencies)).toBeLessThan(200);
  }, 60_000);

  it("answers GET /health within 200 ms while 1.2 MB of unbroken embeddings input is counted", async () => {
    const server = await serve([]);
    // 60 inputs of 20,000 letters, each under 8,192 tokens in cl100k_base; 455,000 in all (gpt-tokenizer's
    // own count, which takes it 4 s).
    const input = Array.from({ length: 60 }, (_, i) => String.fromCharCode(97 + (i % 26)).repeat(20_000));
    const big = fetch(`${server.url}/v1/embeddings`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "text-embedding-3-small", input }),
    }).then(async (res) => ({ status: res.status, body: await json(res) }));
    const latencies = await healthLatenciesUntil(server, big);
    const answer = await big;
    // Counted in full, then refused as OpenAI does: over its 300,000 tokens per request.
    expect(answer.status).toBe(400);
    expect(answer.body.error.message).toBe("Requested 455000 tokens, max 300000 tokens per request");
    expect(Math.max(...latencies)).toBeLessThan(200);
  }, 60_000);

  it("a client that leaves while its large prompt is counted stops the work, and the server keeps serving", async () => {
    const server = await serve([{ match: { userMessage: "x" }, response: { content: "done" } }]);
    const controller = new AbortController();
    const body = JSON.stringify({ model: MODEL, messages: [{ role: "user", content: "x".repeat(8_000_000) }] });
    const sent = fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body,
      signal: controller.signal,
    });
    await new Promise((resolve) => setTimeout(resolve, 400));
    controller.abort();
    await expect(sent).rejects.toThrow();
    await vi.waitFor(() => expect(server.journal.all().at(-1)?.interrupted).toBe(true), { timeout: 10_000 });
    await healthy(server);
  }, 30_000);
});

describe("an exception inside the pipeline on the WebSocket", () => {
  const wsUrl = (server: ServerInstance) => `${server.url.replace(/^http/, "ws")}/v1/responses`;

  async function exchange(ws: WebSocket, frame: object): Promise<Record<string, unknown>> {
    const reply = new Promise<Record<string, unknown>>((resolve) =>
      ws.once("message", (data) => resolve(JSON.parse(String(data)))),
    );
    ws.send(JSON.stringify(frame));
    return reply;
  }

  it("answers a 500 error frame, reports it once on stderr, and the connection and server keep serving", async () => {
    const stderr = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const server = await serve([
      {
        match: {
          userMessage: "explode",
          predicate: () => {
            throw new Error("predicate exploded");
          },
        },
        response: { content: "never" },
      },
      { match: { userMessage: "hello" }, response: { content: "still here" } },
    ]);
    const ws = new WebSocket(wsUrl(server));
    await new Promise((resolve) => ws.once("open", resolve));
    const failed = await exchange(ws, { type: "response.create", model: MODEL, input: "explode" });
    expect(failed).toMatchObject({
      type: "error",
      status: 500,
      error: { type: "server_error", message: "Internal error in Understudy: predicate exploded" },
    });
    expect(stderr.mock.calls.filter(([line]) => String(line).includes("predicate exploded"))).toHaveLength(1);
    const events: string[] = [];
    const done = new Promise<void>((resolve) =>
      ws.on("message", (data) => {
        const event = JSON.parse(String(data)) as { type: string };
        events.push(event.type);
        if (event.type === "response.completed") resolve();
      }),
    );
    ws.send(JSON.stringify({ type: "response.create", model: MODEL, input: "hello" }));
    await done;
    expect(events[0]).toBe("response.created");
    expect(server.journal.all().map((entry) => entry.status)).toEqual([500, 200]);
    ws.close();
    await healthy(server);
  });

  it("an onExchange listener that throws is reported, and the WebSocket answer is still journalled once", async () => {
    const stderr = vi.spyOn(console, "error").mockImplementation(() => undefined);
    const server = await serve([{ match: { userMessage: "hello" }, response: { content: "hi" } }], {
      onExchange: () => {
        throw new Error("listener broke");
      },
    });
    const ws = new WebSocket(wsUrl(server));
    await new Promise((resolve) => ws.once("open", resolve));
    const completed = new Promise<void>((resolve) =>
      ws.on("message", (data) => JSON.parse(String(data)).type === "response.completed" && resolve()),
    );
    ws.send(JSON.stringify({ type: "response.create", model: MODEL, input: "hello" }));
    await completed;
    await vi.waitFor(() =>
      expect(stderr.mock.calls.some(([line]) => String(line).includes("listener broke"))).toBe(true),
    );
    expect(server.journal.all()).toHaveLength(1);
    ws.close();
    await healthy(server);
  });

  it("refuses a 33rd named lane on one connection: at most 32", async () => {
    const server = await serve([{ match: { userMessage: "hello" }, response: { content: "hi" } }], {
      timing: { ttft: 2_000 },
    });
    const ws = new WebSocket(wsUrl(server));
    await new Promise((resolve) => ws.once("open", resolve));
    const errors: Record<string, unknown>[] = [];
    ws.on("message", (data) => {
      const event = JSON.parse(String(data)) as Record<string, unknown>;
      if (event.type === "error") errors.push(event);
    });
    for (let lane = 0; lane < 33; lane++)
      ws.send(JSON.stringify({ type: "response.create", model: MODEL, input: "hello", stream_id: `lane-${lane}` }));
    await vi.waitFor(() => expect(errors).toHaveLength(1));
    expect(errors[0]).toMatchObject({
      stream_id: "lane-32",
      error: { code: "websocket_stream_limit_reached", message: "At most 32 lanes may be active on one connection." },
    });
    ws.terminate();
  });
});
