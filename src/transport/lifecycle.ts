// The steps every exchange goes through, on HTTP and WebSocket alike, as module-level functions over one
// exchange value: run (the pipeline), learn (what the outcome says, announced as matched or unmatched),
// admit (the policies before delivery: a generation slot under maxConcurrency), and record (the journal entry, once, and "ended").
// Reading the request and writing the answer are each transport's (http-*.ts, frame-exchange.ts).
import { internalError as internalFault, type ApiError, type ServerError } from "../core/errors.js";
import type { TimingOptions } from "../core/timing.js";
import type { SequenceClaim } from "../fixtures/index.js";
import { runPipeline, type Outcome } from "../pipeline.js";
import { LARGE_BODY_BYTES, runSlicedPipeline } from "../pipeline-sliced.js";
import type { Surface, SurfaceWire } from "../protocols/types.js";
import { tenths, type Exchange } from "./exchange.js";
import { reportInternalError } from "./internal-error.js";

export type ReplyOutcome = Extract<Outcome, { kind: "reply" }>;

/** Announces the exchange to "started" listeners (journalled routes only). */
export function start(exchange: Exchange): void {
  if (exchange.recorded) exchange.server.events.started(exchange);
}

/**
 * Runs the pipeline on a parsed body: at once, or for a large body with its token counts prepared in
 * slices first, so other clients are served meanwhile (null then when the client left before the end).
 */
export function run(
  exchange: Exchange,
  surface: Surface,
  body: unknown,
  bytes: number,
  client: string,
  timing?: TimingOptions,
): Outcome | Promise<Outcome | null> {
  if (bytes > LARGE_BODY_BYTES)
    return runSlicedPipeline(exchange.server, surface, body, client, timing, () => exchange.gone);
  return runPipeline(exchange.server, surface, body, client, timing);
}

/** Notes what the outcome says of the exchange, and tells listeners whether a fixture answers it. */
export function learn(exchange: Exchange, outcome: Outcome): void {
  exchange.fixture = outcome.fixture;
  const { conversation } = outcome;
  if (conversation !== undefined) {
    exchange.model = conversation.model;
    exchange.stream = conversation.stream;
  }
  if (outcome.kind === "reply") {
    exchange.status = 200;
    if (outcome.warnings.length) exchange.warnings = outcome.warnings;
  } else {
    // The status the error is sent with; an error sent inside a stream goes out with 200 (see its transport).
    exchange.status = outcome.error.status;
    exchange.error = outcome.error.message;
    if (outcome.nearest !== undefined) exchange.nearest = outcome.nearest;
  }
  announce(exchange, outcome.kind === "error" ? outcome.error : undefined);
}

/** "matched" when a fixture answers, "unmatched" when an API request fails without one. */
export function announce(exchange: Exchange, error: ApiError | undefined): void {
  const { events } = exchange.server;
  if (exchange.fixture !== null) events.matched(exchange);
  else if (error !== undefined) events.unmatched(exchange, error);
}

/**
 * The policies before delivery (maxConcurrency's generation slots): a reply may wait for them, and holds
 * them until its answer is complete; a client that left meanwhile is not answered, and its reply's
 * sequence numbers go back.
 */
export function admit<X extends Exchange, A>(
  exchange: X,
  surface: Surface,
  answer: A,
  sequences: SequenceClaim,
  deliver: (exchange: X, surface: Surface, answer: A) => Promise<void> | void,
): Promise<void> | void {
  const admission = exchange.server.policies.beforeDelivery;
  if (admission === null) return deliver(exchange, surface, answer);
  const slot = admission.enter();
  const inSlot = (): Promise<void> | void => {
    if (slot !== null) exchange.start = performance.now();
    exchange.queuedMs = tenths(exchange.start - exchange.arrival);
    if (exchange.gone) {
      exchange.server.fixtures.release(sequences);
      exchange.interrupted = true;
      return;
    }
    return deliver(exchange, surface, answer);
  };
  return (slot ?? Promise.resolve()).then(inSlot).finally(() => admission.leave());
}

/** Records the exchange now, or once a pending answer (a stream, a paced or queued reply) is complete. */
export function settle(exchange: Exchange, pending: Promise<void> | void): void {
  if (pending)
    pending.then(
      () => record(exchange),
      (failure: unknown) => fail(exchange, failure),
    );
  else record(exchange);
}

/** Answers with one of the server's own errors, as the exchange's wire words it, and records the exchange. */
export function reject(exchange: Exchange, wire: SurfaceWire, error: ServerError): void {
  settle(exchange, exchange.refuse(wire.describeError(error)));
}

/**
 * A bug in a stage must not take the server down: it is reported once on stderr, the answer is a 500
 * if it can still be, and the exchange is recorded.
 */
export function fail(exchange: Exchange, failure: unknown): void {
  const message = reportInternalError(failure, exchange.where);
  if (exchange.ended) return;
  exchange.refuseWithInternalError(message);
  record(exchange);
}

/** The last step: the journal entry, built once from what the exchange learned, then "ended" (metrics, logs). */
export function record(exchange: Exchange): void {
  if (exchange.ended || !exchange.recorded) return;
  exchange.ended = true;
  const { journal, events } = exchange.server;
  const entry = exchange.entry(tenths(performance.now() - exchange.arrival));
  journal.add(entry, exchange);
  events.ended(entry, exchange);
}

/** The catalogue's internal error, as `wire` words it. */
export const internalErrorOf = (wire: SurfaceWire, message: string): ApiError =>
  wire.describeError(internalFault(message));
