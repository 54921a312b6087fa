// Conformance: every Responses API body, SSE event, WebSocket frame and stored-response answer Understudy sends validates against OpenAI's OpenAPI spec.
import { encode } from "gpt-tokenizer/encoding/o200k_base";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import type { Fixture, FixtureResponse } from "understudy-llm";
import { createServer, type ServerInstance } from "understudy-llm/server";
import { expectConforms, validateAgainst } from "../support/openapi.js";

type Json = Record<string, any>;
const NOW_MS = 1_741_476_542_000;
const LONG =
  "One two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty.";
const tools = [
  {
    type: "function",
    name: "get_weather",
    description: "Current weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
    strict: false,
  },
  {
    type: "function",
    name: "get_time",
    parameters: { type: "object", properties: { zone: { type: "string" } } },
    strict: false,
  },
];

interface Case {
  name: string;
  response: FixtureResponse;
  tools?: boolean;
  maxOutputTokens?: number;
  error?: number;
}
// Each case is matched by its bracketed tag in the user message, so no two tags overlap.
const cases: Case[] = [
  { name: "plain", response: { content: "Hello! How can I help you today?" } },
  { name: "unicode", response: { content: "Grüße aus Zürich 👋🏽 — 你好，世界！ 👨‍👩‍👧‍👦 café, naïve, 𝔘𝔫𝔦𝔠𝔬𝔡𝔢" } },
  { name: "one-tool", response: { toolCalls: [{ name: "get_weather", arguments: { city: "Paris" } }] }, tools: true },
  {
    name: "two-tools",
    tools: true,
    response: {
      toolCalls: [
        { name: "get_weather", arguments: { city: "Paris" } },
        { name: "get_time", arguments: '{"zone":"Asia/Tokyo"}', id: "call_fixed0000000000000001" },
      ],
    },
  },
  {
    name: "text-and-tool",
    response: {
      content: "Let me check the weather.",
      toolCalls: [{ name: "get_weather", arguments: { city: "Oslo" } }],
    },
    tools: true,
  },
  { name: "reasoning", response: { reasoning: "The user said hi, so a short greeting fits.", content: "Hi there!" } },
  { name: "cut", response: { content: LONG }, maxOutputTokens: 16 },
  {
    name: "server-error",
    response: {
      error: { status: 500, message: "The server had an error while processing your request.", code: "server_error" },
    },
    error: 500,
  },
];
// A rate limit is refused before any stream starts, so it has its own tests below.
const rateLimited: Case = {
  name: "rate-limited",
  response: {
    error: { status: 429, message: "Rate limit reached for gpt-4o on requests per min (RPM): Limit 3.", retryAfter: 2 },
  },
  error: 429,
};
const fixtures: Fixture[] = [...cases, rateLimited].map((c) => ({
  match: { userMessage: `[${c.name}]` },
  response: c.response,
}));

let server: ServerInstance;
beforeAll(async () => void (server = await createServer(fixtures, { seed: 11, now: () => NOW_MS })));
afterAll(() => server?.close());

/**
 * The request for a case: string input for some, an input item list for the others. A message item's
 * content stays a string: with a parts array it matches both EasyInputMessage and InputMessage, which
 * the spec's InputItem `oneOf` forbids, so the spec rejects the SDK's own documented form.
 */
function requestBody(c: Case, extra: Json = {}): Json {
  const text = `Please answer [${c.name}]`;
  return {
    model: "gpt-4o",
    instructions: "You are terse.",
    input: cases.indexOf(c) % 2 ? text : [{ type: "message", role: "user", content: text }],
    ...(c.tools ? { tools, tool_choice: "auto", parallel_tool_calls: true } : {}),
    ...(c.maxOutputTokens ? { max_output_tokens: c.maxOutputTokens } : {}),
    ...extra,
  };
}

async function post(body: Json): Promise<Response> {
  // Every request the suite sends is itself checked, so a test cannot pass on a body OpenAI would refuse.
  expectConforms("CreateResponse", body, "request body");
  return fetch(`${server.url}/v1/responses`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
}
const call = async (method: string, path: string) => {
  const res = await fetch(`${server.url}/v1${path}`, { method });
  return { status: res.status, body: (await res.json()) as Json };
};

/** What a case's reply must hold: the output item types, and the final event / status. */
const expectedTypes = (c: Case) =>
  c.error
    ? []
    : [
        ...(c.response.reasoning ? ["reasoning"] : []),
        ...(c.response.content ? ["message"] : []),
        ...(c.response.toolCalls ?? []).map(() => "function_call"),
      ];
const finalType = (c: Case) =>
  c.error ? "response.failed" : c.maxOutputTokens ? "response.incomplete" : "response.completed";
const TERMINAL = new Set(["response.completed", "response.incomplete", "response.failed"]);

/** Checks a finished Response object against the case: ids, status, output items and usage. */
function expectResponse(response: Json, c: Case): void {
  expect(response).toMatchObject({
    object: "response",
    created_at: NOW_MS / 1000,
    model: "gpt-4o",
    instructions: "You are terse.",
  });
  expect(response.id).toMatch(/^resp_[0-9a-f]{48}$/);
  expect(response.output.map((item: Json) => item.type)).toEqual(expectedTypes(c));
  if (c.error) {
    expect(response).toMatchObject({
      status: "failed",
      usage: null,
      completed_at: null,
      error: { message: c.response.error!.message },
    });
    return;
  }
  const cut = c.maxOutputTokens !== undefined;
  expect(response.status).toBe(cut ? "incomplete" : "completed");
  expect(response.error).toBeNull();
  expect(response.incomplete_details).toEqual(cut ? { reason: "max_output_tokens" } : null);
  expect(response.completed_at).toBe(cut ? null : NOW_MS / 1000);
  const { usage } = response;
  expect(usage.total_tokens).toBe(usage.input_tokens + usage.output_tokens);
  expect(usage.input_tokens).toBeGreaterThan(0);
  // gpt-4o counts in o200k_base: every reasoning, text and argument token, or exactly the cap when cut.
  const args = (c.response.toolCalls ?? []).map((t) =>
    typeof t.arguments === "string" ? t.arguments : JSON.stringify(t.arguments),
  );
  const tokens = [c.response.reasoning, c.response.content, ...args].reduce(
    (sum, text) => sum + (text ? encode(text).length : 0),
    0,
  );
  expect(usage.output_tokens).toBe(cut ? 16 : tokens);
  expect(usage.output_tokens_details.reasoning_tokens > 0).toBe(Boolean(c.response.reasoning));

  const byType = (type: string) => response.output.filter((item: Json) => item.type === type);
  for (const reasoning of byType("reasoning")) {
    expect(reasoning.id).toMatch(/^rs_[0-9a-f]{48}$/);
    expect(reasoning.summary).toEqual([{ type: "summary_text", text: c.response.reasoning }]);
  }
  for (const message of byType("message")) {
    expect(message).toMatchObject({ type: "message", role: "assistant", status: cut ? "incomplete" : "completed" });
    expect(message.id).toMatch(/^msg_[0-9a-f]{48}$/);
    expect(message.content).toHaveLength(1);
    const text: string = message.content[0].text;
    if (cut) expect(LONG.startsWith(text) && text.length > 0 && text.length < LONG.length).toBe(true);
    else expect(text).toBe(c.response.content);
  }
  byType("function_call").forEach((fc: Json, i: number) => {
    const want = c.response.toolCalls![i];
    expect(fc).toMatchObject({ type: "function_call", status: "completed", name: want.name });
    expect(fc.id).toMatch(/^fc_[0-9a-f]{48}$/);
    expect(fc.call_id).toMatch(want.id ? new RegExp(`^${want.id}$`) : /^call_[A-Za-z0-9]{24}$/);
    expect(JSON.parse(fc.arguments)).toEqual(
      typeof want.arguments === "string" ? JSON.parse(want.arguments) : want.arguments,
    );
  });
}

/** Splits a typed SSE body into event payloads, checking `event: <type>\ndata: <json>\n\n` framing and no `[DONE]`. */
function parseSse(text: string): Json[] {
  const blocks = text.split("\n\n");
  expect(blocks.pop(), "every event ends with a blank line").toBe("");
  return blocks.map((block) => {
    const frame = /^event: ([^\n]+)\ndata: ([^\n]+)$/.exec(block);
    expect(frame, `one event line and one data line: ${JSON.stringify(block)}`).not.toBeNull();
    const data = JSON.parse(frame![2]) as Json;
    expect(data.type, "the event: line names the payload's type").toBe(frame![1]);
    return data;
  });
}

/** Checks an event sequence (SSE or WebSocket) and rebuilds the output from it the way the SDK's ResponseStream does. */
function expectEventStream(events: Json[], c: Case): Json {
  expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
  const types = events.map((e) => e.type);
  expect(types.slice(0, 2)).toEqual(["response.created", "response.in_progress"]);
  expect(types.at(-1)).toBe(finalType(c));
  expect(types.filter((t) => TERMINAL.has(t))).toHaveLength(1);
  if (c.error) expect(types).toEqual(["response.created", "response.in_progress", "error", "response.failed"]);
  const opening = events[0].response;
  expect(opening).toMatchObject({ status: "in_progress", output: [], usage: null });
  const final = events.at(-1)!.response as Json;
  expect(events.filter((e) => e.response).every((e) => e.response.id === opening.id)).toBe(true);

  const items: Json[] = [];
  for (const e of events) {
    const item = items[e.output_index];
    if (e.type !== "response.output_item.added" && e.output_index !== undefined)
      expect(item, `${e.type} before its item was added`).toBeDefined();
    if (e.item_id !== undefined) expect(e.item_id).toBe(item.id);
    switch (e.type) {
      case "response.output_item.added":
        expect(e.output_index).toBe(items.length);
        items.push(structuredClone(e.item));
        break;
      case "response.content_part.added":
        item.content.push(structuredClone(e.part));
        break;
      case "response.output_text.delta":
        item.content[e.content_index].text += e.delta;
        break;
      case "response.output_text.done":
        expect(e.text).toBe(item.content[e.content_index].text);
        break;
      case "response.content_part.done":
        expect(e.part).toEqual(item.content[e.content_index]);
        break;
      case "response.reasoning_summary_part.added":
        item.summary.push(structuredClone(e.part));
        break;
      case "response.reasoning_summary_text.delta":
        item.summary[e.summary_index].text += e.delta;
        break;
      case "response.reasoning_summary_text.done":
        expect(e.text).toBe(item.summary[e.summary_index].text);
        break;
      case "response.reasoning_summary_part.done":
        expect(e.part).toEqual(item.summary[e.summary_index]);
        break;
      case "response.function_call_arguments.delta":
        item.arguments += e.delta;
        break;
      case "response.function_call_arguments.done":
        expect(e.arguments).toBe(item.arguments);
        break;
      case "response.output_item.done":
        if ("status" in item) item.status = e.item.status;
        expect(e.item).toEqual(item);
        break;
    }
  }
  expect(final.output).toEqual(items);
  return final;
}

describe.each(cases)("responses: $name", (c) => {
  it("POST /v1/responses answers a Response (or the error)", async () => {
    const res = await post(requestBody(c));
    const body = (await res.json()) as Json;
    if (c.error) {
      expect(res.status).toBe(c.error);
      expectConforms("ErrorResponse", body);
      expect(body.error).toMatchObject({ message: c.response.error!.message, code: "server_error" });
      return;
    }
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    expectConforms("Response", body);
    expectResponse(body, c);
  });

  it("stream: true sends ResponseStreamEvents that rebuild the final response", async () => {
    const res = await post(requestBody(c, { stream: true }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events = parseSse(await res.text());
    for (const [i, e] of events.entries()) expectConforms("ResponseStreamEvent", e, `event ${i} (${e.type})`);
    const final = expectEventStream(events, c);
    expectResponse(final, c);
    if (c.error) {
      // We send the error both flat and nested; the flat fields alone satisfy the spec, no quirk needed.
      const error = events[2];
      expect(validateAgainst("ResponseStreamEvent", error, { quirks: false })).toEqual([]);
      expect(error).toMatchObject({
        code: final.error.code,
        message: c.response.error!.message,
        error: { message: c.response.error!.message },
      });
    }
  });

  for (const streamId of [undefined, "lane-1.a_b"]) {
    it(`WebSocket response.create${streamId ? " with a stream_id" : ""} sends ResponsesServerEvents`, async () => {
      const ws = await openWs();
      // No `stream`: it is implicit on a WebSocket, and the spec says not to send it.
      const frame = { type: "response.create", ...requestBody(c), ...(streamId ? { stream_id: streamId } : {}) };
      expectConforms("ResponsesClientEvent", frame, "client frame");
      ws.send(frame);
      const events = await ws.until((e) => TERMINAL.has(e.type));
      ws.close();
      for (const [i, e] of events.entries()) expectConforms("ResponsesServerEvent", e, `frame ${i} (${e.type})`);
      expect(events.every((e) => e.stream_id === streamId)).toBe(true);
      const final = expectEventStream(
        events.map(({ stream_id: _id, ...e }) => e),
        c,
      );
      expectResponse(final, c);
    });
  }

  it("the stored response: GET → Response, GET input_items → ResponseItemList, DELETE", async () => {
    let created: Json;
    if (c.error) {
      // An error fixture stores the failed response its stream ended with.
      created = parseSse(await (await post(requestBody(c, { stream: true }))).text()).at(-1)!.response;
    } else {
      created = (await (await post(requestBody(c))).json()) as Json;
    }
    const got = await call("GET", `/responses/${created.id}`);
    expect(got.status).toBe(200);
    expectConforms("Response", got.body, "GET /v1/responses/{id}");
    expect(got.body).toEqual(created);

    const list = await call("GET", `/responses/${created.id}/input_items`);
    expect(list.status).toBe(200);
    expectConforms("ResponseItemList", list.body, "GET input_items");
    expect(list.body).toMatchObject({
      object: "list",
      has_more: false,
      data: [{ type: "message", role: "user", content: [{ type: "input_text", text: `Please answer [${c.name}]` }] }],
    });
    expect(list.body.first_id).toBe(list.body.data[0].id);
    expect(list.body.last_id).toBe(list.body.data[0].id);

    // The spec gives DELETE's 200 no schema, only an example body: {id, object: "response", deleted: true}.
    const deleted = await call("DELETE", `/responses/${created.id}`);
    expect(deleted).toEqual({ status: 200, body: { id: created.id, object: "response", deleted: true } });
    const gone = await call("GET", `/responses/${created.id}`);
    expect(gone.status).toBe(404);
    expectConforms("ErrorResponse", gone.body, "GET after DELETE");
    expectConforms("Error", gone.body.error, "GET after DELETE (the spec's 404 schema)");
  });
});

describe("a 429 fixture is refused before any stream starts", () => {
  it("answers HTTP 429 with retry-after, with and without stream: true", async () => {
    for (const stream of [false, true]) {
      const res = await post(requestBody(rateLimited, { stream }));
      expect(res.status).toBe(429);
      expect(res.headers.get("retry-after")).toBe("2");
      const body = (await res.json()) as Json;
      expectConforms("ErrorResponse", body);
      expect(body.error).toMatchObject({ message: rateLimited.response.error!.message, code: "rate_limit_exceeded" });
    }
  });

  it("answers a WebSocket response.create with a status 429 error frame", async () => {
    const ws = await openWs();
    ws.send({ type: "response.create", ...requestBody(rateLimited), stream_id: "lane-429" });
    const [reply] = await ws.until(() => true);
    ws.close();
    expectConforms("ResponseWsError", reply, "error frame");
    expect(reply).toMatchObject({
      type: "error",
      status: 429,
      stream_id: "lane-429",
      error: { code: "rate_limit_exceeded" },
    });
  });
});

describe("WebSocket error frames conform to ResponseWsError", () => {
  const frames: [string, string | Json, Json][] = [
    ["bad JSON", '{"type": "response.create", ', { code: "invalid_json" }],
    [
      "an unknown type",
      { type: "response.cancel", model: "gpt-4o", input: "hi" },
      { code: "invalid_value", param: "type" },
    ],
    [
      "a bad stream_id",
      { type: "response.create", model: "gpt-4o", input: "hi", stream_id: "no spaces allowed" },
      { code: "invalid_stream_id", param: "stream_id" },
    ],
    [
      "no matching fixture",
      { type: "response.create", model: "gpt-4o", input: "nothing matches this" },
      { code: "no_match" },
    ],
    [
      "no matching fixture on a lane",
      { type: "response.create", model: "gpt-4o", input: "nothing matches this", stream_id: "lane-2" },
      { code: "no_match" },
    ],
  ];

  it.each(frames)("for %s", async (_label, frame, error) => {
    const ws = await openWs();
    ws.send(frame);
    const [reply] = await ws.until(() => true);
    ws.close();
    expectConforms("ResponseWsError", reply, "error frame");
    expectConforms("ResponsesServerEvent", reply, "error frame");
    expect(reply).toMatchObject({ type: "error", status: 400, error: { type: "invalid_request_error", ...error } });
    const streamId = typeof frame === "object" ? frame.stream_id : undefined;
    expect(reply.stream_id).toBe(streamId);
    expect(reply).not.toHaveProperty("sequence_number");
  });
});

describe("request bodies against CreateResponse", () => {
  // The harness has to say no as well as yes, or the passing tests above prove nothing.
  it.each([
    ["max_output_tokens below 16", { max_output_tokens: 15 }, /^\/max_output_tokens: must be >= 16/m],
    ["temperature above 2", { temperature: 3 }, /^\/temperature: must be <= 2/m],
  ])("rejects %s", (_label, extra, message) => {
    expect(validateAgainst("CreateResponse", requestBody(cases[0], extra)).join("\n")).toMatch(message);
  });
});

interface WsClient {
  send(frame: string | Json): void;
  until(done: (frame: Json) => boolean): Promise<Json[]>;
  close(): void;
}

/** A `ws` client on /v1/responses that queues JSON text frames until a test asks for them. */
async function openWs(): Promise<WsClient> {
  const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}/v1/responses`);
  const queue: Json[] = [];
  let wake: (() => void) | undefined;
  ws.on("message", (data, isBinary) => {
    // A binary frame is queued as a marker that fails the schema check, rather than thrown from the listener.
    queue.push(isBinary ? { type: "<binary frame>" } : (JSON.parse(String(data)) as Json));
    wake?.();
  });
  await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
  return {
    send: (frame) => ws.send(typeof frame === "string" ? frame : JSON.stringify(frame)),
    async until(done) {
      const frames: Json[] = [];
      for (;;) {
        while (queue.length === 0) await new Promise<void>((resolve) => (wake = resolve));
        const frame = queue.shift()!;
        frames.push(frame);
        if (done(frame)) return frames;
      }
    },
    close: () => ws.close(),
  };
}
