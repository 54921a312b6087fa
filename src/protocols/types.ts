// The contract every API surface implements: parse a wire body into the canonical conversation,
// and render a plan as that surface's JSON body or ordered stream events. No sockets, no fixtures.
import type { Conversation } from "../core/conversation.js";
import type { Clock, IdSource } from "../core/ids.js";
import type { Plan } from "../core/plan.js";

/** An HTTP error answer in the surface's error shape. */
export interface ApiError {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

/** One streamed event: an SSE `event:` name when the surface uses them, and its data line. */
export interface StreamEvent {
  event?: string;
  data: string;
}

export interface RenderContext {
  ids: IdSource;
  clock: Clock;
}

export interface Surface {
  /** The API name used in logs and the journal, e.g. `chat.completions`. */
  readonly api: string;
  parse(body: unknown): Conversation | ApiError;
  /** The JSON text of the non-streaming answer. */
  renderBody(plan: Plan, conversation: Conversation, context: RenderContext): string;
  renderStream(plan: Plan, conversation: Conversation, context: RenderContext): StreamEvent[];
  /**
   * For surfaces that report a fixture's error inside the stream (the Responses API), the events
   * to send instead of an HTTP error status. Surfaces without it answer with the status.
   */
  renderStreamError?(error: ApiError, conversation: Conversation, context: RenderContext): StreamEvent[];
}

/** A JSON answer from a non-generation endpoint. */
export interface ResourceAnswer {
  status: number;
  body: unknown;
}

/** A non-generation endpoint, e.g. `GET /responses/{id}`; the path is matched without `/v1`. */
export interface ResourceRoute {
  method: string;
  pattern: RegExp;
  handle(params: string[], query: URLSearchParams): ResourceAnswer;
}

export function isApiError(value: Conversation | ApiError): value is ApiError {
  return "status" in value;
}
