// The server's policies, in the order a request meets them. A new policy (faults, say) is one file in
// this folder and one entry here, with its options in PolicyOptions.
import { admission } from "./admission.js";
import { authentication, type AuthKeys } from "./authentication.js";
import { PolicyList } from "./compose.js";
import { queuedErrors, type QueuedErrors } from "./queued-errors.js";
import { rateLimits, type RateLimitConfig } from "./rate-limits.js";
import type { Policy } from "./types.js";

export interface PolicyOptions {
  /** The API keys requests must present (none: every request is let in). */
  keys: AuthKeys;
  /** Requests and tokens per minute, per API key; unset or empty, no limit. */
  rateLimit?: RateLimitConfig;
  /** maxConcurrency: answers generated at once; unset, no limit. */
  maxConcurrency?: number;
  /** The clock the rate limits refill by, in ms. */
  now: () => number;
  /** Hears the number of answers waiting for a generation slot whenever it changes. */
  onQueueDepth?: (depth: number) => void;
}

export interface ServerPolicies {
  /** Every policy this server runs, in order. */
  list: PolicyList;
  /** The queue of errors for the next requests a fixture matches (the server's nextError). */
  queued: QueuedErrors;
}

/** The policies for a server's options; one the options turn off is not in the list at all. */
export function createPolicies(options: PolicyOptions): ServerPolicies {
  const queued = queuedErrors();
  const ordered: (Policy | null)[] = [
    authentication(options.keys),
    queued,
    rateLimits(options.rateLimit ?? {}, options.now),
    admission(options.maxConcurrency, options.onQueueDepth),
  ];
  return {
    list: new PolicyList(ordered.filter((policy): policy is Policy => policy !== null)),
    queued,
  };
}
