// What every OpenAI surface tells the transport and the plan about its wire: Bearer credentials, the
// headers each answer carries, its error shape and wording, the `Accept: text/event-stream` rule for
// streams, tool call ids and the prompt formula.
import type { AnswerHeaders, RequestHead, Surface, SurfaceWire } from "../types.js";
import { isRecord } from "../json-values.js";
import { bearerCredentials } from "./credentials.js";
import { renderOpenAIError } from "./errors.js";
import { countChatPrompt } from "./prompt-tokens.js";
import { openAIRateLimitHeaders } from "./rate-limit-headers.js";
import { describeOpenAIError } from "./server-errors.js";

const OPENAI_VERSION = "2020-10-01";

/** One literal per answer: the shape V8 builds fastest, and no copy of a shared object. */
const answerHeaders = (requestId: string): AnswerHeaders => ({
  "x-request-id": requestId,
  "openai-version": OPENAI_VERSION,
});

/** The wire of the OpenAI API, and the server's default for routes with no surface of their own. */
export const OPENAI_WIRE: SurfaceWire = {
  provider: "openai",
  credentials: bearerCredentials,
  requestIds: { prefix: "req_", length: 32, alphabet: "hex" },
  answerHeaders,
  processingTimeHeader: "openai-processing-ms",
  describeError: describeOpenAIError,
  renderError: renderOpenAIError,
  rateLimitHeaders: openAIRateLimitHeaders,
};

/** The real API answers JSON unless `stream: true`; a client that asks for an event stream in `Accept` gets one. */
function asksForStream(req: RequestHead): boolean {
  const accept = req.headers.accept;
  return accept?.includes("text/event-stream") === true;
}

/** A body that leaves `stream` unset is read as `stream: true` when its headers ask for a stream (seed 001's samples). */
function negotiateStream(req: RequestHead, body: unknown): unknown {
  return isRecord(body) && body.stream === undefined && asksForStream(req) ? { ...body, stream: true } : body;
}

/** What the plan draws tool call ids as: `call_` and 24 alphanumeric characters. */
export const OPENAI_TOOL_CALL_IDS = { prefix: "call_", length: 24 } as const;

/**
 * The wire of an OpenAI generation surface: OPENAI_WIRE plus its stream negotiation, tool call ids and
 * the per-message prompt formula (legacy Completions counts its raw prompt instead).
 */
export const OPENAI_SURFACE_WIRE: SurfaceWire &
  Pick<Surface, "asksForStream" | "negotiateStream" | "toolCallIds" | "promptTokens"> = {
  ...OPENAI_WIRE,
  asksForStream,
  negotiateStream,
  toolCallIds: OPENAI_TOOL_CALL_IDS,
  promptTokens: countChatPrompt,
};
