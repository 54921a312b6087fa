// The server's own errors as values (core/errors.ts) and the OpenAI surface's wording and rendering of
// them: each error's exact status, body and headers, the Bearer credentials and the answer headers.
import type { IncomingHttpHeaders } from "node:http";
import { describe, expect, it } from "vitest";
import {
  bodyTooLarge,
  ERROR_STATUS,
  fixtureError,
  internalError,
  invalidJson,
  malformedHeader,
  maskKey,
  modelNotFound,
  nestedTooDeep,
  noMatch,
  rateLimited,
  requestTimeout,
  routeNotFound,
  unauthorized,
  unsupportedMediaType,
  type ServerError,
} from "../src/core/errors.js";
import { bearerToken } from "../src/protocols/bearer.js";
import { bearerCredentials } from "../src/protocols/openai/credentials.js";
import { openAIError, renderOpenAIError } from "../src/protocols/openai/errors.js";
import { renderErrorFrame } from "../src/protocols/openai/responses/error-frame.js";
import { describeOpenAIError, INVALID_JSON } from "../src/protocols/openai/server-errors.js";
import { OPENAI_SURFACE_WIRE, OPENAI_WIRE } from "../src/protocols/openai/wire.js";
import type { RequestHead } from "../src/protocols/types.js";

/** What a client receives for a catalogue error on an OpenAI surface: status, JSON body and extra headers. */
function answered(error: ServerError) {
  const worded = describeOpenAIError(error);
  return { status: worded.status, body: renderOpenAIError(worded), headers: worded.headers ?? {} };
}

const body = (message: string, type: string, param: string | null, code: string | null) => ({
  error: { message, type, param, code },
});

const RATE_FACTS = {
  model: "gpt-4o",
  limit: "requests",
  capacity: 2,
  used: 2,
  requested: 1,
  retryAfterMs: 30_000,
  limits: { requests: { limit: 2, remaining: 0, resetMs: 30_000 }, at: 0 },
} as const;

/** A request head with the given headers; `authorization` may repeat, as node's headersDistinct keeps it. */
function head(headers: IncomingHttpHeaders, authorization: string[] = []): RequestHead {
  const all = authorization.length > 0 ? { ...headers, authorization: authorization[0] } : headers;
  return {
    method: "POST",
    url: "/v1/chat/completions",
    headers: all,
    headersDistinct: authorization.length > 0 ? { authorization } : {},
  };
}

describe("the catalogue", () => {
  it("gives every kind its status, its param and Understudy's own detail", () => {
    const nearest = [{ label: "fixture 0", failures: ["userMessage: expected 'hi'", "model: expected 'gpt-4o'"] }];
    expect(noMatch(nearest)).toEqual({
      kind: "no_match",
      status: 400,
      param: null,
      nearest,
      detail:
        "No matching response found for the given conversation. Closest fixtures: fixture 0: userMessage: expected 'hi'; model: expected 'gpt-4o'",
    });
    expect(noMatch([]).detail).toBe("No matching response found for the given conversation. No fixtures are loaded.");
    expect(modelNotFound("gpt-9")).toMatchObject({
      kind: "model_not_found",
      status: 404,
      param: "model",
      model: "gpt-9",
    });
    expect(rateLimited(RATE_FACTS)).toMatchObject({ kind: "rate_limited", status: 429, param: null, ...RATE_FACTS });
    expect(invalidJson()).toMatchObject({ kind: "invalid_json", status: 400, param: null });
    expect(nestedTooDeep(512)).toMatchObject({
      kind: "nested_too_deep",
      status: 400,
      limit: 512,
      detail: "The request body nests arrays and objects more than 512 levels deep.",
    });
    expect(bodyTooLarge(1024)).toMatchObject({
      kind: "body_too_large",
      status: 413,
      limit: 1024,
      detail: "Request body exceeds the limit of 1024 bytes.",
    });
    expect(unsupportedMediaType("text/plain")).toMatchObject({
      kind: "unsupported_media_type",
      status: 400,
      contentType: "text/plain",
    });
    expect(routeNotFound("GET", "/v1/nothing")).toMatchObject({
      kind: "route_not_found",
      status: 404,
      method: "GET",
      path: "/v1/nothing",
    });
    expect(requestTimeout()).toMatchObject({ kind: "request_timeout", status: 408 });
    expect(internalError("Internal error in Understudy: boom")).toMatchObject({
      kind: "internal_error",
      status: 500,
      detail: "Internal error in Understudy: boom",
    });
    expect(malformedHeader("x-understudy-ttft", "Invalid x-understudy-ttft header")).toMatchObject({
      kind: "malformed_header",
      status: 400,
      header: "x-understudy-ttft",
    });
  });

  it("keeps a fixture's error as its author wrote it, queued or not", () => {
    const error = { status: 503, message: "down", type: "overloaded", code: "busy", param: "model", retryAfter: 7 };
    expect(fixtureError(error, true)).toEqual({
      kind: "fixture_error",
      status: 503,
      param: "model",
      detail: "down",
      queued: true,
      type: "overloaded",
      code: "busy",
      retryAfter: 7,
    });
    expect(fixtureError({ status: 500, message: "x" }, false)).toMatchObject({
      param: null,
      type: undefined,
      code: undefined,
      queued: false,
    });
  });

  it("never carries a whole key: an unauthorized error holds it masked", () => {
    expect(maskKey("sk-test-1234567890abcd")).toBe("sk-***************abcd");
    expect(maskKey("short")).toBe("*****");
    expect(maskKey(`sk-${"x".repeat(100)}wxyz`)).toBe(`sk-${"*".repeat(40)}wxyz`);
    expect(unauthorized("sk-test-1234567890abcd")).toMatchObject({ status: 401, maskedKey: "sk-***************abcd" });
    expect(unauthorized(undefined)).toMatchObject({ status: 401, maskedKey: undefined });
    expect(JSON.stringify(unauthorized("sk-test-1234567890abcd"))).not.toContain("1234567890");
  });

  it("names the status of every fixed kind in one table", () => {
    const made: ServerError[] = [
      noMatch([]),
      modelNotFound("m"),
      rateLimited(RATE_FACTS),
      invalidJson(),
      nestedTooDeep(512),
      bodyTooLarge(1),
      unauthorized(undefined),
      unsupportedMediaType("text/plain"),
      routeNotFound("GET", "/"),
      requestTimeout(),
      internalError("x"),
      malformedHeader("h", "x"),
    ];
    expect(Object.fromEntries(made.map((error) => [error.kind, error.status]))).toEqual(ERROR_STATUS);
  });
});

describe("OpenAI's wording and rendering of the catalogue", () => {
  it("no match: 400 no_match with the nearest misses", () => {
    const nearest = [{ label: "greeting", failures: ["userMessage: expected 'hello'"] }];
    expect(answered(noMatch(nearest))).toEqual({
      status: 400,
      body: body(
        "No matching response found for the given conversation. Closest fixtures: greeting: userMessage: expected 'hello'",
        "invalid_request_error",
        null,
        "no_match",
      ),
      headers: {},
    });
  });

  it("model not found: 404 model_not_found naming param model", () => {
    expect(answered(modelNotFound("gpt-9"))).toEqual({
      status: 404,
      body: body(
        "The model `gpt-9` does not exist or you do not have access to it.",
        "invalid_request_error",
        "model",
        "model_not_found",
      ),
      headers: {},
    });
  });

  it("rate limited: 429 with OpenAI's text, the limiter's headers, then retry-after and retry-after-ms", () => {
    const { status, body: sent, headers } = answered(rateLimited(RATE_FACTS));
    expect(status).toBe(429);
    expect(sent).toEqual(
      body(
        "Rate limit reached for gpt-4o in organization org-understudy on requests per min (RPM): Limit 2, Used 2, Requested 1. " +
          "Please try again in 30s. Visit https://platform.openai.com/account/rate-limits to learn more.",
        "requests",
        null,
        "rate_limit_exceeded",
      ),
    );
    expect(Object.entries(headers)).toEqual([
      ["x-ratelimit-limit-requests", "2"],
      ["x-ratelimit-remaining-requests", "0"],
      ["x-ratelimit-reset-requests", "30s"],
      ["retry-after", "30"],
      ["retry-after-ms", "30000"],
    ]);
    const tokens = answered(
      rateLimited({
        ...RATE_FACTS,
        limit: "tokens",
        capacity: 100,
        used: 90,
        requested: 40,
        retryAfterMs: 250,
        limits: { at: 0 },
      }),
    );
    expect(tokens.body.error).toMatchObject({
      type: "tokens",
      message: expect.stringContaining(
        "on tokens per min (TPM): Limit 100, Used 90, Requested 40. Please try again in 0.25s.",
      ),
    });
    expect(tokens.headers).toEqual({ "retry-after": "1", "retry-after-ms": "250" });
  });

  it("a fixture's error: its own type and code, else OpenAI's defaults by status, and retry-after for a 429", () => {
    expect(answered(fixtureError({ status: 429, message: "slow down" }, false))).toEqual({
      status: 429,
      body: body("slow down", "rate_limit_exceeded", null, "rate_limit_exceeded"),
      headers: { "retry-after": "1" },
    });
    expect(answered(fixtureError({ status: 503, message: "down", retryAfter: 4 }, true))).toEqual({
      status: 503,
      body: body("down", "service_unavailable", null, null),
      headers: { "retry-after": "4" },
    });
    expect(
      answered(fixtureError({ status: 400, message: "bad", type: "custom", code: null, param: "messages" }, false)),
    ).toEqual({
      status: 400,
      body: body("bad", "custom", "messages", null),
      headers: {},
    });
    expect(answered(fixtureError({ status: 418, message: "teapot" }, false)).body.error.type).toBe(
      "invalid_request_error",
    );
    expect(answered(fixtureError({ status: 599, message: "odd" }, false)).body.error.type).toBe("server_error");
  });

  it("invalid JSON, nesting, size and timeout: OpenAI's 400, 413 and 408 bodies", () => {
    expect(answered(invalidJson())).toEqual({
      status: 400,
      body: body(INVALID_JSON, "invalid_request_error", null, null),
      headers: {},
    });
    expect(INVALID_JSON).toContain("The OpenAI API expects a JSON payload");
    expect(answered(nestedTooDeep(512))).toEqual({
      status: 400,
      body: body(
        "The request body nests arrays and objects more than 512 levels deep.",
        "invalid_request_error",
        null,
        "invalid_json",
      ),
      headers: {},
    });
    expect(answered(bodyTooLarge(2048))).toEqual({
      status: 413,
      body: body("Request body exceeds the limit of 2048 bytes.", "invalid_request_error", null, "request_too_large"),
      headers: {},
    });
    expect(answered(requestTimeout())).toEqual({
      status: 408,
      body: body(
        "Request timed out: the request body did not arrive within the server's requestTimeout.",
        "invalid_request_error",
        null,
        "request_timeout",
      ),
      headers: {},
    });
  });

  it("unauthorized: OpenAI's two 401 texts, with the key masked", () => {
    expect(answered(unauthorized(undefined))).toEqual({
      status: 401,
      body: body(
        "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
        "invalid_request_error",
        null,
        "invalid_api_key",
      ),
      headers: {},
    });
    expect(answered(unauthorized("sk-wrong-key-0000"))).toEqual({
      status: 401,
      body: body(
        "Incorrect API key provided: sk-**********0000. You can find your API key at https://platform.openai.com/account/api-keys.",
        "invalid_request_error",
        null,
        "invalid_api_key",
      ),
      headers: {},
    });
  });

  it("unsupported media type, unknown route, internal error and malformed header", () => {
    expect(answered(unsupportedMediaType("text/plain"))).toEqual({
      status: 400,
      body: body(
        "Unsupported content type: 'text/plain'. This API method only accepts 'application/json' requests, but you specified the header 'Content-Type: text/plain'. Please try again with a supported content type.",
        "invalid_request_error",
        null,
        "unsupported_content_type",
      ),
      headers: {},
    });
    expect(answered(routeNotFound("DELETE", "/v1/nothing"))).toEqual({
      status: 404,
      body: body("Invalid URL (DELETE /v1/nothing)", "invalid_request_error", null, null),
      headers: {},
    });
    expect(answered(internalError("Internal error in Understudy: boom"))).toEqual({
      status: 500,
      body: body("Internal error in Understudy: boom", "server_error", null, null),
      headers: {},
    });
    const header = malformedHeader(
      "x-understudy-tps",
      "Invalid x-understudy-tps header: expected a number of tokens per second from 0 to 3600000, got 'fast'.",
    );
    expect(answered(header)).toEqual({
      status: 400,
      body: body(header.detail, "invalid_request_error", null, "invalid_header"),
      headers: {},
    });
  });

  it("renders the body's fields in OpenAI's order: message, type, param, code", () => {
    const text = JSON.stringify(renderOpenAIError(openAIError(400, "m", { param: "p", code: "c" })));
    expect(text).toBe('{"error":{"message":"m","type":"invalid_request_error","param":"p","code":"c"}}');
  });

  it("renders the Responses WebSocket's error frame, echoing the lane", () => {
    const error = describeOpenAIError(nestedTooDeep(512));
    expect(renderErrorFrame(error, undefined)).toBe(
      '{"type":"error","status":400,"error":{"type":"invalid_request_error","code":"invalid_json","message":"The request body nests arrays and objects more than 512 levels deep.","param":null}}',
    );
    expect(JSON.parse(renderErrorFrame(error, "lane-1"))).toMatchObject({
      type: "error",
      status: 400,
      stream_id: "lane-1",
    });
  });
});

describe("the OpenAI wire", () => {
  it("starts every answer with x-request-id and openai-version, a fresh object each time", () => {
    const first = OPENAI_WIRE.answerHeaders("req_1");
    expect(Object.entries(first)).toEqual([
      ["x-request-id", "req_1"],
      ["openai-version", "2020-10-01"],
    ]);
    expect(OPENAI_WIRE.answerHeaders("req_1")).not.toBe(first);
    expect(OPENAI_WIRE.processingTimeHeader).toBe("openai-processing-ms");
  });

  it("reads Bearer credentials in any case, with any spaces after the scheme", () => {
    expect(bearerToken("Bearer sk-1")).toBe("sk-1");
    expect(bearerToken("bEaReR    sk-1 ")).toBe("sk-1");
    expect(bearerToken("Basic abc")).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerCredentials.key(head({ authorization: "Bearer sk-1" }))).toBe("sk-1");
  });

  it("lets in a request when a repeated Authorization header carries a key, which is then the request's key", () => {
    const req = head({}, ["Bearer wrong", "Bearer right"]);
    expect(bearerCredentials.admit(req, (key) => key === "right")).toEqual({ ok: true });
    expect(bearerCredentials.key(req)).toBe("right");
    expect(
      bearerCredentials.admit(head({}, ["Basic x", "Bearer  ", "Bearer shown", "Bearer later"]), () => false),
    ).toEqual({ ok: false, presented: "shown" });
    expect(bearerCredentials.admit(head({}), () => true)).toEqual({ ok: false, presented: undefined });
  });

  it("negotiates a stream from Accept: text/event-stream only when the body leaves stream unset", () => {
    const sse = head({ accept: "text/event-stream" });
    const json = head({ accept: "application/json" });
    expect(OPENAI_SURFACE_WIRE.asksForStream(sse)).toBe(true);
    expect(OPENAI_SURFACE_WIRE.asksForStream(json)).toBe(false);
    expect(OPENAI_SURFACE_WIRE.negotiateStream(sse, { model: "m" }, [])).toEqual({ model: "m", stream: true });
    expect(OPENAI_SURFACE_WIRE.negotiateStream(sse, { model: "m", stream: false }, [])).toEqual({
      model: "m",
      stream: false,
    });
    const body = { model: "m" };
    expect(OPENAI_SURFACE_WIRE.negotiateStream(json, body, [])).toBe(body);
    expect(OPENAI_SURFACE_WIRE.negotiateStream(sse, [1], [])).toEqual([1]);
  });
});
