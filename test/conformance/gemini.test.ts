// Conformance: every body and stream chunk Understudy sends on the Gemini API, as the official
// @google/genai SDK's own types declare them. Where the SDK's type is not the wire's, it is adjusted by
// the one difference, and says why:
// - The SDK's string enums (FinishReason, MediaModality...) are read as their values (Wire<>, see
//   sdk-types.ts): JSON carries the strings.
// - GenerateContentResponse is a class whose getters (text, data, functionCalls, executableCode,
//   codeExecutionResult, initialPromptTokenCount) the SDK computes from the candidates: the wire carries
//   its data fields only, so it is checked against the class without them.
// - usageMetadata names the request's `serviceTier` ("standard"), as the API's answers do; the SDK's
//   type does not declare it (its converter passes usageMetadata through whole).
// - countTokens answers `promptTokensDetails` too, as the API's reference lists; the SDK's converter keeps
//   totalTokens and cachedContentTokenCount only, and its type declares no more.
// - A Model on the wire names `supportedGenerationMethods`, which the SDK's converter renames
//   `supportedActions`; `thinking` the SDK's Model leaves out (it copies only the fields it knows).
// - Errors have no SDK type (the SDK throws an ApiError with the body as its message): they are checked
//   against google.rpc.Status as JSON, which the Gemini API's errors are.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Fixture } from "../../src/fixtures/index.js";
import { createServer, type ServerInstance } from "../../src/server.js";
import { describeProblems, SdkTypeChecker, type TypedValue } from "../support/sdk-types.js";
import { bodyOf, type Capture, type Captured, capture, eventsOf } from "./capture.js";

const SDK = 'import("@google/genai")';
const GETTERS =
  '"text" | "data" | "functionCalls" | "executableCode" | "codeExecutionResult" | "initialPromptTokenCount"';
const PRELUDE = [
  `type Usage = Wire<${SDK}.GenerateContentResponseUsageMetadata> & { serviceTier?: string };`,
  `type Response = Omit<Wire<Omit<${SDK}.GenerateContentResponse, ${GETTERS}>>, "usageMetadata"> & { usageMetadata?: Usage };`,
  `type TokensCount = Wire<${SDK}.CountTokensResponse> & { promptTokensDetails?: Wire<${SDK}.ModalityTokenCount>[] };`,
  `type Embeddings = Wire<${SDK}.EmbedContentResponse>;`,
  `type Model = Wire<Omit<${SDK}.Model, "supportedActions">> & { supportedGenerationMethods?: string[]; thinking?: boolean };`,
  "type ModelList = { models?: Model[]; nextPageToken?: string };",
  'type GoogleError = { error: { code: number; message: string; status: string; details?: ({ "@type": string } & Record<string, unknown>)[] } };',
].join(" ");

const MODEL = "gemini-2.5-flash";
const LONG = "One two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen.";

const FIXTURES: Fixture[] = [
  { match: { userMessage: "hello" }, response: { content: "Hello from Gemini." } },
  {
    match: { userMessage: "weather" },
    response: { toolCalls: [{ name: "get_weather", arguments: { city: "Oslo" } }] },
  },
  { match: { userMessage: "think" }, response: { reasoning: "Weighing it up.", content: "Decided." } },
  {
    match: { userMessage: "two" },
    response: { content: "unused", choices: [{ content: "One." }, { content: "Two." }] },
  },
  { match: { userMessage: "stop" }, response: { content: "Before STOP after." } },
  { match: { userMessage: "long" }, response: { content: LONG } },
  { match: { userMessage: "overloaded" }, response: { error: { status: 503, message: "Overloaded." } } },
];

const TOOLS = [
  {
    functionDeclarations: [
      { name: "get_weather", parameters: { type: "OBJECT", properties: { city: { type: "STRING" } } } },
    ],
  },
];
const HEADERS = { "x-goog-api-key": "gemini-key" };
const at = (method: string) => `/v1beta/models/${MODEL}:${method}`;

const request = (text: string, generationConfig?: Record<string, unknown>) => ({
  contents: [{ role: "user", parts: [{ text }] }],
  tools: TOOLS,
  ...(generationConfig ? { generationConfig } : {}),
});

/** The answers each form is checked with: text, a call, thoughts, two candidates, a stop sequence, a cut. */
const REPLIES: [string, Record<string, unknown>][] = [
  ["text", request("hello")],
  ["function call", request("weather")],
  ["thoughts", request("think", { thinkingConfig: { includeThoughts: true } })],
  ["two candidates", request("two", { candidateCount: 2 })],
  ["stop sequence", request("stop", { stopSequences: ["STOP"] })],
  ["max tokens", request("long", { maxOutputTokens: 5 })],
];

let server: ServerInstance;
let checker: SdkTypeChecker;
beforeAll(async () => {
  server = await createServer(FIXTURES, { seed: 9, models: [MODEL, "gemini-embedding-001"] });
  checker = new SdkTypeChecker(PRELUDE);
});
afterAll(() => server.close());

const send = (sent: Capture) => capture(server.url, { headers: HEADERS, ...sent });
const expectConforms = (values: TypedValue[]) => expect(describeProblems(checker.check(values))).toBe("");

describe("generateContent and streamGenerateContent, as the Gemini SDK types them", () => {
  it("text, function call, thoughts, two candidates, stop-sequence and max-tokens bodies are responses", async () => {
    const values: Captured[] = [];
    for (const [name, body] of REPLIES)
      values.push(bodyOf(name, await send({ path: at("generateContent"), body }), 200, "Response"));
    expect(values.map(({ value }) => value.candidates.map((c: { finishReason: string }) => c.finishReason))).toEqual([
      ["STOP"],
      ["STOP"],
      ["STOP"],
      ["STOP", "STOP"],
      ["STOP"],
      ["MAX_TOKENS"],
    ]);
    expectConforms(values);
  });

  for (const [form, method] of [
    ["SSE", "streamGenerateContent?alt=sse"],
    ["one JSON array", "streamGenerateContent"],
  ]) {
    it(`every chunk of those answers streamed as ${form} is a response`, async () => {
      const values: Captured[] = [];
      for (const [name, body] of REPLIES)
        values.push(...eventsOf(`${name} stream`, await send({ path: at(method), body }), "Response"));
      expect(values.length).toBeGreaterThan(20);
      expectConforms(values);
    });
  }
});

describe("Vertex AI's generateContent, as the Gemini SDK types it", () => {
  it("bodies and SSE chunks on the publishers path (createTime, index 0 left out) are responses", async () => {
    const vertex = (method: string) =>
      `/v1/projects/demo/locations/us-central1/publishers/google/models/${MODEL}:${method}`;
    const values: Captured[] = [];
    for (const [name, body] of REPLIES) {
      values.push(bodyOf(`vertex ${name}`, await send({ path: vertex("generateContent"), body }), 200, "Response"));
      const stream = await send({ path: vertex("streamGenerateContent?alt=sse"), body });
      values.push(...eventsOf(`vertex ${name} stream`, stream, "Response"));
    }
    expect(values[0].value.createTime).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expectConforms(values);
  });
});

describe("resources, as the Gemini SDK types them", () => {
  it("countTokens, batchEmbedContents, the models list and a model", async () => {
    const counted = await send({ path: at("countTokens"), body: { contents: request("hello").contents } });
    const embeddings = await send({
      path: "/v1beta/models/gemini-embedding-001:batchEmbedContents",
      body: { requests: [{ model: "models/gemini-embedding-001", content: { parts: [{ text: "hello" }] } }] },
    });
    const list = await send({ method: "GET", path: "/v1beta/models" });
    const model = await send({ method: "GET", path: `/v1beta/models/${MODEL}` });
    expectConforms([
      bodyOf("countTokens", counted, 200, "TokensCount"),
      bodyOf("batchEmbedContents", embeddings, 200, "Embeddings"),
      bodyOf("models list", list, 200, "ModelList"),
      bodyOf("model", model, 200, "Model"),
    ]);
  });
});

const ERROR_CASES: [string, Capture, number][] = [
  ["no match", { path: at("generateContent"), body: request("nothing matches") }, 400],
  ["fixture error", { path: at("generateContent"), body: request("overloaded") }, 503],
  ["unknown model", { path: "/v1beta/models/gemini-unknown:generateContent", body: request("hello") }, 404],
  ["bad value", { path: at("generateContent"), body: request("hello", { maxOutputTokens: "many" }) }, 400],
];

describe("errors, as the Gemini API sends them", () => {
  it("errors are google.rpc.Status, on the body routes and as the array route's one element", async () => {
    const values: Captured[] = [];
    for (const [name, sent, status] of ERROR_CASES) values.push(bodyOf(name, await send(sent), status, "GoogleError"));
    const arrayError = await send({
      path: "/v1beta/models/gemini-unknown:streamGenerateContent",
      body: request("hello"),
    });
    expect(arrayError.status).toBe(404);
    values.push(
      ...(arrayError.events ?? []).map(({ data }) => ({ name: "array route error", type: "GoogleError", value: data })),
    );
    expect(values.map(({ value }) => value.error.status)).toEqual([
      "INVALID_ARGUMENT",
      "UNAVAILABLE",
      "NOT_FOUND",
      "INVALID_ARGUMENT",
      "NOT_FOUND",
    ]);
    expectConforms(values);
  });
});
