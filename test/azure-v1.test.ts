// Azure OpenAI's v1 API (/openai/v1/...) through the plain OpenAI client, as Azure's docs show it: the
// body's model is the deployment, the key goes as an api-key header or as the client's Bearer apiKey.
import OpenAI, { AuthenticationError } from "openai";
import { createServer, type ServerInstance } from "understudy-llm/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const KEY = "azure-v1-key";

let server: ServerInstance;
/** The key as an `api-key` header; the client's own apiKey (sent as Bearer) is one the server does not know. */
const withApiKeyHeader = () =>
  new OpenAI({
    baseURL: `${server.url}/openai/v1`,
    apiKey: "not-a-server-key",
    defaultHeaders: { "api-key": KEY },
    maxRetries: 0,
  });
const withBearer = (apiKey = KEY) => new OpenAI({ baseURL: `${server.url}/openai/v1/`, apiKey, maxRetries: 0 });

beforeAll(async () => {
  server = await createServer(
    [
      { match: { userMessage: "hello", model: "my-gpt-4o" }, response: { content: "Hello from v1." } },
      { match: { userMessage: "Roses are" }, response: { content: " red." } },
    ],
    { apiKeys: [KEY], models: ["my-gpt-4o", "gpt-3.5-turbo-instruct", "text-embedding-3-small"] },
  );
});
afterAll(() => server.close());

describe("Azure's v1 API with the OpenAI client", () => {
  it("answers chat on /openai/v1/chat/completions with the body's model as the deployment", async () => {
    const completion = await withApiKeyHeader().chat.completions.create({
      model: "my-gpt-4o",
      messages: [{ role: "user", content: "hello" }],
    });
    expect(completion.choices[0].message.content).toBe("Hello from v1.");
    expect(completion.model).toBe("my-gpt-4o");
    expect(server.journal.all().at(-1)).toMatchObject({
      path: "/openai/v1/chat/completions",
      provider: "azure",
      api: "chat.completions",
      model: "my-gpt-4o",
    });
  });

  it("takes the key as the client's Bearer apiKey, and refuses an unknown one with Azure's 401", async () => {
    const stream = await withBearer().chat.completions.create({
      model: "my-gpt-4o",
      messages: [{ role: "user", content: "hello" }],
      stream: true,
    });
    let text = "";
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? "";
    expect(text).toBe("Hello from v1.");
    const error = await withBearer("wrong")
      .chat.completions.create({ model: "my-gpt-4o", messages: [{ role: "user", content: "hello" }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    expect((error as AuthenticationError).code).toBe("401");
  });

  it("answers legacy completions and embeddings", async () => {
    const client = withApiKeyHeader();
    const completion = await client.completions.create({ model: "gpt-3.5-turbo-instruct", prompt: "Roses are" });
    expect(completion.choices[0].text).toBe(" red.");
    const embedding = await client.embeddings.create({ model: "text-embedding-3-small", input: "hi", dimensions: 8 });
    expect(embedding.model).toBe("text-embedding-3-small");
    expect(embedding.data[0].embedding).toHaveLength(8);
    expect(server.journal.all().at(-1)).toMatchObject({ path: "/openai/v1/embeddings", provider: "azure" });
  });

  it("creates, reads, lists the input of and deletes a response under /openai/v1/responses", async () => {
    const client = withApiKeyHeader();
    const response = await client.responses.create({ model: "my-gpt-4o", input: "hello" });
    expect(response.output_text).toBe("Hello from v1.");
    expect((await client.responses.retrieve(response.id)).id).toBe(response.id);
    const items = await client.responses.inputItems.list(response.id);
    expect(items.data.map((item) => item.type)).toEqual(["message"]);
    const deleted = await client.responses.delete(response.id);
    expect(deleted).toEqual({ id: response.id, object: "response", deleted: true });
    const gone = await fetch(`${server.url}/openai/v1/responses/${response.id}`, { headers: { "api-key": KEY } });
    expect(gone.status).toBe(404);
  });

  it("lists the configured deployments at /openai/v1/models", async () => {
    const models = await withApiKeyHeader().models.list();
    expect(models.data.map((model) => model.id)).toEqual([
      "my-gpt-4o",
      "gpt-3.5-turbo-instruct",
      "text-embedding-3-small",
    ]);
  });

  it("refuses a deployment the models list does not hold with 404 DeploymentNotFound", async () => {
    const res = await fetch(`${server.url}/openai/v1/chat/completions`, {
      method: "POST",
      headers: { "api-key": KEY, "content-type": "application/json" },
      body: JSON.stringify({ model: "unknown-deployment", messages: [{ role: "user", content: "hello" }] }),
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toEqual({
      error: {
        code: "DeploymentNotFound",
        message:
          "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.",
      },
    });
  });
});
