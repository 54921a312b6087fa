// Sends a stream's pre-rendered events through any transport (SSE over HTTP, WebSocket frames):
// the opening events at once, then each generated token when the timing model says it is due (later,
// keeping its gaps, once the stream has fallen behind), through the server's one scheduler, waiting
// for the transport to drain and stopping on disconnect.
import { TICK_TOLERANCE_MS, type PacingScheduler, type ScheduledTask } from "./scheduler.js";

/**
 * A transport's view of one stream's items (events or frames), which it owns: the sender only names
 * ranges, so a sink can encode its items once and let go of them while the stream runs.
 */
export interface EventSink {
  /** Writes items [from, to); false when the transport's buffer is full (wait for onDrain). */
  write(from: number, to: number): boolean;
  /** Writes items [from, to) and ends the stream. */
  finish(from: number, to: number): void;
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
  times(steps: number): readonly number[];
}

export interface SendOptions {
  /** How many items the stream has. */
  count: number;
  /** Whether item i carries a generated token (a content, reasoning or argument delta); read only at the start. */
  isToken(i: number): boolean;
  sink: EventSink;
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
function groupBounds(count: number, isToken: (i: number) => boolean): number[] {
  const starts: number[] = [0];
  // A stream that opens with a token (legacy Completions) has an empty opening group.
  for (let i = 0; i < count; i++) if (isToken(i)) starts.push(i);
  if (starts.length === 1) starts.push(0);
  starts.push(count);
  return starts;
}

function hasToken(options: SendOptions): boolean {
  for (let i = 0; i < options.count; i++) if (options.isToken(i)) return true;
  return false;
}

/** One stream being sent: whether it is over, its next scheduled write, and how it ends. */
interface StreamRun {
  done: boolean;
  task: ScheduledTask | null;
  finish(interrupted: boolean): void;
}

/** Resolves with whether the peer went away before the end. */
export function sendStream(options: SendOptions): Promise<{ interrupted: boolean }> {
  const { count, sink, observer, pacing, arrival } = options;
  observer?.streamOpened();
  if (pacing === null && count <= BATCH_EVENTS) {
    // The common case (tests, unpaced load): the whole stream in one write.
    sink.finish(0, count);
    if (observer && hasToken(options)) observer.firstToken(performance.now() - arrival);
    observer?.streamClosed();
    return Promise.resolve({ interrupted: false });
  }
  // Everything the stream needs later is taken now, so the closures below hold no request data.
  const tokens = observer !== undefined && hasToken(options);
  const bounds = pacing === null ? null : groupBounds(count, options.isToken);
  return new Promise((resolve) => {
    const run: StreamRun = {
      done: false,
      task: null,
      finish(interrupted) {
        if (run.done) return;
        run.done = true;
        if (run.task) pacing?.scheduler.cancel(run.task);
        stopListening();
        observer?.streamClosed();
        resolve({ interrupted });
      },
    };
    const stopListening = sink.onClose(() => run.finish(true));
    if (pacing === null || bounds === null) writeInBatches(options, run, tokens);
    else writePaced(options, run, pacing, bounds);
  });
}

/** An unpaced but large stream: batch after batch, each once the one before has drained. */
function writeInBatches(options: SendOptions, run: StreamRun, tokens: boolean): void {
  const { count, sink, observer, arrival } = options;
  let at = 0;
  const writeBatches = (): void => {
    while (!run.done) {
      const to = Math.min(count, at + BATCH_EVENTS);
      if (at === 0 && tokens) observer?.firstToken(performance.now() - arrival);
      if (to === count) return (sink.finish(at, to), run.finish(false));
      const more = sink.write(at, to);
      at = to;
      if (!more) return sink.onDrain(writeBatches);
    }
  };
  writeBatches();
}

/** A paced stream: each group of events (group 0 the opening ones, then one token each) at its time. */
function writePaced(options: SendOptions, run: StreamRun, pacing: StreamPacing, bounds: number[]): void {
  const { sink, observer, arrival } = options;
  const lastGroup = bounds.length - 2;
  const times = pacing.times(lastGroup);
  let group = 0;
  // The stream's clock readings live in an object: a double kept in a closure variable is boxed anew
  // on every change, once per token. `behind` is how far the stream has fallen behind its timing. A
  // token written so late that the next would follow it in less than half its gap moves the rest of
  // the stream with it: the gaps after it keep their length, as on a real server that fell behind,
  // instead of the overdue tokens going out in a burst (which a client would read as a collapse of the
  // timing). Lateness under that, the scheduler's ordinary jitter, is not carried over, so it cannot
  // add up over a stream and slow its rate.
  const clock = { lastTokenAt: 0, behind: 0 };
  // The task object, once it has run: scheduled again for the next token instead of a new one.
  let spare: ScheduledTask | undefined;
  const writeDue = (): void => {
    if (run.task !== null) spare = run.task;
    run.task = null;
    // One reading per call: the writes in between take microseconds, the gaps milliseconds.
    const now = performance.now();
    while (!run.done) {
      if (group > 0) {
        const due = pacing.start + times[group - 1] + clock.behind;
        if (due > now + TICK_TOLERANCE_MS) {
          run.task = pacing.scheduler.schedule(due, writeDue, spare);
          return;
        }
        const late = now - due;
        if (late > TICK_TOLERANCE_MS && group < lastGroup && late > (times[group] - times[group - 1]) / 2)
          clock.behind += late;
        if (group === 1) observer?.firstToken(now - arrival);
        else observer?.interToken(now - clock.lastTokenAt);
        clock.lastTokenAt = now;
      }
      const from = bounds[group];
      const to = bounds[group + 1];
      if (group === lastGroup) return (sink.finish(from, to), run.finish(false));
      group++;
      if (from < to && !sink.write(from, to)) return sink.onDrain(writeDue);
    }
  };
  writeDue();
}
