// The route table on its own: exact paths and patterns, methods, decoded path parameters, and the bounded
// metrics label of a request no route answers.
import { describe, expect, it } from "vitest";
import { OPENAI_WIRE } from "../../src/protocols/openai/wire.js";
import { readsNoBody, RouteTable, type Route } from "../../src/transport/routes.js";

const route = (path: string | RegExp, methods: string[], label: string, recorded = true): Route => ({
  methods,
  path,
  credentials: true,
  recorded,
  api: undefined,
  label,
  provider: undefined,
  wire: OPENAI_WIRE,
  serve: () => undefined,
  receive: readsNoBody,
});

const chat = route("/chat/completions", ["POST"], "chat.completions");
const health = route("/health", ["GET", "HEAD"], "health");
const metrics = route("/metrics", ["GET", "HEAD"], "other", false);
const stored = route(/^\/responses\/([^/]+)$/, ["GET", "DELETE"], "responses");
const notFound = route("", [], "other");
const table = new RouteTable([chat, health, metrics, stored], notFound);

/** A request head with the given headers. */
const head = (headers: Record<string, string> = {}) => ({ method: "GET", url: "/", headers, headersDistinct: {} });
const HEAD = head();
const anthropicClient = (req: { headers: Record<string, unknown> }) => req.headers["anthropic-version"] !== undefined;

describe("RouteTable.find", () => {
  it("finds an exact path for one of its methods, with no parameters", () => {
    expect(table.find("POST", "/chat/completions", HEAD)).toEqual({ route: chat, params: [] });
    expect(table.find("HEAD", "/health", HEAD)?.route).toBe(health);
  });

  it("finds nothing for another method on a known path", () => {
    expect(table.find("GET", "/chat/completions", HEAD)).toBeNull();
    expect(table.find("POST", "/health", HEAD)).toBeNull();
  });

  it("matches a pattern and hands its groups decoded, keeping a malformed escape as sent", () => {
    expect(table.find("DELETE", "/responses/resp%5F1", HEAD)).toEqual({ route: stored, params: ["resp_1"] });
    expect(table.find("GET", "/responses/%ZZ", HEAD)?.params).toEqual(["%ZZ"]);
    expect(table.find("POST", "/responses/resp_1", HEAD)).toBeNull();
  });

  it("refuses two routes for one exact path", () => {
    expect(() => new RouteTable([chat, chat], notFound)).toThrow("two routes for /chat/completions");
  });
});

describe("routes that claim a provider's requests", () => {
  const openaiModels = route("/models", ["GET"], "models");
  const anthropicModels: Route = { ...route("/models", ["GET"], "models"), claims: anthropicClient };
  const openaiModel = route(/^\/models\/(.+)$/, ["GET"], "models");
  const anthropicModel: Route = { ...route(/^\/models\/(.+)$/, ["GET"], "models"), claims: anthropicClient };
  const anthropicNotFound = route("", [], "other");
  // The claiming routes are listed last: the table still tries them first.
  const shared = new RouteTable([openaiModels, openaiModel, anthropicModels, anthropicModel], notFound, [
    { claims: anthropicClient, route: anthropicNotFound },
  ]);
  const anthropic = head({ "anthropic-version": "2023-06-01" });

  it("gives a claimed request the claiming route, and every other request the route that claims none", () => {
    expect(shared.find("GET", "/models", anthropic)?.route).toBe(anthropicModels);
    expect(shared.find("GET", "/models", HEAD)?.route).toBe(openaiModels);
    expect(shared.find("GET", "/models/claude-x", anthropic)).toEqual({ route: anthropicModel, params: ["claude-x"] });
    expect(shared.find("GET", "/models/gpt-4o", HEAD)).toEqual({ route: openaiModel, params: ["gpt-4o"] });
  });

  it("answers a claimed request no route serves with the claiming provider's not-found route", () => {
    expect(shared.find("GET", "/nothing", anthropic)).toBeNull();
    expect(shared.notFoundFor(anthropic)).toBe(anthropicNotFound);
    expect(shared.notFoundFor(HEAD)).toBe(notFound);
  });

  it("allows one route that claims none per exact path", () => {
    expect(() => new RouteTable([anthropicModels, anthropicModels, openaiModels], notFound)).not.toThrow();
    expect(() => new RouteTable([openaiModels, openaiModels], notFound)).toThrow("two routes for /models");
  });
});

describe("RouteTable.labelOf", () => {
  it("counts a request with a wrong method under the route its path belongs to", () => {
    expect(table.labelOf("/chat/completions")).toBe("chat.completions");
    expect(table.labelOf("/responses/resp_1")).toBe("responses");
  });

  it("counts an unrecorded route's path and any unknown URL as other, never the raw path", () => {
    expect(table.labelOf("/metrics")).toBe("other");
    expect(table.labelOf("/v2/anything")).toBe("other");
  });
});
