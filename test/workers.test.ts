// `understudy --workers N`: N node:cluster workers behind one port and one banner, replaced when one
// dies, all stopped with the primary. Runs the built command in child processes, as a user would.
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { get, request } from "node:http";
import { createServer, type AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import OpenAI from "openai";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { root, runCli, startCli, stopAllClis, waitForLine, type RunningCli } from "./support/cli.js";

const seedFixtures = join(root, "test/fixtures/seed-000-chat.json");

interface Health {
  status: string;
  worker: number;
  pid: number;
  requestId: string;
}

/**
 * GET /health on a fresh connection (no keep-alive), so node:cluster hands it to the next worker. With
 * a timeout: a connection the primary hands to a worker just as it is killed is never answered.
 */
function health(url: string): Promise<Health> {
  return new Promise((resolve, reject) => {
    const req = get(`${url}/health`, { agent: false, timeout: 3000 }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () =>
        resolve({ ...(JSON.parse(body) as Omit<Health, "requestId">), requestId: String(res.headers["x-request-id"]) }),
      );
    });
    req.on("timeout", () => req.destroy(new Error("no answer in 3 s")));
    req.on("error", reject);
  });
}

/** The workers that answer `count` fresh connections, by pid. */
async function answeringPids(url: string, count = 6): Promise<Set<number>> {
  const pids = new Set<number>();
  for (let i = 0; i < count; i++) pids.add((await health(url)).pid);
  return pids;
}

/** The live child processes of `pid` (Linux). */
function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitUntil<T>(check: () => T | Promise<T>, what: string, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function collectStderr(cli: RunningCli): { text: string } {
  const stderr = { text: "" };
  cli.child.stderr.on("data", (data: Buffer) => (stderr.text += data.toString()));
  return stderr;
}

/** A request on a connection of its own (see health), resolving with the status or the body. */
function fresh(url: string, path: string, body?: unknown): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      `${url}${path}`,
      {
        method: payload ? "POST" : "GET",
        agent: false,
        timeout: 3000,
        headers: payload ? { "content-type": "application/json" } : {},
      },
      (res) => {
        let text = "";
        res.on("data", (chunk: Buffer) => (text += chunk.toString()));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on("timeout", () => req.destroy(new Error("no answer in 3 s")));
    req.on("error", reject);
    req.end(payload);
  });
}
const freshPost = async (url: string, path: string, body: unknown): Promise<number> =>
  (await fresh(url, path, body)).status;
const freshGet = async (url: string, path: string): Promise<string> => (await fresh(url, path)).text;

async function chatReply(url: string): Promise<string | null> {
  const client = new OpenAI({ baseURL: `${url}/v1`, apiKey: "test", maxRetries: 0 });
  const reply = await client.chat.completions.create({
    model: "gpt-4",
    messages: [{ role: "user", content: "hello" }],
  });
  return reply.choices[0].message.content;
}

let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "understudy-workers-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(stopAllClis);

describe("understudy --workers", () => {
  it("serves one port (-p 0) from two worker processes behind one banner, and SIGTERM stops them all", async () => {
    const cli = await startCli(["--workers", "2", "-f", seedFixtures]);
    const primary = cli.child.pid!;
    expect(cli.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);

    expect(await chatReply(cli.url)).toBe("Hello! How can I help?");
    const pids = await answeringPids(cli.url);
    expect(pids.size).toBe(2);
    expect([...pids].sort()).toEqual(childPids(primary).sort());
    expect(pids.has(primary)).toBe(false);
    const workers = new Set(await Promise.all([0, 1, 2, 3].map(() => health(cli.url).then((h) => h.worker))));
    expect(workers).toEqual(new Set([1, 2]));

    // Workers print their own request lines; the banner is printed once, by the primary.
    await waitForLine(cli.lines, /^POST \/v1\/chat\/completions {2}#0 userMessage="hello" {2}200 /);
    await waitForLine(cli.lines, /^GET \/health {2}- {2}200 /);
    expect(cli.lines.filter((line) => line.startsWith("Understudy listening on "))).toHaveLength(1);
    expect(cli.lines).toContain(`  2 fixtures from ${seedFixtures}`);
    expect(cli.lines).toContain(
      "  2 workers share the port (node:cluster); sequences and stored responses are per worker",
    );

    await cli.stop();
    expect(cli.child.exitCode).toBe(0);
    for (const pid of pids) expect(isAlive(pid)).toBe(false);
  });

  it("answers GET /metrics with every worker's counts summed, whichever worker takes the scrape", async () => {
    const cli = await startCli(["--workers", "2", "-q", "-f", seedFixtures]);
    expect((await answeringPids(cli.url, 10)).size).toBe(2); // 10 health checks, spread over both workers
    for (let i = 0; i < 6; i++)
      expect(
        await freshPost(cli.url, "/v1/chat/completions", {
          model: "gpt-4",
          messages: [{ role: "user", content: "hello" }],
        }),
      ).toBe(200);
    // Fresh connections go to the workers in turn, so these scrapes are answered by both.
    const scrapes = await Promise.all([0, 1, 2, 3].map(() => freshGet(cli.url, "/metrics")));
    for (const text of scrapes) {
      expect(text).toContain(
        'understudy_requests_total{provider="openai",route="chat.completions",transport="http",status="200"} 6\n',
      );
      expect(text).toContain('understudy_requests_total{route="health",transport="http",status="200"} 10\n');
      expect(text).toContain(
        'understudy_request_duration_seconds_count{provider="openai",route="chat.completions",transport="http"} 6\n',
      );
    }
  });

  it("replaces a worker killed with SIGKILL, reports it, and keeps answering on the same port", async () => {
    const cli = await startCli(["--workers", "2", "-q", "-f", seedFixtures]);
    const stderr = collectStderr(cli);
    const before = await answeringPids(cli.url);
    expect(before.size).toBe(2);
    const [victim, survivor] = [...before];

    process.kill(victim, "SIGKILL");
    await waitUntil(
      () => stderr.text.includes(`understudy: worker ${victim} died (signal SIGKILL); starting a new one`),
      "the death report",
    );
    const after = await waitUntil(async () => {
      const pids = await answeringPids(cli.url);
      return pids.size === 2 && !pids.has(victim) ? pids : null;
    }, "a replacement worker to answer");
    expect(after.has(survivor)).toBe(true);
    expect(isAlive(victim)).toBe(false);
    expect(await chatReply(cli.url)).toBe("Hello! How can I help?");

    await cli.stop();
    expect(cli.child.exitCode).toBe(0);
    for (const pid of after) expect(isAlive(pid)).toBe(false);
  });

  it("keeps the announced port (-p 0) when every worker dies at once", { timeout: 60_000 }, async () => {
    const cli = await startCli(["--workers", "2", "-q", "-f", seedFixtures]);
    const stderr = collectStderr(cli);
    const before = await answeringPids(cli.url);
    for (const pid of before) process.kill(pid, "SIGKILL");
    for (const pid of before)
      await waitUntil(
        () => stderr.text.includes(`understudy: worker ${pid} died (signal SIGKILL); starting a new one`),
        "the death reports",
      );
    // node:cluster keeps a port 0 only while a worker holds it; replacements must still come back on the URL announced.
    const after = await waitUntil(
      async () => {
        const pids = await answeringPids(cli.url).catch(() => new Set<number>());
        return pids.size === 2 && [...pids].every((pid) => !before.has(pid)) ? pids : null;
      },
      "two replacement workers on the announced port",
      45_000,
    );
    expect(await chatReply(cli.url)).toBe("Hello! How can I help?");
    await cli.stop();
    for (const pid of after) expect(isAlive(pid)).toBe(false);
  });

  it("seeds each worker differently with --seed, so ids do not repeat across workers", async () => {
    const cli = await startCli(["--workers", "2", "-q", "--seed", "7"]);
    const answers = await Promise.all([0, 1, 2, 3].map(() => health(cli.url)));
    expect(new Set(answers.map((answer) => answer.worker)).size).toBe(2);
    expect(new Set(answers.map((answer) => answer.requestId)).size).toBe(4);
  });

  it("gives up with exit code 1 when replacement workers keep dying before they listen", async () => {
    const cli = await startCli(["--workers", "2", "-q", "-f", seedFixtures]);
    const stderr = collectStderr(cli);
    const primary = cli.child.pid!;
    const exited = new Promise<number | null>((resolve) => cli.child.once("exit", (code) => resolve(code)));
    const seen = new Set(childPids(primary));
    let victim = [...seen][0];
    // Kill the first worker, then each replacement as soon as it is forked.
    for (let round = 0; round < 6 && cli.child.exitCode === null; round++) {
      process.kill(victim, "SIGKILL");
      const next = await waitUntil(
        () => childPids(primary).find((pid) => !seen.has(pid)) ?? (cli.child.exitCode !== null ? -1 : undefined),
        "a replacement",
      );
      if (next === -1) break;
      seen.add(next);
      victim = next;
    }
    expect(await exited).toBe(1);
    expect(stderr.text).toContain("replacement workers in a row died before they listened, giving up");
    for (const pid of seen) expect(isAlive(pid)).toBe(false);
  });

  it("never gives up on workers that died after they served, however quickly they die", {
    timeout: 60_000,
  }, async () => {
    const cli = await startCli(["--workers", "2", "-q", "-f", seedFixtures]);
    const stderr = collectStderr(cli);
    // Each round the newest worker answers a request, then dies at once (well within a second of its
    // fork), as one killed by what it served would.
    const known = new Set(await answeringPids(cli.url));
    let victim = [...known][0];
    for (let round = 0; round < 6; round++) {
      if (round > 0) {
        const fresh = await waitUntil(async () => {
          const answer = await health(cli.url).catch(() => undefined);
          return answer && !known.has(answer.pid) ? answer : undefined;
        }, "the replacement to answer");
        victim = fresh.pid;
        known.add(victim);
      }
      const pid = victim;
      process.kill(pid, "SIGKILL");
      await waitUntil(
        () => stderr.text.includes(`understudy: worker ${pid} died (signal SIGKILL); starting a new one`),
        "the death report",
      );
    }
    expect(stderr.text).not.toContain("giving up");
    expect(cli.child.exitCode).toBe(null);
    const pids = await waitUntil(
      async () => {
        const answering = await answeringPids(cli.url).catch(() => new Set<number>());
        return answering.size === 2 ? answering : null;
      },
      "two workers answering",
      30_000,
    );
    expect(pids.size).toBe(2);
    expect(await chatReply(cli.url)).toBe("Hello! How can I help?");
  });

  it("checks fixture files in the primary: a broken file exits 1 with its message, before any worker starts", () => {
    const broken = join(dir, "broken.json");
    writeFileSync(
      broken,
      JSON.stringify({ fixtures: [{ match: {}, response: { toolCalls: [{ name: 5, arguments: "{}" }] } }] }),
    );
    const run = runCli(["--workers", "2", "-p", "0", "-f", broken]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr).toContain(`understudy: ${broken}:`);
    expect(run.stderr).toContain("fixtures[0].response.toolCalls[0].name: expected a string");
    // One process said it: no worker was forked to say it again.
    expect(run.stderr.match(/understudy:/g)).toHaveLength(1);
  });

  it("reports a port in use once and exits 1", async () => {
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
    try {
      const { port } = taken.address() as AddressInfo;
      const run = runCli(["--workers", "2", "-p", String(port), "-f", seedFixtures]);
      expect(run.status).toBe(1);
      expect(run.stdout).toBe("");
      expect(run.stderr.trim()).toBe(`understudy: port ${port} on 127.0.0.1 is already in use (try -p 0)`);
    } finally {
      taken.close();
    }
  });

  it("rejects --workers 0 with exit code 2", () => {
    const run = runCli(["--workers", "0"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('--workers must be an integer from 1 to 256, got "0"');
  });
});
