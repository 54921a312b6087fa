// GET /v1/models and /v1/models/{id}: OpenAI's catalogue on a server without a `models` list (plus the
// fixtures' models, each once), a configured list that still restricts, all in the shape the spec gives.
import OpenAI, { NotFoundError } from "openai";
import { LLMock } from "understudy-llm";
import { createServer, type ServerInstance, type ServerOptions } from "understudy-llm/server";
import { afterEach, describe, expect, it } from "vitest";
import { OPENAI_MODEL_LIST, OPENAI_MODELS } from "../src/protocols/openai/model-catalogue.js";
import { outputLimitOf } from "../src/protocols/openai/models.js";
import { expectConforms } from "./support/openapi.js";

/** The chat models clients ask for most: listed, and with a known output limit. */
const MOST_ASKED = [
  "gpt-5",
  "gpt-5-mini",
  "gpt-5-nano",
  "gpt-4.1",
  "gpt-4.1-mini",
  "gpt-4.1-nano",
  "gpt-4o",
  "gpt-4o-mini",
  "o3",
  "o4-mini",
  "o1",
  "gpt-3.5-turbo",
];

const open: ServerInstance[] = [];
const mocks: LLMock[] = [];
afterEach(async () => {
  await Promise.all([...open.splice(0).map((s) => s.close()), ...mocks.splice(0).map((m) => m.stop())]);
});

async function serve(
  fixtures: Parameters<typeof createServer>[0],
  options: ServerOptions = {},
): Promise<ServerInstance> {
  const server = await createServer(fixtures, options);
  open.push(server);
  return server;
}
const sdk = (url: string) => new OpenAI({ baseURL: `${url}/v1`, apiKey: "sk-test", maxRetries: 0 });
const get = (url: string, path: string) => fetch(`${url}/v1${path}`);
// Wire bodies, checked by expectConforms and toEqual rather than by type.
const json = (res: Response): Promise<any> => res.json();
const ids = (list: { data: { id: string }[] }) => list.data.map((model) => model.id);
const CATALOGUE_IDS = OPENAI_MODEL_LIST.map((model) => model.id);

async function sdkIds(url: string): Promise<string[]> {
  const seen: string[] = [];
  for await (const model of sdk(url).models.list()) seen.push(model.id);
  return seen;
}

describe("a server without a models list", () => {
  it("lists OpenAI's catalogue when no fixture names a model, in the spec's shape, byte for byte", async () => {
    const server = await serve([]);
    const res = await get(server.url, "/models");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/json/);
    const text = await res.text();
    const list = JSON.parse(text);
    expectConforms("ListModelsResponse", list);
    for (const model of list.data) expectConforms("Model", model, model.id);
    // The four fields the real API sends, in its order, and nothing else.
    expect(text).toBe(JSON.stringify({ object: "list", data: OPENAI_MODEL_LIST }));
    expect(list.data.every((model: object) => Object.keys(model).join() === "id,object,created,owned_by")).toBe(true);
    expect(new Set(ids(list)).size).toBe(list.data.length);
  });

  it("holds the current chat, reasoning and embedding models with OpenAI's created and owned_by", async () => {
    const server = await serve([]);
    const list = await json(await get(server.url, "/models"));
    const byId = new Map(list.data.map((model: { id: string }) => [model.id, model]));
    const wanted = MOST_ASKED;
    for (const id of [...wanted, "text-embedding-3-small", "text-embedding-3-large", "text-embedding-ada-002"])
      expect(byId.has(id), id).toBe(true);
    expect(byId.get("gpt-4o-mini")).toEqual({
      id: "gpt-4o-mini",
      object: "model",
      created: 1721172741,
      owned_by: "system",
    });
    expect(byId.get("gpt-3.5-turbo")).toEqual({
      id: "gpt-3.5-turbo",
      object: "model",
      created: 1677610602,
      owned_by: "openai",
    });
    expect(byId.get("text-embedding-ada-002")).toEqual({
      id: "text-embedding-ada-002",
      object: "model",
      created: 1671217299,
      owned_by: "openai-internal",
    });
    // Nothing a surface here cannot answer for.
    expect(
      ids(list).filter((id) => /dall-e|whisper|tts|transcribe|moderation|realtime|audio|image|sora|search/.test(id)),
    ).toEqual([]);
  });

  it("answers models.list() and models.retrieve() in the SDK with the catalogue", async () => {
    const server = await serve([]);
    expect(await sdkIds(server.url)).toEqual(CATALOGUE_IDS);
    const model = await sdk(server.url).models.retrieve("gpt-4o");
    expectConforms("Model", model);
    expect(model).toEqual({ id: "gpt-4o", object: "model", created: 1715367049, owned_by: "system" });
  });

  it("retrieves every listed model as it is listed", async () => {
    const server = await serve([]);
    for (const listed of OPENAI_MODEL_LIST) {
      const res = await get(server.url, `/models/${listed.id}`);
      expect(res.status, listed.id).toBe(200);
      expect(await res.text(), listed.id).toBe(JSON.stringify(listed));
    }
  });

  it("adds the fixtures' models once each, after the catalogue, and leaves a catalogue model where it is", async () => {
    const fixtures = [
      { match: { userMessage: "a", model: "house-model" }, response: { content: "one" } },
      { match: { userMessage: "b", model: "gpt-4o-mini" }, response: { content: "two" } },
      { match: { userMessage: "c", model: "house-model" }, response: { content: "three" } },
      { match: { userMessage: "d", model: "ft:gpt-4o-mini:acme::abc123" }, response: { content: "four" } },
      { match: { userMessage: "e" }, response: { content: "five" } },
    ];
    const server = await serve(fixtures);
    const list = await json(await get(server.url, "/models"));
    expectConforms("ListModelsResponse", list);
    expect(ids(list)).toEqual([...CATALOGUE_IDS, "house-model", "ft:gpt-4o-mini:acme::abc123"]);
    expect(ids(list).filter((id) => id === "gpt-4o-mini")).toHaveLength(1);
    expect(list.data.at(-2)).toEqual({
      id: "house-model",
      object: "model",
      created: 1715558400,
      owned_by: "understudy",
    });
    expect(await sdkIds(server.url)).toEqual(ids(list));
    const house = await sdk(server.url).models.retrieve("house-model");
    expectConforms("Model", house);
    expect(house).toEqual(list.data.at(-2));
    expect(await sdk(server.url).models.retrieve("gpt-4o-mini")).toEqual(OPENAI_MODELS.get("gpt-4o-mini"));
  });

  it("lists a model from a fixture added while the server runs", async () => {
    const mock = new LLMock();
    mocks.push(mock);
    const url = await mock.start();
    expect(await sdkIds(url)).toEqual(CATALOGUE_IDS);
    mock.on({ userMessage: "hi", model: "late-model" }, { content: "hello" });
    expect(await sdkIds(url)).toEqual([...CATALOGUE_IDS, "late-model"]);
  });

  it("still accepts and echoes any model, and retrieves one it has never heard of as its own", async () => {
    const server = await serve([{ match: { userMessage: "hi" }, response: { content: "hello" } }]);
    const answer = await sdk(server.url).chat.completions.create({
      model: "made-up-model",
      messages: [{ role: "user", content: "hi" }],
    });
    expect(answer.model).toBe("made-up-model");
    const res = await get(server.url, "/models/made-up-model");
    expect(res.status).toBe(200);
    expect(await json(res)).toEqual({
      id: "made-up-model",
      object: "model",
      created: 1715558400,
      owned_by: "understudy",
    });
  });

  it("answers the same bytes on every server and every call", async () => {
    const first = await serve([]);
    const second = await serve([]);
    const a = await (await get(first.url, "/models")).text();
    expect(await (await get(first.url, "/models")).text()).toBe(a);
    expect(await (await get(second.url, "/models")).text()).toBe(a);
  });
});

describe("a server with a models list", () => {
  const models: ServerOptions["models"] = ["gpt-4o-mini", { id: "fast-chat", aliasOf: "gpt-4o-mini", ownedBy: "acme" }];
  const fixtures = [{ match: { userMessage: "nano", model: "gpt-4.1-nano" }, response: { content: "tiny" } }];

  it("lists only the configured models and the fixtures' models, none of the catalogue's others", async () => {
    const server = await serve(fixtures, { models });
    const list = await json(await get(server.url, "/models"));
    expectConforms("ListModelsResponse", list);
    expect(list).toEqual({
      object: "list",
      data: [
        { id: "gpt-4o-mini", object: "model", created: 1715558400, owned_by: "understudy" },
        { id: "fast-chat", object: "model", created: 1715558400, owned_by: "acme" },
        { id: "gpt-4.1-nano", object: "model", created: 1715558400, owned_by: "understudy" },
      ],
    });
    expect(await sdkIds(server.url)).toEqual(["gpt-4o-mini", "fast-chat", "gpt-4.1-nano"]);
  });

  it("refuses a catalogue model it was not given, at GET /v1/models/{id} and in a request", async () => {
    const server = await serve(fixtures, { models });
    const res = await get(server.url, "/models/gpt-4o");
    expect(res.status).toBe(404);
    const body = await json(res);
    expectConforms("ErrorResponse", body);
    expect(body.error).toMatchObject({ code: "model_not_found", param: "model" });
    const err = await sdk(server.url)
      .models.retrieve("o3")
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    const chat = await sdk(server.url)
      .chat.completions.create({ model: "gpt-4o", messages: [{ role: "user", content: "nano" }] })
      .catch((e: unknown) => e);
    expect(chat).toBeInstanceOf(NotFoundError);
  });
});

describe("the catalogue", () => {
  it("holds each id once, in a fixed order, and every entry is a Model", () => {
    expect(new Set(CATALOGUE_IDS).size).toBe(CATALOGUE_IDS.length);
    expect(OPENAI_MODELS.size).toBe(CATALOGUE_IDS.length);
    for (const model of OPENAI_MODEL_LIST) expectConforms("Model", model, model.id);
    expect(OPENAI_MODELS.get("constructor")).toBeUndefined();
  });

  it("knows the published output limit of the models chat is most often asked of", () => {
    // The limits table (models.ts) and the catalogue are kept apart; this catches the two drifting on the models that matter most.
    for (const id of MOST_ASKED) {
      expect(OPENAI_MODELS.has(id), id).toBe(true);
      expect(outputLimitOf(id), id).toBeDefined();
    }
  });
});
