// One pacing scheduler per server: every paced stream and delayed answer waits in one min-heap behind
// a single timer, so ten thousand streams cost one timer and a batch of writes per tick, not a
// setTimeout per chunk per stream.

/** A scheduled callback; cancel it with PacingScheduler.cancel. */
export interface ScheduledTask {
  at: number;
  seq: number;
  run: (() => void) | null;
}

/**
 * Timers fire on whole milliseconds, so tasks due within this much of now run in the current tick
 * rather than a tick later: at most this early, and far fewer wake-ups under load.
 */
export const TICK_TOLERANCE_MS = 1;

/**
 * The longest a batch runs before the scheduler yields to I/O. An overloaded server still accepts
 * connections and reads new requests between slices, instead of serving them after a long batch.
 */
const SLICE_MS = 4;

export class PacingScheduler {
  private readonly heap: ScheduledTask[] = [];
  private seq = 0;
  private timer: NodeJS.Timeout | undefined;
  private timerAt = Infinity;
  private firing = false;

  /** Runs `run` at `at` (a performance.now() time), or in the next tick if that has passed. */
  schedule(at: number, run: () => void): ScheduledTask {
    const task: ScheduledTask = { at, seq: this.seq++, run };
    this.push(task);
    // While a batch runs, the timer is re-armed once at its end, not once per stream scheduling its next chunk.
    if (!this.firing && at < this.timerAt) this.arm();
    return task;
  }

  /** Stops a task from running (it leaves the heap when its time comes). */
  cancel(task: ScheduledTask): void {
    task.run = null;
  }

  /** Tasks waiting, cancelled ones included until their time comes. */
  get size(): number {
    return this.heap.length;
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    const next = this.heap[0];
    if (!next) {
      this.timer = undefined;
      this.timerAt = Infinity;
      return;
    }
    this.timerAt = next.at;
    this.timer = setTimeout(this.fire, Math.max(0, next.at - performance.now()));
    // A scheduled write must not keep a process alive whose server was closed.
    this.timer.unref();
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.timerAt = Infinity;
    const started = performance.now();
    const horizon = started + TICK_TOLERANCE_MS;
    let ran = 0;
    let sliced = false;
    this.firing = true;
    try {
      while (this.heap.length > 0 && this.heap[0].at <= horizon) {
        const task = this.pop();
        const run = task.run;
        task.run = null;
        if (run) run();
        // Reading the clock costs too much to do per task.
        if (++ran % 64 === 0 && performance.now() - started > SLICE_MS) {
          sliced = true;
          break;
        }
      }
    } finally {
      this.firing = false;
      if (sliced) this.resumeAfterIo();
      else this.arm();
    }
  };

  /** Continues an unfinished batch once pending I/O has been handled (setImmediate runs after the poll phase). */
  private resumeAfterIo(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.timerAt = -Infinity;
    setImmediate(this.fire);
  }

  private push(task: ScheduledTask): void {
    const heap = this.heap;
    let i = heap.length;
    heap.push(task);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!earlier(task, heap[parent])) break;
      heap[i] = heap[parent];
      i = parent;
    }
    heap[i] = task;
  }

  private pop(): ScheduledTask {
    const heap = this.heap;
    const top = heap[0];
    const last = heap.pop() as ScheduledTask;
    if (heap.length === 0) return top;
    let i = 0;
    const n = heap.length;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && earlier(heap[right], heap[left]) ? right : left;
      if (!earlier(heap[child], last)) break;
      heap[i] = heap[child];
      i = child;
    }
    heap[i] = last;
    return top;
  }
}

function earlier(a: ScheduledTask, b: ScheduledTask): boolean {
  return a.at < b.at || (a.at === b.at && a.seq < b.seq);
}
