// The control API under /__understudy/, through real HTTP: the journal and its filters, fixtures added
// and dropped at run time, reset, unused fixtures, queued errors, access, and that none of it is journalled.
import { afterEach, describe, expect, it } from "vitest";
import { createServer, type ServerInstance } from "../src/server.js";

let server: ServerInstance;
afterEach(() => server?.close());

const chat = (content: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: "Bearer sk-test", ...headers },
    body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content }] }),
  });

const control = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(`${server.url}/__understudy${path}`, {
    method,
    headers: body === undefined ? headers : { "content-type": "application/json", ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};

const contentOf = async (res: Response) =>
  ((await res.json()) as { choices: { message: { content: string } }[] }).choices[0].message.content;

describe("GET /__understudy/journal", () => {
  it("lists exchanges oldest first with ids, the fixture or the nearest misses, and redacted credentials", async () => {
    server = await createServer([{ match: { userMessage: "hello" }, response: { content: "Hi!" } }]);
    expect((await chat("hello")).status).toBe(200);
    expect((await chat("goodbye", { "x-api-key": "secret" })).status).toBe(400);
    const { status, body } = await control("GET", "/journal");
    expect(status).toBe(200);
    const exchanges = body.exchanges as Record<string, unknown>[];
    expect(exchanges.map((e) => [e.id, e.status, e.fixture])).toEqual([
      [1, 200, '#0 userMessage="hello"'],
      [2, 400, null],
    ]);
    expect(exchanges[0]).toMatchObject({
      provider: "openai",
      api: "chat.completions",
      method: "POST",
      path: "/v1/chat/completions",
      model: "gpt-4o",
      stream: false,
      nearest: null,
      request: { body: { model: "gpt-4o", messages: [{ role: "user", content: "hello" }] }, truncated: false },
    });
    expect(typeof exchanges[0].time).toBe("string");
    expect(exchanges[1].nearest).toEqual([
      { label: '#0 userMessage="hello"', failures: ['last user message "goodbye" does not contain "hello"'] },
    ]);
    const answered = exchanges[0].response as { body: { object: string; choices: { message: { content: string } }[] } };
    expect(answered.body.object).toBe("chat.completion");
    expect(answered.body.choices[0].message.content).toBe("Hi!");
    const refused = exchanges[1].response as { body: { error: { code: string } }; truncated: boolean };
    expect(refused.body.error.code).toBe("no_match");
    expect(refused.truncated).toBe(false);
    const headers = exchanges[1].headers as Record<string, string>;
    expect(headers.authorization).toBe("[redacted]");
    expect(headers["x-api-key"]).toBe("[redacted]");
    expect(headers["content-type"]).toBe("application/json");
  });

  it("filters by since, unmatched and limit, and is emptied by DELETE; control calls are never journalled", async () => {
    server = await createServer([{ match: { userMessage: "a" }, response: { content: "A" } }]);
    for (const text of ["a", "x", "a", "y"]) await chat(text);
    const ids = async (query: string) =>
      ((await control("GET", `/journal${query}`)).body.exchanges as { id: number }[]).map((e) => e.id);
    expect(await ids("")).toEqual([1, 2, 3, 4]);
    expect(await ids("?since=2")).toEqual([3, 4]);
    expect(await ids("?unmatched=true")).toEqual([2, 4]);
    expect(await ids("?unmatched=false")).toEqual([1, 3]);
    expect(await ids("?limit=1")).toEqual([4]);
    expect(await ids("?since=1&limit=2")).toEqual([2, 3]);
    expect((await control("GET", "/journal?limit=-1")).status).toBe(400);
    expect(server.journal.all()).toHaveLength(4);
    expect(await control("DELETE", "/journal")).toEqual({ status: 200, body: { cleared: true } });
    expect(await ids("")).toEqual([]);
    await chat("a");
    // Ids go on after a clear, so a client's ?since= stays meaningful.
    expect(await ids("")).toEqual([5]);
  });

  it("caps a long request body and says it is truncated", async () => {
    server = await createServer([{ match: { userMessage: "long" }, response: { content: "ok" } }]);
    await chat(`long ${"x".repeat(40_000)}`);
    const [entry] = (await control("GET", "/journal")).body.exchanges as {
      request: { body: string; truncated: boolean };
    }[];
    expect(entry.request.truncated).toBe(true);
    expect(entry.request.body).toHaveLength(16_384);
    expect(entry.request.body.startsWith('{"model":"gpt-4o"')).toBe(true);
  });
});

describe("the journal's answers", () => {
  it("keeps a stream's text as sent", async () => {
    server = await createServer([{ match: { userMessage: "s" }, response: { content: "Streamed" } }]);
    await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "gpt-4o", stream: true, messages: [{ role: "user", content: "s" }] }),
    }).then((res) => res.text());
    const [entry] = (await control("GET", "/journal")).body.exchanges as {
      stream: boolean;
      response: { body: string };
    }[];
    expect(entry.stream).toBe(true);
    expect(entry.response.body.startsWith("data: {")).toBe(true);
    expect(entry.response.body.endsWith("data: [DONE]\n\n")).toBe(true);
    expect(entry.response.body).toContain('"content":"Stream');
  });
});

describe("/__understudy/fixtures", () => {
  it("lists the loaded set, adds fixtures at run time in the file format, and drops the additions on DELETE", async () => {
    server = await createServer([{ match: { userMessage: "hello" }, response: { content: "Hi!" } }]);
    const added = await control("POST", "/fixtures", {
      fixtures: [{ match: { userMessage: { regex: "^bye" } }, response: { content: "Bye!" }, times: 2 }],
    });
    expect(added.status).toBe(201);
    expect(added.body.added).toBe(1);
    expect(await contentOf(await chat("bye now"))).toBe("Bye!");
    const listed = await control("GET", "/fixtures");
    expect(listed.body.fixtures).toEqual([
      {
        label: '#0 userMessage="hello"',
        source: "code",
        index: null,
        match: { userMessage: "hello" },
        answered: 0,
        times: null,
      },
      {
        label: "#1 userMessage=/^bye/",
        source: "runtime",
        index: 0,
        match: { userMessage: { regex: "^bye", flags: "" } },
        answered: 1,
        times: 2,
      },
    ]);
    expect((await control("DELETE", "/fixtures")).body.fixtures).toHaveLength(1);
    expect((await chat("bye now")).status).toBe(400);
  });

  it("refuses an invalid fixture with the messages a file gets", async () => {
    server = await createServer([]);
    const refused = await control("POST", "/fixtures", { fixtures: [{ match: { userMessage: 3 }, response: {} }] });
    expect(refused.status).toBe(400);
    const error = refused.body.error as { code: string; issues: string[] };
    expect(error.code).toBe("invalid_fixtures");
    expect(error.issues).toEqual([
      "fixtures[0].match.userMessage: expected a string, a RegExp or { regex }",
      "fixtures[0].response: expected at least one of content, toolCalls, reasoning, error or embedding",
    ]);
    expect((await control("POST", "/fixtures", { nope: [] })).status).toBe(400);
    expect(server.fixtures.size).toBe(0);
  });

  it("takes a flow file too", async () => {
    server = await createServer([]);
    const flows = {
      responses: [
        {
          id: "greet",
          messages: [
            { role: "user", content: "hey" },
            { role: "assistant", content: "Hey there" },
          ],
        },
      ],
    };
    expect((await control("POST", "/fixtures", flows)).status).toBe(201);
    expect(await contentOf(await chat("hey"))).toBe("Hey there");
    const [info] = (await control("GET", "/fixtures")).body.fixtures as Record<string, unknown>[];
    expect(info).toMatchObject({ label: 'flows "greet"', source: "runtime", answered: 1 });
  });
});

describe("times, unused and reset", () => {
  it("a fixture with times answers that many requests, then stops matching until a reset", async () => {
    server = await createServer([
      { match: { userMessage: "ping" }, response: { content: "first" }, times: 2 },
      { match: { userMessage: "ping" }, response: { content: "later" } },
      { match: { userMessage: "never" }, response: { content: "n" } },
    ]);
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push(await contentOf(await chat("ping")));
    expect(answers).toEqual(["first", "first", "later"]);
    expect(((await control("GET", "/unused")).body.fixtures as { label: string }[]).map((f) => f.label)).toEqual([
      '#2 userMessage="never"',
    ]);
    expect(server.fixtures.unused().map((f) => f.label)).toEqual(['#2 userMessage="never"']);
    expect(await control("POST", "/reset")).toEqual({ status: 200, body: { reset: true } });
    expect(server.journal.all()).toEqual([]);
    expect(await contentOf(await chat("ping"))).toBe("first");
    expect((await control("GET", "/unused")).body.fixtures).toHaveLength(2);
  });

  it("an exhausted fixture says so among the nearest misses", async () => {
    server = await createServer([{ match: { userMessage: "once" }, response: { content: "1" }, times: 1 }]);
    expect(await contentOf(await chat("once"))).toBe("1");
    expect((await chat("once")).status).toBe(400);
    const [, second] = (await control("GET", "/journal")).body.exchanges as { nearest: unknown }[];
    expect(second.nearest).toEqual([
      { label: '#0 userMessage="once"', failures: ["times is 1, and it has answered 1 time already"] },
    ]);
  });

  it("reset drops runtime fixtures, restarts sequences and empties the rate-limit buckets", async () => {
    server = await createServer(
      [
        { match: { userMessage: "s", sequenceIndex: 0 }, response: { content: "zero" } },
        { match: { userMessage: "s", sequenceIndex: 1 }, response: { content: "one" } },
        { match: { userMessage: "r" }, response: { content: "r" } },
      ],
      { rateLimit: { rpm: 2 } },
    );
    await control("POST", "/fixtures", { fixtures: [{ match: { userMessage: "quiz" }, response: { content: "q" } }] });
    expect(await contentOf(await chat("s"))).toBe("zero");
    expect(await contentOf(await chat("s"))).toBe("one");
    expect((await chat("r")).status).toBe(429);
    await control("POST", "/reset");
    expect(await contentOf(await chat("s"))).toBe("zero");
    expect(await contentOf(await chat("r"))).toBe("r");
    expect((await chat("quiz")).status).toBe(400);
    expect(server.fixtures.describe()).toHaveLength(3);
  });
});

describe("POST /__understudy/errors", () => {
  it("queues the next error, in the provider's shape", async () => {
    server = await createServer([{ match: { userMessage: "hi" }, response: { content: "Hi" } }]);
    expect(await control("POST", "/errors", { status: 503, message: "down" })).toEqual({
      status: 201,
      body: { queued: true },
    });
    const failed = await chat("hi");
    expect(failed.status).toBe(503);
    expect(((await failed.json()) as { error: { message: string } }).error.message).toBe("down");
    expect(await contentOf(await chat("hi"))).toBe("Hi");
    const bad = await control("POST", "/errors", { status: 200 });
    expect(bad.status).toBe(400);
    expect((bad.body.error as { issues: string[] }).issues[0]).toMatch(/^status: /);
  });
});

describe("access", () => {
  it("needs an API key or the controlKey when keys are configured", async () => {
    server = await createServer([], { apiKeys: ["sk-test"], controlKey: "ctl" });
    expect((await control("GET", "/journal")).status).toBe(401);
    expect((await control("GET", "/journal", undefined, { authorization: "Bearer wrong" })).status).toBe(401);
    expect((await control("GET", "/journal", undefined, { authorization: "Bearer sk-test" })).status).toBe(200);
    expect((await control("GET", "/journal", undefined, { "x-api-key": "ctl" })).status).toBe(200);
    // The control key opens the control API only.
    expect((await chat("x", { authorization: "Bearer ctl" })).status).toBe(401);
  });

  it("is open without keys and answers 404 when turned off", async () => {
    server = await createServer([], { control: false });
    const res = await fetch(`${server.url}/__understudy/journal`);
    expect(res.status).toBe(404);
  });

  it("is neither journalled nor counted in metrics", async () => {
    server = await createServer([]);
    await control("GET", "/fixtures");
    await control("POST", "/reset");
    expect(server.journal.all()).toEqual([]);
    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).not.toContain("__understudy");
    expect(metrics).not.toMatch(/understudy_requests_total\{[^}]*\} [1-9]/);
  });
});
