// CORS: a browser app calling the mock directly gets its preflights answered and may read the answers;
// origins outside a configured list get no CORS headers; `cors: false` sends none; no Origin, no headers.
import { afterEach, describe, expect, it } from "vitest";
import { createServer, type ServerInstance } from "../src/server.js";

const FIXTURES = [{ match: { userMessage: "hello" }, response: { content: "Hi from the mock" } }];
const CHAT = JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hello" }] });
let server: ServerInstance | undefined;

afterEach(async () => {
  await server?.close();
  server = undefined;
});

const preflight = (url: string, origin: string) =>
  fetch(`${url}/v1/chat/completions`, {
    method: "OPTIONS",
    headers: {
      origin,
      "access-control-request-method": "POST",
      "access-control-request-headers": "authorization,content-type,x-stainless-os",
    },
  });

const chat = (url: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: CHAT,
  });

describe("CORS", () => {
  it("answers a preflight from any origin by default, with the methods and the headers asked for", async () => {
    server = await createServer(FIXTURES);
    const res = await preflight(server.url, "http://localhost:5173");
    expect(res.status).toBe(204);
    expect(res.headers.get("access-control-allow-origin")).toBe("http://localhost:5173");
    expect(res.headers.get("access-control-allow-methods")).toBe("GET, POST, DELETE, OPTIONS");
    expect(res.headers.get("access-control-allow-headers")).toBe("authorization,content-type,x-stainless-os");
    expect(res.headers.get("access-control-max-age")).toBe("86400");
    expect(await res.text()).toBe("");
    // A preflight is not an exchange: the journal holds none.
    expect(server.journal.all()).toHaveLength(0);
  });

  it("adds the allow and expose headers to an answer for an Origin, and leaves the body as it was", async () => {
    server = await createServer(FIXTURES);
    const res = await chat(server.url, { origin: "http://localhost:3000" });
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBe("http://localhost:3000");
    expect(res.headers.get("access-control-expose-headers")).toBe("*");
    expect(res.headers.get("vary")).toBe("Origin");
    const body = (await res.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0].message.content).toBe("Hi from the mock");
  });

  it("sends no CORS header to a request without Origin", async () => {
    server = await createServer(FIXTURES);
    const res = await chat(server.url);
    expect(res.status).toBe(200);
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(res.headers.get("vary")).toBeNull();
  });

  it("admits only the listed origins when given a list", async () => {
    server = await createServer(FIXTURES, { cors: ["http://app.test"] });
    const listed = await preflight(server.url, "http://app.test");
    expect(listed.status).toBe(204);
    expect(listed.headers.get("access-control-allow-origin")).toBe("http://app.test");
    const other = await preflight(server.url, "http://evil.test");
    expect(other.status).toBe(204);
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    expect(other.headers.get("access-control-allow-methods")).toBeNull();
    const answer = await chat(server.url, { origin: "http://evil.test" });
    expect(answer.status).toBe(200);
    expect(answer.headers.get("access-control-allow-origin")).toBeNull();
  });

  it("turns off with cors: false: an OPTIONS goes to the routes like any unknown method", async () => {
    server = await createServer(FIXTURES, { cors: false });
    const res = await preflight(server.url, "http://localhost:5173");
    expect(res.headers.get("access-control-allow-origin")).toBeNull();
    expect(res.status).not.toBe(204);
    await res.arrayBuffer();
    const answer = await chat(server.url, { origin: "http://localhost:5173" });
    expect(answer.headers.get("access-control-allow-origin")).toBeNull();
  });
});
