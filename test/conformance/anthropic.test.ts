// Conformance: every body, stream event and error Understudy sends on Anthropic's API, as the official
// @anthropic-ai/sdk's own types declare them. Where the SDK's type is not the wire's, it is adjusted by
// the one difference, and says why:
// - Two kinds of event have no SDK type, because the SDK's stream reader handles them by their event
//   name before parsing any data as a RawMessageStreamEvent: `ping` (skipped) and `error` (thrown as an
//   APIError from the body's `error`, which carries no request_id).
// - A text block's `citations` the SDK types as required (null without citations); the API's text blocks
//   leave it out unless the request asked for citations, and @ai-sdk/anthropic's schema refuses a null one.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Fixture } from "../../src/fixtures/index.js";
import { createServer, type ServerInstance } from "../../src/server.js";
import { describeProblems, SdkTypeChecker, type TypedValue } from "../support/sdk-types.js";
import { bodyOf, type Capture, type Captured, capture, eventsOf } from "./capture.js";

const SDK = 'import("@anthropic-ai/sdk").Anthropic';
const PRELUDE = [
  `type SdkText = ${SDK}.Messages.TextBlock;`,
  'type Text = Omit<SdkText, "citations"> & Partial<Pick<SdkText, "citations">>;',
  `type Block = Exclude<${SDK}.Messages.ContentBlock, SdkText> | Text;`,
  `type Message = Omit<${SDK}.Messages.Message, "content"> & { content: Block[] };`,
  `type SdkStart = ${SDK}.Messages.RawContentBlockStartEvent;`,
  'type Start = Omit<SdkStart, "content_block"> & { content_block: Exclude<SdkStart["content_block"], SdkText> | Text };',
  `type ErrorResponse = ${SDK}.ErrorResponse;`,
  `type StreamEvent = Exclude<${SDK}.Messages.RawMessageStreamEvent, SdkStart> | Start | { type: "ping" } | Omit<ErrorResponse, "request_id">;`,
  `type TokensCount = ${SDK}.Messages.MessageTokensCount;`,
  `type ModelInfo = ${SDK}.Models.ModelInfo;`,
  `type ModelPage = import("@anthropic-ai/sdk/core/pagination").PageResponse<ModelInfo>;`,
].join(" ");

const MODEL = "claude-sonnet-4-5";
const KEY = "sk-ant-conformance";
const LONG = "One two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen.";

const FIXTURES: Fixture[] = [
  { match: { userMessage: "hello" }, response: { content: "Hello from Claude." } },
  {
    match: { userMessage: "weather" },
    response: { toolCalls: [{ name: "get_weather", arguments: { city: "Oslo" } }] },
  },
  { match: { userMessage: "think" }, response: { reasoning: "Weighing it up.", content: "Decided." } },
  { match: { userMessage: "stop" }, response: { content: "Before STOP after." } },
  { match: { userMessage: "long" }, response: { content: LONG } },
  { match: { userMessage: "overloaded" }, response: { error: { status: 529, message: "Overloaded" } } },
  { match: { userMessage: "throttled" }, response: { error: { status: 429, message: "Slow down.", retryAfter: 3 } } },
];

const TOOLS = [
  {
    name: "get_weather",
    description: "Current weather",
    input_schema: { type: "object", properties: { city: { type: "string" } } },
  },
];
const HEADERS = { "anthropic-version": "2023-06-01", "x-api-key": KEY };

/** A Messages request for `text`, with the fields a case adds (stream, thinking, stop_sequences, max_tokens). */
const messages = (text: string, extra: Record<string, unknown> = {}): Capture => ({
  path: "/v1/messages",
  headers: HEADERS,
  body: { model: MODEL, max_tokens: 2048, messages: [{ role: "user", content: text }], tools: TOOLS, ...extra },
});
const THINKING = { thinking: { type: "enabled", budget_tokens: 1024 } };

/** The answers each case sends, JSON and streamed alike: text, a tool use, thinking, a stop sequence, a cut. */
const REPLIES: [string, Capture][] = [
  ["text", messages("hello")],
  ["tool_use", messages("weather")],
  ["thinking", messages("think", THINKING)],
  ["thinking omitted", messages("think", { thinking: { ...THINKING.thinking, display: "omitted" } })],
  ["stop sequence", messages("stop", { stop_sequences: ["STOP"] })],
  ["max_tokens", messages("long", { max_tokens: 5 })],
];

let server: ServerInstance;
let checker: SdkTypeChecker;
beforeAll(async () => {
  server = await createServer(FIXTURES, { seed: 3, models: [MODEL, "claude-haiku-4-5"], apiKeys: [KEY] });
  checker = new SdkTypeChecker(PRELUDE);
});
afterAll(() => server.close());

const send = (request: Capture) => capture(server.url, request);
const expectConforms = (values: TypedValue[]) => expect(describeProblems(checker.check(values))).toBe("");

describe("Messages, as the Anthropic SDK types them", () => {
  it("text, tool_use, thinking, stop-sequence and max_tokens bodies are Messages", async () => {
    const values: Captured[] = [];
    for (const [name, request] of REPLIES) values.push(bodyOf(name, await send(request), 200, "Message"));
    expect(values.map(({ value }) => value.stop_reason)).toEqual([
      "end_turn",
      "tool_use",
      "end_turn",
      "end_turn",
      "stop_sequence",
      "max_tokens",
    ]);
    expectConforms(values);
  });

  it("every event of those answers streamed is a RawMessageStreamEvent (or the ping the SDK skips)", async () => {
    const values: Captured[] = [];
    for (const [name, request] of REPLIES) {
      const answer = await send({ ...request, body: { ...request.body, stream: true } });
      values.push(...eventsOf(`${name} stream`, answer, "StreamEvent"));
    }
    const types = new Set(values.map(({ value }) => value.type));
    expect([...types].sort()).toEqual([
      "content_block_delta",
      "content_block_start",
      "content_block_stop",
      "message_delta",
      "message_start",
      "message_stop",
      "ping",
    ]);
    expectConforms(values);
  });
});

describe("errors, as the Anthropic SDK types them", () => {
  it("invalid requests, no match, an unknown model, a bad key and a fixture's 529 and 429 are ErrorResponses", async () => {
    const cases: [string, Capture, number][] = [
      ["missing max_tokens", { ...messages("hello"), body: { model: MODEL, messages: [] } }, 400],
      ["no match", messages("nothing matches this"), 400],
      ["unknown model", { ...messages("hello"), body: { ...messages("hello").body, model: "claude-unknown" } }, 404],
      ["bad key", { ...messages("hello"), headers: { ...HEADERS, "x-api-key": "sk-ant-wrong" } }, 401],
      ["overloaded", messages("overloaded"), 529],
      ["throttled", messages("throttled"), 429],
    ];
    const values: Captured[] = [];
    for (const [name, request, status] of cases)
      values.push(bodyOf(name, await send(request), status, "ErrorResponse"));
    expect(values.map(({ value }) => value.error.type)).toEqual([
      "invalid_request_error",
      "invalid_request_error",
      "not_found_error",
      "authentication_error",
      "overloaded_error",
      "rate_limit_error",
    ]);
    expectConforms(values);
  });

  it("an error once a stream has begun is the error event the SDK throws from", async () => {
    const answer = await send(messages("overloaded", { stream: true }));
    const values = eventsOf("overloaded stream", answer, "StreamEvent");
    expect(values.map(({ value }) => value.type)).toEqual(["error"]);
    expectConforms(values);
  });
});

describe("resources, as the Anthropic SDK types them", () => {
  it("count_tokens, the models list and a model", async () => {
    const counted = await send({ path: "/v1/messages/count_tokens", headers: HEADERS, body: messages("hello").body });
    const list = await send({ method: "GET", path: "/v1/models", headers: HEADERS });
    const model = await send({ method: "GET", path: `/v1/models/${MODEL}`, headers: HEADERS });
    const unknown = await send({ method: "GET", path: "/v1/models/claude-unknown", headers: HEADERS });
    expectConforms([
      bodyOf("count_tokens", counted, 200, "TokensCount"),
      bodyOf("models list", list, 200, "ModelPage"),
      bodyOf("model", model, 200, "ModelInfo"),
      bodyOf("unknown model", unknown, 404, "ErrorResponse"),
    ]);
    expect(list.json.data.map((info: { id: string }) => info.id)).toEqual([MODEL, "claude-haiku-4-5"]);
  });
});
