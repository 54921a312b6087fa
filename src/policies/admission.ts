// Admission: at most `limit` at once, the rest waiting in arrival order. As a policy, maxConcurrency's
// generation slots (as a busy model server's batch slots, so a gateway's queueing can be exercised);
// the queue itself also bounds a WebSocket's in-flight responses.
import type { DeliveryPolicy } from "./types.js";

export class Admission {
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  private head = 0;

  /** `onDepth` hears the number of waiting requests whenever it changes (the metrics' queue gauge). */
  constructor(
    private readonly limit: number,
    private readonly onDepth?: (depth: number) => void,
  ) {}

  /** Null when a slot is free now (taken); otherwise a promise of one. Every entry must be matched by leave(). */
  enter(): Promise<void> | null {
    if (this.active < this.limit) {
      this.active++;
      return null;
    }
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.onDepth?.(this.depth);
    });
  }

  leave(): void {
    if (this.head < this.waiting.length) {
      // The slot passes straight to the next in line.
      const next = this.waiting[this.head];
      this.waiting[this.head++] = noop;
      if (this.head > 1024 && this.head * 2 > this.waiting.length) {
        // Drop the served prefix now and then, rather than shifting the array on every leave.
        this.waiting.splice(0, this.head);
        this.head = 0;
      }
      this.onDepth?.(this.depth);
      next();
      return;
    }
    this.active--;
  }

  /** Runs `task` in a slot, waiting for one first if all are taken. */
  async run<T>(task: () => Promise<T>): Promise<T> {
    const slot = this.enter();
    if (slot) await slot;
    try {
      return await task();
    } finally {
      this.leave();
    }
  }

  /** Requests waiting for a slot. */
  get depth(): number {
    return this.waiting.length - this.head;
  }
}

const noop = (): void => {};

/**
 * maxConcurrency as a policy before delivery: a planned answer waits for one of `limit` slots and holds it
 * until it is complete. Null without a limit. Not deterministic (a slot is free or not by the traffic),
 * but it runs after the outcome is decided, for remembered outcomes too, so it keeps none from the memo.
 * `onDepth` hears the number of waiting answers whenever it changes (the metrics' queue gauge).
 *
 * @example
 * const slots = admission(4, (depth) => metrics.queueChanged(depth));
 */
export function admission(limit: number | undefined, onDepth?: (depth: number) => void): DeliveryPolicy | null {
  if (limit === undefined) return null;
  if (!Number.isInteger(limit) || limit < 1)
    throw new Error(`createServer options.maxConcurrency must be an integer >= 1, got ${String(limit)}`);
  const slots = new Admission(limit, onDepth);
  return {
    name: "admission",
    stage: "before-delivery",
    deterministic: false,
    engaged: () => true,
    enter: () => slots.enter(),
    leave: () => slots.leave(),
  };
}
