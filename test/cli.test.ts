// The `understudy` command and the built package, run as a user would: from dist/, in child processes.
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { root, runCli, startCli, stopAllClis, waitForLine } from "./support/cli.js";
import { connectRaw, sleep } from "./support/raw-socket.js";

const seedFixtures = join(root, "test/fixtures/seed-000-chat.json");

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "understudy-cli-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(stopAllClis);

describe("the understudy command", () => {
  it("serves a fixture file, prints its URL and fixture count, and logs one line per request", async () => {
    const { url, lines } = await startCli(["-f", seedFixtures]);
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(lines).toContain(`  2 fixtures from ${seedFixtures}`);

    const health = await fetch(`${url}/health`);
    expect(health.status).toBe(200);

    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: "test", maxRetries: 0 });
    const reply = await client.chat.completions.create({
      model: "gpt-4",
      messages: [{ role: "user", content: "hello" }],
    });
    expect(reply.choices[0].message.content).toBe("Hello! How can I help?");
    await expect(
      client.chat.completions.create({ model: "gpt-4", messages: [{ role: "user", content: "bye" }] }),
    ).rejects.toMatchObject({ status: 400 });

    expect(
      await waitForLine(lines, /^POST \/v1\/chat\/completions {2}#0 userMessage="hello" {2}200 {2}[\d.]+ ms$/),
    ).toBeTruthy();
    expect(await waitForLine(lines, /^POST \/v1\/chat\/completions {2}no match {2}400 {2}[\d.]+ ms$/)).toBeTruthy();
    expect(await waitForLine(lines, /^GET \/health {2}- {2}200/)).toBeTruthy();
  });

  it("serves the built-in demo set when started without -f, streaming with --chunk-size", async () => {
    const { url, lines } = await startCli(["--chunk-size", "5", "-q"]);
    expect(lines.some((line) => line.includes("fixtures from the built-in demo set"))).toBe(true);
    const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: "test" });
    const stream = await client.chat.completions.create({
      model: "gpt-4o-mini",
      messages: [{ role: "user", content: "hello there" }],
      stream: true,
    });
    const pieces: string[] = [];
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) pieces.push(chunk.choices[0].delta.content);
    expect(pieces.join("")).toBe("Hello! I'm Understudy, standing in for a real model. How can I help?");
    expect(pieces.slice(0, 2)).toEqual(["Hello", "! I'm"]);
    // -q: no request lines.
    expect(lines.some((line) => line.startsWith("POST "))).toBe(false);
  });

  it("stops with the validation message and exit code 1 on a broken fixture file", () => {
    const broken = join(dir, "broken.json");
    writeFileSync(
      broken,
      JSON.stringify({ fixtures: [{ match: {}, response: { toolCalls: [{ name: 5, arguments: "{}" }] } }] }),
    );
    const run = runCli(["-p", "0", "-f", broken]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain(`understudy: ${broken}:`);
    expect(run.stderr).toContain("fixtures[0].response.toolCalls[0].name: expected a string");
  });

  it("rejects a bad flag with exit code 2 and the usage text", () => {
    const run = runCli(["--port", "http"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--port must be an integer from 0 to 65535, got "http"');
    expect(run.stderr).toContain("Usage: understudy");
  });
});

describe("timing and queueing flags", () => {
  it("paces answers with --ttft and --tps and queues beyond --max-concurrency", async () => {
    const { url } = await startCli([
      "--fallback",
      "lorem:6",
      "--ttft",
      "150",
      "--tps",
      "50",
      "--max-concurrency",
      "1",
      "-q",
    ]);
    const ask = async () => {
      const sent = performance.now();
      const res = await fetch(`${url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
      });
      const body = (await res.json()) as { usage: { completion_tokens: number } };
      return {
        ms: performance.now() - sent,
        queued: Number(res.headers.get("x-understudy-queue-ms")),
        tokens: body.usage.completion_tokens,
      };
    };
    const [first, second] = await Promise.all([ask(), ask()]);
    // ttft 150 + 5 gaps of 20 ms = 250 ms each; the second waits for the first.
    expect(first.tokens).toBe(6);
    expect(Math.min(first.ms, second.ms)).toBeGreaterThanOrEqual(245);
    expect(Math.max(first.ms, second.ms)).toBeGreaterThanOrEqual(495);
    // The second arrives after the first, so it waits less than the first one's 250 ms: by how much
    // depends on how busy the machine is (under the whole suite its request lagged by up to 100 ms), but
    // without the queue it would wait 0.
    expect(Math.max(first.queued, second.queued)).toBeGreaterThanOrEqual(100);
  });

  it("keeps --response-store-size Responses answers (0: none) and --journal-size exchanges", async () => {
    const { url } = await startCli([
      "--fallback",
      "lorem:3",
      "--response-store-size",
      "1",
      "--journal-size",
      "0",
      "-q",
    ]);
    const respond = async () => {
      const res = await fetch(`${url}/v1/responses`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o-mini", input: "hi" }),
      });
      return ((await res.json()) as { id: string }).id;
    };
    const [first, second] = [await respond(), await respond()];
    expect((await fetch(`${url}/v1/responses/${first}`)).status).toBe(404);
    expect((await fetch(`${url}/v1/responses/${second}`)).status).toBe(200);
    const { url: none } = await startCli(["--fallback", "lorem:3", "--response-store-size", "0", "-q"]);
    const res = await fetch(`${none}/v1/responses`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o-mini", input: "hi" }),
    });
    const { id } = (await res.json()) as { id: string };
    expect((await fetch(`${none}/v1/responses/${id}`)).status).toBe(404);
  });

  it.each([
    [["--response-store-size=-1"], "--response-store-size must be an integer from 0 to"],
    [["--ttft", "soon"], '--ttft must be a number >= 0, got "soon"'],
    [["--max-concurrency", "0"], "--max-concurrency must be an integer from 1 to"],
    [["--jitter=-3"], '--jitter must be a number >= 0, got "-3"'],
  ])("exits 2 on %j", (args, message) => {
    const run = runCli(["-p", "0", ...args]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(message);
  });
});

describe("timeout flags", () => {
  const TIMED_OUT = "HTTP/1.1 408 Request Timeout\r\nConnection: close\r\n\r\n";

  it("close a stalled body at --request-timeout, slow headers at --headers-timeout, idle keep-alive at --keep-alive-timeout", async () => {
    const { url } = await startCli([
      "--headers-timeout",
      "200",
      "--request-timeout",
      "800",
      "--keep-alive-timeout",
      "300",
      "-q",
    ]);
    const stalled = await connectRaw(url);
    stalled.socket.write(
      "POST /v1/chat/completions HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 50\r\n\r\n{",
    );
    const silent = await connectRaw(url);
    const idle = await connectRaw(url);
    idle.socket.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    const [body, headers] = await Promise.all([stalled.closed, silent.closed]);
    expect([body.data, headers.data]).toEqual([TIMED_OUT, TIMED_OUT]);
    // Each at its own flag's value (the server checks a tenth as often), not at the other's.
    expect(headers.afterMs).toBeGreaterThanOrEqual(190);
    expect(headers.afterMs).toBeLessThan(600);
    expect(body.afterMs).toBeGreaterThanOrEqual(790);
    expect(body.afterMs).toBeLessThan(1300);
    // node 20 closes an idle socket up to 1 s after the advertised keep-alive timeout.
    const { afterMs, data } = await idle.closed;
    expect(data).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(afterMs).toBeGreaterThanOrEqual(290);
    expect(afterMs).toBeLessThan(1600);
    expect((await fetch(`${url}/health`)).status).toBe(200);
  });

  it("keep a connection the defaults' way without them", async () => {
    const { url } = await startCli(["-q"]);
    const idle = await connectRaw(url);
    idle.socket.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
    await sleep(300);
    expect(idle.received()).toContain("\r\nKeep-Alive: timeout=65\r\n");
    idle.socket.destroy();
  });

  it.each([
    [["--request-timeout=-1"], '--request-timeout must be an integer from 0 to 86400000, got "-1"'],
    [["--headers-timeout", "soon"], '--headers-timeout must be an integer from 0 to 86400000, got "soon"'],
    [["--keep-alive-timeout", "1.5"], '--keep-alive-timeout must be an integer from 0 to 86400000, got "1.5"'],
    [
      ["--keep-alive-timeout", "90000000"],
      '--keep-alive-timeout must be an integer from 0 to 86400000, got "90000000"',
    ],
    [
      ["--headers-timeout", "5000", "--request-timeout", "1000"],
      "--headers-timeout (5000) must not exceed --request-timeout (1000): a request's time includes its headers'",
    ],
  ])("exits 2 on %j", (args, message) => {
    const run = runCli(["-p", "0", ...args]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(message);
    expect(run.stderr).toContain("Usage: understudy");
  });
});

describe("the built package", () => {
  it("resolves `understudy` and `understudy-llm/server` through its exports", () => {
    const script = `
      import { LLMock } from "understudy-llm";
      import { createServer } from "understudy-llm/server";
      const mock = new LLMock();
      mock.on({ userMessage: "ping" }, { content: "pong" });
      const url = await mock.start();
      const res = await fetch(url + "/v1/chat/completions", { method: "POST", headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "ping" }] }) });
      const body = await res.json();
      await mock.stop();
      const server = await createServer([]);
      await server.close();
      console.log(body.choices[0].message.content, typeof createServer);`;
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", script], {
      cwd: root,
      encoding: "utf8",
      timeout: 15_000,
    });
    expect(run.stderr).toBe("");
    expect(run.stdout.trim()).toBe("pong function");
  });
});
