// Hot reload: fixture files re-read when they change (watch) or when asked (reload, the CLI's SIGHUP);
// a broken edit keeps the old set; unchanged sequences keep counting; runtime additions stay.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createServer, type ServerInstance } from "../src/server.js";

let server: ServerInstance;
afterEach(async () => {
  vi.restoreAllMocks();
  await server?.close();
});

const chat = async (content: string) => {
  const res = await fetch(`${server.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content }] }),
  });
  if (res.status !== 200) return `HTTP ${res.status}`;
  return ((await res.json()) as { choices: { message: { content: string } }[] }).choices[0].message.content;
};

const fixtureFile = (fixtures: unknown[]) => JSON.stringify({ fixtures });
const hello = (content: string) => ({ match: { userMessage: "hello" }, response: { content } });

/** Polls until `check` holds, at most 3 s (fs.watch fires within milliseconds here; the debounce is 75 ms). */
async function eventually(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 3000;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("condition not met within 3 s");
}

function tempFile(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), "understudy-watch-")), name);
  writeFileSync(path, text);
  return path;
}

describe("watch: true", () => {
  it("serves an edited file, and keeps the old set (logging the file's error) when an edit is broken", async () => {
    const path = tempFile("fixtures.json", fixtureFile([hello("first")]));
    const errors = vi.spyOn(console, "error").mockImplementation(() => {});
    server = await createServer([], { fixturePaths: [path], watch: true });
    expect(await chat("hello")).toBe("first");
    writeFileSync(path, fixtureFile([hello("second")]));
    await eventually(async () => (await chat("hello")) === "second");
    writeFileSync(path, '{ "fixtures": [ { "match": ');
    await eventually(async () => errors.mock.calls.length > 0);
    expect(String(errors.mock.calls[0][0])).toContain(`fixtures not reloaded, the old set stays: ${path}:`);
    expect(String(errors.mock.calls[0][0])).toContain("not valid JSON");
    expect(await chat("hello")).toBe("second");
    writeFileSync(path, fixtureFile([{ match: { userMessage: 7 }, response: { content: "x" } }]));
    await eventually(async () => errors.mock.calls.length > 1);
    expect(String(errors.mock.calls[1][0])).toContain(
      "fixtures[0].match.userMessage: expected a string, a RegExp or { regex }",
    );
    expect(await chat("hello")).toBe("second");
  });

  it("watches a folder: a file added to it is served", async () => {
    const path = tempFile("a.yaml", "fixtures:\n  - match: { userMessage: a }\n    response: { content: A }\n");
    const folder = join(path, "..");
    server = await createServer([], { fixturePaths: [folder], watch: true });
    expect(await chat("b")).toBe("HTTP 400");
    writeFileSync(join(folder, "b.json"), fixtureFile([{ match: { userMessage: "b" }, response: { content: "B" } }]));
    await eventually(async () => (await chat("b")) === "B");
    expect(await chat("a")).toBe("A");
  });
});

describe("reload()", () => {
  it("keeps the sequence counters of unchanged fixtures, the runtime additions, and reports a broken file", async () => {
    const sequence = [0, 1, 2].map((i) => ({
      match: { userMessage: "step", sequenceIndex: i },
      response: { content: `step ${i}` },
    }));
    const path = tempFile("seq.json", fixtureFile([...sequence, hello("old")]));
    server = await createServer([{ match: { userMessage: "code" }, response: { content: "C" } }], {
      fixturePaths: [path],
    });
    server.fixtures.add([{ match: { userMessage: "extra" }, response: { content: "E" } }], "runtime");
    expect(await chat("step")).toBe("step 0");
    writeFileSync(path, fixtureFile([...sequence, hello("new")]));
    expect(server.reload()).toEqual({ ok: true, fixtures: 6, flows: 0 });
    expect(await chat("code")).toBe("C");
    expect(await chat("hello")).toBe("new");
    expect(await chat("step")).toBe("step 1");
    expect(await chat("extra")).toBe("E");
    vi.spyOn(console, "error").mockImplementation(() => {});
    writeFileSync(path, "fixtures: [");
    const broken = server.reload();
    expect(broken.ok).toBe(false);
    expect(await chat("step")).toBe("step 2");
  });
});
