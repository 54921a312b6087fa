// The control API and hot reload through the command: SIGHUP re-reads the fixture files, --watch
// follows edits, --no-control turns the control routes off.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startCli, stopAllClis, waitForLine } from "./support/cli.js";

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "understudy-control-cli-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(stopAllClis);

const fixtureFile = (content: string) =>
  JSON.stringify({ fixtures: [{ match: { userMessage: "hello" }, response: { content } }] });

async function hello(url: string): Promise<string> {
  const res = await fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hello" }] }),
  });
  return ((await res.json()) as { choices: { message: { content: string } }[] }).choices[0].message.content;
}

async function eventually(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("condition not met within 5 s");
}

describe("hot reload through the command", () => {
  it("SIGHUP re-reads the fixture files instead of stopping the server", async () => {
    const file = join(dir, "hup.json");
    writeFileSync(file, fixtureFile("before"));
    const cli = await startCli(["-f", file]);
    expect(await hello(cli.url)).toBe("before");
    writeFileSync(file, fixtureFile("after"));
    cli.child.kill("SIGHUP");
    expect(await waitForLine(cli.lines, /^fixtures reloaded/)).toBe("fixtures reloaded: 1 fixture, 0 flows");
    expect(await hello(cli.url)).toBe("after");
    expect(cli.child.exitCode).toBeNull();
  });

  it("--watch serves an edit without a signal", async () => {
    const file = join(dir, "watched.json");
    writeFileSync(file, fixtureFile("one"));
    const cli = await startCli(["-f", file, "--watch", "-q"]);
    expect(await hello(cli.url)).toBe("one");
    writeFileSync(file, fixtureFile("two"));
    await eventually(async () => (await hello(cli.url)) === "two");
  });
});

describe("the control API through the command", () => {
  it("is served by default and off with --no-control", async () => {
    const file = join(dir, "plain.json");
    writeFileSync(file, fixtureFile("hi"));
    const on = await startCli(["-f", file, "-q"]);
    await hello(on.url);
    const journal = (await (await fetch(`${on.url}/__understudy/journal`)).json()) as { exchanges: { id: number }[] };
    expect(journal.exchanges.map((e) => e.id)).toEqual([1]);
    const off = await startCli(["-f", file, "-q", "--no-control"]);
    expect((await fetch(`${off.url}/__understudy/journal`)).status).toBe(404);
  });
});

describe("the control API under --workers 2", () => {
  it("writes reach every worker and reads gather every worker's data", async () => {
    const file = join(dir, "workers.json");
    writeFileSync(
      file,
      JSON.stringify({
        fixtures: [
          { match: { userMessage: "hello" }, response: { content: "hi" } },
          { match: { userMessage: "never" }, response: { content: "n" } },
        ],
      }),
    );
    const cli = await startCli(["-f", file, "-q", "--workers", "2"]);
    const control = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${cli.url}/__understudy${path}`, {
        method,
        headers: body === undefined ? {} : { "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };
    const added = await control("POST", "/fixtures", {
      fixtures: [{ match: { userMessage: "runtime" }, response: { content: "from runtime" } }],
    });
    expect(added.status).toBe(201);
    // Fresh connections spread over both workers; each answers the runtime fixture.
    const say = async (content: string) => {
      const res = await fetch(`${cli.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json", connection: "close" },
        body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content }] }),
      });
      return ((await res.json()) as { choices: { message: { content: string } }[] }).choices[0].message.content;
    };
    const answers = [];
    for (let i = 0; i < 6; i++) answers.push(await say(i % 2 === 0 ? "runtime" : "hello"));
    expect(answers).toEqual(["from runtime", "hi", "from runtime", "hi", "from runtime", "hi"]);
    const journal = (await control("GET", "/journal")).body.exchanges as { worker: number; fixture: string }[];
    expect(journal).toHaveLength(6);
    expect(new Set(journal.map((e) => e.worker)).size).toBe(2);
    const fixtures = (await control("GET", "/fixtures")).body.fixtures as { label: string; answered: number }[];
    expect(fixtures.map((f) => [f.label, f.answered])).toEqual([
      ['#0 userMessage="hello"', 3],
      ['#1 userMessage="never"', 0],
      ['#2 userMessage="runtime"', 3],
    ]);
    const unused = (await control("GET", "/unused")).body.fixtures as { label: string }[];
    expect(unused.map((f) => f.label)).toEqual(['#1 userMessage="never"']);
    expect((await control("POST", "/reset")).body).toEqual({ reset: true });
    expect((await control("GET", "/journal")).body.exchanges).toEqual([]);
    expect(((await control("GET", "/fixtures")).body.fixtures as unknown[]).length).toBe(2);
  });
});
