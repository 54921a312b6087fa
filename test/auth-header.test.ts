// The Authorization header as clients really send it: the Bearer scheme in any case and with any
// spaces after it, and repeated headers, of which any one may carry the key.
import { createServer, type ServerInstance, type ServerOptions } from "understudy-llm/server";
import WebSocket from "ws";
import { afterEach, describe, expect, it } from "vitest";
import { parseRaw, sendRaw } from "./support/raw-socket.js";

const KEY = "sk-case-key-0001";
const OTHER = "sk-other-key-0002";
const FIXTURES = [{ match: { userMessage: "hi" }, response: { content: "hello" } }];
const NO_KEY =
  "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).";
const wrongKey = (masked: string) =>
  `Incorrect API key provided: ${masked}. You can find your API key at https://platform.openai.com/account/api-keys.`;

const open: ServerInstance[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function serve(options: ServerOptions = {}): Promise<ServerInstance> {
  const server = await createServer(FIXTURES, { apiKeys: [KEY, OTHER], ...options });
  open.push(server);
  return server;
}

const BODY = JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] });

/** A chat request sent byte for byte, with exactly these Authorization header lines (fetch would merge repeats). */
async function chat(server: ServerInstance, ...authorization: string[]): Promise<{ status: number; body: any }> {
  const head = [
    "POST /v1/chat/completions HTTP/1.1",
    "Host: localhost",
    "Content-Type: application/json",
    `Content-Length: ${BODY.length}`,
    "Connection: close",
    ...authorization.map((value) => `Authorization: ${value}`),
  ];
  const { status, body } = parseRaw(await sendRaw(server.url, `${head.join("\r\n")}\r\n\r\n${BODY}`));
  return { status, body: JSON.parse(body) };
}

async function expectHealthy(server: ServerInstance): Promise<void> {
  expect((await fetch(`${server.url}/health`)).status).toBe(200);
  const res = await fetch(`${server.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${KEY}` },
    body: BODY,
  });
  expect(res.status).toBe(200);
}

describe("the Bearer scheme", () => {
  it.each(["bearer", "BEARER", "bEaReR", "Bearer"])("is accepted as %s", async (scheme) => {
    const server = await serve();
    const { status, body } = await chat(server, `${scheme} ${KEY}`);
    expect(status).toBe(200);
    expect(body.choices[0].message.content).toBe("hello");
  });

  it("may be followed by any number of spaces before the key", async () => {
    const server = await serve();
    expect((await chat(server, `bearer     ${KEY}`)).status).toBe(200);
    expect((await chat(server, `Bearer  ${KEY}  `)).status).toBe(200);
  });

  it("with a wrong key still gets 401 invalid_api_key naming the key, in any case", async () => {
    const server = await serve();
    for (const scheme of ["bearer", "BEARER", "Bearer"]) {
      const { status, body } = await chat(server, `${scheme} sk-wrong-key-123456`);
      expect([status, body.error]).toEqual([
        401,
        {
          message: wrongKey("sk-************3456"),
          type: "invalid_request_error",
          param: null,
          code: "invalid_api_key",
        },
      ]);
    }
    await expectHealthy(server);
  });

  it("must be the scheme: another scheme, none, or no space after it is no key", async () => {
    const server = await serve();
    for (const value of [`Basic ${KEY}`, KEY, `Bearer${KEY}`, `bearer`]) {
      const { status, body } = await chat(server, value);
      expect([value, status, body.error.message, body.error.code]).toEqual([value, 401, NO_KEY, "invalid_api_key"]);
    }
    await expectHealthy(server);
  });

  it("in lower case opens a WebSocket", async () => {
    const server = await serve();
    const ws = new WebSocket(`${server.url.replace(/^http/, "ws")}/v1/responses`, {
      headers: { authorization: `bearer ${KEY}` },
    });
    await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
    ws.close();
  });

  it("in any case keeps rate limits per key", async () => {
    const server = await serve({ rateLimit: { rpm: 1 } });
    expect((await chat(server, `bearer ${KEY}`)).status).toBe(200);
    // Its own bucket, not one shared by every request whose scheme was not spelt "Bearer".
    expect((await chat(server, `BEARER ${OTHER}`)).status).toBe(200);
    const again = await chat(server, `Bearer ${KEY}`);
    expect([again.status, again.body.error.code]).toEqual([429, "rate_limit_exceeded"]);
  });
});

describe("two Authorization headers", () => {
  it("are let in when the second carries a key and the first does not", async () => {
    const server = await serve();
    expect((await chat(server, "Bearer sk-stale-key-999999", `Bearer ${KEY}`)).status).toBe(200);
    expect((await chat(server, "Basic dXNlcjpwYXNz", `bearer ${KEY}`)).status).toBe(200);
  });

  it("are let in when the first carries a key and the second does not", async () => {
    const server = await serve();
    expect((await chat(server, `Bearer ${KEY}`, "Bearer sk-stale-key-999999")).status).toBe(200);
  });

  it("get 401 naming the first Bearer key when neither carries one", async () => {
    const server = await serve();
    const both = await chat(server, "Bearer sk-first-wrong-1111", "Bearer sk-second-wrong-2222");
    expect([both.status, both.body.error.message]).toEqual([401, wrongKey("sk-************1111")]);
    const basic = await chat(server, "Basic dXNlcjpwYXNz", "Bearer sk-second-wrong-2222");
    expect([basic.status, basic.body.error.message]).toEqual([401, wrongKey("sk-*************2222")]);
    const none = await chat(server, "Basic dXNlcjpwYXNz", "Basic b3RoZXI6cGFzcw==");
    expect([none.status, none.body.error.message]).toEqual([401, NO_KEY]);
    await expectHealthy(server);
  });

  it("count against the rate limit of the key that let the request in", async () => {
    const server = await serve({ rateLimit: { rpm: 1 } });
    expect((await chat(server, "Bearer sk-stale-key-999999", `Bearer ${KEY}`)).status).toBe(200);
    expect((await chat(server, `Bearer ${KEY}`)).status).toBe(429);
    expect((await chat(server, `Bearer ${OTHER}`)).status).toBe(200);
  });
});
