// The timing model from the outside: time to first token, inter-token gaps, prefill, per-fixture and
// per-request timing, non-streaming total time, maxConcurrency queueing, disconnects and paused readers.
import { request, type IncomingMessage } from "node:http";
import { answerDuration, resolveTiming, seededRandom, tokenTimes } from "../src/core/timing.js";
import { createServer, type ServerInstance, type ServerOptions } from "understudy-llm/server";
import WebSocket from "ws";
import { afterEach, describe, expect, it } from "vitest";

const MODEL = "gpt-4o-mini";
/** 12 tokens in o200k_base: one content chunk each. */
const TWELVE = "one two three four five six seven eight nine ten eleven twelve";
const open: ServerInstance[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function serve(
  options: ServerOptions = {},
  fixtures: Parameters<typeof createServer>[0] = [],
): Promise<ServerInstance> {
  const server = await createServer(
    [
      ...fixtures,
      { match: { userMessage: "count" }, response: { content: TWELVE } },
      { match: { userMessage: "empty" }, response: { content: "" } },
    ],
    options,
  );
  open.push(server);
  return server;
}

const chat = (content: string, extra: Record<string, unknown> = {}) => ({
  model: MODEL,
  messages: [{ role: "user", content }],
  ...extra,
});

interface TimedStream {
  status: number;
  headers: IncomingMessage["headers"];
  /** ms from sending the request to each non-empty content delta's arrival. */
  tokenTimes: number[];
  text: string;
}

/** Streams a chat completion over raw HTTP and timestamps every content delta as it arrives. */
function timedStream(
  server: ServerInstance,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<TimedStream> {
  return new Promise((resolve, reject) => {
    const sent = performance.now();
    const req = request(
      `${server.url}/v1/chat/completions`,
      { method: "POST", headers: { "content-type": "application/json", ...headers } },
      (res) => {
        const times: number[] = [];
        let buffered = "";
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => {
          const now = performance.now() - sent;
          buffered += chunk;
          let end: number;
          while ((end = buffered.indexOf("\n\n")) >= 0) {
            const block = buffered.slice(0, end);
            buffered = buffered.slice(end + 2);
            if (!block.startsWith("data: {")) continue;
            const piece = JSON.parse(block.slice(6)).choices[0]?.delta?.content;
            if (piece) {
              times.push(now);
              text += piece;
            }
          }
        });
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, tokenTimes: times, text }));
      },
    );
    req.on("error", reject);
    req.end(JSON.stringify({ ...(body as object), stream: true }));
  });
}

const gaps = (times: number[]): number[] => times.slice(1).map((t, i) => t - times[i]);
const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function timedJson(server: ServerInstance, body: unknown, headers: Record<string, string> = {}) {
  const sent = performance.now();
  const res = await fetch(`${server.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(body),
  });
  const json = (await res.json()) as any;
  return { res, json, ms: performance.now() - sent };
}

describe("streamed timing", () => {
  it("keeps every stream's bytes its own when many paced streams share the chunk encoder", async () => {
    const server = await serve({ timing: { ttft: 5, itl: 2 } });
    const bodies = await Promise.all(
      Array.from({ length: 60 }, () =>
        fetch(`${server.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify(chat("count", { stream: true })),
        }).then((r) => r.text()),
      ),
    );
    const ids = new Set<string>();
    for (const body of bodies) {
      const chunks = body
        .split("\n\n")
        .filter((block) => block.startsWith("data: {"))
        .map((block) => JSON.parse(block.slice(6)));
      expect(chunks.map((c) => c.choices[0]?.delta?.content ?? "").join("")).toBe(TWELVE);
      expect(new Set(chunks.map((c) => c.id)).size).toBe(1);
      ids.add(chunks[0].id);
      expect(body.endsWith("data: [DONE]\n\n")).toBe(true);
    }
    expect(ids.size).toBe(60);
  });

  it("sends the first content token after ttft and the rest one inter-token gap apart", async () => {
    const server = await serve({ timing: { ttft: 150, itl: 25 } });
    const stream = await timedStream(server, chat("count"));
    expect(stream.text).toBe(TWELVE);
    expect(stream.tokenTimes).toHaveLength(12);
    expect(stream.tokenTimes[0]).toBeGreaterThanOrEqual(148);
    expect(stream.tokenTimes[0]).toBeLessThan(220);
    expect(median(gaps(stream.tokenTimes))).toBeGreaterThanOrEqual(22);
    expect(median(gaps(stream.tokenTimes))).toBeLessThan(32);
    // The whole stream: ttft plus 11 gaps.
    expect(stream.tokenTimes[11]).toBeGreaterThanOrEqual(148 + 11 * 25 - 5);
  });

  it("moves the rest of a stream that fell behind, keeping its gaps, instead of bursting the overdue tokens", async () => {
    const server = await serve({ timing: { ttft: 10, itl: 30 } });
    const pending = timedStream(server, chat("count"));
    // The server shares this process: blocking it for 200 ms once a few tokens are out holds the stream
    // back by about six tokens' time.
    await new Promise((resolve) => setTimeout(resolve, 10 + 2 * 30 + 10));
    const until = performance.now() + 200;
    while (performance.now() < until);
    const stream = await pending;
    expect(stream.text).toBe(TWELVE);
    const all = gaps(stream.tokenTimes);
    const stall = all.findIndex((gap) => gap >= 150);
    // The stall shows once, as one long gap; the tokens after it come one inter-token gap apart.
    expect(stall).toBeGreaterThanOrEqual(0);
    expect(all.slice(stall + 1).filter((gap) => gap < 10)).toEqual([]);
    expect(stream.tokenTimes[11]).toBeGreaterThanOrEqual(10 + 11 * 30 + 150);
  });

  it("takes tps as tokens per second (tps 50: 20 ms gaps)", async () => {
    const server = await serve({ timing: { tps: 50 } });
    const stream = await timedStream(server, chat("count"));
    expect(median(gaps(stream.tokenTimes))).toBeGreaterThanOrEqual(18);
    expect(median(gaps(stream.tokenTimes))).toBeLessThan(26);
  });

  it("sends the stream's opening chunk at once, before the first token is due", async () => {
    const server = await serve({ timing: { ttft: 300 } });
    const sent = performance.now();
    const firstBytes = await new Promise<{ ms: number; chunk: string }>((resolve, reject) => {
      const req = request(
        `${server.url}/v1/chat/completions`,
        { method: "POST", headers: { "content-type": "application/json" } },
        (res) => {
          res.setEncoding("utf8");
          res.once("data", (chunk: string) => {
            resolve({ ms: performance.now() - sent, chunk });
            res.destroy();
          });
        },
      );
      req.on("error", reject);
      req.end(JSON.stringify(chat("count", { stream: true })));
    });
    expect(firstBytes.ms).toBeLessThan(150);
    expect(JSON.parse(firstBytes.chunk.slice(6, firstBytes.chunk.indexOf("\n\n"))).choices[0].delta).toEqual({
      role: "assistant",
      content: "",
      refusal: null,
    });
  });

  it("adds prefill per prompt token to the time to first token", async () => {
    const server = await serve({ timing: { ttft: 20, prefillPerToken: 0.5 } });
    const short = await timedStream(server, chat("count"));
    const long = await timedStream(server, chat(`count ${"lorem ".repeat(400)}`));
    // About 400 more prompt tokens at 0.5 ms each: 200 ms later.
    expect(long.tokenTimes[0] - short.tokenTimes[0]).toBeGreaterThan(170);
    expect(long.tokenTimes[0] - short.tokenTimes[0]).toBeLessThan(300);
  });

  it("lets a fixture's timing win over the server's, and a request's headers over both", async () => {
    const server = await serve({ timing: { ttft: 400 } }, [
      { match: { userMessage: "quick" }, response: { content: "fast answer" }, timing: { ttft: 10 } },
    ]);
    const fixtureFast = await timedStream(server, chat("quick"));
    expect(fixtureFast.tokenTimes[0]).toBeLessThan(150);
    const headerFast = await timedStream(server, chat("count"), { "x-understudy-ttft": "0", "x-understudy-itl": "0" });
    expect(headerFast.tokenTimes[11]).toBeLessThan(150);
    const headerSlow = await timedStream(server, chat("quick"), { "x-understudy-ttft": "250" });
    expect(headerSlow.tokenTimes[0]).toBeGreaterThanOrEqual(245);
  });

  it("sends a reply without content tokens (empty content) at the time to first token", async () => {
    const server = await serve({ timing: { ttft: 120 } });
    const sent = performance.now();
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(chat("empty", { stream: true })),
    });
    const body = await res.text();
    expect(performance.now() - sent).toBeGreaterThanOrEqual(115);
    expect(body.endsWith("data: [DONE]\n\n")).toBe(true);
  });

  it("refuses a malformed timing header with a 400 naming it", async () => {
    const server = await serve();
    const res = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-understudy-tps": "fast" },
      body: JSON.stringify(chat("count")),
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error).toMatchObject({
      message: "Invalid x-understudy-tps header: expected a number of tokens per second from 0 to 3600000, got 'fast'.",
      type: "invalid_request_error",
      code: "invalid_header",
    });
  });

  it("paces Responses API streams over the WebSocket too", async () => {
    const server = await serve({ timing: { ttft: 100, itl: 20 } });
    const ws = new WebSocket(`${server.url.replace("http", "ws")}/v1/responses`);
    await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
    const sent = performance.now();
    const deltas: number[] = [];
    await new Promise<void>((resolve) => {
      ws.on("message", (data) => {
        const event = JSON.parse(String(data));
        if (event.type === "response.output_text.delta") deltas.push(performance.now() - sent);
        if (event.type === "response.completed") resolve();
      });
      ws.send(JSON.stringify({ type: "response.create", model: MODEL, input: "count" }));
    });
    ws.close();
    expect(deltas).toHaveLength(12);
    expect(deltas[0]).toBeGreaterThanOrEqual(95);
    expect(median(gaps(deltas))).toBeGreaterThanOrEqual(17);
    expect(median(gaps(deltas))).toBeLessThan(28);
  });
});

describe("non-streaming timing", () => {
  it("answers after the time the stream would have taken", async () => {
    const server = await serve({ timing: { ttft: 100, itl: 10 } });
    const { json, ms } = await timedJson(server, chat("count"));
    expect(json.choices[0].message.content).toBe(TWELVE);
    // ttft + 11 gaps = 210 ms.
    expect(ms).toBeGreaterThanOrEqual(205);
    expect(ms).toBeLessThan(330);
  });

  it("answers at once in zero-latency mode (the default)", async () => {
    const server = await serve();
    const { ms } = await timedJson(server, chat("count"));
    expect(ms).toBeLessThan(100);
  });
});

describe("maxConcurrency", () => {
  it("queues requests beyond the limit in arrival order and reports the wait", async () => {
    const server = await serve({ maxConcurrency: 2, timing: { ttft: 150 } });
    const answers = await Promise.all([0, 1, 2, 3].map(() => timedJson(server, chat("empty"))));
    const waits = answers.map(({ res }) => Number(res.headers.get("x-understudy-queue-ms"))).sort((a, b) => a - b);
    expect(waits[0]).toBeLessThan(50);
    expect(waits[1]).toBeLessThan(50);
    expect(waits[2]).toBeGreaterThanOrEqual(140);
    expect(waits[3]).toBeGreaterThanOrEqual(140);
    const journalWaits = server.journal
      .all()
      .map((entry) => entry.queuedMs ?? -1)
      .sort((a, b) => a - b);
    expect(journalWaits.filter((ms) => ms >= 140)).toHaveLength(2);
    expect(Math.max(...answers.map((a) => a.ms))).toBeGreaterThanOrEqual(295);
  });

  it("does not queue errors: an unmatched request is answered at once", async () => {
    const server = await serve({ maxConcurrency: 1, timing: { ttft: 300 } });
    const slow = timedJson(server, chat("count"));
    const unmatched = await timedJson(server, chat("nothing matches this"));
    expect(unmatched.res.status).toBe(400);
    expect(unmatched.ms).toBeLessThan(150);
    await slow;
  });

  it("rejects a limit that is not a positive integer", async () => {
    await expect(createServer([], { maxConcurrency: 0 })).rejects.toThrow(
      "createServer options.maxConcurrency must be an integer >= 1, got 0",
    );
    await expect(createServer([], { timing: { ttft: -5 } })).rejects.toThrow(
      "createServer options.timing.ttft: expected a number >= 0, got -5",
    );
  });
});

describe("disconnects and backpressure", () => {
  it("stops a paced stream when the client goes away and records it as interrupted", async () => {
    const server = await serve({ timing: { ttft: 20, itl: 30 } });
    await new Promise<void>((resolve, reject) => {
      const req = request(
        `${server.url}/v1/chat/completions`,
        { method: "POST", headers: { "content-type": "application/json" } },
        (res) => {
          let tokens = 0;
          res.on("data", (chunk: Buffer) => {
            if (chunk.includes('"content":"') && ++tokens === 3) {
              req.destroy();
              resolve();
            }
          });
        },
      );
      req.on("error", () => undefined);
      req.end(JSON.stringify(chat("count", { stream: true })));
      setTimeout(() => reject(new Error("no tokens")), 2000);
    });
    await new Promise((r) => setTimeout(r, 100));
    const [entry] = server.journal.all();
    expect(entry.interrupted).toBe(true);
    expect(entry.durationMs).toBeLessThan(300);
  });

  it("waits for a paused reader instead of buffering the whole stream, then finishes when it reads again", async () => {
    const server = await serve({ fallback: "lorem:100" });
    // 2 × 16,000 tokens: gpt-4o-mini answers at most 16,384 a choice, and one answer at most 32,768 in all.
    const body = JSON.stringify(chat("anything", { stream: true, n: 2, max_tokens: 16_000, ignore_eos: true }));
    let received = 0;
    let res!: IncomingMessage;
    await new Promise<void>((resolve, reject) => {
      const req = request(
        `${server.url}/v1/chat/completions`,
        { method: "POST", headers: { "content-type": "application/json" } },
        (answer) => {
          res = answer;
          answer.once("data", (chunk: Buffer) => {
            received += chunk.length;
            answer.pause();
            resolve();
          });
        },
      );
      req.on("error", reject);
      req.end(body);
    });
    await new Promise((r) => setTimeout(r, 300));
    // 32,000 chunks of ~230 bytes (7 MB) cannot have gone into socket buffers: the server is waiting.
    expect(server.journal.all()).toHaveLength(0);
    res.on("data", (chunk: Buffer) => (received += chunk.length));
    res.resume();
    await new Promise((resolve) => res.on("end", resolve));
    expect(received).toBeGreaterThan(32_000 * 150);
    await new Promise((r) => setTimeout(r, 20));
    expect(server.journal.all()[0]).toMatchObject({ status: 200, interrupted: false });
  });
});

describe("the timing model", () => {
  it("resolves each field from the most specific level, itl over tps at one level", () => {
    expect(resolveTiming([{ ttft: 100, tps: 50 }, { itl: 5 }, undefined, { jitter: 2 }])).toEqual({
      ttftMs: 100,
      itlMs: 5,
      jitterMs: 2,
      prefillMsPerToken: 0,
    });
    expect(resolveTiming([{ itl: 7, tps: 50 }])).toMatchObject({ itlMs: 7 });
    expect(resolveTiming([{ ttft: 0 }, undefined])).toEqual({ ttftMs: 0, itlMs: 0, jitterMs: 0, prefillMsPerToken: 0 });
  });

  it("jitters gaps within ± jitter, the same way every time under one seed", () => {
    const timing = resolveTiming([{ ttft: 200, itl: 20, jitter: 5 }]);
    const first = tokenTimes(timing, 30, 0, seededRandom(42));
    const again = tokenTimes(timing, 30, 0, seededRandom(42));
    const other = tokenTimes(timing, 30, 0, seededRandom(43));
    expect([...first]).toEqual([...again]);
    expect([...first]).not.toEqual([...other]);
    expect(first[0]).toBeGreaterThanOrEqual(195);
    expect(first[0]).toBeLessThanOrEqual(205);
    for (const gap of gaps([...first])) {
      expect(gap).toBeGreaterThanOrEqual(15);
      expect(gap).toBeLessThanOrEqual(25);
    }
    expect(answerDuration(timing, 30, 0, seededRandom(42))).toBe(first[29]);
  });
});
