// The deliver step over HTTP: an outcome's error (as a status, or inside a stream), or its reply after the
// policies before delivery: the JSON body (after the time its stream would have taken, when the timing
// asks for one), or the stream, in one write when unpaced, token by token through the pacer; then the
// surface's after-delivery step.
import { generationSteps } from "../core/plan.js";
import { NO_DELAY } from "../core/timing.js";
import { isInStreamError, type Outcome } from "../pipeline.js";
import type { RenderedText, Surface } from "../protocols/types.js";
import { stampProcessingTime } from "./exchange.js";
import type { HttpExchange } from "./http-exchange.js";
import { admit, learn, type ReplyOutcome } from "./lifecycle.js";
import { writeJsonText, writeSse, writeSseText } from "./writer.js";

/** Unpaced streams up to this many chunks go out as one text in one write; longer ones respect backpressure. */
const ONE_WRITE_CHUNKS = 256;

/** Resolves (when it returns a promise) once the answer is complete or the client has gone. */
export function deliverOutcome(exchange: HttpExchange, surface: Surface, outcome: Outcome): Promise<void> | void {
  learn(exchange, outcome);
  if (outcome.kind === "reply") {
    Object.assign(exchange.headers, outcome.headers);
    return admit(exchange, surface, outcome, outcome.sequences, deliverReply);
  }
  const { conversation, error } = outcome;
  // A fixture's error on a stream that reports errors in-band goes out as events, status 200.
  if (conversation && isInStreamError(outcome) && surface.renderStreamError) {
    exchange.status = 200;
    const stream = surface.renderStreamError(error, conversation, exchange.server.context);
    const sent = writeSse(exchange.res, stream, exchange.headers, { pacing: null, arrival: performance.now() });
    return sent.then(() => surface.delivered?.(conversation, stream.delivery, true));
  }
  exchange.refuse(error);
  if (conversation) surface.delivered?.(conversation, undefined, true);
}

/** The reply, in its slot when the policies before delivery gave it one. */
function deliverReply(exchange: HttpExchange, surface: Surface, outcome: ReplyOutcome): Promise<void> | void {
  const { plan, conversation } = outcome;
  const { server, res, headers, arrival } = exchange;
  const { context, pacer, metrics } = server;
  if (exchange.queuedMs !== undefined) headers["x-understudy-queue-ms"] = Math.round(exchange.queuedMs);
  if (conversation.stream) {
    stampProcessingTime(headers, arrival, surface.processingTimeHeader);
    const pacing = pacer.stream(plan.timing, plan.usage.promptTokens, exchange.start);
    if (pacing === null && surface.renderStreamText) {
      const steps = generationSteps(plan);
      if (steps * plan.choices.length <= ONE_WRITE_CHUNKS) {
        const text = surface.renderStreamText(plan, conversation, context);
        exchange.answer = text.text;
        writeSseText(res, text, headers, { pacing, observer: metrics, arrival, hasTokens: steps > 0 });
        return surface.delivered?.(conversation, text.delivery, false);
      }
    }
    const stream = surface.renderStream(plan, conversation, context);
    return writeSse(res, stream, headers, { pacing, observer: metrics, arrival }).then(({ interrupted }) => {
      exchange.interrupted = interrupted;
      surface.delivered?.(conversation, stream.delivery, false);
    });
  }
  const body = surface.renderBody(plan, conversation, context);
  const wait =
    plan.timing === NO_DELAY ? 0 : pacer.duration(plan.timing, generationSteps(plan), plan.usage.promptTokens);
  if (wait <= 0) {
    sendJson(exchange, body, surface.processingTimeHeader);
    return surface.delivered?.(conversation, body.delivery, false);
  }
  return new Promise((resolve) => {
    const gone = (): void => {
      pacer.scheduler.cancel(task);
      exchange.interrupted = true;
      resolve();
    };
    const task = pacer.scheduler.schedule(exchange.start + wait, () => {
      res.off("close", gone);
      sendJson(exchange, body, surface.processingTimeHeader);
      surface.delivered?.(conversation, body.delivery, false);
      resolve();
    });
    res.once("close", gone);
  });
}

function sendJson(exchange: HttpExchange, body: RenderedText, processingTimeHeader: string | undefined): void {
  stampProcessingTime(exchange.headers, exchange.arrival, processingTimeHeader);
  exchange.answer = body.text;
  writeJsonText(exchange.res, 200, body, exchange.headers);
}
