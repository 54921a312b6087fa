// The pipeline memo from the outside: a request sent again is answered from what its first copy
// produced, and nothing a client can observe changes: fresh ids, a journal entry each, and every
// kind of state (sequences, predicates, queued errors, rate limits, fixtures changed at run time)
// still decides the answer.
import { createServer, LLMock, type ServerInstance } from "understudy-llm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { httpPost, sseData } from "./support/http.js";

const MODEL = "gpt-4o-mini";
const REQUEST = { model: MODEL, messages: [{ role: "user", content: "hello again" }] };

let mock: LLMock;
beforeAll(async () => {
  mock = new LLMock();
  await mock.start();
});
afterAll(() => mock.stop());
beforeEach(() => {
  mock.clearFixtures();
});

async function chat(body: unknown = REQUEST, headers: Record<string, string> = {}, url = mock.url) {
  const res = await httpPost(`${url}/v1/chat/completions`, body, headers);
  return { ...res, json: res.headers["content-type"]?.startsWith("application/json") ? JSON.parse(res.body) : null };
}

describe("identical requests", () => {
  it("get the same content with a fresh completion id, request id and journal entry each", async () => {
    mock.on({ userMessage: "hello" }, { content: "Hi there, friend." });
    const answers = await Promise.all(Array.from({ length: 5 }, () => chat()));
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.json.choices[0].message.content).toBe("Hi there, friend.");
      expect(answer.json.usage).toMatchObject({ prompt_tokens: 9, completion_tokens: 5, total_tokens: 14 });
    }
    expect(new Set(answers.map((a) => a.json.id)).size).toBe(5);
    expect(new Set(answers.map((a) => a.headers["x-request-id"])).size).toBe(5);
    const entries = mock.requests.slice(-5);
    expect(new Set(entries.map((e) => e.requestId))).toEqual(new Set(answers.map((a) => a.headers["x-request-id"])));
    for (const entry of entries) {
      expect(entry.body).toEqual(REQUEST);
      expect(entry).toMatchObject({ status: 200, model: MODEL, stream: false, fixture: '#0 userMessage="hello"' });
    }
  });

  it("are told apart by Accept and by the request's timing headers, not only by their bodies", async () => {
    mock.on({ userMessage: "hello" }, { content: "Hi there, friend." });
    expect((await chat()).json.object).toBe("chat.completion");
    const streamed = await chat(REQUEST, { accept: "text/event-stream" });
    expect(streamed.headers["content-type"]).toContain("text/event-stream");
    expect(
      sseData(streamed.body)
        .map((c) => c.choices[0]?.delta?.content ?? "")
        .join(""),
    ).toBe("Hi there, friend.");
    const started = performance.now();
    const slow = await chat(REQUEST, { "x-understudy-ttft": "150" });
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
    expect(slow.json.choices[0].message.content).toBe("Hi there, friend.");
    expect((await chat(REQUEST, { "x-understudy-ttft": "soon" })).status).toBe(400);
  });

  it("get fresh tool call ids each time (a plan with ids of its own is not reused)", async () => {
    mock.on({ userMessage: "hello" }, { toolCalls: [{ name: "lookup", arguments: { q: "x" } }] });
    const [a, b] = [await chat(), await chat()];
    const ids = [a, b].map((r) => r.json.choices[0].message.tool_calls[0].id);
    expect(ids[0]).toMatch(/^call_/);
    expect(ids[0]).not.toBe(ids[1]);
  });
});

describe("state still decides", () => {
  it("fixtures added or cleared while running take effect for a body answered before", async () => {
    mock.on({ userMessage: "hello" }, { content: "first fixture" });
    expect((await chat()).json.choices[0].message.content).toBe("first fixture");
    expect((await chat()).json.choices[0].message.content).toBe("first fixture");
    mock.clearFixtures();
    mock.on({ userMessage: "hello" }, { content: "second fixture" });
    expect((await chat()).json.choices[0].message.content).toBe("second fixture");
    mock.clearFixtures();
    expect((await chat()).status).toBe(400);
  });

  it("sequence fixtures advance on identical bodies", async () => {
    mock.on({ userMessage: "hello", sequenceIndex: 0 }, { content: "attempt one" });
    mock.on({ userMessage: "hello", sequenceIndex: 1 }, { content: "attempt two" });
    const contents = [await chat(), await chat()].map((r) => r.json.choices[0].message.content);
    expect(contents).toEqual(["attempt one", "attempt two"]);
  });

  it("a predicate is asked on every request", async () => {
    let calls = 0;
    mock.on({ predicate: () => ++calls % 2 === 1 }, { content: "odd call" });
    mock.on({ userMessage: "hello" }, { content: "even call" });
    const contents = [await chat(), await chat(), await chat()].map((r) => r.json.choices[0].message.content);
    expect(contents).toEqual(["odd call", "even call", "odd call"]);
    expect(calls).toBe(3);
  });
});

describe("server state still decides", () => {
  let server: ServerInstance;
  afterEach(() => server?.close());

  it("a queued error answers the next request even after its body was answered before", async () => {
    server = await createServer([{ match: { userMessage: "hello" }, response: { content: "fine" } }]);
    expect((await chat(REQUEST, {}, server.url)).status).toBe(200);
    server.nextError(503, { message: "down for a moment" });
    const failed = await chat(REQUEST, {}, server.url);
    expect(failed.status).toBe(503);
    expect(failed.json.error.message).toBe("down for a moment");
    expect((await chat(REQUEST, {}, server.url)).status).toBe(200);
  });

  it("rate limits count every identical request", async () => {
    server = await createServer([{ match: { userMessage: "hello" }, response: { content: "fine" } }], {
      rateLimit: { rpm: 2 },
    });
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await chat(REQUEST, {}, server.url)).status);
    expect(statuses).toEqual([200, 200, 429]);
  });
});

describe("identical Responses requests", () => {
  async function respond(body: Record<string, unknown>) {
    const res = await httpPost(`${mock.url}/v1/responses`, { model: MODEL, ...body });
    return { status: res.status, json: JSON.parse(res.body) };
  }
  async function inputItems(id: string) {
    const res = await fetch(`${mock.url}/v1/responses/${id}/input_items`);
    return ((await res.json()) as { data: { id: string; type: string }[] }).data;
  }

  it("get fresh response, output and input item ids each, and each is stored with its own", async () => {
    mock.on({ userMessage: "hello" }, { content: "Hi there, friend." });
    const request = {
      input: [
        { type: "message", role: "user", id: "msg_mine", content: [{ type: "input_text", text: "earlier" }] },
        { role: "user", content: "hello" },
      ],
    };
    const answers = [await respond(request), await respond(request), await respond(request)];
    for (const answer of answers) {
      expect(answer.status).toBe(200);
      expect(answer.json.output[0].content[0].text).toBe("Hi there, friend.");
    }
    expect(new Set(answers.map((a) => a.json.id)).size).toBe(3);
    expect(new Set(answers.map((a) => a.json.output[0].id)).size).toBe(3);
    const listed = await Promise.all(answers.map((a) => inputItems(a.json.id)));
    // Generated input item ids are each request's own; the one the client gave is kept.
    expect(new Set(listed.map((items) => items.find((i) => i.id !== "msg_mine")!.id)).size).toBe(3);
    for (const items of listed) expect(items.map((i) => i.id)).toContain("msg_mine");
  });

  it("give an input item sent with a null id a generated one, the first time as on every repeat", async () => {
    mock.on({ userMessage: "hello" }, { content: "Hi there, friend." });
    const request = {
      input: [{ type: "message", role: "user", id: null, content: [{ type: "input_text", text: "hello" }] }],
    };
    const answers = [await respond(request), await respond(request)];
    const ids = (await Promise.all(answers.map((a) => inputItems(a.json.id)))).map((items) => items[0].id);
    for (const id of ids) expect(id).toMatch(/^msg_[0-9a-f]{48}$/);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it("that continue a stored response read the store each time", async () => {
    mock.on({ userMessage: "first" }, { content: "one" });
    mock.on({ userMessage: "second" }, { content: "two" });
    const first = await respond({ input: "first" });
    const followUp = { input: "second", previous_response_id: first.json.id };
    expect((await respond(followUp)).json.output[0].content[0].text).toBe("two");
    expect((await fetch(`${mock.url}/v1/responses/${first.json.id}`, { method: "DELETE" })).status).toBe(200);
    const again = await respond(followUp);
    expect(again.status).toBe(400);
    expect(again.json.error.code).toBe("previous_response_not_found");
  });
});
