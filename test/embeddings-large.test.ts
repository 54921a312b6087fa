// The largest embeddings answer OpenAI allows (2,048 inputs x 3,072 dimensions: 135 MB as floats) is produced
// in parts: other clients are answered meanwhile, the bytes are those of the one-piece answer, and a client
// that leaves in the middle stops the work.
import { Agent, get, request } from "node:http";
import OpenAI from "openai";
import { LLMock } from "understudy-llm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";

const LARGE = "text-embedding-3-large";
const INPUTS = Array.from({ length: 2048 }, (_, i) => `document chunk number ${i}`);

let mock: LLMock;
let client: OpenAI;

beforeAll(async () => {
  mock = new LLMock();
  await mock.start();
  client = new OpenAI({ baseURL: `${mock.url}/v1`, apiKey: "test", maxRetries: 0 });
  // The first request loads the tokenizer's tables, a one-time cost that is no request's size.
  await client.embeddings.create({ model: LARGE, input: "warm up" });
});
afterAll(() => mock.stop());
beforeEach(() => mock.clearFixtures());

interface Received {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  /** The body as it arrived; joined only when it is read (joining 135 MB would hold up this process's loop). */
  chunks: Buffer[];
}

const text = (received: Received): string => Buffer.concat(received.chunks).toString("utf8");

/**
 * POSTs with node:http and only gathers the bytes while they arrive, so this process (which is also
 * the server's) does no client work to speak of until the answer is complete.
 */
function postRaw(body: unknown): Promise<Received> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${mock.url}/v1/embeddings`,
      { method: "POST", headers: { "content-type": "application/json" } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, headers: res.headers, chunks }));
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/** GET /health over a kept-alive connection (node:http: it costs this process fewer turns than fetch); its status. */
function health(agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    get(`${mock.url}/health`, { agent }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    }).on("error", reject);
  });
}

/**
 * Starts the request, then sends GET /health every 10 ms until it settles (over a connection opened
 * before, so every probe is timed); the request's answer, and how long each probe took to be answered.
 */
async function whileProbing<T>(start: () => Promise<T>): Promise<{ answer: T; latencies: number[] }> {
  const agent = new Agent({ keepAlive: true, maxSockets: 1 });
  expect(await health(agent)).toBe(200);
  let settled = false;
  const pending = start();
  void pending.finally(() => (settled = true));
  const latencies: number[] = [];
  // Timed from when each probe was due, not when it went out: this process is also the server's, so
  // while the server's loop is held up the probe's timer is too, and the wait must still count.
  let due = performance.now();
  while (!settled) {
    expect(await health(agent)).toBe(200);
    const answered = performance.now();
    latencies.push(answered - due);
    due = answered + 10;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  agent.destroy();
  return { answer: await pending, latencies };
}

describe("the largest answer OpenAI allows", () => {
  it.each(["float", "base64"] as const)(
    "answers 2,048 x 3,072 as %s while GET /health answers within 200 ms",
    async (format) => {
      const { answer, latencies } = await whileProbing(() =>
        postRaw({ model: LARGE, input: INPUTS, encoding_format: format }),
      );
      expect(answer.status).toBe(200);
      expect(latencies.length).toBeGreaterThanOrEqual(3);
      expect(Math.max(...latencies)).toBeLessThan(200);
      const json = JSON.parse(text(answer));
      expect(json.object).toBe("list");
      expect(json.model).toBe(LARGE);
      expect(json.data).toHaveLength(2048);
      json.data.forEach((item: { index: number; embedding: number[] | string }, i: number) => {
        expect(item.index).toBe(i);
        if (format === "float") expect((item.embedding as number[]).length).toBe(3072);
        else expect(Buffer.from(item.embedding as string, "base64").length).toBe(3072 * 4);
      });
      const single = await client.embeddings.create({ model: LARGE, input: INPUTS[1234], encoding_format: "float" });
      const sample = json.data[1234].embedding;
      expect(
        format === "float"
          ? sample
          : Array.from(new Float32Array(new Uint8Array(Buffer.from(sample, "base64")).buffer)),
      ).toEqual(single.data[0].embedding);
      expect(json.usage.prompt_tokens).toBeGreaterThan(2048);
    },
  );

  it("reaches the SDK whole on its default base64 path: 2,048 vectors of 3,072 floats", async () => {
    const response = await client.embeddings.create({ model: LARGE, input: INPUTS });
    expect(response.data).toHaveLength(2048);
    expect(response.data.every((item, i) => item.index === i && item.embedding.length === 3072)).toBe(true);
    const single = await client.embeddings.create({ model: LARGE, input: INPUTS[2047] });
    expect(response.data[2047].embedding).toEqual(single.data[0].embedding);
    expect(mock.requests.at(-2)).toMatchObject({ api: "embeddings", status: 200, interrupted: false });
  });

  it("sends the bytes the one-piece answer would, pinned vectors included", async () => {
    mock.on({ userMessage: "pinned chunk" }, { embedding: [0.5, -0.25, 0.125] });
    const input = Array.from({ length: 80 }, (_, i) => (i === 57 ? "pinned chunk" : `chunk ${i}`));
    // 80 x 3,072 components go out in parts; each half (40 x 3,072) is small enough to go out in one piece.
    const whole = await postRaw({ model: LARGE, input, encoding_format: "float" });
    expect(whole.headers["transfer-encoding"]).toBe("chunked");
    const halves = await Promise.all(
      [input.slice(0, 40), input.slice(40)].map((part) =>
        postRaw({ model: LARGE, input: part, encoding_format: "float" }),
      ),
    );
    expect(halves.map((half) => half.headers["content-length"] !== undefined)).toEqual([true, true]);
    const [first, second] = halves.map((half) => JSON.parse(text(half)));
    const tokens = first.usage.prompt_tokens + second.usage.prompt_tokens;
    const data = [
      ...first.data,
      ...second.data.map((item: { index: number }) => ({ ...item, index: item.index + 40 })),
    ];
    const expected = JSON.stringify({
      object: "list",
      data,
      model: LARGE,
      usage: { prompt_tokens: tokens, total_tokens: tokens },
    });
    expect(text(whole)).toBe(expected);
    expect(JSON.parse(expected).data[57].embedding).toEqual([0.5, -0.25, 0.125]);
  });
});

describe("a client that leaves in the middle of a large answer", () => {
  it("stops the answer there: the journal marks it interrupted, and the server serves on", async () => {
    let received = 0;
    const requestId = await new Promise<string>((resolve, reject) => {
      const req = request(
        `${mock.url}/v1/embeddings`,
        { method: "POST", headers: { "content-type": "application/json" } },
        (res) => {
          expect(res.statusCode).toBe(200);
          res.on("data", (chunk: Buffer) => {
            received += chunk.length;
            // Gone after the first megabyte of 135.
            if (received > 1_000_000) {
              req.destroy();
              resolve(String(res.headers["x-request-id"]));
            }
          });
        },
      );
      req.on("error", (err) => (req.destroyed ? undefined : reject(err)));
      req.end(JSON.stringify({ model: LARGE, input: INPUTS, encoding_format: "float" }));
    });
    // The exchange is finished (and journalled) when the writes stop, not when the answer would have ended.
    const entry = await waitFor(() => mock.requests.find((e) => e.requestId === requestId));
    expect(entry).toMatchObject({ status: 200, interrupted: true });
    expect(received).toBeLessThan(20_000_000);
    const health = await fetch(`${mock.url}/health`);
    expect(health.status).toBe(200);
    const after = await client.embeddings.create({ model: LARGE, input: "still serving" });
    expect(after.data[0].embedding).toHaveLength(3072);
  });
});

async function waitFor<T>(find: () => T | undefined): Promise<T> {
  for (let i = 0; i < 200; i++) {
    const found = find();
    if (found !== undefined) return found;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error("not seen within 2 s");
}
