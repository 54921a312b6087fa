// Seed 001's code samples (Responses API over HTTP SSE), run as written but for the import path and two non-null `!`s.
import { createServer, type ServerInstance } from "understudy-llm/server";
import { afterEach, describe, expect, it } from "vitest";
import { httpPost, parseTypedSSE, post } from "./support/http.js";

// The seed posts without `stream` yet reads SSE. Its `post` (test/support/http.ts) sends
// `Accept: text/event-stream`, for which Understudy streams when `stream` is unset; without that header,
// or with `stream: false`, the answer is the JSON response object, as from the real API (last test).
// The one departure besides the import: `match(...)!`, since strict tsc rejects indexing a possibly-null match.

let instance: ServerInstance | undefined;
afterEach(async () => {
  await instance?.close();
  instance = undefined;
});

describe("seed 001: Responses API unit tests", () => {
  // --- responses-text.test.ts ---
  it("HTTP SSE text response has response.created, output_text.delta and response.completed", async () => {
    instance = await createServer([{ match: { userMessage: "hello" }, response: { content: "Hi there!" } }]);
    const res = await post(`${instance.url}/v1/responses`, {
      model: "gpt-4o",
      input: [{ role: "user", content: "hello" }],
    });
    // Parse event: + data: SSE format
    const events = res.body
      .split("\n\n")
      .filter((b) => b.includes("event: ") && b.includes("data: "))
      .map((b) => ({
        type: b.match(/^event: (.+)$/m)![1],
        data: JSON.parse(b.match(/^data: (.+)$/m)![1]),
      }));
    const types = events.map((e) => e.type);
    expect(types).toContain("response.created");
    expect(types).toContain("response.output_text.delta");
    expect(types).toContain("response.completed");

    // Beyond the seed: the deltas spell the fixture text and every data payload repeats its event name.
    expect(res.status).toBe(200);
    expect(res.headers["content-type"]).toMatch(/^text\/event-stream/);
    const deltas = events.filter((e) => e.type === "response.output_text.delta").map((e) => e.data.delta);
    expect(deltas.join("")).toBe("Hi there!");
    expect(deltas).toEqual(["Hi", " there", "!"]);
    for (const e of events) expect(e.data.type).toBe(e.type);
    expect(res.body).not.toContain("[DONE]");
    const completed = events.at(-1)!;
    expect(completed.type).toBe("response.completed");
    expect(completed.data.response.output[0].content[0].text).toBe("Hi there!");
  });

  // --- responses-tools.test.ts ---
  it("tool call response has function_call_arguments.delta and output_item.done", async () => {
    instance = await createServer([
      {
        match: { userMessage: "weather" },
        response: {
          toolCalls: [{ name: "get_weather", arguments: '{"city":"NYC"}' }],
        },
      },
    ]);
    const res = await post(`${instance.url}/v1/responses`, {
      model: "gpt-4o",
      input: [{ role: "user", content: "what is the weather?" }],
    });
    const events = parseTypedSSE(res.body);
    const types = events.map((e) => e.type);
    expect(types).toContain("response.function_call_arguments.delta");
    expect(types).toContain("response.output_item.done");

    // Beyond the seed: the function-call sequence of WIRE.md §3 with the fixture's name and arguments.
    expect(types).toEqual([
      "response.created",
      "response.in_progress",
      "response.output_item.added",
      ...types.filter((t) => t === "response.function_call_arguments.delta"),
      "response.function_call_arguments.done",
      "response.output_item.done",
      "response.completed",
    ]);
    const added = events[2].data.item;
    expect(added).toMatchObject({ type: "function_call", status: "in_progress", name: "get_weather", arguments: "" });
    expect(added.id).toMatch(/^fc_[0-9a-f]{48}$/);
    expect(added.call_id).toMatch(/^call_[A-Za-z0-9]{24}$/);
    const deltas = events.filter((e) => e.type === "response.function_call_arguments.delta");
    expect(deltas.map((e) => e.data.delta).join("")).toBe('{"city":"NYC"}');
    for (const d of deltas) expect(d.data).toMatchObject({ item_id: added.id, output_index: 0 });
    const done = events.find((e) => e.type === "response.output_item.done")!.data.item;
    expect(done).toEqual({ ...added, status: "completed", arguments: '{"city":"NYC"}' });
  });

  it("answers JSON, not SSE, when the request does not ask for a stream (no Accept header, or stream: false)", async () => {
    instance = await createServer([{ match: { userMessage: "hello" }, response: { content: "Hi there!" } }]);
    const request = { model: "gpt-4o", input: [{ role: "user", content: "hello" }] };
    for (const res of [
      await httpPost(`${instance.url}/v1/responses`, request),
      await post(`${instance.url}/v1/responses`, { ...request, stream: false }),
    ]) {
      expect(res.status).toBe(200);
      expect(res.headers["content-type"]).toBe("application/json");
      expect(parseTypedSSE(res.body)).toEqual([]);
      const body = JSON.parse(res.body);
      expect(body.object).toBe("response");
      expect(body.status).toBe("completed");
      expect(body.output[0].content[0].text).toBe("Hi there!");
    }
  });
});
