// One exchange (a request and its answer) on either transport: what it is, what it learns as it is
// answered (status, fixture, model, error...), and the journal entry built from that once, at the end.
import type { IncomingHttpHeaders } from "node:http";
import type { ApiError, NearMissFacts } from "../core/errors.js";
import type { JournalEntry } from "../journal/journal.js";
import type { AnswerHeaders, Provider } from "../protocols/types.js";
import type { ServerState } from "./state.js";

export type Headers = AnswerHeaders;

/** How a request arrived: an HTTP request, or a request frame on a WebSocket. */
export type Transport = "http" | "websocket";

/**
 * What event listeners see of an exchange: a live, read-only view whose fields fill in as the exchange
 * is answered (copy what you keep; the journal entry is the record of the finished exchange).
 */
export interface ExchangeInfo {
  /** The request id its answer carries, in its wire's header (and the journal entry's `requestId`). */
  readonly requestId: string;
  readonly transport: Transport;
  /** The HTTP method; `WS` for a WebSocket request frame. */
  readonly method: string;
  /** The URL as the client sent it (the upgrade's, for a WebSocket frame). */
  readonly path: string;
  /**
   * The route's bounded label, as metrics count it: the API (`chat.completions`, `responses`...),
   * `health`, a resource's first segment (`models`), or `other` for URLs no route serves.
   */
  readonly route: string;
  /** Milliseconds since the epoch when the request arrived (the server's clock). */
  readonly time: number;
  /** The API surface, once the request is let in; undefined for non-API routes. */
  readonly api: string | undefined;
  /** The provider whose API it speaks (`openai`, `anthropic`, `gemini`, `azure`); undefined for non-API routes. */
  readonly provider: Provider | undefined;
  /** The model, once the request is parsed. */
  readonly model: string | undefined;
  /** The label of the fixture that answers, once matched; null while none does. */
  readonly fixture: string | null;
}

/** One decimal place of a millisecond: what the journal keeps. */
export const tenths = (ms: number): number => Math.round(ms * 10) / 10;

/**
 * An exchange while it is answered. Each transport's subclass knows how to write an error and whether
 * its client has gone; the lifecycle steps (lifecycle.ts) work on this base alone.
 *
 * Fields are declared and then assigned in the constructor, not initialised as class fields: those are
 * defined one by one on every new object (and again by a subclass), which costs a request about as much
 * as building the object itself.
 */
export abstract class Exchange implements ExchangeInfo {
  declare readonly server: ServerState;
  declare readonly transport: Transport;
  declare readonly route: string;
  /** Whether it is journalled, counted and announced to listeners (every route but /metrics). */
  declare readonly recorded: boolean;
  declare readonly requestId: string;
  declare readonly method: string;
  declare readonly path: string;
  /** performance.now() when the request arrived. */
  declare readonly arrival: number;
  declare readonly time: number;
  declare api: string | undefined;
  declare provider: Provider | undefined;
  declare model: string | undefined;
  declare stream: boolean;
  declare status: number;
  declare fixture: string | null;
  /** The error message sent, for 4xx and 5xx answers (and an error inside a stream). */
  declare error: string | undefined;
  declare warnings: string[] | undefined;
  declare interrupted: boolean;
  declare queuedMs: number | undefined;
  /** The parsed request body; undefined until one is read. */
  declare body: unknown;
  /** For a request no fixture matched: the closest fixtures (the journal's `nearest`). */
  declare nearest: readonly NearMissFacts[] | undefined;
  /**
   * The answer's body as it was sent in one piece (a JSON text, an unpaced stream's text, an error's
   * value), kept by reference for the control API's journal; undefined for a stream sent token by token.
   */
  declare answer: unknown;
  /**
   * When generation started, which token times count from: the arrival, so reading and planning the
   * request are part of its ttft as on a real server, or the moment a queued request got its slot.
   */
  declare start: number;
  /** Set by `record`: an exchange is recorded once, whatever path its answer took. */
  declare ended: boolean;

  constructor(
    server: ServerState,
    transport: Transport,
    route: string,
    recorded: boolean,
    requestId: string,
    method: string,
    path: string,
    arrival: number,
    time: number,
  ) {
    this.server = server;
    this.transport = transport;
    this.route = route;
    this.recorded = recorded;
    this.requestId = requestId;
    this.method = method;
    this.path = path;
    this.arrival = arrival;
    this.time = time;
    this.api = undefined;
    this.provider = undefined;
    this.model = undefined;
    this.stream = false;
    this.status = 0;
    this.fixture = null;
    this.error = undefined;
    this.warnings = undefined;
    this.interrupted = false;
    this.queuedMs = undefined;
    this.body = undefined;
    this.nearest = undefined;
    this.answer = undefined;
    this.start = arrival;
    this.ended = false;
  }

  /** The client went away: nothing more can be sent. */
  abstract get gone(): boolean;

  /** Answers with an error in the wire's shape (status and message noted for the journal). */
  abstract refuse(error: ApiError): Promise<void> | void;

  /** Answers a bug's 500 if the answer can still carry one (`error` is the server's internal error, worded). */
  abstract refuseWithInternalError(message: string): void;

  /** The request's headers as they came (the journal keeps them, redacted when read); none for a WebSocket frame. */
  get requestHeaders(): IncomingHttpHeaders | undefined {
    return undefined;
  }

  /** Where it happened, for the stderr line of a bug or a listener that threw. */
  get where(): string {
    return `${this.method} ${this.path}`;
  }

  /** The journal entry of the finished exchange, built from what it learned. */
  entry(durationMs: number): JournalEntry {
    const entry: JournalEntry = {
      requestId: this.requestId,
      time: this.time,
      method: this.method,
      path: this.path,
      stream: this.stream,
      status: this.status,
      fixture: this.fixture,
      durationMs,
      interrupted: this.interrupted,
    };
    // Optional fields are absent rather than undefined, as users' deep equality checks expect.
    if (this.api !== undefined) entry.api = this.api;
    if (this.provider !== undefined) entry.provider = this.provider;
    if (this.body !== undefined) entry.body = this.body;
    if (this.model !== undefined) entry.model = this.model;
    if (this.queuedMs !== undefined) entry.queuedMs = this.queuedMs;
    if (this.warnings !== undefined) entry.warnings = this.warnings;
    if (this.error !== undefined) entry.error = this.error;
    return entry;
  }
}

/** The time from the request's arrival to the answer's headers, in the surface's header (see SurfaceWire). */
export function stampProcessingTime(headers: Headers, arrival: number, header: string | undefined): void {
  if (header !== undefined) headers[header] = Math.round(performance.now() - arrival);
}
