// An exchange on a WebSocket: one request frame answered through the same steps as an HTTP request
// (start, run, learn, admit, record), its deliver writing frames, paced as a stream over HTTP would be.
import type { WebSocket } from "ws";
import type { ApiError } from "../core/errors.js";
import { isInStreamError, type Outcome } from "../pipeline.js";
import type { DirectAnswer, FrameRequest, FrameSession } from "../protocols/frame-protocol.js";
import type { RenderedStream, Surface } from "../protocols/types.js";
import { Exchange } from "./exchange.js";
import { frameSink } from "./frame-sink.js";
import { admit, fail, internalErrorOf, learn, record, run, start, type ReplyOutcome } from "./lifecycle.js";
import type { ServerState } from "./state.js";
import { sendStream, type StreamObserver, type StreamPacing } from "./stream-sender.js";
import { isTokenEvent } from "./writer.js";

/** One WebSocket connection as its exchanges see it. */
export interface FrameConnection {
  readonly ws: WebSocket;
  readonly session: FrameSession;
  readonly server: ServerState;
  /** The upgrade's URL, which the connection's exchanges are journalled under. */
  readonly path: string;
  /** The API its exchanges are journalled and counted under. */
  readonly api: string;
  /** The API key the upgrade authenticated with, which rate limits are kept per ("" without one). */
  readonly client: string;
  /** The connection's one set of close callbacks (see frameSink). */
  readonly closeWatchers: Set<() => void>;
}

export class FrameExchange extends Exchange {
  declare readonly connection: FrameConnection;
  declare readonly request: FrameRequest;

  // Declared, then assigned: see Exchange.
  constructor(connection: FrameConnection, request: FrameRequest, requestId: string, arrival: number) {
    const { server, api, path } = connection;
    super(server, "websocket", api, true, requestId, "WS", path, arrival, server.clock.now());
    this.connection = connection;
    this.request = request;
    this.api = api;
    this.provider = connection.session.surface.provider;
    // Every answer on a WebSocket is a stream of frames, an error frame included.
    this.stream = true;
    this.status = 200;
    this.body = request.body;
  }

  get gone(): boolean {
    const { ws } = this.connection;
    return ws.readyState !== ws.OPEN;
  }

  refuse(error: ApiError): void {
    this.status = error.status;
    this.error = error.message;
    if (this.gone) this.interrupted = true;
    else this.connection.ws.send(this.connection.session.errorFrame(error, this.request));
  }

  refuseWithInternalError(message: string): void {
    this.refuse(internalErrorOf(this.connection.session.surface, message));
  }
}

const NO_TOKENS = (): boolean => false;

/** Sends frames, paced when `pacing` says so; resolves once they are sent or the connection closed. */
function sendFrames(
  exchange: FrameExchange,
  frames: readonly string[],
  isToken: (i: number) => boolean,
  pacing: StreamPacing | null,
  observer?: StreamObserver,
): Promise<void> {
  if (exchange.gone) {
    exchange.interrupted = true;
    return Promise.resolve();
  }
  const { ws, closeWatchers } = exchange.connection;
  const sink = frameSink(ws, frames, closeWatchers);
  return sendStream({ count: frames.length, isToken, sink, pacing, observer, arrival: exchange.arrival }).then(
    ({ interrupted }) => {
      exchange.interrupted = interrupted;
    },
  );
}

/** What a reply's deliver needs: the rendered stream and its frames, rendered before any slot is waited for. */
interface FrameReply {
  outcome: ReplyOutcome;
  stream: RenderedStream;
  frames: string[];
}

/** The deliver step of a reply: its frames paced by its timing, counted in metrics, then the surface's after-delivery step. */
function deliverReply(exchange: FrameExchange, surface: Surface, reply: FrameReply): Promise<void> | void {
  const { server } = exchange.connection;
  const { plan, conversation, sequences } = reply.outcome;
  if (exchange.gone) {
    // The connection closed before the reply could start: its sequence numbers go back.
    server.fixtures.release(sequences);
    exchange.interrupted = true;
    return;
  }
  const pacing = server.pacer.stream(plan.timing, plan.usage.promptTokens, exchange.start);
  const sent = sendFrames(exchange, reply.frames, isTokenEvent(reply.stream.events), pacing, server.metrics);
  return sent.then(() => surface.delivered?.(conversation, reply.stream.delivery, false));
}

/** The outcome's frames: an error frame, a failed stream, or the reply (after its slot under maxConcurrency). */
function deliverOutcome(exchange: FrameExchange, outcome: Outcome): Promise<void> | void {
  learn(exchange, outcome);
  const { session } = exchange.connection;
  const { surface } = session;
  const { context } = exchange.server;
  if (outcome.kind === "reply") {
    const stream = surface.renderStream(outcome.plan, outcome.conversation, context);
    const reply: FrameReply = { outcome, stream, frames: session.frames(stream, exchange.request) };
    return admit(exchange, surface, reply, outcome.sequences, deliverReply);
  }
  const { conversation, error } = outcome;
  // A fixture's error on a stream goes out as the stream's own failure events.
  if (conversation && isInStreamError(outcome) && surface.renderStreamError) {
    exchange.status = 200;
    const stream = surface.renderStreamError(error, conversation, context);
    const sent = sendFrames(exchange, session.frames(stream, exchange.request), NO_TOKENS, null);
    return sent.then(() => surface.delivered?.(conversation, stream.delivery, true));
  }
  exchange.refuse(error);
  if (conversation) surface.delivered?.(conversation, undefined, true);
}

/** A request its protocol answers itself (a warm-up): no fixture, no pacing, no slot. */
function deliverDirectly(exchange: FrameExchange, answer: DirectAnswer): Promise<void> | void {
  if ("error" in answer) return exchange.refuse(answer.error);
  const { session } = exchange.connection;
  exchange.fixture = answer.label;
  const sent = sendFrames(exchange, session.frames(answer.stream, exchange.request), NO_TOKENS, null);
  return sent.then(() => session.surface.delivered?.(answer.conversation, answer.stream.delivery, false));
}

/** The run and deliver steps of one request frame. */
function respond(exchange: FrameExchange): Promise<void> | void {
  const { session, client } = exchange.connection;
  const { request } = exchange;
  const direct = session.answerDirectly(request, exchange.server.context);
  if (direct !== undefined) return deliverDirectly(exchange, direct);
  const outcome = run(exchange, session.surface, request.body, request.bytes, client);
  if (!(outcome instanceof Promise)) return deliverOutcome(exchange, outcome);
  // A large request planned in slices: null when the connection closed meanwhile.
  return outcome.then((ready) =>
    ready === null ? void (exchange.interrupted = true) : deliverOutcome(exchange, ready),
  );
}

/**
 * Answers one request frame and records it. Never rejects: a bug in a stage costs this response (an
 * error frame with status 500, as HTTP answers 500), never the connection or the process.
 */
export async function answerFrame(connection: FrameConnection, request: FrameRequest): Promise<void> {
  const { server } = connection;
  const { requestIds } = connection.session.surface;
  const exchange = new FrameExchange(
    connection,
    request,
    server.ids.next(requestIds.prefix, requestIds.length, requestIds.alphabet),
    performance.now(),
  );
  try {
    start(exchange);
    await respond(exchange);
    record(exchange);
  } catch (failure) {
    fail(exchange, failure);
  }
}
