// Sequence fixtures under refusals: a request refused before it is answered (a rate-limit 429, a queued
// nextError, a client gone while waiting for a maxConcurrency slot) leaves every sequence counter where it was.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI, { RateLimitError } from "openai";
import { loadFixtureFile } from "understudy-llm";
import { createServer, type ServerInstance, type ServerOptions } from "understudy-llm/server";
import WebSocket from "ws";
import { afterEach, describe, expect, it, vi } from "vitest";
import { DEFAULT_PARAMS, type Conversation } from "../src/core/conversation.js";
import { FixtureSet } from "../src/fixtures/index.js";

const MODEL = "gpt-4o-mini";
const open: ServerInstance[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

/** Four replies to "step", in order, then a plain fixture for anything else. */
const STEPS = [0, 1, 2, 3].map((i) => ({
  match: { userMessage: "step", sequenceIndex: i },
  response: { content: `seq-${i}` },
}));

async function serve(
  options: ServerOptions = {},
  fixtures: Parameters<typeof createServer>[0] = STEPS,
): Promise<ServerInstance> {
  const server = await createServer(fixtures, options);
  open.push(server);
  return server;
}

const sdk = (server: ServerInstance) => new OpenAI({ baseURL: `${server.url}/v1`, apiKey: "sk-test", maxRetries: 0 });
const chatBody = (content: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: MODEL, messages: [{ role: "user", content }], ...extra });
const post = (server: ServerInstance, body: string) =>
  fetch(`${server.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body });
// Wire bodies, checked by toEqual rather than by type.
const json = (res: Response): Promise<any> => res.json();

/** The reply text, or `<status> <code>: <message>` for an error. */
async function step(server: ServerInstance, content = "step"): Promise<string> {
  const res = await post(server, chatBody(content));
  const body = await json(res);
  return res.status === 200
    ? body.choices[0].message.content
    : `${res.status} ${body.error.code}: ${body.error.message}`;
}

async function stillServes(server: ServerInstance): Promise<void> {
  expect((await fetch(`${server.url}/health`)).status).toBe(200);
}

describe("a rate-limit 429 does not use up a sequence reply", () => {
  it("rpm 2: seq-0, seq-1, then 429 twice, and once the bucket refills the retry gets seq-2, then seq-3", async () => {
    let now = 1_750_000_000_000;
    const server = await serve({ rateLimit: { rpm: 2 }, now: () => now });
    const client = sdk(server);
    const ask = async () =>
      (await client.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "step" }] })).choices[0]
        .message.content;
    expect(await ask()).toBe("seq-0");
    expect(await ask()).toBe("seq-1");
    for (let i = 0; i < 2; i++) {
      const refused = await ask().catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(RateLimitError);
      expect(refused).toMatchObject({ status: 429, code: "rate_limit_exceeded", type: "requests" });
    }
    // Two requests a minute: one is back after 30 s.
    now += 30_000;
    expect(await ask()).toBe("seq-2");
    now += 30_000;
    expect(await ask()).toBe("seq-3");
    expect(server.journal.all().map((e) => e.status)).toEqual([200, 200, 429, 429, 200, 200]);
    await stillServes(server);
  });

  it("a tokens-per-minute refusal of a legacy Completions request with two prompts advances neither choice's counter", async () => {
    let now = 1_750_000_000_000;
    // A pair costs 8 tokens (1 prompt and 3 completion tokens each): the second pair is over the 7 left of 15.
    const server = await serve(
      { rateLimit: { tpm: 15 }, now: () => now },
      [0, 1, 2, 3].map((i) => ({ match: { userMessage: "go", sequenceIndex: i }, response: { content: `seq-${i}` } })),
    );
    const complete = () =>
      fetch(`${server.url}/v1/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-3.5-turbo-instruct", prompt: ["go", "go"] }),
      });
    const first = await complete();
    expect(first.status).toBe(200);
    const firstBody = await json(first);
    expect(firstBody.choices.map((c: { text: string }) => c.text)).toEqual(["seq-0", "seq-1"]);
    expect(firstBody.usage.total_tokens).toBe(8);
    const limited = await complete();
    expect(limited.status).toBe(429);
    expect((await json(limited)).error.code).toBe("rate_limit_exceeded");
    now += 60_000;
    const retried = await complete();
    expect(retried.status).toBe(200);
    expect((await json(retried)).choices.map((c: { text: string }) => c.text)).toEqual(["seq-2", "seq-3"]);
  });
});

describe("a flow file after a sequence", () => {
  it("answers once the sequence is used up, and a 429 in between uses up nothing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "understudy-seq-"));
    try {
      const file = join(dir, "flows.yaml");
      writeFileSync(
        file,
        "responses:\n  - id: after\n    messages:\n      - { role: user, content: step }\n      - { role: assistant, content: the flow answers }\n",
      );
      let now = 1_750_000_000_000;
      const server = await serve({ rateLimit: { rpm: 1 }, now: () => now }, [
        ...STEPS.slice(0, 2),
        ...loadFixtureFile(file),
      ]);
      expect(await step(server)).toBe("seq-0");
      expect(await step(server)).toMatch(
        /^429 rate_limit_exceeded: Rate limit reached for gpt-4o-mini .* on requests per min \(RPM\): Limit 1, Used 1, Requested 1\./,
      );
      now += 60_000;
      expect(await step(server)).toBe("seq-1");
      now += 60_000;
      expect(await step(server)).toBe("the flow answers");
      expect(server.journal.all().map((e) => e.fixture)).toEqual([
        '#0 userMessage="step" sequenceIndex=0',
        '#1 userMessage="step" sequenceIndex=1',
        '#1 userMessage="step" sequenceIndex=1',
        'flow "after"',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("a queued nextError does not use up a sequence reply", () => {
  it("seq-0, the queued 503, then seq-1 and seq-2", async () => {
    const server = await serve();
    expect(await step(server)).toBe("seq-0");
    server.nextError(503, { message: "The engine is currently overloaded, please try again later." });
    expect(await step(server)).toBe("503 null: The engine is currently overloaded, please try again later.");
    expect(await step(server)).toBe("seq-1");
    expect(await step(server)).toBe("seq-2");
    expect(server.journal.all().map((e) => [e.status, e.fixture])).toEqual([
      [200, '#0 userMessage="step" sequenceIndex=0'],
      [503, '#1 userMessage="step" sequenceIndex=1 (queued error)'],
      [200, '#1 userMessage="step" sequenceIndex=1'],
      [200, '#2 userMessage="step" sequenceIndex=2'],
    ]);
    await stillServes(server);
  });

  it("a fixture whose reply is an error is the answer, and counts", async () => {
    const server = await serve({}, [
      {
        match: { userMessage: "step", sequenceIndex: 0 },
        response: { error: { status: 500, message: "The server had an error." } },
      },
      { match: { userMessage: "step", sequenceIndex: 1 }, response: { content: "seq-1" } },
    ]);
    expect(await step(server)).toBe("500 null: The server had an error.");
    expect(await step(server)).toBe("seq-1");
  });
});

/** Sends "step" over raw HTTP and destroys the connection after `ms`, before any answer. */
function abandon(server: ServerInstance, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const req = request(
      `${server.url}/v1/chat/completions`,
      { method: "POST", headers: { "content-type": "application/json" } },
      () => undefined,
    );
    req.on("error", () => resolve());
    req.on("close", () => resolve());
    req.end(chatBody("step"));
    setTimeout(() => req.destroy(), ms);
  });
}

describe("a request that waits for a maxConcurrency slot and loses its client is refused by admission", () => {
  it("leaves the counter where it was: the next request still gets seq-0", async () => {
    const server = await serve({ maxConcurrency: 1 }, [
      { match: { userMessage: "slow" }, response: { content: "done" }, timing: { ttft: 400 } },
      ...STEPS,
    ]);
    const slow = step(server, "slow");
    // Queued behind "slow" (planned as seq-0), then gone well before the slot frees.
    await new Promise((r) => setTimeout(r, 50));
    await abandon(server, 100);
    expect(await slow).toBe("done");
    await new Promise((r) => setTimeout(r, 20));
    expect(await step(server)).toBe("seq-0");
    expect(await step(server)).toBe("seq-1");
    const entries = server.journal.all();
    expect(entries.map((e) => [e.status, e.interrupted])).toEqual([
      [200, false],
      [200, true],
      [200, false],
      [200, false],
    ]);
    await stillServes(server);
  });
  it("on the Responses WebSocket too: a connection that closes while its reply waits gives the number back", async () => {
    const server = await serve({ maxConcurrency: 1 }, [
      { match: { userMessage: "slow" }, response: { content: "done" }, timing: { ttft: 400 } },
      ...STEPS,
    ]);
    const slow = step(server, "slow");
    await new Promise((r) => setTimeout(r, 50));
    const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}/v1/responses`);
    await new Promise((r) => ws.once("open", r));
    ws.send(JSON.stringify({ type: "response.create", model: MODEL, input: "step" }));
    // Queued behind "slow" (planned as seq-0), then gone well before the slot frees.
    await new Promise((r) => setTimeout(r, 100));
    ws.close();
    expect(await slow).toBe("done");
    await vi.waitFor(() => expect(server.journal.all().filter((e) => e.method === "WS")).toHaveLength(1));
    expect(server.journal.all().find((e) => e.method === "WS")?.interrupted).toBe(true);
    expect(await step(server)).toBe("seq-0");
    await stillServes(server);
  });
});

const conversation = (content: string): Conversation => ({
  api: "chat",
  model: MODEL,
  messages: [{ role: "user", content }],
  tools: [],
  stream: false,
  params: { ...DEFAULT_PARAMS },
  body: {},
});

describe("FixtureSet.match is a function of the conversation; commit advances the counters", () => {
  const set = (): FixtureSet => {
    const fixtures = new FixtureSet();
    fixtures.add([...STEPS, { match: { userMessage: "step" }, response: { content: "after the sequence" } }]);
    return fixtures;
  };
  const text = (result: ReturnType<FixtureSet["match"]>) => result.hit?.reply.content;

  it("matching again without committing answers the same reply", () => {
    const fixtures = set();
    expect(text(fixtures.match(conversation("step")))).toBe("seq-0");
    expect(text(fixtures.match(conversation("step")))).toBe("seq-0");
    fixtures.commit(fixtures.match(conversation("step")).claim);
    expect(text(fixtures.match(conversation("step")))).toBe("seq-1");
  });

  it("a conversation outside every sequence has nothing to commit", () => {
    const fixtures = set();
    expect(fixtures.match(conversation("other")).claim).toBeNull();
    const plain = new FixtureSet();
    plain.add([{ match: { userMessage: "step" }, response: { content: "plain" } }]);
    expect(plain.match(conversation("step")).claim).toBeNull();
  });

  it("a later match of the same request counts the earlier parts' claims", () => {
    const fixtures = set();
    const first = fixtures.match(conversation("step"));
    const second = fixtures.match(conversation("step"), undefined, first.claim);
    expect([text(first), text(second)]).toEqual(["seq-0", "seq-1"]);
    fixtures.commit(first.claim);
    fixtures.commit(second.claim);
    expect(text(fixtures.match(conversation("step")))).toBe("seq-2");
  });

  it("a released claim is served to the next request, also when a later claim is still held", () => {
    const fixtures = set();
    const a = fixtures.match(conversation("step"));
    fixtures.commit(a.claim);
    const b = fixtures.match(conversation("step"));
    fixtures.commit(b.claim);
    expect([text(a), text(b)]).toEqual(["seq-0", "seq-1"]);
    fixtures.release(a.claim);
    const c = fixtures.match(conversation("step"));
    expect(text(c)).toBe("seq-0");
    fixtures.commit(c.claim);
    expect(text(fixtures.match(conversation("step")))).toBe("seq-2");
    // Releasing the newest claim steps the counter back.
    const d = fixtures.match(conversation("step"));
    fixtures.commit(d.claim);
    fixtures.release(d.claim);
    expect(text(fixtures.match(conversation("step")))).toBe("seq-2");
  });

  it("a claim from before resetSequences is not released into the new count", () => {
    const fixtures = set();
    const a = fixtures.match(conversation("step"));
    fixtures.commit(a.claim);
    fixtures.commit(fixtures.match(conversation("step")).claim);
    fixtures.resetSequences();
    fixtures.release(a.claim);
    const next = fixtures.match(conversation("step"));
    expect(text(next)).toBe("seq-0");
    fixtures.commit(next.claim);
    expect(text(fixtures.match(conversation("step")))).toBe("seq-1");
  });

  it("explains an exhausted sequence with the number this request would be", () => {
    const fixtures = new FixtureSet();
    fixtures.add([STEPS[0]]);
    fixtures.commit(fixtures.match(conversation("step")).claim);
    const miss = fixtures.match(conversation("step"));
    expect(miss.hit).toBeNull();
    expect(miss.hit === null && miss.nearest[0].failures).toEqual([
      "sequenceIndex is 0, but this request was number 1 for this match",
    ]);
  });
});
