// The contract every API surface implements: parse a wire body into the canonical conversation, render
// a plan as that surface's JSON body or ordered stream events, and the wire details the transport asks
// of it (credentials, answer headers, stream negotiation, how errors look). No sockets, no fixtures.
import type { IncomingMessage } from "node:http";
import type { Conversation } from "../core/conversation.js";
import type { ApiError, ServerError } from "../core/errors.js";
import type { Clock, IdSource } from "../core/ids.js";
import type { IdFormat, Plan, PlanWire } from "../core/plan.js";
import type { RateLimitState } from "../core/rate-limit-state.js";
import type { Reply } from "../core/reply.js";
import type { TokenCache } from "../core/token-cache.js";
import type { SizedText } from "./sized-text.js";

export type { ApiError } from "../core/errors.js";

/** What a surface may read of a request: its head, never its socket or body. */
export type RequestHead = Pick<IncomingMessage, "method" | "url" | "headers" | "headersDistinct">;

/** An answer's headers, completed by the transport as the answer is written. */
export type AnswerHeaders = Record<string, string | number>;

/** Whether a request that presents several keys is let in, else the first key it presents (for the 401's message). */
export type KeyAdmission = { ok: true } | { ok: false; presented: string | undefined };

/** How a surface's requests carry their API key (OpenAI: `Authorization: Bearer`). */
export interface Credentials {
  /**
   * The key the request presents, or undefined without one. Read for every request that is
   * authenticated or rate limited, so it tests the form nearly every client sends first.
   */
  key(req: RequestHead): string | undefined;
  /**
   * For a request whose `key` was refused: whether any key it presents (a client may send its
   * credential more than once) is one `accepts` lets in; that key is then the one `key` reads from
   * then on, so rate limits count the request against it. Otherwise, the first key presented (for the
   * 401's message), or undefined when none was.
   */
  admit(req: RequestHead, accepts: (key: string) => boolean): KeyAdmission;
}

/** The providers whose APIs Understudy speaks: the journal records it, metrics are labelled by it. */
export type Provider = "openai" | "anthropic" | "gemini" | "azure";

/** Whether a request is one a provider's client sent (its headers: Anthropic's `anthropic-version`, say). */
export type RequestClaim = (req: RequestHead) => boolean;

/**
 * What the transport asks of a surface about its wire instead of knowing its provider. Routes with no
 * surface of their own (/health, unknown URLs, the 401 before a route is known) use the server's default.
 */
export interface SurfaceWire {
  readonly provider: Provider;
  readonly credentials: Credentials;
  /** The id each request is given, which its answer's headers carry (OpenAI: `req_` and 32 hex digits). */
  readonly requestIds: IdFormat;
  /**
   * The headers every answer starts with, as a fresh object the exchange completes: a literal per
   * surface (one allocation, as a plain object literal would be), not a copy of a shared object.
   */
  answerHeaders(requestId: string): AnswerHeaders;
  /** The header that carries the time from arrival to the answer's headers, in ms; undefined for none. */
  readonly processingTimeHeader: string | undefined;
  /** A catalogue error (one the server raises itself) worded as this surface's provider words it. */
  describeError(error: ServerError): ApiError;
  /** The HTTP body of an error, in this surface's shape; `requestId`: the answer's (Anthropic's bodies carry it). */
  renderError(error: ApiError, requestId?: string): unknown;
  /** Where the rate limits stand, as the headers this provider sends with every answer while limits are set. */
  rateLimitHeaders(limits: RateLimitState): Record<string, string>;
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
export interface RenderedStream<D = unknown> {
  readonly events: readonly StreamEvent[];
  /** Empty for surfaces whose events are whole (the Responses API). */
  readonly envelope: string;
  /**
   * How events are written: as SSE (`event:` and `data:` lines; the default), or `raw`, each event's data
   * as it is, for streams that are not SSE (Gemini's JSON array, written element by element).
   */
  readonly framing?: "raw";
  /** The stream's Content-Type when it is not SSE's. */
  readonly contentType?: string;
  /** What the surface's after-delivery step is handed once the stream was sent (see Surface.delivered). */
  readonly delivery?: D;
}

/** A rendered body or one-write stream, and what the surface's after-delivery step is handed with it. */
export interface RenderedText<D = unknown> extends SizedText {
  readonly delivery?: D;
  /** For a stream's text that is not SSE (see RenderedStream.framing): its Content-Type. */
  readonly contentType?: string;
}

export interface RenderContext {
  ids: IdSource;
  clock: Clock;
}

/**
 * A function of a surface's own conversations, typed as a method is: so a Surface<C> is a Surface, as its
 * methods make it. The pipeline and transport hand a surface only conversations its own parse made.
 */
type OwnConversationTest<C> = { test(conversation: C): boolean }["test"];

/**
 * An API surface, typed on the conversation its parse makes (`C`, e.g. ResponsesConversation) and on
 * what its render hands its after-delivery step (`D`): its other methods take them back as they are, so
 * no surface downcasts its own values. The pipeline and transport hold any surface as a `Surface`.
 */
export interface Surface<C extends Conversation = Conversation, D = unknown> extends SurfaceWire, PlanWire<C> {
  /** The API name used in logs and the journal, e.g. `chat.completions`. */
  readonly api: string;
  /** Whether the request's headers ask for a stream (OpenAI: `Accept: text/event-stream`): the memo keeps such requests apart. */
  asksForStream(req: RequestHead): boolean;
  /**
   * Stream negotiation: the body as this surface reads it given the request's head and its route's path
   * parameters (OpenAI: `stream: true` when unset and asked for; Gemini: the model and the method from the path).
   */
  negotiateStream(req: RequestHead, body: unknown, params: readonly string[]): unknown;
  /**
   * A refusal by the request's head alone, before its body is read (Azure's 400 for a missing
   * `api-version`); null, or no such check, to go on.
   */
  checkHead?(req: RequestHead): ApiError | null;
  /**
   * Its parse reads the body and nothing else, so an identical request parses (and, with stateless
   * fixtures, matches and plans) the same way again and its outcome may be remembered (see PipelineMemo).
   * A function when that holds for some conversations only (a Responses request that continues a stored
   * response reads the store).
   */
  readonly memoizable?: boolean | OwnConversationTest<C>;
  /**
   * A remembered conversation made ready to answer a repeat of its request: whatever its parse generated
   * for one request alone (the ids of Responses input items) is drawn afresh. Without it, it is reused as is.
   */
  replay?(conversation: C, ids: IdSource): C;
  parse(body: unknown): C | ApiError;
  /**
   * For requests that hold several independent generations (legacy Completions' list of prompts):
   * one conversation per generation, each matched and planned on its own and joined into one plan
   * (see joinPlans). Called after the model is resolved. Without it a request is one conversation.
   */
  split?(conversation: C): C[];
  /**
   * The surface's refusal of a request once its model is resolved (not in parse: an alias is held to
   * the limits of the model it serves), e.g. OpenAI's 400 for max_tokens past a model's output limit;
   * null, or no such check, to go on.
   */
  checkModel?(conversation: C, tokens: TokenCache): ApiError | null;
  /**
   * Its refusal of a request whose matched replies would make an answer too large to build: `parts` as
   * split, each with the reply it matched (`matched[i]` answers `parts[i]`); null to go on.
   */
  checkAnswer?(parts: readonly C[], matched: readonly { reply: Reply }[], tokens: TokenCache): ApiError | null;
  /** The JSON text of the non-streaming answer, with its size. Pure: what it stores, it hands to `delivered`. */
  renderBody(plan: Plan, conversation: C, context: RenderContext): RenderedText<D>;
  renderStream(plan: Plan, conversation: C, context: RenderContext): RenderedStream<D>;
  /**
   * The same stream as one text with its size (SSE, or the raw stream's data), for answers sent in one write (no pacing). Optional:
   * a surface provides it where it builds the text faster than renderStream's events.
   */
  renderStreamText?(plan: Plan, conversation: C, context: RenderContext): RenderedText<D>;
  /**
   * For surfaces that report a fixture's error inside the stream (the Responses API), the events
   * to send instead of an HTTP error status. Surfaces without it answer with the status.
   */
  renderStreamError?(error: ApiError, conversation: C, context: RenderContext): RenderedStream<D>;
  /**
   * The step after delivery (the Responses API stores its answer there): called once an answer to one of
   * this surface's conversations was sent, or its client left during it, over HTTP and WebSocket alike.
   * `delivery` is what the render handed over with the answer; undefined for an error the transport
   * sent without rendering it here (an HTTP error status, a WebSocket error frame). `failed`: the answer
   * was an error, in the stream or not. Surfaces without it keep nothing after an answer.
   */
  delivered?(conversation: C, delivery: D | undefined, failed: boolean): void;
}

/** What a resource answer tells the journal besides its status. */
interface ResourceNotes {
  /** For the journal: the model the request named. */
  model?: string;
  /** For the journal: the label of the fixture(s) that answered, or null when none did. */
  fixture?: string | null;
}

/** A JSON answer from a non-generation endpoint. */
export interface ResourceBody extends ResourceNotes {
  status: number;
  /** The JSON value, or a JsonInParts (json-parts.ts) for a body too large to build at once: it is written part by part. */
  body: unknown;
  headers?: Record<string, string>;
  error?: undefined;
}

/** A non-generation endpoint's error, rendered by its surface. */
export interface ResourceRefusal extends ResourceNotes {
  error: ApiError;
}

export type ResourceAnswer = ResourceBody | ResourceRefusal;

/**
 * A non-generation endpoint, e.g. `GET /responses/{id}` or `POST /embeddings`; the path is matched
 * without `/v1`. A POST route's JSON body is read (with the limits and errors of the generation
 * surfaces) and handed to `handle`; other methods get no body.
 */
export interface ResourceRoute {
  method: string;
  pattern: RegExp;
  /** Only requests this claims take the route (a path several providers serve: `GET /v1/models`). */
  claims?: RequestClaim;
  /** A refusal by the request's head alone, before the body is read (see Surface.checkHead). */
  checkHead?(req: RequestHead): ApiError | null;
  /** The API name for the journal and request log (e.g. `embeddings`); unset for plain resource endpoints. */
  api?: string;
  /** The wire its answers speak (credentials, headers, errors); unset, the server's default surface's. */
  surface?: SurfaceWire;
  /** The answer, or a promise of it from a route that does a large request's work in slices. */
  handle(params: string[], query: URLSearchParams, body?: unknown): ResourceAnswer | Promise<ResourceAnswer>;
}

/** A generation surface at a path (without `/v1`, or a pattern whose groups are its parameters). */
export interface SurfaceEndpoint {
  path: string | RegExp;
  surface: Surface;
  /** Only requests this claims take the route (see ResourceRoute.claims). */
  claims?: RequestClaim;
}

/** What a provider's folder adds to the server's route table (src/routes.ts). */
export interface ProviderRoutes {
  surfaces: SurfaceEndpoint[];
  resources: ResourceRoute[];
  /** The wire that answers requests this provider's clients send to URLs no route serves (404, 401). */
  unknown?: { wire: SurfaceWire; claims: RequestClaim };
}

export function isApiError(value: Conversation | ApiError): value is ApiError {
  return "status" in value;
}
