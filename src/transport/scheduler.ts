// One pacing scheduler per server: every paced stream and delayed answer waits in one timer wheel
// behind a single timer, so ten thousand streams cost one timer and a batch of writes per tick, not a
// setTimeout per chunk per stream.

/** A scheduled callback; cancel it with PacingScheduler.cancel. */
export interface ScheduledTask {
  at: number;
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

/** The wheel's span in milliseconds (a power of two): tasks due later wait in a heap until they come within it. */
const WHEEL_MS = 4096;
const WHEEL_MASK = WHEEL_MS - 1;

/**
 * Tasks are kept in per-millisecond buckets: a task due at `at` waits in bucket floor(at), and a
 * bucket runs once its millisecond has begun, so a task runs at most 1 ms early (within
 * TICK_TOLERANCE_MS) and tasks due in one millisecond run in the order they were scheduled. Adding and
 * taking a task costs the same at any number of tasks; a heap (the first version) walked a dozen
 * levels of task objects per token at thousands of streams, about a tenth of a paced server's CPU.
 */
export class PacingScheduler {
  private readonly wheel: ScheduledTask[][] = Array.from({ length: WHEEL_MS }, () => []);
  /** The last millisecond whose bucket has run: buckets after it, up to WHEEL_MS - 1 ahead, hold the tasks. */
  private cursor = -1;
  /** Tasks in the wheel's buckets, cancelled ones included. */
  private inWheel = 0;
  /** How far into the bucket after the cursor the batch got (a sliced batch resumes there). */
  private bucketIndex = 0;
  /** Tasks due beyond the wheel's span (long waits), earliest first. */
  private readonly later = new TaskHeap();
  private timer: NodeJS.Timeout | undefined;
  /** The millisecond the timer is set for (-Infinity while a sliced batch waits to resume). */
  private timerAt = Infinity;
  private firing = false;

  /**
   * Runs `run` at `at` (a performance.now() time), or in the next tick if that has passed. `reuse`: a task
   * of the caller's that has run (never one cancelled or still waiting), scheduled again rather than a new
   * one, so that a stream scheduling a task per token allocates none.
   */
  schedule(at: number, run: () => void, reuse?: ScheduledTask): ScheduledTask {
    let task: ScheduledTask;
    if (reuse === undefined) task = { at, run };
    else {
      task = reuse;
      task.at = at;
      task.run = run;
    }
    // An idle wheel's cursor may be long past: move it to now, so the next batch does not walk the empty buckets between.
    if (this.inWheel === 0 && !this.firing) this.catchUp(performance.now());
    const ms = this.place(task);
    // While a batch runs, the timer is re-armed once at its end, not once per stream scheduling its next chunk.
    if (!this.firing && ms < this.timerAt) this.arm();
    return task;
  }

  /** Stops a task from running (it leaves the wheel when its time comes). */
  cancel(task: ScheduledTask): void {
    task.run = null;
  }

  /** Tasks waiting, cancelled ones included until their time comes. */
  get size(): number {
    return this.inWheel + this.later.size;
  }

  /** Puts a task in its bucket (the next one to run if its time has passed) or, beyond the wheel, in `later`; returns its millisecond. */
  private place(task: ScheduledTask): number {
    const ms = Math.max(Math.floor(task.at), this.cursor + 1);
    if (ms - this.cursor >= WHEEL_MS) {
      this.later.push(task);
      return ms;
    }
    this.wheel[ms & WHEEL_MASK].push(task);
    this.inWheel++;
    return ms;
  }

  /** With the wheel empty, moves the cursor to just before `now`'s millisecond and takes in the tasks from `later` that are now within its span. */
  private catchUp(now: number): void {
    // A batch sliced after its last task leaves that bucket's run tasks behind.
    if (this.bucketIndex > 0) this.wheel[(this.cursor + 1) & WHEEL_MASK].length = 0;
    this.bucketIndex = 0;
    this.cursor = Math.max(this.cursor, Math.floor(now) - 1);
    this.takeLater();
  }

  private takeLater(): void {
    for (
      let next = this.later.peek();
      next !== undefined && Math.floor(next.at) - this.cursor < WHEEL_MS;
      next = this.later.peek()
    ) {
      this.place(this.later.pop());
    }
  }

  /** The first millisecond with a bucket to run. */
  private nextDue(): number {
    if (this.inWheel > 0) {
      for (let ms = this.cursor + 1; ; ms++) if (this.wheel[ms & WHEEL_MASK].length > 0) return ms;
    }
    const next = this.later.peek();
    return next === undefined ? Infinity : Math.floor(next.at);
  }

  private arm(): void {
    if (this.timer) clearTimeout(this.timer);
    const due = this.nextDue();
    this.timerAt = due;
    if (due === Infinity) {
      this.timer = undefined;
      return;
    }
    this.timer = setTimeout(this.fire, Math.max(0, due - performance.now()));
    // A scheduled write must not keep a process alive whose server was closed.
    this.timer.unref();
  }

  private readonly fire = (): void => {
    this.timer = undefined;
    this.timerAt = Infinity;
    const started = performance.now();
    const through = Math.floor(started);
    if (this.inWheel === 0) this.catchUp(started);
    let ran = 0;
    let sliced = false;
    this.firing = true;
    try {
      batch: while (this.cursor < through) {
        // A task scheduled during the batch for a time that has passed joins this bucket's end and runs in this batch.
        const bucket = this.wheel[(this.cursor + 1) & WHEEL_MASK];
        while (this.bucketIndex < bucket.length) {
          const task = bucket[this.bucketIndex++];
          this.inWheel--;
          const run = task.run;
          task.run = null;
          if (run) run();
          // Reading the clock costs too much to do per task.
          if (++ran % 64 === 0 && performance.now() - started > SLICE_MS) {
            sliced = true;
            break batch;
          }
        }
        bucket.length = 0;
        this.bucketIndex = 0;
        this.cursor++;
        this.takeLater();
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
}

/** A min-heap of tasks by due time, ties in the order they were pushed. */
class TaskHeap {
  private readonly tasks: ScheduledTask[] = [];
  private readonly order: number[] = [];
  private pushed = 0;

  get size(): number {
    return this.tasks.length;
  }

  peek(): ScheduledTask | undefined {
    return this.tasks[0];
  }

  push(task: ScheduledTask): void {
    const { tasks, order } = this;
    const seq = this.pushed++;
    let i = tasks.length;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!earlier(task.at, seq, tasks[parent].at, order[parent])) break;
      tasks[i] = tasks[parent];
      order[i] = order[parent];
      i = parent;
    }
    tasks[i] = task;
    order[i] = seq;
  }

  pop(): ScheduledTask {
    const { tasks, order } = this;
    const top = tasks[0];
    const last = tasks.pop() as ScheduledTask;
    const lastSeq = order.pop() as number;
    const n = tasks.length;
    if (n === 0) return top;
    let i = 0;
    for (;;) {
      const left = 2 * i + 1;
      if (left >= n) break;
      const right = left + 1;
      const child = right < n && earlier(tasks[right].at, order[right], tasks[left].at, order[left]) ? right : left;
      if (!earlier(tasks[child].at, order[child], last.at, lastSeq)) break;
      tasks[i] = tasks[child];
      order[i] = order[child];
      i = child;
    }
    tasks[i] = last;
    order[i] = lastSeq;
    return top;
  }
}

function earlier(at: number, seq: number, otherAt: number, otherSeq: number): boolean {
  return at < otherAt || (at === otherAt && seq < otherSeq);
}
