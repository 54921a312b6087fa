// The official openai SDK's AzureOpenAI client, unchanged, against Understudy's Azure OpenAI paths: chat
// (JSON, stream, tool calls), legacy completions, embeddings, the Responses API, and Azure's errors.
import { encode as cl100k } from "gpt-tokenizer/encoding/cl100k_base";
import { encode } from "gpt-tokenizer/encoding/o200k_base";
import { AuthenticationError, AzureOpenAI, BadRequestError, NotFoundError } from "openai";
import { createServer, type ServerInstance } from "understudy-llm/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const KEY = "azure-test-key";
const API_VERSION = "2024-10-21";
const WEATHER_TOOL = {
  type: "function" as const,
  function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } },
};
const PINNED = [0.25, -0.5, 0.75];

let server: ServerInstance;
const azure = (options: { deployment?: string; apiKey?: string; apiVersion?: string } = {}) =>
  new AzureOpenAI({
    endpoint: server.url,
    apiKey: options.apiKey ?? KEY,
    apiVersion: options.apiVersion ?? API_VERSION,
    deployment: options.deployment ?? "gpt-4o",
    maxRetries: 0,
  });

beforeAll(async () => {
  server = await createServer(
    [
      {
        match: { userMessage: "weather" },
        response: { toolCalls: [{ name: "get_weather", arguments: '{"city":"Oslo"}' }] },
      },
      { match: { userMessage: "hello", model: "gpt-4o" }, response: { content: "Hi from Azure!" } },
      { match: { userMessage: "Once upon" }, response: { content: " a time there was a fox." } },
      { match: { userMessage: "pinned" }, response: { embedding: PINNED } },
    ],
    { apiKeys: [KEY], seed: 7 },
  );
});
afterAll(() => server.close());

const messages = [{ role: "user" as const, content: "hello there" }];

describe("AzureOpenAI chat.completions", () => {
  it("answers the fixture of the deployment in the URL, whatever model the body names, with exact o200k usage", async () => {
    const completion = await azure().chat.completions.create({ model: "ignored-by-azure", messages });
    expect(completion.choices[0].message.content).toBe("Hi from Azure!");
    expect(completion.model).toBe("gpt-4o");
    expect(completion.id).toMatch(/^chatcmpl-[A-Za-z0-9]{29}$/);
    // 3 + (3 + tokens("user") + tokens("hello there")) prompt tokens; the reply's own tokens.
    const prompt = 3 + 3 + encode("user").length + encode("hello there").length;
    expect(completion.usage).toEqual(
      expect.objectContaining({ prompt_tokens: prompt, completion_tokens: encode("Hi from Azure!").length }),
    );
    const entry = server.journal.all().at(-1)!;
    expect(entry.path).toBe(`/openai/deployments/gpt-4o/chat/completions?api-version=${API_VERSION}`);
    expect(entry).toMatchObject({ provider: "azure", api: "chat.completions", model: "gpt-4o", status: 200 });
    // The SDK's request id is the x-request-id header, which the journal records as the entry's id.
    expect(completion._request_id).toBe(entry.requestId);
  });

  it("streams the same text as chunks, ending with finish_reason stop", async () => {
    const stream = await azure().chat.completions.create({ model: "gpt-4o", messages, stream: true });
    const deltas: string[] = [];
    const finishes: (string | null)[] = [];
    for await (const chunk of stream) {
      deltas.push(chunk.choices[0]?.delta.content ?? "");
      finishes.push(chunk.choices[0]?.finish_reason ?? null);
    }
    expect(deltas.join("")).toBe("Hi from Azure!");
    expect(finishes.at(-1)).toBe("stop");
    expect(server.journal.all().at(-1)).toMatchObject({ provider: "azure", stream: true, status: 200 });
  });

  it("returns a tool call with a call_ id and the fixture's arguments", async () => {
    const completion = await azure().chat.completions.create({
      model: "gpt-4o",
      messages: [{ role: "user", content: "weather in Oslo?" }],
      tools: [WEATHER_TOOL],
    });
    const call = completion.choices[0].message.tool_calls?.[0];
    expect(completion.choices[0].finish_reason).toBe("tool_calls");
    expect(call?.id).toMatch(/^call_[A-Za-z0-9]{24}$/);
    expect(call?.type === "function" && call.function).toEqual({ name: "get_weather", arguments: '{"city":"Oslo"}' });
  });

  it("takes a Microsoft Entra ID token from azureADTokenProvider as Authorization: Bearer", async () => {
    const client = new AzureOpenAI({
      endpoint: server.url,
      azureADTokenProvider: async () => KEY,
      apiVersion: API_VERSION,
      deployment: "gpt-4o",
      maxRetries: 0,
    });
    const completion = await client.chat.completions.create({ model: "gpt-4o", messages });
    expect(completion.choices[0].message.content).toBe("Hi from Azure!");
  });
});

describe("AzureOpenAI completions and embeddings", () => {
  it("answers legacy completions on the deployment's completions route", async () => {
    const client = azure({ deployment: "gpt-3.5-turbo-instruct" });
    const completion = await client.completions.create({ model: "gpt-3.5-turbo-instruct", prompt: "Once upon" });
    expect(completion.object).toBe("text_completion");
    expect(completion.choices[0].text).toBe(" a time there was a fox.");
    expect(completion.model).toBe("gpt-3.5-turbo-instruct");
    expect(server.journal.all().at(-1)).toMatchObject({ provider: "azure", api: "completions" });
  });

  it("embeds with the deployment as the model: a fixture's pinned vector, and a derived one of the asked dimensions", async () => {
    const client = azure({ deployment: "text-embedding-3-small" });
    const result = await client.embeddings.create({
      model: "whatever",
      input: ["pinned text", "free text"],
      dimensions: 3,
      encoding_format: "float",
    });
    expect(result.model).toBe("text-embedding-3-small");
    expect(result.data[0].embedding).toEqual(PINNED);
    expect(result.data[1].embedding).toHaveLength(3);
    // text-embedding-3 models count with cl100k_base: 3 + 2 tokens.
    const prompt = cl100k("pinned text").length + cl100k("free text").length;
    expect(prompt).toBe(5);
    expect(result.usage).toEqual({ prompt_tokens: prompt, total_tokens: prompt });
    expect(server.journal.all().at(-1)).toMatchObject({ provider: "azure", api: "embeddings", status: 200 });
  });
});

describe("AzureOpenAI responses", () => {
  it("creates a response at /openai/responses and reads it back", async () => {
    const client = azure();
    const response = await client.responses.create({ model: "gpt-4o", input: "hello there" });
    expect(response.output_text).toBe("Hi from Azure!");
    expect(response.id).toMatch(/^resp_/);
    expect(server.journal.all().at(-1)?.path).toBe(`/openai/responses?api-version=${API_VERSION}`);
    const stored = await client.responses.retrieve(response.id);
    expect(stored.output_text).toBe("Hi from Azure!");
  });

  it("streams a response: created, text deltas, completed", async () => {
    const stream = await azure().responses.create({ model: "gpt-4o", input: "hello there", stream: true });
    const types: string[] = [];
    let text = "";
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === "response.output_text.delta") text += event.delta;
    }
    expect(text).toBe("Hi from Azure!");
    expect(types[0]).toBe("response.created");
    expect(types.at(-1)).toBe("response.completed");
    expect(server.journal.all().at(-1)).toMatchObject({ provider: "azure", api: "responses", stream: true });
  });
});

describe("AzureOpenAI errors", () => {
  it("a request no fixture matches is a BadRequestError in OpenAI's shape, as Azure forwards it", async () => {
    const error = await azure()
      .chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "nothing matches this" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).code).toBe("no_match");
  });

  it("a key the server does not accept is an AuthenticationError with Azure's 401 body", async () => {
    const error = await azure({ apiKey: "wrong-key" })
      .chat.completions.create({ model: "gpt-4o", messages })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).error).toEqual({
      code: "401",
      message:
        "Access denied due to invalid subscription key or wrong API endpoint. Make sure to provide a valid key for an active subscription and use a correct regional API endpoint for your resource.",
    });
  });

  it("a deployment the models list does not serve is a NotFoundError: DeploymentNotFound", async () => {
    const strict = await createServer([], { models: ["gpt-4o"] });
    try {
      const client = new AzureOpenAI({
        endpoint: strict.url,
        apiKey: KEY,
        apiVersion: API_VERSION,
        deployment: "nope",
      });
      const error = await client.chat.completions.create({ model: "nope", messages }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(NotFoundError);
      expect((error as NotFoundError).code).toBe("DeploymentNotFound");
      expect((error as NotFoundError).message).toBe(
        "404 The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.",
      );
    } finally {
      await strict.close();
    }
  });

  it("serves a deployment configured as an alias as its model: echoed, matched and counted with its tokenizer", async () => {
    const aliased = await createServer([{ match: { model: "gpt-4" }, response: { content: "Привет" } }], {
      models: [{ id: "chat-prod", aliasOf: "gpt-4" }],
    });
    try {
      const client = new AzureOpenAI({
        endpoint: aliased.url,
        apiKey: KEY,
        apiVersion: "2024-10-21",
        deployment: "chat-prod",
      });
      const messages = [{ role: "user" as const, content: "Привет" }];
      const completion = await client.chat.completions.create({ model: "chat-prod", messages });
      expect(completion.model).toBe("gpt-4");
      // gpt-4 counts with cl100k_base: 3 + (3 + 1 + 3) prompt tokens, and the reply's 3.
      expect(cl100k("Привет").length).toBe(3);
      expect(completion.usage).toMatchObject({ prompt_tokens: 10, completion_tokens: 3, total_tokens: 13 });
    } finally {
      await aliased.close();
    }
  });

  it("an api-version Azure does not know is a BadRequestError: API version not supported", async () => {
    const error = await azure({ apiVersion: "latest-please" })
      .chat.completions.create({ model: "gpt-4o", messages })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BadRequestError);
    expect((error as BadRequestError).error).toEqual({ code: "BadRequest", message: "API version not supported" });
  });
});
