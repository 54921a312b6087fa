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

describe("RouteTable.find", () => {
  it("finds an exact path for one of its methods, with no parameters", () => {
    expect(table.find("POST", "/chat/completions")).toEqual({ route: chat, params: [] });
    expect(table.find("HEAD", "/health")?.route).toBe(health);
  });

  it("finds nothing for another method on a known path", () => {
    expect(table.find("GET", "/chat/completions")).toBeNull();
    expect(table.find("POST", "/health")).toBeNull();
  });

  it("matches a pattern and hands its groups decoded, keeping a malformed escape as sent", () => {
    expect(table.find("DELETE", "/responses/resp%5F1")).toEqual({ route: stored, params: ["resp_1"] });
    expect(table.find("GET", "/responses/%ZZ")?.params).toEqual(["%ZZ"]);
    expect(table.find("POST", "/responses/resp_1")).toBeNull();
  });

  it("refuses two routes for one exact path", () => {
    expect(() => new RouteTable([chat, chat], notFound)).toThrow("two routes for /chat/completions");
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
