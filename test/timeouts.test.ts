// The server's headers, request (body) and idle keep-alive timeouts, over real sockets: what a slow or
// stalled client gets and when, that answers are never cut by them, their defaults and their checks.
import OpenAI from "openai";
import { LLMock } from "understudy-llm";
import { createServer, type ServerInstance, type ServerOptions } from "understudy-llm/server";
import WebSocket from "ws";
import { afterEach, describe, expect, it } from "vitest";
import { connectRaw, parseRaw, sendRaw, sleep } from "./support/raw-socket.js";

const LONG = Array.from({ length: 20 }, (_, i) => `word${i}`).join(" ");
const FIXTURES = [
  { match: { userMessage: "hi" }, response: { content: "hello" } },
  // 0.6 s before the first token, then 30 ms between tokens: 1.2 s, longer than every timeout below.
  { match: { userMessage: "long" }, response: { content: LONG }, timing: { ttft: 600, itl: 30 } },
];
const SHORT: ServerOptions = { headersTimeout: 300, requestTimeout: 300, keepAliveTimeout: 300 };
const TIMED_OUT = "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n";
/** How late past its deadline a connection may be closed: a tenth of the deadline, and a loaded CI machine. */
const SLACK_MS = 400;

const open: ServerInstance[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function serve(options: ServerOptions = {}): Promise<ServerInstance> {
  const server = await createServer(FIXTURES, options);
  open.push(server);
  return server;
}

const chatBody = (content: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content }], ...extra });
const postHead = (url: string, length: number) =>
  `POST /v1/chat/completions HTTP/1.1\r\nHost: ${new URL(url).host}\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`;

/** The server still answers a whole request. */
async function expectServing(server: ServerInstance): Promise<void> {
  const res = await fetch(`${server.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: chatBody("hi"),
  });
  expect(res.status).toBe(200);
  expect(((await res.json()) as { choices: { message: { content: string } }[] }).choices[0].message.content).toBe(
    "hello",
  );
}

describe("a client that is too slow", () => {
  it("whose body stalls gets 408 and a closed connection at requestTimeout, journalled as 408", async () => {
    const server = await serve({ headersTimeout: 200, requestTimeout: 300 });
    const body = chatBody("hi");
    const connection = await connectRaw(server.url);
    connection.socket.write(postHead(server.url, body.length) + body.slice(0, 10));
    const { afterMs, data } = await connection.closed;
    expect(data).toBe(TIMED_OUT);
    expect(afterMs).toBeGreaterThanOrEqual(290);
    expect(afterMs).toBeLessThan(300 + SLACK_MS);
    expect(server.journal.all().map((e) => [e.status, e.error])).toEqual([
      [408, "Request timed out: the request body did not arrive within the server's requestTimeout."],
    ]);
    await expectServing(server);
  });

  it("whose body comes slowly but within requestTimeout is answered", async () => {
    const server = await serve({ requestTimeout: 1000 });
    const body = chatBody("hi", { stream: false });
    const connection = await connectRaw(server.url);
    connection.socket.write(postHead(server.url, body.length).replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n"));
    for (let i = 0; i < body.length; i += 20) {
      connection.socket.write(body.slice(i, i + 20));
      await sleep(60);
    }
    const { status, body: answer } = parseRaw((await connection.closed).data);
    expect(status).toBe(200);
    expect(JSON.parse(answer).choices[0].message.content).toBe("hello");
  });

  it("dripping its headers gets 408 at headersTimeout, before requestTimeout", async () => {
    const server = await serve({ headersTimeout: 300, requestTimeout: 2000 });
    const connection = await connectRaw(server.url);
    connection.socket.write(`POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\n`);
    const drip = setInterval(() => connection.socket.writable && connection.socket.write("X-Slow: 1\r\n"), 50);
    const { afterMs, data } = await connection.closed.finally(() => clearInterval(drip));
    expect(data).toBe(TIMED_OUT);
    expect(afterMs).toBeGreaterThanOrEqual(290);
    expect(afterMs).toBeLessThan(300 + SLACK_MS);
    await expectServing(server);
  });

  it("that connects and sends nothing is closed at headersTimeout", async () => {
    const server = await serve(SHORT);
    const { afterMs, data } = await (await connectRaw(server.url)).closed;
    expect(data).toBe(TIMED_OUT);
    expect(afterMs).toBeLessThan(300 + SLACK_MS);
    await expectServing(server);
  });
});

describe("an idle keep-alive connection", () => {
  it("is closed after keepAliveTimeout (node 20 adds up to 1 s of grace to the socket's timer)", async () => {
    const server = await serve(SHORT);
    const connection = await connectRaw(server.url);
    connection.socket.write(`GET /health HTTP/1.1\r\nHost: x\r\n\r\n`);
    for (let i = 0; i < 50 && !connection.received().includes("\r\n\r\n"); i++) await sleep(10);
    const answered = performance.now();
    expect(connection.received()).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*Connection: keep-alive\r\n/);
    await connection.closed;
    const idleMs = performance.now() - answered;
    expect(idleMs).toBeGreaterThanOrEqual(290);
    expect(idleMs).toBeLessThan(300 + 1000 + SLACK_MS);
    await expectServing(server);
  });

  it("is kept 65 s by default, and the answer advertises it", async () => {
    const server = await serve();
    const connection = await connectRaw(server.url);
    connection.socket.write(`GET /health HTTP/1.1\r\nHost: x\r\n\r\n`);
    await sleep(400);
    expect(connection.received()).toContain("\r\nKeep-Alive: timeout=65\r\n");
    // Still open: a second request on it is answered.
    connection.socket.end(`GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`);
    const { data } = await connection.closed;
    expect(data.match(/HTTP\/1\.1 200 OK/g)).toHaveLength(2);
  });
});

describe("answers that take longer than every timeout", () => {
  it("a paced stream (0.6 s to the first token, 1.2 s in all) runs to its end", async () => {
    const server = await serve(SHORT);
    const client = new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "sk-test", maxRetries: 0 });
    const started = performance.now();
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "long" }],
      stream: true,
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe(LONG);
    expect(performance.now() - started).toBeGreaterThan(1000);
    expect(server.journal.all().map((e) => [e.status, e.interrupted])).toEqual([[200, false]]);
  });

  it("a non-streamed answer held back 1.2 s by its timing arrives whole", async () => {
    const server = await serve(SHORT);
    const raw = await sendRaw(
      server.url,
      postHead(server.url, chatBody("long").length).replace("\r\n\r\n", "\r\nConnection: close\r\n\r\n") +
        chatBody("long"),
    );
    const { status, body } = parseRaw(raw);
    expect(status).toBe(200);
    expect(JSON.parse(body).choices[0].message.content).toBe(LONG);
  });

  it("a WebSocket connection idle for longer than every timeout still answers", async () => {
    const server = await serve(SHORT);
    const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}/v1/responses`);
    await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
    // Past the keep-alive timer and its grace (1.3 s), which an upgraded socket no longer has.
    await sleep(1500);
    const completed = new Promise<any>((resolve) =>
      ws.on("message", (data) => {
        const frame = JSON.parse(String(data));
        if (frame.type === "response.completed") resolve(frame);
      }),
    );
    ws.send(JSON.stringify({ type: "response.create", model: "gpt-4o-mini", input: "hi" }));
    expect((await completed).response.output[0].content[0].text).toBe("hello");
    ws.close();
  });
});

describe("timeout options", () => {
  it("default to 10 s for headers, 30 s for a request and 65 s of keep-alive, swept every second", async () => {
    const { server } = await serve();
    expect([server.headersTimeout, server.requestTimeout, server.keepAliveTimeout]).toEqual([10_000, 30_000, 65_000]);
    // node's own sweep is every 30 s, which would let a stalled body stay up to 60 s.
    expect((server as unknown as { connectionsCheckingInterval: number }).connectionsCheckingInterval).toBe(1000);
  });

  it("let a default give way to a value set: headers within a shorter request, a request beyond longer headers", async () => {
    const shorter = (await serve({ requestTimeout: 4000 })).server;
    expect([shorter.headersTimeout, shorter.requestTimeout]).toEqual([4000, 4000]);
    const longer = (await serve({ headersTimeout: 45_000 })).server;
    expect([longer.headersTimeout, longer.requestTimeout]).toEqual([45_000, 45_000]);
    const none = (await serve({ requestTimeout: 0, keepAliveTimeout: 0 })).server;
    expect([none.headersTimeout, none.requestTimeout, none.keepAliveTimeout]).toEqual([10_000, 0, 0]);
  });

  it.each([
    [
      { requestTimeout: -1 },
      "createServer options.requestTimeout must be an integer number of milliseconds from 0 (no limit) to 86400000, got -1",
    ],
    [
      { headersTimeout: 1.5 },
      "createServer options.headersTimeout must be an integer number of milliseconds from 0 (no limit) to 86400000, got 1.5",
    ],
    [
      { keepAliveTimeout: "5000" as unknown as number },
      "createServer options.keepAliveTimeout must be an integer number of milliseconds from 0 (no limit) to 86400000, got 5000",
    ],
    [
      { keepAliveTimeout: 2 ** 31 },
      "createServer options.keepAliveTimeout must be an integer number of milliseconds from 0 (no limit) to 86400000, got 2147483648",
    ],
    [
      { headersTimeout: 5000, requestTimeout: 1000 },
      "createServer options.headersTimeout (5000) must not exceed createServer options.requestTimeout (1000): a request's time includes its headers'",
    ],
  ])("refuses %j with a message naming the option", async (options, message) => {
    await expect(createServer([], options)).rejects.toThrow(message);
    const mock = new LLMock(options);
    await expect(mock.start()).rejects.toThrow(message);
  });
});
