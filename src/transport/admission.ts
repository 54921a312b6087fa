// maxConcurrency: at most `limit` answers are generated at once; later requests wait in arrival order,
// as they would for a busy model server's batch slots, so a gateway's queueing can be exercised.

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

  /** Requests waiting for a slot. */
  get depth(): number {
    return this.waiting.length - this.head;
  }
}

const noop = (): void => {};
