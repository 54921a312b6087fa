// Conformance: every body, stream event and error Understudy sends on Azure OpenAI's paths, as the
// openai SDK's own types (the AzureOpenAI client is the openai package's) declare them. Where the SDK's
// type is narrower than what the API sends, the type is widened by that field alone, and says why:
// - Azure's gateway errors (`{"error":{"code","message"}}`) have no SDK interface: the client reads an
//   error body's fields one by one, so they are checked as the ErrorObject fields they carry.
// - A Response's `user` and `usage` are null where the API has none (its reference's examples send
//   `"user": null`, and `"usage": null` until the response completes); the SDK declares them optional, not null.
// - A Response echoes `max_tool_calls` and `store` (the API sends them, as OpenAI's OpenAPI spec declares),
//   which the SDK's Response leaves out; its `output_text` is the SDK's own, computed after parsing.
// - A chat reply with a fixture's reasoning carries it as `reasoning_content`, the field OpenAI-compatible
//   servers stream reasoning in; OpenAI's chat API sends no reasoning text, so the SDK does not declare it.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Fixture } from "../../src/fixtures/index.js";
import { createServer, type ServerInstance } from "../../src/server.js";
import { describeProblems, SdkTypeChecker, type TypedValue } from "../support/sdk-types.js";
import { bodyOf, type Capture, capture, eventsOf } from "./capture.js";

const SDK = 'import("openai").OpenAI';
const PRELUDE = [
  `type Reasoning = { reasoning_content?: string };`,
  `type Choice = ${SDK}.ChatCompletion.Choice;`,
  `type ChatCompletion = Omit<${SDK}.ChatCompletion, "choices"> & { choices: (Omit<Choice, "message"> & { message: Choice["message"] & Reasoning })[] };`,
  `type ChunkChoice = ${SDK}.ChatCompletionChunk.Choice;`,
  `type ChatCompletionChunk = Omit<${SDK}.ChatCompletionChunk, "choices"> & { choices: (Omit<ChunkChoice, "delta"> & { delta: ChunkChoice["delta"] & Reasoning })[] };`,
  `type SdkResponse = ${SDK}.Responses.Response;`,
  `type Response = Omit<SdkResponse, "user" | "usage" | "output_text"> & { user?: string | null; usage?: SdkResponse["usage"] | null; max_tool_calls?: number | null; store?: boolean };`,
  // Every stream event that carries the response carries it as the API sends it.
  `type WireEvent<E> = E extends { response: SdkResponse } ? Omit<E, "response"> & { response: Response } : E;`,
  `type ResponseStreamEvent = WireEvent<${SDK}.Responses.ResponseStreamEvent>;`,
  `type Embeddings = ${SDK}.CreateEmbeddingResponse;`,
  `type Model = ${SDK}.Models.Model;`,
  // The models list: the SDK's Page reads `object` and `data` (PageResponse); it has no interface of its own.
  `type ModelList = import("openai/pagination").PageResponse<Model>;`,
  `type ErrorBody = { error: ${SDK}.ErrorObject };`,
  `type GatewayErrorBody = { error: Pick<${SDK}.ErrorObject, "code" | "message"> };`,
].join(" ");

const FIXTURES: Fixture[] = [
  { match: { userMessage: "hello" }, response: { content: "Hello from Azure." } },
  {
    match: { userMessage: "weather" },
    response: { toolCalls: [{ name: "get_weather", arguments: { city: "Oslo" } }] },
  },
  { match: { userMessage: "think" }, response: { reasoning: "Weighing it.", content: "Decided." } },
  { match: { userMessage: "fail" }, response: { error: { status: 503, message: "Busy.", type: "server_error" } } },
];

const TOOLS = [
  {
    type: "function",
    function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
  },
];
const WEATHER_FUNCTION = {
  type: "function",
  name: "get_weather",
  parameters: { type: "object", properties: { city: { type: "string" } } },
};
/** `strict` given, as the API echoes every function tool with it (see the test of a tool without it). */
const RESPONSE_TOOLS = [{ ...WEATHER_FUNCTION, strict: true }];

const DEPLOYMENT = "/openai/deployments/gpt-4o/chat/completions?api-version=2024-10-21";
const V1_CHAT = "/openai/v1/chat/completions";
const V1_RESPONSES = "/openai/v1/responses";
const HEADERS = { "api-key": "azure-key" };

const chat = (path: string, text: string, stream: boolean): Capture => ({
  path,
  headers: HEADERS,
  body: {
    model: "gpt-4o",
    messages: [{ role: "user", content: text }],
    tools: TOOLS,
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
  },
});
const responses = (text: string, stream: boolean, tools: unknown[] = RESPONSE_TOOLS): Capture => ({
  path: V1_RESPONSES,
  headers: HEADERS,
  body: { model: "gpt-4o", input: text, tools, ...(stream ? { stream: true } : {}) },
});

let server: ServerInstance;
let checker: SdkTypeChecker;
beforeAll(async () => {
  server = await createServer(FIXTURES, { seed: 5, models: ["gpt-4o", "text-embedding-3-small"] });
  checker = new SdkTypeChecker(PRELUDE);
});
afterAll(() => server.close());

const send = (request: Capture) => capture(server.url, request);
const expectConforms = (values: TypedValue[]) => expect(describeProblems(checker.check(values))).toBe("");

describe("Azure chat completions, as the openai SDK types them", () => {
  for (const [route, path] of [
    ["deployment route", DEPLOYMENT],
    ["v1 route", V1_CHAT],
  ]) {
    it(`${route}: text, tool call and reasoning bodies are ChatCompletions`, async () => {
      const values: TypedValue[] = [];
      for (const text of ["hello", "weather", "think"])
        values.push(bodyOf(`${text} body`, await send(chat(path, text, false)), 200, "ChatCompletion"));
      expectConforms(values);
    });
    it(`${route}: every chunk of text, tool call and reasoning streams is a ChatCompletionChunk`, async () => {
      const values: TypedValue[] = [];
      for (const text of ["hello", "weather", "think"])
        values.push(...eventsOf(`${text} stream`, await send(chat(path, text, true)), "ChatCompletionChunk"));
      expect(values.length).toBeGreaterThan(10);
      expectConforms(values);
    });
  }
});

describe("Azure Responses API, as the openai SDK types it", () => {
  it("text, tool call and reasoning bodies are Responses, and a stored one reads back as one", async () => {
    const values: TypedValue[] = [];
    const ids: string[] = [];
    for (const text of ["hello", "weather", "think"]) {
      const answer = await send(responses(text, false));
      values.push(bodyOf(`${text} body`, answer, 200, "Response"));
      ids.push(answer.json.id);
    }
    const stored = await send({ method: "GET", path: `${V1_RESPONSES}/${ids[0]}`, headers: HEADERS });
    values.push(bodyOf("stored response", stored, 200, "Response"));
    expectConforms(values);
  });
  it("every event of text, tool call and reasoning streams is a ResponseStreamEvent", async () => {
    const values: TypedValue[] = [];
    for (const text of ["hello", "weather", "think"])
      values.push(...eventsOf(`${text} stream`, await send(responses(text, true)), "ResponseStreamEvent"));
    expect(values.length).toBeGreaterThan(15);
    expectConforms(values);
  });
  // The API echoes a function tool with `strict` (true unless the request says otherwise), which the SDK's
  // FunctionTool requires; the request's tool alone, echoed as given, lacks it.
  it("a function tool the request gives without strict is echoed with it", async () => {
    const answer = await send(responses("hello", false, [WEATHER_FUNCTION]));
    expectConforms([bodyOf("body", answer, 200, "Response")]);
    expect(answer.json.tools.map((tool: { strict?: boolean }) => tool.strict)).toEqual([true]);
  });
});

describe("Azure resources and errors, as the openai SDK types them", () => {
  it("embeddings on the deployment route, and the v1 models list and model", async () => {
    const embeddings = await send({
      path: "/openai/deployments/text-embedding-3-small/embeddings?api-version=2024-10-21",
      headers: HEADERS,
      body: { input: ["one", "two"] },
    });
    const list = await send({ method: "GET", path: "/openai/v1/models", headers: HEADERS });
    const model = await send({ method: "GET", path: "/openai/v1/models/gpt-4o", headers: HEADERS });
    expectConforms([
      bodyOf("embeddings", embeddings, 200, "Embeddings"),
      bodyOf("models list", list, 200, "ModelList"),
      bodyOf("model", model, 200, "Model"),
    ]);
  });
  it("errors the model service refuses are OpenAI's; the gateway's carry its code and message", async () => {
    const noMatch = await send(chat(V1_CHAT, "nothing matches", false));
    const fixtureError = await send(chat(DEPLOYMENT, "fail", false));
    const deployment = await send(chat(DEPLOYMENT.replace("gpt-4o", "gpt-unknown"), "hello", false));
    const noVersion = await send(chat(DEPLOYMENT.replace(/\?.*/, ""), "hello", false));
    expectConforms([
      bodyOf("no match", noMatch, 400, "ErrorBody"),
      bodyOf("fixture error", fixtureError, 503, "ErrorBody"),
      bodyOf("deployment not found", deployment, 404, "GatewayErrorBody"),
      bodyOf("no api-version", noVersion, 404, "GatewayErrorBody"),
    ]);
    expect(deployment.json.error.code).toBe("DeploymentNotFound");
    expect(noVersion.json).toEqual({ error: { code: "404", message: "Resource not found" } });
  });
});
