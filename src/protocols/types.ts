// The contract every API surface implements: parse a wire body into the canonical conversation,
// and render a plan as that surface's JSON body or ordered stream events. No sockets, no fixtures.
import type { Conversation } from "../core/conversation.js";
import type { Clock, IdSource } from "../core/ids.js";
import type { Plan } from "../core/plan.js";
import type { JsonText } from "./json-text.js";

/** An HTTP error answer in the surface's error shape. */
export interface ApiError {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** One streamed event: an SSE `event:` name when the surface uses them, and its data line. */
export interface StreamEvent {
  event?: string;
  /**
   * Text the data line starts with, before `data`: an envelope that all of a stream's events share is
   * named once this way, not joined to each. A paced stream would otherwise hold a joined copy of it per
   * event, made when the event is written, which at thousands of streams is most of the garbage.
   */
  head?: string;
  data: string;
  /** The event carries a newly generated token (a text, reasoning or argument delta): the timing model paces these. */
  token?: boolean;
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
  renderBody(plan: Plan, conversation: Conversation, context: RenderContext): JsonText;
  renderStream(plan: Plan, conversation: Conversation, context: RenderContext): StreamEvent[];
  /**
   * The same stream as one SSE text, for answers sent in one write (no pacing). Optional: a surface
   * provides it where it builds the text faster than renderStream's events.
   */
  renderStreamText?(plan: Plan, conversation: Conversation, context: RenderContext): string;
  /**
   * For surfaces that report a fixture's error inside the stream (the Responses API), the events
   * to send instead of an HTTP error status. Surfaces without it answer with the status.
   */
  renderStreamError?(error: ApiError, conversation: Conversation, context: RenderContext): StreamEvent[];
}

/** A JSON answer from a non-generation endpoint (an ApiError is one). */
export interface ResourceAnswer {
  status: number;
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
  handle(params: string[], query: URLSearchParams, body?: unknown): ResourceAnswer;
}

export function isApiError(value: Conversation | ApiError): value is ApiError {
  return "status" in value;
}
