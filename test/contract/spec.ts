// What a surface tells the contract suite about itself: where it is served, how a request is written
// in its wire format, how its answers are read back, the errors it words its own way, and which cases
// do not apply to it (and why).
import type { PipelineState } from "../../src/pipeline.js";
import type { Surface } from "../../src/protocols/types.js";
import type { Encoding } from "./encodings.js";
import type { Answer, Transport } from "./wire.js";

export type Mode = "json" | "stream";

/** A request in the suite's own terms, which each surface writes in its wire format. */
export interface RequestInput {
  model: string;
  /** The user's message (the prompt, the input). */
  text: string;
  stream: boolean;
  stop?: string[];
  maxTokens?: number;
  n?: number;
}

/** A request as sent: its path (with any query) and its JSON body. */
export interface SentRequest {
  path: string;
  body: Record<string, unknown>;
}

/** One choice of an answer as the suite compares it: its text, finish, and streamed text deltas. */
export interface ReadChoice {
  text: string;
  /** The surface's own words: a finish_reason, a Responses status, a stop_reason, a finishReason. */
  finish: string;
  /** The text deltas in order, for a streamed answer; null for a JSON one. */
  deltas: string[] | null;
}

export interface ReadUsage {
  prompt: number;
  completion: number;
  total: number;
}

/**
 * An error as the suite compares it; `inBand`: sent inside a stream that had begun (status 200). A
 * field the surface's errors do not have (Anthropic's code and param, the type of an Azure gateway
 * error) reads as null.
 */
export interface ReadError {
  inBand: boolean;
  status: number;
  type: string | null;
  code: string | null;
  param: string | null;
  message: string;
}

/** An error answer as a case expects it: everything but `inBand`, which the case knows. */
export type ExpectedError = Omit<ReadError, "inBand">;

/** The errors a surface words its own way, for the requests the cases send. */
export interface ExpectedErrors {
  /** The request without its model (case `missingModel`). */
  missingModel: ExpectedError;
  /** The output-limit parameter as the string "16". */
  wrongType(param: string): ExpectedError;
  /** The output-limit parameter one below its minimum. */
  belowMin(param: string, min: number): ExpectedError;
  /** `temperature` one above its maximum, `max`. */
  aboveMax: { max: number; error: ExpectedError };
  /** No fixture matches: every field but the message, which must hold the nearest misses (see NO_MATCH_DETAIL). */
  noMatch: Omit<ExpectedError, "message"> & { message?: RegExp };
  /** The fixture error `{status: 503, type: "server_error", code: "engine_overloaded"}`, as the surface words it. */
  fixtureError: ExpectedError;
  /** The same error inside a begun stream (on surfaces with inBandErrors); unset, `fixtureError` with status 200. */
  fixtureErrorInBand?: ExpectedError;
  /** The fixture error `{status: 429, type: "requests", code: "rate_limit_exceeded", retryAfter: 7}`. */
  fixtureRateLimit: ExpectedError;
  /** A model the server does not serve; `mode` for a surface that names the method refused (Gemini). */
  modelNotFound(model: string, mode: Mode): ExpectedError;
}

/** The models a contract server serves: the cases' model, a second one of another encoding, and one not served. */
export interface ContractModels {
  main: string;
  /** A second served model, counted with another encoding where the surface has one; null for none. */
  second: string | null;
  unknown: string;
}

/** What every HTTP answer of the surface carries besides its body. */
export interface AnswerHeaders {
  /** The request-id header (OpenAI `x-request-id`, Anthropic `request-id`) and the form of its value; null where none is sent (Google). */
  requestId: { header: string; pattern: RegExp } | null;
  /** Headers whose values differ from one answer to the next by design (a processing time), left out of transcripts. */
  perRequest?: readonly string[];
}

export type CaseName =
  | "parse"
  | "missingModel"
  | "belowMin"
  | "aboveMax"
  | "stop"
  | "maxTokens"
  | "n"
  | "tokenFlags"
  | "usage"
  | "noMatch"
  | "fixtureError"
  | "modelNotFound";

export interface ContractSpec {
  /** The suite's title, e.g. `chat.completions over HTTP`. */
  name: string;
  /** Where requests go; `pathFor` instead for a surface whose path depends on the request. */
  path: string;
  /** The path (and query) of a request: Gemini's names the model and the method, Azure's the deployment. */
  pathFor?(input: RequestInput): string;
  /** Headers every request sends (Anthropic's `anthropic-version`). */
  requestHeaders?: Record<string, string>;
  transport: Transport;
  /** What answers carry in their HTTP headers; false where they have none (a WebSocket frame). */
  headers: false | AnswerHeaders;
  /** JSON answers, streams, or both. */
  modes: readonly Mode[];
  /** Defaults to OpenAI's gpt-4o-mini, gpt-4 and gpt-unknown. */
  models?: ContractModels;
  /** The tokenizer the surface counts a model's tokens with; defaults to OpenAI's mapping (see encodings.ts). */
  encoding?(model: string): Encoding;
  /** The surface the server routes the path to, for the cases that need no socket. */
  surface(state: PipelineState): Surface;
  request(input: RequestInput): Record<string, unknown>;
  /**
   * The body with a sampling parameter (the output limit, temperature) set to `value`, where the surface
   * keeps it (Gemini: in `generationConfig`); unset, at the body's top level.
   */
  setParam?(body: Record<string, unknown>, param: string, value: unknown): Record<string, unknown>;
  /** The choices in index order; checks the answer's framing as it goes. */
  choices(answer: Answer): ReadChoice[];
  usage(answer: Answer): ReadUsage;
  /** The error an answer carries; checks it has exactly the surface's error shape. */
  error(answer: Answer): ReadError;
  errors: ExpectedErrors;
  /**
   * The output-limit parameter, the least value it accepts, and a value of the wrong type for it (unset,
   * the string "16"; proto3's JSON reads a numeric string as an integer, so Gemini's is another string).
   */
  maxTokens: { param: string; min: number; wrongType?: unknown };
  /**
   * How the surface reports a reply that ended by itself, one cut at the output limit, and one cut at a
   * stop sequence (`stopSequence`; unset, the same as `stop`, as OpenAI reports it).
   */
  finish: { stop: string; length: string; stopSequence?: string };
  /** Whether a fixture's error on a stream goes out inside the stream rather than as an HTTP status. */
  inBandErrors: boolean;
  /** The prompt tokens of a request for `text`, computed independently of the server. */
  promptTokens(model: string, text: string): number;
  /**
   * Whether a stream event carries a newly generated token (a text, reasoning or argument delta). `data`
   * is the event's parsed JSON; for a raw (non-SSE) stream, its element of the JSON array, or null
   * for a piece that holds none (the closing bracket).
   */
  carriesToken(data: any): boolean;
  /** Answer text with what differs between two answers by design (ids without a known prefix) made equal. */
  normalise?(text: string): string;
  /**
   * When a 429 says to retry, in seconds; unset, its `retry-after` header (Google says it in the body's
   * RetryInfo instead). Read only where answers carry headers.
   */
  retryAfter?(answer: Answer): number | undefined;
  /** Cases this surface does not run, each with the reason. */
  skip?: Partial<Record<CaseName, string>>;
}
