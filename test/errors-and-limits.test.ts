// Error fixtures by status, SDK retries, the RPM/TPM rate limiter, nextError, models, auth, response headers, body limits and disconnects.
import { request } from "node:http";
import { encode } from "gpt-tokenizer/encoding/o200k_base";
import OpenAI, {
  AuthenticationError,
  BadRequestError,
  InternalServerError,
  NotFoundError,
  RateLimitError,
} from "openai";
import { LLMock } from "understudy-llm";
import { createServer, type ServerInstance, type ServerOptions } from "understudy-llm/server";
import WebSocket from "ws";
import { afterEach, describe, expect, it } from "vitest";
import { expectConforms } from "./support/openapi.js";
import { promptTokens } from "./support/tokens.js";

const MODEL = "gpt-4o-mini";
const open: ServerInstance[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
});

async function serve(
  fixtures: Parameters<typeof createServer>[0],
  options: ServerOptions = {},
): Promise<ServerInstance> {
  const server = await createServer(fixtures, options);
  open.push(server);
  return server;
}
const sdk = (server: { url: string }, options: { apiKey?: string; maxRetries?: number } = {}) =>
  new OpenAI({ baseURL: `${server.url}/v1`, apiKey: options.apiKey ?? "sk-test", maxRetries: options.maxRetries ?? 0 });
const ask = (client: OpenAI, content: string, model = MODEL) =>
  client.chat.completions.create({ model, messages: [{ role: "user", content }] });
const chatBody = (content: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ model: MODEL, messages: [{ role: "user", content }], ...extra });
const post = (server: { url: string }, body: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body,
  });
// Wire bodies, checked by expectConforms and toEqual rather than by type.
const json = (res: Response): Promise<any> => res.json();
const statuses = (server: ServerInstance, from = 0) =>
  server.journal
    .all()
    .slice(from)
    .map((e) => e.status);

describe("error fixtures for each status of seed 003's table (no type given)", () => {
  it.each([
    { status: 400, type: "invalid_request_error", errorClass: BadRequestError },
    { status: 401, type: "authentication_error", errorClass: AuthenticationError },
    { status: 404, type: "not_found_error", errorClass: NotFoundError },
    { status: 429, type: "rate_limit_exceeded", errorClass: RateLimitError },
    { status: 500, type: "internal_server_error", errorClass: InternalServerError },
    { status: 502, type: "bad_gateway", errorClass: InternalServerError },
    { status: 503, type: "service_unavailable", errorClass: InternalServerError },
  ])("$status → type $type, thrown as the SDK's $errorClass.name", async ({ status, type, errorClass }) => {
    const server = await serve([
      { match: { userMessage: "fail" }, response: { error: { status, message: `Failure ${status}`, retryAfter: 0 } } },
    ]);
    const err = await ask(sdk(server), "please fail").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(errorClass);
    expect(err).toMatchObject({
      status,
      type,
      message: `${status} Failure ${status}`,
      code: status === 429 ? "rate_limit_exceeded" : null,
      param: null,
    });
    const res = await post(server, chatBody("please fail"));
    const body = await json(res);
    expect(res.status).toBe(status);
    expectConforms("ErrorResponse", body);
    expect(body.error).toEqual({
      message: `Failure ${status}`,
      type,
      param: null,
      code: status === 429 ? "rate_limit_exceeded" : null,
    });
  });
});

describe("SDK retries", () => {
  it("retries a 429 with retry-after 0 twice under maxRetries 2, and the journal shows 429, 429, 200", async () => {
    const server = await serve([
      {
        match: { userMessage: "flaky", sequenceIndex: 0 },
        response: { error: { status: 429, message: "Slow down", retryAfter: 0 } },
      },
      {
        match: { userMessage: "flaky", sequenceIndex: 1 },
        response: { error: { status: 429, message: "Slow down again", retryAfter: 0 } },
      },
      { match: { userMessage: "flaky", sequenceIndex: 2 }, response: { content: "third time lucky" } },
    ]);
    const completion = await ask(sdk(server, { maxRetries: 2 }), "flaky call");
    expect(completion.choices[0].message.content).toBe("third time lucky");
    expect(server.journal.all().map((e) => [e.status, e.error ?? null])).toEqual([
      [429, "Slow down"],
      [429, "Slow down again"],
      [200, null],
    ]);
  });
});

describe("the rate limiter", () => {
  const fixtures = [{ match: { userMessage: "ping" }, response: { content: "pong" } }];

  it("rpm 3: three requests count x-ratelimit-remaining-requests down 2, 1, 0; the 4th is a 429 with retry-after(-ms); refill reopens it", async () => {
    let now = 1_750_000_000_000;
    const server = await serve(fixtures, { rateLimit: { rpm: 3 }, now: () => now });
    const seen: (string | null)[][] = [];
    for (let i = 0; i < 3; i++) {
      const res = await post(server, chatBody("ping"));
      expect(res.status).toBe(200);
      seen.push(
        ["x-ratelimit-limit-requests", "x-ratelimit-remaining-requests", "x-ratelimit-reset-requests"].map((h) =>
          res.headers.get(h),
        ),
      );
    }
    expect(seen).toEqual([
      ["3", "2", "20s"],
      ["3", "1", "40s"],
      ["3", "0", "1m0s"],
    ]);
    const limited = await post(server, chatBody("ping"));
    expect(limited.status).toBe(429);
    expect(
      [
        "retry-after",
        "retry-after-ms",
        "x-ratelimit-limit-requests",
        "x-ratelimit-remaining-requests",
        "x-ratelimit-reset-requests",
      ].map((h) => limited.headers.get(h)),
    ).toEqual(["20", "20000", "3", "0", "1m0s"]);
    const body = await json(limited);
    expectConforms("ErrorResponse", body);
    const message = `Rate limit reached for ${MODEL} in organization org-understudy on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s. Visit https://platform.openai.com/account/rate-limits to learn more.`;
    expect(body.error).toEqual({ message, type: "requests", param: null, code: "rate_limit_exceeded" });
    now += 19_999;
    expect((await post(server, chatBody("ping"))).status).toBe(429);
    now += 1;
    expect((await post(server, chatBody("ping"))).status).toBe(200);
  });

  it("keeps a bucket per API key: sk-alpha exhausted does not limit sk-beta", async () => {
    const server = await serve(fixtures, {
      rateLimit: { rpm: 2 },
      apiKeys: ["sk-alpha", "sk-beta"],
      now: () => 1_750_000_000_000,
    });
    const alpha = { authorization: "Bearer sk-alpha" };
    expect([
      (await post(server, chatBody("ping"), alpha)).status,
      (await post(server, chatBody("ping"), alpha)).status,
    ]).toEqual([200, 200]);
    expect((await post(server, chatBody("ping"), alpha)).status).toBe(429);
    const beta = await post(server, chatBody("ping"), { authorization: "Bearer sk-beta" });
    expect([beta.status, beta.headers.get("x-ratelimit-remaining-requests")]).toEqual([200, "1"]);
    await expect(ask(sdk(server, { apiKey: "sk-alpha" }), "ping")).rejects.toBeInstanceOf(RateLimitError);
  });

  it("tpm counts each request's prompt + completion tokens exactly", async () => {
    const perRequest = promptTokens(MODEL, [{ role: "user", content: "ping" }]) + encode("pong").length;
    expect(perRequest).toBe(8 + 1);
    const server = await serve(fixtures, { rateLimit: { tpm: 20 }, now: () => 1_750_000_000_000 });
    const first = await post(server, chatBody("ping"));
    const second = await post(server, chatBody("ping"));
    expect([
      first.headers.get("x-ratelimit-remaining-tokens"),
      second.headers.get("x-ratelimit-remaining-tokens"),
    ]).toEqual(["11", "2"]);
    expect(first.headers.get("x-ratelimit-limit-tokens")).toBe("20");
    const limited = await post(server, chatBody("ping"));
    expect(limited.status).toBe(429);
    // 7 of the 9 tokens are missing at 20 per minute: 21 s; the 18 spent refill in 54 s.
    expect([
      limited.headers.get("retry-after-ms"),
      limited.headers.get("retry-after"),
      limited.headers.get("x-ratelimit-reset-tokens"),
    ]).toEqual(["21000", "21", "54s"]);
    const { error } = await json(limited);
    expect(error.type).toBe("tokens");
    expect(error.message).toContain(
      "on tokens per min (TPM): Limit 20, Used 18, Requested 9. Please try again in 21s.",
    );
  });

  it("the SDK waits as retry-after-ms says (rpm 120: one request per 500 ms) and then succeeds", async () => {
    // The clock stands still during the burst (so nothing refills however long it takes), then runs in real time.
    const T0 = 1_750_000_000_000;
    let runningSince: number | null = null;
    const server = await serve(fixtures, {
      rateLimit: { rpm: 120 },
      journalSize: 200,
      now: () => (runningSince === null ? T0 : T0 + performance.now() - runningSince),
    });
    // The SDK's key (sk-test) has its own bucket, so the burst spends that one.
    const burst = await Promise.all(
      Array.from({ length: 120 }, () =>
        post(server, chatBody("ping"), { authorization: "Bearer sk-test" }).then((r) => r.status),
      ),
    );
    expect(burst.every((s) => s === 200)).toBe(true);
    runningSince = performance.now();
    const started = performance.now();
    const completion = await ask(sdk(server, { maxRetries: 2 }), "ping");
    const waited = performance.now() - started;
    expect(completion.choices[0].message.content).toBe("pong");
    expect(statuses(server, 120)).toEqual([429, 200]);
    const limited = server.journal.all()[120];
    expect(limited.error).toMatch(/Please try again in 0\.\d+s\./);
    // retry-after says 1 s; retry-after-ms (under 500) is what the SDK waited.
    expect(waited).toBeGreaterThan(200);
    expect(waited).toBeLessThan(950);
  });
});

describe("nextError", () => {
  it("answers the next matching request of LLMock with 503, then normal replies resume", async () => {
    const mock = new LLMock();
    mock.on({ userMessage: "hi" }, { content: "hello" });
    await mock.start();
    try {
      mock.nextError(503);
      const client = sdk(mock);
      // A request no fixture matches does not use up the queued error.
      await expect(ask(client, "unrelated")).rejects.toBeInstanceOf(BadRequestError);
      const err = await ask(client, "hi").catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InternalServerError);
      expect(err).toMatchObject({
        status: 503,
        type: "service_unavailable",
        message: "503 Queued error with status 503.",
      });
      expect((await ask(client, "hi")).choices[0].message.content).toBe("hello");
      expect(mock.requests.map((e) => e.status)).toEqual([400, 503, 200]);
    } finally {
      await mock.stop();
    }
  });

  it("works on createServer's instance with a custom message and code, the type following the status", async () => {
    const server = await serve([{ match: { userMessage: "hi" }, response: { content: "hello" } }]);
    server.nextError(503, { message: "Overloaded", code: "overloaded" });
    const res = await post(server, chatBody("hi"));
    expect([res.status, await json(res)]).toEqual([
      503,
      { error: { message: "Overloaded", type: "service_unavailable", param: null, code: "overloaded" } },
    ]);
    expect((await ask(sdk(server), "hi")).choices[0].message.content).toBe("hello");
  });
});

describe("models", () => {
  const models: ServerOptions["models"] = ["gpt-4o-mini", { id: "fast-chat", aliasOf: "gpt-4o-mini" }];
  const fixtures = [
    { match: { userMessage: "hi" }, response: { content: "hello" } },
    { match: { userMessage: "nano", model: "gpt-4.1-nano" }, response: { content: "tiny" } },
  ];

  it("lists the configured models and the fixtures' model names, each a Model", async () => {
    const server = await serve(fixtures, { models });
    const res = await fetch(`${server.url}/v1/models`);
    const list = await json(res);
    expectConforms("ListModelsResponse", list);
    expect(list.data.map((m: { id: string }) => m.id)).toEqual(["gpt-4o-mini", "fast-chat", "gpt-4.1-nano"]);
    const sdkIds: string[] = [];
    for await (const model of sdk(server).models.list()) sdkIds.push(model.id);
    expect(sdkIds).toEqual(["gpt-4o-mini", "fast-chat", "gpt-4.1-nano"]);
    const one = await sdk(server).models.retrieve("fast-chat");
    expectConforms("Model", one);
    expect(one).toEqual({ id: "fast-chat", object: "model", created: 1715558400, owned_by: "understudy" });
  });

  it("answers GET /v1/models/{unknown} with 404 model_not_found in OpenAI's words", async () => {
    const server = await serve(fixtures, { models });
    const res = await fetch(`${server.url}/v1/models/gpt-9`);
    const body = await json(res);
    expect(res.status).toBe(404);
    expectConforms("ErrorResponse", body);
    expect(body.error).toEqual({
      message: "The model `gpt-9` does not exist or you do not have access to it.",
      type: "invalid_request_error",
      param: "model",
      code: "model_not_found",
    });
  });

  it("serves an alias as its target, a fixture's model as itself, and refuses an unlisted model with NotFoundError", async () => {
    const server = await serve(fixtures, { models });
    const client = sdk(server);
    expect((await ask(client, "hi", "fast-chat")).model).toBe("gpt-4o-mini");
    expect((await ask(client, "nano", "gpt-4.1-nano")).choices[0].message.content).toBe("tiny");
    const err = await ask(client, "hi", "gpt-3.5-turbo").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(NotFoundError);
    expect(err).toMatchObject({
      status: 404,
      code: "model_not_found",
      message: "404 The model `gpt-3.5-turbo` does not exist or you do not have access to it.",
    });
  });

  it("accepts and echoes any model without a models list", async () => {
    const server = await serve(fixtures);
    expect((await ask(sdk(server), "hi", "totally-made-up-model")).model).toBe("totally-made-up-model");
    expect((await json(await fetch(`${server.url}/v1/models/anything`))).id).toBe("anything");
  });
});

describe("authentication", () => {
  const fixtures = [{ match: { userMessage: "hi" }, response: { content: "hello" } }];

  async function expectAuth(server: ServerInstance, key: string): Promise<void> {
    const missing = await post(server, chatBody("hi"));
    const missingBody = await json(missing);
    expectConforms("ErrorResponse", missingBody);
    expect([missing.status, missingBody.error.code, missingBody.error.type]).toEqual([
      401,
      "invalid_api_key",
      "invalid_request_error",
    ]);
    const err = await ask(sdk(server, { apiKey: "sk-wrong-key-123456" }), "hi").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AuthenticationError);
    expect(err).toMatchObject({
      code: "invalid_api_key",
      message: expect.stringContaining("Incorrect API key provided: sk-************3456."),
    });
    expect((await ask(sdk(server, { apiKey: key }), "hi")).choices[0].message.content).toBe("hello");
    expect((await fetch(`${server.url}/health`)).status).toBe(200);
  }

  it("requires one of the apiKeys option's keys; /health stays open", async () => {
    await expectAuth(await serve(fixtures, { apiKeys: ["sk-option-key"] }), "sk-option-key");
  });

  it("reads keys from UNDERSTUDY_API_KEYS", async () => {
    const saved = process.env.UNDERSTUDY_API_KEYS;
    process.env.UNDERSTUDY_API_KEYS = "sk-env-one, sk-env-two";
    try {
      await expectAuth(await serve(fixtures), "sk-env-two");
    } finally {
      if (saved === undefined) delete process.env.UNDERSTUDY_API_KEYS;
      else process.env.UNDERSTUDY_API_KEYS = saved;
    }
    // Without the variable, a new server is open again.
    expect((await post(await serve(fixtures), chatBody("hi"))).status).toBe(200);
  });

  it("refuses a WebSocket upgrade without a key with HTTP 401, and accepts one with it", async () => {
    const server = await serve(fixtures, { apiKeys: ["sk-ws"] });
    const wsUrl = `${server.url.replace("http", "ws")}/v1/responses`;
    const status = await new Promise<number>((resolve, reject) => {
      const ws = new WebSocket(wsUrl);
      ws.on("unexpected-response", (_req, res) => resolve(res.statusCode ?? 0));
      ws.on("open", () => reject(new Error("upgrade accepted without a key")));
      ws.on("error", () => undefined);
    });
    expect(status).toBe(401);
    const ws = new WebSocket(wsUrl, { headers: { authorization: "Bearer sk-ws" } });
    await new Promise((resolve, reject) => ws.once("open", resolve).once("error", reject));
    ws.close();
  });
});

describe("transport", () => {
  const LONG = Array.from({ length: 60 }, (_, i) => `word${i}`).join(" ");
  const fixtures = [
    { match: { userMessage: "hi" }, response: { content: "hello" } },
    { match: { userMessage: "slow" }, response: { content: LONG }, latency: 30 },
  ];

  it("sends x-request-id req_+32 hex, openai-version and openai-processing-ms on JSON, SSE and error answers", async () => {
    const server = await serve(fixtures);
    const answers = [
      await post(server, chatBody("hi")),
      await post(server, chatBody("hi", { stream: true })),
      await post(server, chatBody("an unmatched question")),
      await post(server, "{not json"),
      await fetch(`${server.url}/v1/nowhere`),
    ];
    expect(answers.map((r) => r.status)).toEqual([200, 200, 400, 400, 404]);
    expect(answers[1].headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    for (const res of answers) {
      expect(res.headers.get("x-request-id")).toMatch(/^req_[0-9a-f]{32}$/);
      expect(res.headers.get("openai-version")).toBe("2020-10-01");
      expect(res.headers.get("openai-processing-ms")).toMatch(/^\d+$/);
      await res.text();
    }
    expect(new Set(answers.map((r) => r.headers.get("x-request-id"))).size).toBe(5);
  });

  it("answers 413 request_too_large for a body over maxBodyBytes, declared or chunked", async () => {
    const server = await serve(fixtures, { maxBodyBytes: 1024 });
    const big = chatBody(`hi ${"x".repeat(2000)}`);
    const declared = await post(server, big);
    const body = await json(declared);
    expect(declared.status).toBe(413);
    expectConforms("ErrorResponse", body);
    expect(body.error).toEqual({
      message: "Request body exceeds the limit of 1024 bytes.",
      type: "invalid_request_error",
      param: null,
      code: "request_too_large",
    });
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = request(
        `${server.url}/v1/chat/completions`,
        { method: "POST", headers: { "content-type": "application/json" } },
        (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        },
      );
      req.on("error", reject);
      for (let i = 0; i < 4; i++) req.write(big.slice(i * 600, (i + 1) * 600));
      req.end();
    });
    expect(chunked).toBe(413);
    expect((await post(server, chatBody("hi"))).status).toBe(200);
  });

  it("journals a stream the client drops after two chunks as interrupted, and keeps answering", async () => {
    const server = await serve(fixtures);
    const received = await new Promise<string>((resolve, reject) => {
      const req = request(
        `${server.url}/v1/chat/completions`,
        { method: "POST", headers: { "content-type": "application/json" } },
        (res) => {
          let text = "";
          res.on("data", (chunk: Buffer) => {
            text += chunk.toString("utf8");
            if (text.split("data: ").length - 1 >= 2) {
              req.destroy();
              resolve(text);
            }
          });
        },
      );
      req.on("error", () => undefined);
      req.end(chatBody("slow", { stream: true }));
      setTimeout(() => reject(new Error("no chunks")), 2000);
    });
    expect(received).toContain('"role":"assistant"');
    await expect.poll(() => server.journal.all().at(-1)?.interrupted, { timeout: 2000, interval: 20 }).toBe(true);
    expect(server.journal.all().at(-1)).toMatchObject({ status: 200, stream: true, interrupted: true });
    expect((await ask(sdk(server), "hi")).choices[0].message.content).toBe("hello");
  });
});
