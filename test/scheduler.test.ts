// The pacing scheduler on its own: when tasks run, in which order, and what a long wait, a cancel or an
// overloaded batch does. Fake timers drive the clock, so the figures are exact.
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { PacingScheduler } from "../src/transport/scheduler.js";

beforeEach(() => {
  vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "setImmediate", "performance"] });
});
afterEach(() => {
  vi.useRealTimers();
});

/** Schedules a task that records its label and the clock when it runs. */
function recorder(scheduler: PacingScheduler) {
  const ran: Array<{ label: string; at: number }> = [];
  const add = (label: string, at: number) => scheduler.schedule(at, () => ran.push({ label, at: performance.now() }));
  return { ran, add };
}

describe("PacingScheduler", () => {
  it("runs each task once its millisecond has begun, earliest first, and same-millisecond tasks in scheduling order", () => {
    const scheduler = new PacingScheduler();
    const { ran, add } = recorder(scheduler);
    const t0 = performance.now();
    add("c", t0 + 30.2);
    add("a", t0 + 10.7);
    add("b1", t0 + 20.9);
    add("b2", t0 + 20.1);
    vi.advanceTimersByTime(9);
    expect(ran).toEqual([]);
    vi.advanceTimersByTime(100);
    expect(ran.map((r) => r.label)).toEqual(["a", "b1", "b2", "c"]);
    // At most 1 ms early, never late when the loop is free.
    expect(ran.map((r) => r.at - t0)).toEqual([10, 20, 20, 30]);
    expect(scheduler.size).toBe(0);
  });

  it("keeps tasks due beyond the wheel's span (4 s) and runs them on time", () => {
    const scheduler = new PacingScheduler();
    const { ran, add } = recorder(scheduler);
    const t0 = performance.now();
    add("in 60 s", t0 + 60_000.5);
    add("in 5 s", t0 + 5_000.5);
    add("soon", t0 + 5);
    expect(scheduler.size).toBe(3);
    vi.advanceTimersByTime(4_999);
    expect(ran.map((r) => r.label)).toEqual(["soon"]);
    vi.advanceTimersByTime(60_000);
    expect(ran.map((r) => [r.label, r.at - t0])).toEqual([
      ["soon", 5],
      ["in 5 s", 5_000],
      ["in 60 s", 60_000],
    ]);
  });

  it("does not run a cancelled task, and counts it until its time comes", () => {
    const scheduler = new PacingScheduler();
    const { ran, add } = recorder(scheduler);
    const t0 = performance.now();
    const dropped = add("dropped", t0 + 10);
    add("kept", t0 + 10);
    scheduler.cancel(dropped);
    expect(scheduler.size).toBe(2);
    vi.advanceTimersByTime(20);
    expect(ran.map((r) => r.label)).toEqual(["kept"]);
    expect(scheduler.size).toBe(0);
  });

  it("runs a task scheduled during a batch for a time already passed in that same batch", () => {
    const scheduler = new PacingScheduler();
    const ran: string[] = [];
    const t0 = performance.now();
    scheduler.schedule(t0 + 10, () => {
      ran.push("first");
      scheduler.schedule(t0 + 3, () => ran.push("overdue"));
      scheduler.schedule(t0 + 50, () => ran.push("later"));
    });
    vi.advanceTimersByTime(10);
    expect(ran).toEqual(["first", "overdue"]);
    vi.advanceTimersByTime(40);
    expect(ran).toEqual(["first", "overdue", "later"]);
  });

  it("schedules a task that has run again when it is passed back (no new task per token)", () => {
    const scheduler = new PacingScheduler();
    const t0 = performance.now();
    const times: number[] = [];
    let task = scheduler.schedule(t0 + 10, function tick() {
      times.push(performance.now() - t0);
      if (times.length < 3) expect(scheduler.schedule(t0 + 10 * (times.length + 1), tick, task)).toBe(task);
    });
    vi.advanceTimersByTime(100);
    expect(times).toEqual([10, 20, 30]);
    expect(scheduler.size).toBe(0);
    task = scheduler.schedule(t0 + 200, () => times.push(-1));
    scheduler.cancel(task);
    vi.advanceTimersByTime(200);
    expect(times).toEqual([10, 20, 30]);
  });

  it("after an idle hour, runs a new task at its time", () => {
    const scheduler = new PacingScheduler();
    const { ran, add } = recorder(scheduler);
    add("before", performance.now() + 1);
    vi.advanceTimersByTime(3_600_000);
    const t1 = performance.now();
    add("after", t1 + 7);
    vi.advanceTimersByTime(6);
    expect(ran.map((r) => r.label)).toEqual(["before"]);
    vi.advanceTimersByTime(1);
    expect(ran.at(-1)).toEqual({ label: "after", at: t1 + 7 });
  });

  it("yields to I/O when a batch outlasts its 4 ms slice, then finishes it", () => {
    const scheduler = new PacingScheduler();
    const order: string[] = [];
    let now = performance.now();
    const clock = vi.spyOn(performance, "now").mockImplementation(() => now);
    for (let i = 0; i < 200; i++) {
      scheduler.schedule(now + 5, () => {
        if (i === 0) setImmediate(() => order.push("io"));
        order.push(`task ${i}`);
        now += 0.1; // each task takes 0.1 ms, so the batch passes its slice after 64 tasks
      });
    }
    now += 5;
    vi.runAllTimers();
    clock.mockRestore();
    expect(order).toHaveLength(201);
    expect(order.indexOf("io")).toBe(64);
    expect(order.at(-1)).toBe("task 199");
  });
});
