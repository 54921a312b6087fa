// Writes a planned reply over HTTP: the JSON body (after the time its stream would have taken, when
// the timing asks for one), or the stream: in one write when unpaced, token by token through the pacer;
// then the surface's after-delivery step.
import { generationSteps } from "../core/plan.js";
import { NO_DELAY } from "../core/timing.js";
import type { Outcome } from "../pipeline.js";
import type { SizedText } from "../protocols/sized-text.js";
import type { RenderContext, Surface } from "../protocols/types.js";
import { stampProcessingTime, type ReplyExchange } from "./exchange.js";
import type { Pacer } from "./pacer.js";
import type { StreamObserver } from "./stream-sender.js";
import { writeJsonText, writeSse, writeSseText } from "./writer.js";

type ReplyOutcome = Extract<Outcome, { kind: "reply" }>;

/** Unpaced streams up to this many chunks go out as one text in one write; longer ones respect backpressure. */
const ONE_WRITE_CHUNKS = 256;

/** Resolves (when it returns a promise) once the answer is complete or the client has gone. */
export function deliverReply(
  state: { pacer: Pacer; metrics: StreamObserver },
  surface: Surface,
  outcome: ReplyOutcome,
  context: RenderContext,
  exchange: ReplyExchange,
): Promise<void> | void {
  const { plan, conversation } = outcome;
  const { res, entry, headers, arrival, start } = exchange;
  if (conversation.stream) {
    stampProcessingTime(headers, arrival, surface.processingTimeHeader);
    const pacing = state.pacer.stream(plan.timing, plan.usage.promptTokens, start);
    if (pacing === null && surface.renderStreamText) {
      const steps = generationSteps(plan);
      if (steps * plan.choices.length <= ONE_WRITE_CHUNKS) {
        const text = surface.renderStreamText(plan, conversation, context);
        writeSseText(res, text, headers, { pacing, observer: state.metrics, arrival, hasTokens: steps > 0 });
        return surface.delivered?.(conversation, text.delivery, false);
      }
    }
    const stream = surface.renderStream(plan, conversation, context);
    return writeSse(res, stream, headers, { pacing, observer: state.metrics, arrival }).then(({ interrupted }) => {
      entry.interrupted = interrupted;
      surface.delivered?.(conversation, stream.delivery, false);
    });
  }
  const body = surface.renderBody(plan, conversation, context);
  const wait = plan.timing === NO_DELAY ? 0 : state.pacer.duration(plan.timing, generationSteps(plan), plan.usage.promptTokens);
  if (wait <= 0) {
    sendJson(exchange, body, surface.processingTimeHeader);
    return surface.delivered?.(conversation, body.delivery, false);
  }
  return new Promise((resolve) => {
    const gone = (): void => {
      state.pacer.scheduler.cancel(task);
      entry.interrupted = true;
      resolve();
    };
    const task = state.pacer.scheduler.schedule(start + wait, () => {
      res.off("close", gone);
      sendJson(exchange, body, surface.processingTimeHeader);
      surface.delivered?.(conversation, body.delivery, false);
      resolve();
    });
    res.once("close", gone);
  });
}

function sendJson(exchange: ReplyExchange, body: SizedText, processingTimeHeader: string | undefined): void {
  stampProcessingTime(exchange.headers, exchange.arrival, processingTimeHeader);
  writeJsonText(exchange.res, 200, body, exchange.headers);
}
