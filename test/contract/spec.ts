// What a surface tells the contract suite about itself: where it is served, how a request is written
// in its wire format, how its answers are read back, and which cases do not apply to it (and why).
import type { PipelineState } from "../../src/pipeline.js";
import type { Surface } from "../../src/protocols/types.js";
import type { ErrorFields } from "../support/api-error.js";
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

/** One choice of an answer as the suite compares it: its text, finish, and streamed text deltas. */
export interface ReadChoice {
  text: string;
  /** The surface's own words: a finish_reason, or a Responses status. */
  finish: string;
  /** The text deltas in order, for a streamed answer; null for a JSON one. */
  deltas: string[] | null;
}

export interface ReadUsage {
  prompt: number;
  completion: number;
  total: number;
}

/** An error as the suite compares it; `inBand`: sent inside a stream that had begun (status 200). */
export interface ReadError extends ErrorFields {
  inBand: boolean;
}

export type CaseName =
  | "parse"
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
  path: string;
  transport: Transport;
  /** Whether answers carry HTTP headers (a WebSocket frame has none). */
  headers: boolean;
  /** JSON answers, streams, or both. */
  modes: readonly Mode[];
  /** The surface the server routes `path` to, for the cases that need no socket. */
  surface(state: PipelineState): Surface;
  request(input: RequestInput): Record<string, unknown>;
  /** The choices in index order; checks the answer's framing as it goes. */
  choices(answer: Answer): ReadChoice[];
  usage(answer: Answer): ReadUsage;
  /** The error an answer carries; checks it has exactly the surface's error shape. */
  error(answer: Answer): ReadError;
  /** The output-limit parameter and the least value it accepts. */
  maxTokens: { param: string; min: number };
  /** How the surface reports a reply that ended by itself, and one cut at the output limit. */
  finish: { stop: string; length: string };
  /** Whether a fixture's error on a stream goes out inside the stream rather than as an HTTP status. */
  inBandErrors: boolean;
  /** The prompt tokens of a request for `text`, computed independently with gpt-tokenizer. */
  promptTokens(model: string, text: string): number;
  /** Whether a stream event's data carries a newly generated token (a text, reasoning or argument delta). */
  carriesToken(data: any): boolean;
  /** Cases this surface does not run, each with the reason. */
  skip?: Partial<Record<CaseName, string>>;
}
