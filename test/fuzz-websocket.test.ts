// Fuzz: seeded hostile frames on the Responses WebSocket (non-JSON, binary, unknown types, hostile
// bodies, floods, oversized frames, closes mid-response): error frames, never a crash, still serving.
import { createServer, type ServerInstance } from "understudy-llm/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { MEGA } from "./support/fuzz-bodies.js";
import { makeFrameCase } from "./support/fuzz-frames.js";
import { prng } from "./support/fuzz-rng.js";
import { isTerminal, openSession, runFrames, type WsMessage } from "./support/fuzz-ws.js";
import { watchProcessErrors, type ProcessErrors } from "./support/process-errors.js";
import { RawConnection, rawRequest } from "./support/raw-http.js";

const SEED = 0x5eed_0205;
const CASES = 3000;
const MAX_BODY = 2 * 1024 * 1024;
const SLOW = "a slow story, please";
const LANE = "a short paced story";

let server: ServerInstance;
let watch: ProcessErrors;

beforeAll(async () => {
  server = await createServer(
    [
      { match: { userMessage: SLOW }, response: { content: "word ".repeat(100) }, timing: { itl: 5 } },
      { match: { userMessage: LANE }, response: { content: "word ".repeat(30) }, timing: { itl: 5 } },
      { match: {}, response: { content: "ok" } },
    ],
    { seed: 5, journalSize: 1000, maxBodyBytes: MAX_BODY },
  );
  watch = watchProcessErrors();
});
afterAll(async () => {
  watch?.stop();
  await server?.close();
});

const create = (extra: Record<string, unknown> = {}) =>
  JSON.stringify({ type: "response.create", model: "gpt-4o-mini", input: "hi", ...extra });
const text = (m: WsMessage | undefined) =>
  (m?.response as { output?: { content?: { text?: string }[] }[] } | undefined)?.output?.[0]?.content?.[0]?.text;

/** A fresh connection still answers a plain request, and so does HTTP. */
async function stillServing(): Promise<void> {
  const session = await openSession(server.url);
  session.ws.send(create());
  expect(await session.until(() => session.messages.some(isTerminal), 5000)).toBe(true);
  session.ws.close();
  expect(session.messages.filter(isTerminal).map((m) => [m.type, text(m)])).toEqual([["response.completed", "ok"]]);
  const health = await fetch(`${server.url}/health`);
  expect(health.status).toBe(200);
  expect(watch.errors).toEqual([]);
}

describe(`fuzz: ${CASES} seeded hostile WebSocket frames (seed ${SEED})`, () => {
  it("answers each with one error frame or one finished response on its lane, and keeps the connection", async () => {
    const rng = prng(SEED);
    const cases = Array.from({ length: CASES }, (_, i) => makeFrameCase(rng, i));
    const tally = await runFrames(server.url, cases, { batch: 20, timeoutMs: 5000, maxFailures: 3 });
    expect(
      tally.failures,
      `${tally.failures.length} bad batches (answers ${JSON.stringify(tally.answers)}):\n${tally.failures.slice(0, 5).join("\n")}`,
    ).toEqual([]);
    expect(tally.ran).toBe(CASES);
    // Both refusals and generated responses are exercised.
    expect(tally.answers["error 400 invalid_json"]).toBeGreaterThan(50);
    expect(tally.answers["error 400 invalid_value"]).toBeGreaterThan(50);
    expect(tally.answers["response.completed"]).toBeGreaterThan(50);
    await stillServing();
  }, 30_000);
});

describe("WebSocket floods and oversized frames", () => {
  it("answers 300 frames sent at once, the default lane's responses in order, and refuses lanes beyond 32", async () => {
    const session = await openSession(server.url);
    const frames: string[] = [];
    for (let i = 0; i < 100; i++)
      frames.push(create({ metadata: { n: String(i) } }), "not json", JSON.stringify({ type: "response.cancel" }));
    for (let i = 0; i < 40; i++) frames.push(create({ stream_id: `lane-${i}`, input: LANE }));
    for (const frame of frames) session.ws.send(frame);
    expect(await session.until(() => session.messages.filter(isTerminal).length >= frames.length, 15_000)).toBe(true);
    session.ws.close();
    const terminal = session.messages.filter(isTerminal);
    const onDefault = terminal.filter((m) => m.stream_id === undefined && m.type === "response.completed");
    expect(onDefault.map((m) => (m.response as { metadata: { n: string } }).metadata.n)).toEqual(
      Array.from({ length: 100 }, (_, i) => String(i)),
    );
    expect(terminal.filter((m) => m.error?.code === "invalid_json")).toHaveLength(100);
    expect(terminal.filter((m) => m.error?.code === "invalid_value")).toHaveLength(100);
    const refusedLanes = terminal.filter((m) => m.error?.code === "websocket_stream_limit_reached");
    expect(refusedLanes.length).toBeGreaterThan(0);
    expect(refusedLanes[0]).toMatchObject({
      status: 400,
      error: { message: "At most 32 lanes may be active on one connection.", param: "stream_id" },
    });
    expect(terminal.filter((m) => typeof m.stream_id === "string" && m.type === "response.completed")).toHaveLength(
      40 - refusedLanes.length,
    );
    await stillServing();
  }, 30_000);

  it("answers a 1.5 MB frame, and closes a connection whose frame is over the body limit (1009) or not UTF-8 (1007)", async () => {
    const big = await openSession(server.url);
    big.ws.send(create({ input: MEGA, metadata: { size: "big" }, instructions: MEGA.slice(0, 512 * 1024) }));
    expect(await big.until(() => big.messages.some(isTerminal), 10_000)).toBe(true);
    expect(big.messages.find(isTerminal)).toMatchObject({ type: "response.completed" });
    big.ws.close();

    const over = await openSession(server.url);
    over.ws.send(create({ input: "x ".repeat(MAX_BODY / 2) }));
    await over.until(() => false, 5000);
    expect(over.closed).toBe(1009);

    const broken = await openSession(server.url);
    broken.ws.send(Buffer.from([0x7b, 0xff, 0xfe, 0x7d]), { binary: false });
    await broken.until(() => false, 5000);
    expect(broken.closed).toBe(1007);
    await stillServing();
  }, 30_000);
});

describe("closing a WebSocket mid-response", () => {
  it("stops the paced responses of a connection closed or terminated mid-stream, journals them as interrupted, and keeps serving", async () => {
    for (const end of ["close", "terminate"] as const) {
      const session = await openSession(server.url);
      for (let i = 0; i < 5; i++) session.ws.send(create({ stream_id: `s${i}`, input: SLOW, metadata: { end } }));
      session.ws.send(create({ input: SLOW, metadata: { end } }));
      expect(
        await session.until(
          () => session.messages.filter((m) => m.type === "response.output_text.delta").length >= 20,
          5000,
        ),
      ).toBe(true);
      session.ws[end]();
      const mine = () =>
        server.journal
          .all()
          .filter((e) => (e.body as { metadata?: { end?: string } } | undefined)?.metadata?.end === end);
      await expect.poll(() => mine().length, { timeout: 5000, interval: 20 }).toBe(6);
      expect(mine().every((e) => e.interrupted && e.status === 200)).toBe(true);
    }
    // A connection that closes right after sending, before any answer.
    const hasty = await openSession(server.url);
    hasty.ws.send(create({ input: SLOW }));
    hasty.ws.send("not json");
    hasty.ws.terminate();
    await stillServing();
  }, 30_000);

  it("refuses hostile upgrade requests over HTTP, and accepts one whose query has bad escapes", async () => {
    const upgrade = (target: string, headers: Record<string, string>) =>
      rawRequest("GET", target, undefined, { connection: "Upgrade", upgrade: "websocket", ...headers });
    const ok = { "sec-websocket-version": "13", "sec-websocket-key": "dGhlIHNhbXBsZSBub25jZQ==" };
    const answers: [number | undefined, string][] = [];
    // ws answers a bad handshake with a bare 400; our own refusals carry an OpenAI error body.
    for (const request of [
      upgrade("/v1/responses%ZZ", ok),
      upgrade("/v1//responses", ok),
      upgrade("/v1/responses", { "sec-websocket-version": "12", "sec-websocket-key": "x" }),
      upgrade("/v1/responses", {}),
      upgrade("/v1/responses?%ZZ&%E0%A4%A", ok),
    ]) {
      const conn = await RawConnection.open(server.port);
      const x = await conn.exchange(request, ["GET"], 3000);
      conn.close();
      answers.push([x.responses[0]?.status, x.responses[0]?.body.toString("utf8") ?? ""]);
    }
    expect(answers.map(([status]) => status)).toEqual([404, 404, 400, 400, 101]);
    expect(JSON.parse(answers[0][1])).toEqual({
      error: { message: "Invalid URL (GET /v1/responses%ZZ)", type: "invalid_request_error", param: null, code: null },
    });
    await stillServing();
  });
});
