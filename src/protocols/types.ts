// The contract every API surface implements: parse a wire body into the canonical conversation,
// and render a plan as that surface's JSON body or ordered stream events. No sockets, no fixtures.
import type { Conversation } from "../core/conversation.js";
import type { Clock, IdSource } from "../core/ids.js";
import type { Plan } from "../core/plan.js";
import type { SizedText } from "./sized-text.js";

/** An HTTP error answer in the surface's error shape. */
export interface ApiError {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** One streamed event: an SSE `event:` name when the surface uses them, and its data line. */
export interface StreamEvent {
  readonly event?: string;
  /** The data line, after the stream's envelope when `enveloped`. */
  readonly data: string;
  /** The data line is the stream's envelope followed by `data` (see RenderedStream). */
  readonly enveloped?: boolean;
  /** The event carries a newly generated token (a text, reasoning or argument delta): the timing model paces these. */
  readonly token?: boolean;
}

/**
 * A stream as rendered for one answer: its events, and the envelope its enveloped events' data lines start
 * with. Chat and legacy Completions chunks share one envelope per answer (its id, created time and model),
 * so their events can be the cached template's, shared by every answer of that shape: a paced stream then
 * holds no event objects or joined strings of its own while it waits, which at thousands of streams was
 * most of the garbage the collector copied. Events are shared: never change one.
 */
export interface RenderedStream {
  readonly events: readonly StreamEvent[];
  /** Empty for surfaces whose events are whole (the Responses API). */
  readonly envelope: string;
}

export interface RenderContext {
  ids: IdSource;
  clock: Clock;
}

export interface Surface {
  /** The API name used in logs and the journal, e.g. `chat.completions`. */
  readonly api: string;
  /**
   * Its parse reads the body and nothing else, so an identical request parses (and, with stateless
   * fixtures, matches and plans) the same way again and its outcome may be remembered (see PipelineMemo).
   * A function when that holds for some conversations only (a Responses request that continues a stored
   * response reads the store).
   */
  readonly memoizable?: boolean | ((conversation: Conversation) => boolean);
  /**
   * A remembered conversation made ready to answer a repeat of its request: whatever its parse generated
   * for one request alone (the ids of Responses input items) is drawn afresh. Without it, it is reused as is.
   */
  replay?(conversation: Conversation, ids: IdSource): Conversation;
  parse(body: unknown): Conversation | ApiError;
  /**
   * For requests that hold several independent generations (legacy Completions' list of prompts):
   * one conversation per generation, each matched and planned on its own and joined into one plan
   * (see joinPlans). Called after the model is resolved. Without it a request is one conversation.
   */
  split?(conversation: Conversation): Conversation[];
  /** The JSON text of the non-streaming answer, with its size. */
  renderBody(plan: Plan, conversation: Conversation, context: RenderContext): SizedText;
  renderStream(plan: Plan, conversation: Conversation, context: RenderContext): RenderedStream;
  /**
   * The same stream as one SSE text with its size, for answers sent in one write (no pacing). Optional:
   * a surface provides it where it builds the text faster than renderStream's events.
   */
  renderStreamText?(plan: Plan, conversation: Conversation, context: RenderContext): SizedText;
  /**
   * For surfaces that report a fixture's error inside the stream (the Responses API), the events
   * to send instead of an HTTP error status. Surfaces without it answer with the status.
   */
  renderStreamError?(error: ApiError, conversation: Conversation, context: RenderContext): RenderedStream;
}

/** A JSON answer from a non-generation endpoint (an ApiError is one). */
export interface ResourceAnswer {
  status: number;
  /** The JSON value, or a JsonInParts (json-parts.ts) for a body too large to build at once: it is written part by part. */
  body: unknown;
  headers?: Record<string, string>;
  /** For the journal: the model the request named. */
  model?: string;
  /** For the journal: the label of the fixture(s) that answered, or null when none did. */
  fixture?: string | null;
}

/**
 * A non-generation endpoint, e.g. `GET /responses/{id}` or `POST /embeddings`; the path is matched
 * without `/v1`. A POST route's JSON body is read (with the limits and errors of the generation
 * surfaces) and handed to `handle`; other methods get no body.
 */
export interface ResourceRoute {
  method: string;
  pattern: RegExp;
  /** The API name for the journal and request log (e.g. `embeddings`); unset for plain resource endpoints. */
  api?: string;
  /** The answer, or a promise of it from a route that does a large request's work in slices. */
  handle(params: string[], query: URLSearchParams, body?: unknown): ResourceAnswer | Promise<ResourceAnswer>;
}

export function isApiError(value: Conversation | ApiError): value is ApiError {
  return "status" in value;
}
