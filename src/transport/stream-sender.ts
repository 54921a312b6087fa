// Sends a stream's pre-rendered events through any transport (SSE over HTTP, WebSocket frames):
// the opening events at once, then each generated token when the timing model says it is due,
// through the server's one scheduler, waiting for the transport to drain and stopping on disconnect.
import { TICK_TOLERANCE_MS, type PacingScheduler, type ScheduledTask } from "./scheduler.js";

export interface EventSink<T> {
  /** Writes items [from, to); false when the transport's buffer is full (wait for onDrain). */
  write(items: readonly T[], from: number, to: number): boolean;
  /** Writes items [from, to) and ends the stream. */
  finish(items: readonly T[], from: number, to: number): void;
  /** Calls `resume` once, when the buffer has drained. */
  onDrain(resume: () => void): void;
  /** Calls `gone` once if the peer goes away; returns a function that stops listening. */
  onClose(gone: () => void): () => void;
}

/** Where the sender reports what it measures at the socket (the server's metrics). */
export interface StreamObserver {
  streamOpened(): void;
  streamClosed(): void;
  /** Milliseconds from the request's arrival to the first token's write. */
  firstToken(ms: number): void;
  /** Milliseconds between two token writes. */
  interToken(ms: number): void;
}

export interface StreamPacing {
  scheduler: PacingScheduler;
  /** performance.now() when generation started: token times count from here. */
  start: number;
  /** When each of `steps` tokens is due, in ms from `start` (see core/timing tokenTimes). */
  times(steps: number): Float64Array;
}

export interface SendOptions<T> {
  items: readonly T[];
  /** Whether item i carries a generated token (a content, reasoning or argument delta). */
  isToken(i: number): boolean;
  sink: EventSink<T>;
  /** Null sends everything at once (zero-latency mode). */
  pacing: StreamPacing | null;
  observer?: StreamObserver;
  /** performance.now() when the request arrived, for time-to-first-token. */
  arrival: number;
}

/** Unpaced streams go out in writes of at most this many events, so a huge reply respects backpressure too. */
const BATCH_EVENTS = 512;

/**
 * Item indices where each group starts, and one past the end: the opening events, then one group per
 * token with the events that follow it up to the next token (item and part closings, usage, [DONE]).
 * Without any token the opening group is empty and the whole stream goes out when a first token would.
 */
function groupBounds<T>(options: SendOptions<T>): number[] {
  const bounds: number[] = [0];
  let tokens = 0;
  // A stream that opens with a token (legacy Completions) has an empty opening group.
  for (let i = 0; i < options.items.length; i++) {
    if (!options.isToken(i)) continue;
    tokens++;
    bounds.push(i);
  }
  if (tokens === 0) bounds.push(0);
  bounds.push(options.items.length);
  return bounds;
}

function hasToken<T>(options: SendOptions<T>): boolean {
  for (let i = 0; i < options.items.length; i++) if (options.isToken(i)) return true;
  return false;
}

/** Resolves with whether the peer went away before the end. */
export function sendStream<T>(options: SendOptions<T>): Promise<{ interrupted: boolean }> {
  const { items, sink, observer, pacing } = options;
  observer?.streamOpened();
  if (pacing === null && items.length <= BATCH_EVENTS) {
    // The common case (tests, unpaced load): the whole stream in one write.
    sink.finish(items, 0, items.length);
    if (observer && hasToken(options)) observer.firstToken(performance.now() - options.arrival);
    observer?.streamClosed();
    return Promise.resolve({ interrupted: false });
  }
  return new Promise((resolve) => {
    let task: ScheduledTask | null = null;
    let done = false;
    const finish = (interrupted: boolean): void => {
      if (done) return;
      done = true;
      if (task) pacing?.scheduler.cancel(task);
      stopListening();
      observer?.streamClosed();
      resolve({ interrupted });
    };
    const stopListening = sink.onClose(() => finish(true));

    if (pacing === null) {
      // Unpaced but large: batch after batch, each once the one before has drained.
      let at = 0;
      const writeBatches = (): void => {
        while (!done) {
          const to = Math.min(items.length, at + BATCH_EVENTS);
          if (at === 0 && observer && hasToken(options)) observer.firstToken(performance.now() - options.arrival);
          if (to === items.length) return (sink.finish(items, at, to), finish(false));
          const more = sink.write(items, at, to);
          at = to;
          if (!more) return sink.onDrain(writeBatches);
        }
      };
      return writeBatches();
    }

    const bounds = groupBounds(options);
    const lastGroup = bounds.length - 2;
    // Group 0 holds the opening events; groups 1.. one token each (group 1 may be the first item itself).
    const times = pacing.times(lastGroup);
    let group = 0;
    let lastTokenAt = 0;
    const writeDue = (): void => {
      task = null;
      while (!done) {
        if (group > 0) {
          const due = pacing.start + times[group - 1];
          const now = performance.now();
          if (due > now + TICK_TOLERANCE_MS) {
            task = pacing.scheduler.schedule(due, writeDue);
            return;
          }
          if (group === 1) observer?.firstToken(now - options.arrival);
          else observer?.interToken(now - lastTokenAt);
          lastTokenAt = now;
        }
        const from = bounds[group];
        const to = bounds[group + 1];
        if (group === lastGroup) return (sink.finish(items, from, to), finish(false));
        group++;
        if (from < to && !sink.write(items, from, to)) return sink.onDrain(writeDue);
      }
    };
    writeDue();
  });
}
