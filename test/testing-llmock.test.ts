// LLMock's per-test API: the constructor's fixtures (entries and files), use() in front of them,
// unusedFixtures(), and reset() back to the constructor's set with the journal and counters emptied.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { LLMock } from "../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "understudy-llmock-"));
const file = join(dir, "weather.json");
writeFileSync(
  file,
  JSON.stringify({ fixtures: [{ match: { userMessage: "weather" }, response: { content: "Sunny, from the file" } }] }),
);

const mock = new LLMock({
  fixtures: [{ match: { userMessage: "hello" }, response: { content: "Hello from the constructor" } }, file],
});

async function ask(text: string): Promise<{ status: number; content: string | undefined }> {
  const res = await fetch(`${mock.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: text }] }),
  });
  const body = (await res.json()) as { choices?: { message: { content: string } }[] };
  return { status: res.status, content: body.choices?.[0]?.message.content };
}

beforeAll(async () => {
  await mock.start();
});
afterEach(() => {
  mock.reset();
});
afterAll(async () => {
  await mock.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe("LLMock per test", () => {
  it("answers from the constructor's entries and files", async () => {
    expect(await ask("hello")).toEqual({ status: 200, content: "Hello from the constructor" });
    expect(await ask("weather")).toEqual({ status: 200, content: "Sunny, from the file" });
  });

  it("puts use() fixtures in front of the constructor's, also after on()", async () => {
    mock.on({ userMessage: "hello" }, { content: "added with on" });
    mock.use(
      { match: { userMessage: "hello" }, response: { content: "first per-test" } },
      { match: { userMessage: "hello" }, response: { content: "second per-test" } },
    );
    expect(await ask("hello")).toEqual({ status: 200, content: "first per-test" });
    // The request above was memoised; a later use() still wins at once.
    mock.use({ match: { userMessage: "hello" }, response: { content: "latest per-test" } });
    expect(await ask("hello")).toEqual({ status: 200, content: "latest per-test" });
  });

  it("names the use() fixtures that answered nothing", async () => {
    mock.use(
      { match: { userMessage: "weather" }, response: { content: "rain" } },
      { match: { userMessage: "never asked" }, response: { content: "unused" } },
    );
    // Labels number fixtures in the order added: the constructor's two come first.
    expect(mock.unusedFixtures()).toEqual(['#2 userMessage="weather"', '#3 userMessage="never asked"']);
    expect(await ask("weather")).toEqual({ status: 200, content: "rain" });
    expect(mock.unusedFixtures()).toEqual(['#3 userMessage="never asked"']);
  });

  it("reset() drops what was added, empties the journal and restarts sequences", async () => {
    mock.use({ match: { userMessage: "hello" }, response: { content: "per-test" } });
    mock.on({ userMessage: "extra" }, { content: "extra" });
    mock.on({ userMessage: "count", sequenceIndex: 0 }, { content: "zero" });
    mock.on({ userMessage: "count", sequenceIndex: 1 }, { content: "one" });
    expect((await ask("count")).content).toBe("zero");
    expect((await ask("count")).content).toBe("one");
    expect(mock.requests).toHaveLength(2);
    mock.reset();
    expect(mock.requests).toHaveLength(0);
    expect(mock.unusedFixtures()).toEqual([]);
    expect(await ask("hello")).toEqual({ status: 200, content: "Hello from the constructor" });
    expect((await ask("extra")).status).toBe(400);
    mock.on({ userMessage: "count", sequenceIndex: 0 }, { content: "zero again" });
    expect((await ask("count")).content).toBe("zero again");
  });

  it("reset() forgets a queued error that no request used", async () => {
    mock.nextError(503, { message: "queued for a request that never came" });
    mock.reset();
    expect(await ask("hello")).toEqual({ status: 200, content: "Hello from the constructor" });
  });

  it("rejects an invalid use() fixture with the validation message", () => {
    expect(() => mock.use({ match: { userMessage: "x" }, response: {} } as never)).toThrow(/mock\.use fixtures/);
  });
});

describe("LLMock reset with rate limits", () => {
  it("empties the rate-limit buckets", async () => {
    const limited = new LLMock({
      rateLimit: { rpm: 1 },
      fixtures: [{ match: { userMessage: "hello" }, response: { content: "limited hello" } }],
    });
    await limited.start();
    try {
      const send = () =>
        fetch(`${limited.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hello" }] }),
        }).then((res) => res.status);
      expect(await send()).toBe(200);
      expect(await send()).toBe(429);
      limited.reset();
      expect(await send()).toBe(200);
    } finally {
      await limited.stop();
    }
  });
});
