// Every catalogue error (core/errors.ts) as each provider's wire words it: its status and type (Google's
// status name, Azure's gateway code) for every kind, the body in the provider's shape, and the retry
// information a rate limit's 429 carries on each. OpenAI's own wording is tested in errors-catalogue.test.ts.
import { describe, expect, it } from "vitest";
import {
  bodyTooLarge,
  fixtureError,
  internalError,
  invalidJson,
  malformedHeader,
  modelNotFound,
  nestedTooDeep,
  noMatch,
  rateLimited,
  requestTimeout,
  routeNotFound,
  type ServerError,
  type ServerErrorKind,
  unauthorized,
  unsupportedMediaType,
} from "../../src/core/errors.js";
import { ANTHROPIC_WIRE } from "../../src/protocols/anthropic/wire.js";
import { azureWire } from "../../src/protocols/azure/wire.js";
import { geminiWire } from "../../src/protocols/gemini/wire.js";

const RATE_LIMITED = rateLimited({
  model: "m",
  limit: "requests",
  capacity: 2,
  used: 2,
  requested: 1,
  retryAfterMs: 29_500,
  limits: { requests: { limit: 2, remaining: 0, resetMs: 29_500 }, at: 0 },
});

/** One error of every kind the server raises itself (a fixture's: a 429 that names no retry). */
const EVERY_KIND: Record<ServerErrorKind, ServerError> = {
  no_match: noMatch([]),
  model_not_found: modelNotFound("m"),
  rate_limited: RATE_LIMITED,
  fixture_error: fixtureError({ status: 429, message: "slow down" }, false),
  invalid_json: invalidJson(),
  nested_too_deep: nestedTooDeep(512),
  body_too_large: bodyTooLarge(1024),
  unauthorized: unauthorized(undefined),
  unsupported_media_type: unsupportedMediaType("text/plain"),
  route_not_found: routeNotFound("GET", "/v1/nothing"),
  request_timeout: requestTimeout(),
  internal_error: internalError("boom"),
  malformed_header: malformedHeader("x-understudy-ttft", "Invalid x-understudy-ttft header"),
};

type Worded = Record<ServerErrorKind, [status: number, type: string]>;

function expectWording(describe: (error: ServerError) => { status: number; type: string }, expected: Worded) {
  const worded = Object.fromEntries(
    Object.entries(EVERY_KIND).map(([kind, error]) => {
      const { status, type } = describe(error);
      return [kind, [status, type]];
    }),
  );
  expect(worded).toEqual(expected);
}

describe("Anthropic's wording", () => {
  it("gives every kind the API's status and error type", () => {
    expectWording(ANTHROPIC_WIRE.describeError, {
      no_match: [400, "invalid_request_error"],
      model_not_found: [404, "not_found_error"],
      rate_limited: [429, "rate_limit_error"],
      fixture_error: [429, "rate_limit_error"],
      invalid_json: [400, "invalid_request_error"],
      nested_too_deep: [400, "invalid_request_error"],
      body_too_large: [413, "request_too_large"],
      unauthorized: [401, "authentication_error"],
      unsupported_media_type: [400, "invalid_request_error"],
      route_not_found: [404, "not_found_error"],
      request_timeout: [408, "invalid_request_error"],
      internal_error: [500, "api_error"],
      malformed_header: [400, "invalid_request_error"],
    });
  });

  it("renders Anthropic's body, naming the request, and tells a rate limit's 429 when to retry", () => {
    const limited = ANTHROPIC_WIRE.describeError(RATE_LIMITED);
    expect(ANTHROPIC_WIRE.renderError(ANTHROPIC_WIRE.describeError(modelNotFound("m")), "req_1")).toEqual({
      type: "error",
      error: { type: "not_found_error", message: "model: m" },
      request_id: "req_1",
    });
    expect(limited.headers).toEqual({
      "anthropic-ratelimit-requests-limit": "2",
      "anthropic-ratelimit-requests-remaining": "0",
      "anthropic-ratelimit-requests-reset": "1970-01-01T00:00:30Z",
      "retry-after": "30",
    });
    expect(ANTHROPIC_WIRE.describeError(EVERY_KIND.fixture_error).headers).toEqual({ "retry-after": "1" });
  });
});

describe("Gemini's wording", () => {
  const gemini = geminiWire({ flavor: "gemini", method: "generateContent" });
  const vertex = geminiWire({ flavor: "vertex", method: "generateContent" });
  const googleKinds: Worded = {
    no_match: [400, "INVALID_ARGUMENT"],
    model_not_found: [404, "NOT_FOUND"],
    rate_limited: [429, "RESOURCE_EXHAUSTED"],
    fixture_error: [429, "RESOURCE_EXHAUSTED"],
    invalid_json: [400, "INVALID_ARGUMENT"],
    nested_too_deep: [400, "INVALID_ARGUMENT"],
    body_too_large: [400, "INVALID_ARGUMENT"],
    unauthorized: [403, "PERMISSION_DENIED"],
    unsupported_media_type: [400, "INVALID_ARGUMENT"],
    route_not_found: [404, "NOT_FOUND"],
    request_timeout: [408, "DEADLINE_EXCEEDED"],
    internal_error: [500, "INTERNAL"],
    malformed_header: [400, "INVALID_ARGUMENT"],
  };

  it("gives every kind Google's status and status name, on the Gemini API and on Vertex AI", () => {
    expectWording(gemini.describeError, googleKinds);
    expectWording(vertex.describeError, { ...googleKinds, unauthorized: [401, "UNAUTHENTICATED"] });
  });

  it("tells when to retry in RetryInfo on the Gemini API, a rate limit's and a fixture's 429 alike", () => {
    const body = gemini.renderError(gemini.describeError(RATE_LIMITED)) as { error: { details: unknown[] } };
    expect(body.error.details).toContainEqual({
      "@type": "type.googleapis.com/google.rpc.RetryInfo",
      retryDelay: "29.5s",
    });
    expect(gemini.describeError(RATE_LIMITED).headers).toBeUndefined();
    expect(gemini.renderError(gemini.describeError(EVERY_KIND.fixture_error))).toEqual({
      error: {
        code: 429,
        message: "slow down",
        status: "RESOURCE_EXHAUSTED",
        details: [{ "@type": "type.googleapis.com/google.rpc.RetryInfo", retryDelay: "1s" }],
      },
    });
  });

  it("answers Vertex AI's rate limit as Vertex AI does: its text alone, no details", () => {
    expect(vertex.renderError(vertex.describeError(RATE_LIMITED))).toEqual({
      error: {
        code: 429,
        message:
          "Resource exhausted. Please try again later. Please refer to https://cloud.google.com/vertex-ai/generative-ai/docs/error-code-429 for more details.",
        status: "RESOURCE_EXHAUSTED",
      },
    });
  });
});

describe("Azure's wording", () => {
  const azure = azureWire("ChatCompletions_Create");

  it("answers its gateway's errors with its codes and forwards the rest in OpenAI's types", () => {
    expectWording(azure.describeError, {
      no_match: [400, "invalid_request_error"],
      model_not_found: [404, "azure_gateway_error"],
      rate_limited: [429, "azure_gateway_error"],
      fixture_error: [429, "rate_limit_exceeded"],
      invalid_json: [400, "invalid_request_error"],
      nested_too_deep: [400, "invalid_request_error"],
      body_too_large: [413, "invalid_request_error"],
      unauthorized: [401, "azure_gateway_error"],
      unsupported_media_type: [400, "invalid_request_error"],
      route_not_found: [404, "azure_gateway_error"],
      request_timeout: [408, "invalid_request_error"],
      internal_error: [500, "server_error"],
      malformed_header: [400, "invalid_request_error"],
    });
    expect(azure.renderError(azure.describeError(modelNotFound("m")))).toEqual({
      error: {
        code: "DeploymentNotFound",
        message:
          "The API deployment for this resource does not exist. If you created the deployment within the last 5 minutes, please wait a moment and try again.",
      },
    });
  });

  it("tells a rate limit's 429 when to retry, in seconds and milliseconds, beside its x-ratelimit-* headers", () => {
    expect(azure.describeError(RATE_LIMITED).headers).toEqual({
      "x-ratelimit-limit-requests": "2",
      "x-ratelimit-remaining-requests": "0",
      "x-ratelimit-reset-requests": "30",
      "retry-after": "30",
      "retry-after-ms": "29500",
    });
  });
});
