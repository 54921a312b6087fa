// The Responses API over HTTP: event order and numbering, the response object, usage, errors, stored responses and chaining.
import { decode, encode } from "gpt-tokenizer/encoding/o200k_base";
import { createServer, type ServerInstance } from "understudy-llm/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpPost, parseTypedSSE, type TypedSseEvent } from "./support/http.js";

const NOW_MS = 1_741_476_542_000;
const TEXT = "The quick brown fox jumps over the lazy dog, twice.";
const LONG =
  "One two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen twenty.";
const REASONING = "The user greets me, so I greet back.";
const tokens = (text: string) => encode(text).length;
type Msg = { role: string; content: string };
/** The cookbook formula: 3 + Σ(3 + tokens(role) + tokens(content)). */
const promptTokens = (messages: Msg[]) =>
  3 + messages.reduce((sum, m) => sum + 3 + tokens(m.role) + tokens(m.content), 0);

let instance: ServerInstance;
const url = (path: string) => `${instance.url}/v1${path}`;
const create = async (body: Record<string, unknown>) => {
  const res = await httpPost(url("/responses"), { model: "gpt-4o", ...body });
  return {
    status: res.status,
    headers: res.headers,
    json: () => JSON.parse(res.body),
    events: () => parseTypedSSE(res.body),
  };
};
const getJson = async (path: string, method = "GET") => {
  const res = await fetch(url(path), { method });
  return { status: res.status, body: (await res.json()) as any };
};

beforeAll(async () => {
  instance = await createServer(
    [
      { match: { systemMessage: "pirate" }, response: { content: "Arr, hello!" } },
      { match: { turnIndex: 1, userMessage: "again" }, response: { content: "I remember the first turn." } },
      { match: { userMessage: "fox" }, response: { content: TEXT } },
      { match: { userMessage: "think" }, response: { reasoning: REASONING, content: "Hello!" } },
      { match: { userMessage: "count" }, response: { content: LONG } },
      {
        match: { userMessage: "explode" },
        response: {
          error: { status: 500, message: "The model exploded.", type: "server_error", code: "server_error" },
        },
      },
      { match: { userMessage: "hello" }, response: { content: "Hi there!" } },
    ],
    { now: () => NOW_MS },
  );
});
afterAll(() => instance.close());

const ofType = (events: TypedSseEvent[], type: string) => events.filter((e) => e.type === type);

describe("POST /v1/responses with stream: true", () => {
  it("sends a text reply as created, in_progress, item/part added, one delta per token, the done events and completed", async () => {
    const res = await create({ input: "tell me about the fox", stream: true });
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/event-stream/);
    const events = res.events();
    const n = tokens(TEXT);
    expect(n).toBe(12);
    expect(events.map((e) => e.type)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.content_part.added",
      ...Array<string>(n).fill("response.output_text.delta"),
      "response.output_text.done",
      "response.content_part.done",
      "response.output_item.done",
      "response.completed",
    ]);
    expect(events.map((e) => e.data.sequence_number)).toEqual(events.map((_, i) => i));
    for (const e of events) expect(e.data.type).toBe(e.type);

    const [created, inProgress, added] = events;
    expect(created.data.response).toMatchObject({
      object: "response",
      status: "in_progress",
      output: [],
      usage: null,
      model: "gpt-4o",
      created_at: NOW_MS / 1000,
    });
    expect(created.data.response.id).toMatch(/^resp_[0-9a-f]{48}$/);
    expect(inProgress.data.response).toEqual(created.data.response);
    const itemId: string = added.data.item.id;
    expect(itemId).toMatch(/^msg_[0-9a-f]{48}$/);
    expect(added.data).toMatchObject({
      output_index: 0,
      item: { type: "message", status: "in_progress", role: "assistant", content: [] },
    });
    expect(events[3].data).toMatchObject({
      item_id: itemId,
      output_index: 0,
      content_index: 0,
      part: { type: "output_text", text: "", annotations: [], logprobs: [] },
    });

    const deltas = ofType(events, "response.output_text.delta");
    expect(deltas.map((e) => e.data.delta)).toEqual(encode(TEXT).map((t) => decode([t])));
    for (const d of deltas)
      expect(d.data).toMatchObject({ item_id: itemId, output_index: 0, content_index: 0, logprobs: [] });
    for (const type of ["response.output_text.done", "response.content_part.done"]) {
      expect(ofType(events, type)[0].data).toMatchObject({ item_id: itemId, output_index: 0, content_index: 0 });
    }
    expect(ofType(events, "response.output_text.done")[0].data.text).toBe(TEXT);
    expect(ofType(events, "response.content_part.done")[0].data.part).toEqual({
      type: "output_text",
      text: TEXT,
      annotations: [],
      logprobs: [],
    });
    const doneItem = ofType(events, "response.output_item.done")[0].data;
    expect(doneItem).toMatchObject({
      output_index: 0,
      item: { id: itemId, type: "message", status: "completed", role: "assistant" },
    });

    const final = events.at(-1)!.data.response;
    expect(final.id).toBe(created.data.response.id);
    expect(final.status).toBe("completed");
    expect(final.completed_at).toBe(NOW_MS / 1000);
    expect(final.output).toEqual([doneItem.item]);
    const input = promptTokens([{ role: "user", content: "tell me about the fox" }]);
    expect(final.usage).toEqual({
      input_tokens: input,
      input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
      output_tokens: n,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: input + n,
    });
  });

  it("streams a reasoning item with its summary before the message, and counts its tokens as reasoning tokens", async () => {
    const events = (await create({ input: "think first", stream: true })).events();
    const types = events.map((e) => e.type);
    const r = tokens(REASONING);
    expect(types.slice(0, 2 + 4 + r + 1)).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      "response.reasoning_summary_part.added",
      ...Array<string>(r).fill("response.reasoning_summary_text.delta"),
      "response.reasoning_summary_text.done",
      "response.reasoning_summary_part.done",
      "response.output_item.done",
    ]);
    const reasoningId: string = events[2].data.item.id;
    expect(reasoningId).toMatch(/^rs_[0-9a-f]{48}$/);
    expect(events[2].data).toMatchObject({ output_index: 0, item: { type: "reasoning", summary: [] } });
    const summaryDeltas = ofType(events, "response.reasoning_summary_text.delta");
    expect(summaryDeltas.map((e) => e.data.delta).join("")).toBe(REASONING);
    for (const d of summaryDeltas)
      expect(d.data).toMatchObject({ item_id: reasoningId, output_index: 0, summary_index: 0 });
    const messageAdded = ofType(events, "response.output_item.added")[1].data;
    expect(messageAdded.output_index).toBe(1);
    for (const d of ofType(events, "response.output_text.delta"))
      expect(d.data).toMatchObject({ item_id: messageAdded.item.id, output_index: 1 });
    const final = events.at(-1)!.data.response;
    expect(final.output[0]).toEqual({
      id: reasoningId,
      type: "reasoning",
      summary: [{ type: "summary_text", text: REASONING }],
    });
    expect(final.output[1].content[0].text).toBe("Hello!");
    expect(final.usage.output_tokens).toBe(r + tokens("Hello!"));
    expect(final.usage.output_tokens_details.reasoning_tokens).toBe(r);
  });

  it("reports a fixture error in-band: HTTP 200, then an error event and response.failed with the error", async () => {
    const res = await create({ input: "explode now", stream: true });
    expect(res.status).toBe(200);
    const events = res.events();
    expect(events.map((e) => e.type)).toEqual(["response.created", "response.in_progress", "error", "response.failed"]);
    expect(events.map((e) => e.data.sequence_number)).toEqual([0, 1, 2, 3]);
    expect(events[2].data).toMatchObject({ code: "server_error", message: "The model exploded.", param: null });
    expect(events[2].data.error).toEqual({
      type: "server_error",
      code: "server_error",
      message: "The model exploded.",
      param: null,
    });
    const failed = events[3].data.response;
    expect(failed).toMatchObject({
      id: events[0].data.response.id,
      status: "failed",
      output: [],
      error: { code: "server_error", message: "The model exploded." },
    });
  });
});

describe("POST /v1/responses without streaming", () => {
  it("returns the response object with a msg_ output_text item and usage counting instructions as a leading system message", async () => {
    const input = [
      { role: "user", content: "hello" },
      { role: "assistant", content: "Hi there!" },
      { role: "user", content: "hello once more" },
    ];
    const res = await create({ instructions: "Answer briefly.", input });
    expect(res.status).toBe(200);
    const body = res.json();
    expect(body.id).toMatch(/^resp_[0-9a-f]{48}$/);
    expect(body).toMatchObject({
      object: "response",
      status: "completed",
      created_at: NOW_MS / 1000,
      completed_at: NOW_MS / 1000,
      error: null,
      incomplete_details: null,
      instructions: "Answer briefly.",
      model: "gpt-4o",
      previous_response_id: null,
      store: true,
    });
    expect(body.output).toHaveLength(1);
    expect(body.output[0].id).toMatch(/^msg_[0-9a-f]{48}$/);
    expect(body.output[0]).toMatchObject({ type: "message", status: "completed", role: "assistant" });
    expect(body.output[0].content).toEqual([{ type: "output_text", text: "Hi there!", annotations: [], logprobs: [] }]);
    const inputTokens = promptTokens([{ role: "system", content: "Answer briefly." }, ...input]);
    // 3 + (3 + 1 + 3) + (3 + 1 + 1) + (3 + 1 + 3) + (3 + 1 + 3): system, user, assistant, user.
    expect(inputTokens).toBe(29);
    expect(tokens("Hi there!")).toBe(3);
    expect(body.usage).toMatchObject({
      input_tokens: inputTokens,
      output_tokens: tokens("Hi there!"),
      total_tokens: inputTokens + tokens("Hi there!"),
    });
  });

  it("stops at max_output_tokens with status incomplete, reason max_output_tokens and exactly that many output tokens", async () => {
    expect(tokens(LONG)).toBeGreaterThan(16);
    const body = (await create({ input: "count to twenty", max_output_tokens: 16 })).json();
    expect(body.status).toBe("incomplete");
    expect(body.incomplete_details).toEqual({ reason: "max_output_tokens" });
    expect(body.completed_at).toBeNull();
    expect(body.max_output_tokens).toBe(16);
    expect(body.usage.output_tokens).toBe(16);
    expect(body.output[0].status).toBe("incomplete");
    expect(body.output[0].content[0].text).toBe(decode(encode(LONG).slice(0, 16)));

    const events = (await create({ input: "count to twenty", max_output_tokens: 16, stream: true })).events();
    expect(events.at(-1)!.type).toBe("response.incomplete");
    expect(ofType(events, "response.output_text.delta")).toHaveLength(16);
  });

  it("answers 400 no_match when no fixture matches", async () => {
    const res = await create({ input: "something nobody expects" });
    expect(res.status).toBe(400);
    const { error } = res.json();
    expect(error.type).toBe("invalid_request_error");
    expect(error.code).toBe("no_match");
    expect(error.message).toMatch(/^No matching response found/);
  });
});

describe("stored responses", () => {
  it("GET returns the stored response, input_items lists the input newest first, and DELETE removes it", async () => {
    const body = (
      await create({
        input: [
          { role: "user", content: "hello" },
          { role: "user", content: "hello twice" },
        ],
      })
    ).json();
    const got = await getJson(`/responses/${body.id}`);
    expect(got.status).toBe(200);
    expect(got.body).toEqual(body);

    const items = await getJson(`/responses/${body.id}/input_items`);
    expect(items.body.object).toBe("list");
    expect(items.body.has_more).toBe(false);
    expect(items.body.data.map((i: any) => i.content[0].text)).toEqual(["hello twice", "hello"]);
    for (const item of items.body.data)
      expect(item).toMatchObject({ type: "message", role: "user", content: [{ type: "input_text" }] });
    expect(items.body.first_id).toBe(items.body.data[0].id);
    expect(items.body.last_id).toBe(items.body.data[1].id);
    const asc = await getJson(`/responses/${body.id}/input_items?order=asc`);
    expect(asc.body.data.map((i: any) => i.id)).toEqual(items.body.data.map((i: any) => i.id).reverse());

    expect(await getJson(`/responses/${body.id}`, "DELETE")).toEqual({
      status: 200,
      body: { id: body.id, object: "response", deleted: true },
    });
    const gone = await getJson(`/responses/${body.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body.error.message).toBe(`Response with id '${body.id}' not found.`);
  });

  it("previous_response_id continues the chain (turnIndex 1) without inheriting the first turn's instructions", async () => {
    const first = (await create({ instructions: "You are a pirate.", input: "hello" })).json();
    expect(first.output[0].content[0].text).toBe("Arr, hello!");
    const second = (await create({ previous_response_id: first.id, input: "again" })).json();
    // Had the instructions been inherited, the pirate fixture (listed first) would have answered.
    expect(second.output[0].content[0].text).toBe("I remember the first turn.");
    expect(second.previous_response_id).toBe(first.id);
    expect(second.instructions).toBeNull();
    const chain = [
      { role: "user", content: "hello" },
      { role: "assistant", content: "Arr, hello!" },
      { role: "user", content: "again" },
    ];
    expect(second.usage.input_tokens).toBe(promptTokens(chain));
    const items = await getJson(`/responses/${second.id}/input_items`);
    expect(items.body.data.map((i: any) => i.content[0].text)).toEqual(["again"]);
  });

  it("rejects an unknown previous_response_id with 400 previous_response_not_found", async () => {
    const res = await create({ previous_response_id: "resp_doesnotexist", input: "again" });
    expect(res.status).toBe(400);
    expect(res.json().error).toEqual({
      type: "invalid_request_error",
      code: "previous_response_not_found",
      param: "previous_response_id",
      message: "Previous response with id 'resp_doesnotexist' not found.",
    });
  });

  it("does not keep a store:false response: GET is 404 and chaining from it fails", async () => {
    const body = (await create({ input: "hello", store: false })).json();
    expect(body.store).toBe(false);
    expect((await getJson(`/responses/${body.id}`)).status).toBe(404);
    const chained = await create({ previous_response_id: body.id, input: "again" });
    expect(chained.status).toBe(400);
    expect(chained.json().error.code).toBe("previous_response_not_found");
  });
});
