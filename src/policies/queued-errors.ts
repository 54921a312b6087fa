// Queued errors (`nextError`): errors queued from code, each answering the next request a fixture
// matches instead of its reply, so a test can make one call fail without writing a fixture for it.
import { fixtureError } from "../core/errors.js";
import type { ReplyError } from "../core/reply.js";
import type { MatchPolicy } from "./types.js";

export interface QueuedErrors extends MatchPolicy {
  /** Queues an error for the next matched request (after those queued before it). */
  push(error: ReplyError): void;
  /** Errors still queued. */
  readonly pending: number;
}

/**
 * The queue, as a policy after match: a matched request takes the oldest queued error (its sequence
 * counters stay where they were), a request no fixture matches leaves the queue alone. Not
 * deterministic: the same request gets the error once, then its reply, so while anything is queued
 * no outcome is remembered.
 *
 * @example
 * const queued = queuedErrors();
 * queued.push({ status: 503, message: "down for a moment" });
 */
export function queuedErrors(): QueuedErrors {
  const queue: ReplyError[] = [];
  return {
    name: "queued errors",
    stage: "after-match",
    deterministic: false,
    note: "queued error",
    engaged: () => queue.length > 0,
    check() {
      const next = queue.shift();
      return next === undefined ? null : fixtureError(next, true);
    },
    push(error) {
      queue.push(error);
    },
    reset() {
      queue.length = 0;
    },
    get pending() {
      return queue.length;
    },
  };
}
