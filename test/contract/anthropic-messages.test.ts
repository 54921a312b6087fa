// The surface contract for Anthropic's POST /v1/messages, as JSON and as a stream of named events.
import { anthropicRoutes } from "../../src/protocols/anthropic/index.js";
import { anthropicReader } from "./anthropic-readers.js";
import { O200K, tokenCount } from "./encodings.js";
import { providerSurface } from "./provider-surface.js";
import { runContract } from "./run-contract.js";
import type { ExpectedErrors } from "./spec.js";
import { http } from "./wire.js";

const invalid = (message: string) =>
  ({ status: 400, type: "invalid_request_error", code: null, param: null, message }) as const;

/** Anthropic's wording (pydantic's `field: ...`); a fixture's type and code as the fixture names them. */
const ANTHROPIC_ERRORS: ExpectedErrors = {
  missingModel: invalid("model: Field required"),
  wrongType: (param) => invalid(`${param}: Input should be a valid integer`),
  belowMin: (param, min) => invalid(`${param}: Input should be greater than or equal to ${min}`),
  aboveMax: { max: 1, error: invalid("temperature: Input should be less than or equal to 1") },
  noMatch: { status: 400, type: "invalid_request_error", code: null, param: null },
  // The body names the fixture's code as `details.error_code`; the stream's error event carries type and message only.
  fixtureError: {
    status: 503,
    type: "server_error",
    code: "engine_overloaded",
    param: null,
    message: "The engine is overloaded.",
  },
  fixtureErrorInBand: {
    status: 200,
    type: "server_error",
    code: null,
    param: null,
    message: "The engine is overloaded.",
  },
  fixtureRateLimit: { status: 429, type: "requests", code: "rate_limit_exceeded", param: null, message: "Slow down." },
  modelNotFound: (model) => ({
    status: 404,
    type: "not_found_error",
    code: null,
    param: null,
    message: `model: ${model}`,
  }),
};

// Understudy's documented approximation (Claude's tokenizer is not public): o200k_base texts, 3 tokens of
// reply priming and 3 per turn around the turn's text; roles are not counted.
const REPLY_PRIMING = 3;
const TOKENS_PER_TURN = 3;

runContract({
  ...anthropicReader,
  name: "Anthropic messages over HTTP",
  path: "/v1/messages",
  requestHeaders: { "anthropic-version": "2023-06-01", "x-api-key": "sk-ant-contract" },
  transport: http,
  headers: { requestId: { header: "request-id", pattern: /^req_011C[A-Za-z0-9]{20}$/ } },
  modes: ["json", "stream"],
  models: { main: "claude-sonnet-4-5", second: "claude-haiku-4-5", unknown: "claude-unknown" },
  encoding: () => O200K,
  surface: (state) => providerSurface(anthropicRoutes, state, "/v1/messages"),
  request: ({ model, text, stream, stop, maxTokens }) => ({
    model,
    // max_tokens is required; the cases' replies are far shorter than 1024 tokens.
    max_tokens: maxTokens ?? 1024,
    messages: [{ role: "user", content: text }],
    ...(stream ? { stream: true } : {}),
    ...(stop ? { stop_sequences: stop } : {}),
  }),
  errors: ANTHROPIC_ERRORS,
  maxTokens: { param: "max_tokens", min: 0 },
  finish: { stop: "end_turn", length: "max_tokens", stopSequence: "stop_sequence" },
  inBandErrors: true,
  promptTokens: (_model, text) => REPLY_PRIMING + TOKENS_PER_TURN + tokenCount(O200K, text),
  skip: { n: "the Messages API answers with one message; it has no n" },
});
