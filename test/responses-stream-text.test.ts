// The Responses stream sent in one write is rendered from a cached template with this request's ids and
// timestamps spliced in. It must be byte for byte the stream the event-by-event renderer sends (a paced
// stream), and the stored response must be the one the stream ends with.
import { createIdSource } from "../src/core/ids.js";
import { parseResponsesRequest, type ResponsesConversation } from "../src/protocols/openai/responses/parse.js";
import { echoKey, renderResponseObject } from "../src/protocols/openai/responses/render.js";
import { ResponseStore } from "../src/protocols/openai/responses/store.js";
import { createServer, type ServerInstance } from "understudy-llm/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { httpPost, parseTypedSSE } from "./support/http.js";

const NOW_MS = 1_741_476_542_000;
const FIXTURES = [
  { match: { userMessage: "plain" }, response: { content: 'Plain text, with "quotes" and a \\u0000-looking escape.' } },
  { match: { userMessage: "think" }, response: { reasoning: "First I think.", content: "Then I answer." } },
  { match: { userMessage: "tool" }, response: { toolCalls: [{ name: "lookup", arguments: { city: "Paris" } }] } },
  { match: { userMessage: "fixed" }, response: { content: "A fixed id.", responseId: "fixed123" } },
];

// Two servers with the same seed and clock: one answers in one write, the other (asked for a 1 ms
// ttft) paces the stream, event by event. Their ids come from the same sequence.
let oneWrite: ServerInstance;
let paced: ServerInstance;
beforeAll(async () => {
  [oneWrite, paced] = await Promise.all([0, 1].map(() => createServer(FIXTURES, { seed: 42, now: () => NOW_MS })));
});
afterAll(() => Promise.all([oneWrite.close(), paced.close()]));

async function both(body: Record<string, unknown>): Promise<[string, string]> {
  const request = { model: "gpt-4o", stream: true, ...body };
  const a = await httpPost(`${oneWrite.url}/v1/responses`, request);
  const b = await httpPost(`${paced.url}/v1/responses`, request, { "x-understudy-ttft": "1" });
  expect(a.status).toBe(200);
  expect(b.status).toBe(200);
  return [a.body, b.body];
}

describe("Responses stream in one write", () => {
  const cases: [string, Record<string, unknown>][] = [
    ["a text reply", { input: "plain" }],
    ["a reasoning reply", { input: "think" }],
    ["a tool call (ids made per request: rendered event by event)", { input: "tool" }],
    ["a fixture's fixed response id", { input: "fixed" }],
    [
      "echoed settings",
      {
        input: "plain",
        instructions: "Be brief.",
        temperature: 0.3,
        metadata: { run: "7" },
        tools: [{ type: "function", name: "f", parameters: { type: "object" } }],
      },
    ],
    ["a reply cut by max_output_tokens", { input: "plain", max_output_tokens: 16 }],
  ];
  for (const [name, body] of cases) {
    it(`is the paced stream's bytes: ${name}`, async () => {
      // Twice each: the second answer comes from the cached template, with new ids.
      const [first, firstPaced] = await both(body);
      const [second, secondPaced] = await both(body);
      expect(first).toBe(firstPaced);
      expect(second).toBe(secondPaced);
      const ids = [first, second].map((text) => parseTypedSSE(text).at(-1)!.data.response.id);
      if (body.input !== "fixed") expect(ids[0]).not.toBe(ids[1]);
    });
  }

  it("keeps the response the stream ended with, retrievable by its id", async () => {
    const [text] = await both({ input: "think", instructions: "Think first." });
    const final = parseTypedSSE(text).at(-1)!.data.response;
    expect(final.created_at).toBe(Math.floor(NOW_MS / 1000));
    expect(final.completed_at).toBe(Math.floor(NOW_MS / 1000));
    const stored = await (await fetch(`${oneWrite.url}/v1/responses/${final.id}`)).json();
    expect(stored).toEqual(final);
    const itemIds = final.output.map((item: { id: string }) => item.id);
    expect(itemIds).toHaveLength(2);
    expect(itemIds[0]).toMatch(/^rs_[0-9a-f]{48}$/);
    expect(itemIds[1]).toMatch(/^msg_[0-9a-f]{48}$/);
    // Every delta names its item by the id the final response lists.
    const deltas = parseTypedSSE(text).filter((e) => e.type.endsWith(".delta"));
    expect(new Set(deltas.map((e) => e.data.item_id))).toEqual(new Set(itemIds));
  });

  it("answers differently configured requests from different templates", async () => {
    const [a] = await both({ input: "plain", instructions: "One." });
    const [b] = await both({ input: "plain", instructions: "Two." });
    expect(parseTypedSSE(a).at(-1)!.data.response.instructions).toBe("One.");
    expect(parseTypedSSE(b).at(-1)!.data.response.instructions).toBe("Two.");
  });
});

describe("the template key", () => {
  // Every request field with a value that differs from the default: if the rendered response changes
  // with it, the key must change too, or two requests would share a template that echoes the wrong one.
  const SAMPLES: Record<string, unknown> = {
    instructions: "Be brief.",
    max_output_tokens: 64,
    max_tool_calls: 3,
    parallel_tool_calls: false,
    reasoning: { effort: "low" },
    store: false,
    temperature: 0.2,
    text: { format: { type: "json_object" }, verbosity: "low" },
    tool_choice: "none",
    tools: [{ type: "function", name: "f", parameters: { type: "object" } }],
    top_p: 0.5,
    truncation: "auto",
    user: "u-1",
    metadata: { k: "v" },
    top_logprobs: 2,
    stream: true,
    background: false,
    stream_options: { include_obfuscation: false },
    service_tier: "flex",
    prompt_cache_key: "c",
    safety_identifier: "s",
    include: ["reasoning.encrypted_content"],
  };
  const conversationOf = (extra: Record<string, unknown>) =>
    parseResponsesRequest(
      { model: "gpt-4o", input: "json please", ...extra },
      new ResponseStore(10),
      createIdSource(1),
    ) as ResponsesConversation;
  const frame = { id: "resp_x", createdAt: 1 };
  const rendered = (c: ResponsesConversation) =>
    JSON.stringify(renderResponseObject(c, frame, { status: "in_progress", output: [], plan: null }));

  for (const [field, value] of Object.entries(SAMPLES)) {
    it(`changes with ${field} whenever the response does`, () => {
      const plain = conversationOf({});
      const withField = conversationOf({ [field]: value });
      expect("status" in withField).toBe(false);
      if (rendered(withField) !== rendered(plain)) expect(echoKey(withField)).not.toBe(echoKey(plain));
    });
  }
});
