// The rate limits' mechanism: token buckets for requests and tokens per minute, per API key, answering
// with where the limits stand (which each surface sends as its provider's headers) and, when a bucket is
// empty, how long to wait.
import type { LimitState, RateLimitState } from "../core/rate-limit-state.js";

export interface RateLimitConfig {
  /** Requests per minute. */
  rpm?: number;
  /** Tokens (prompt + completion) per minute. */
  tpm?: number;
}

/** A refusal: which limit, how long until it has room, its capacity and what is spent, and where the limits stand. */
export interface RateRefusal {
  ok: false;
  kind: "requests" | "tokens";
  retryAfterMs: number;
  limit: number;
  used: number;
  state: RateLimitState;
}

export type RateDecision = { ok: true; state: RateLimitState } | RateRefusal;

const MINUTE_MS = 60_000;

/** Refills continuously at `capacity` per minute, as OpenAI's limits do. */
class Bucket {
  private level: number;
  private updated: number;

  constructor(
    readonly capacity: number,
    now: number,
  ) {
    this.level = capacity;
    this.updated = now;
  }

  private refill(now: number): void {
    this.level = Math.min(this.capacity, this.level + ((now - this.updated) * this.capacity) / MINUTE_MS);
    this.updated = now;
  }

  /** Milliseconds until `amount` is available (0 when it is now). */
  waitFor(amount: number, now: number): number {
    this.refill(now);
    const missing = Math.min(amount, this.capacity) - this.level;
    return missing <= 0 ? 0 : Math.ceil((missing * MINUTE_MS) / this.capacity);
  }

  take(amount: number): void {
    this.level -= amount;
  }

  /** What is spent and not yet refilled. */
  used(): number {
    return Math.max(0, Math.ceil(this.capacity - this.level));
  }

  state(): LimitState {
    return {
      limit: this.capacity,
      remaining: Math.max(0, Math.floor(this.level)),
      resetMs: ((this.capacity - this.level) * MINUTE_MS) / this.capacity,
    };
  }
}

/** One API key's buckets: one per limit configured. */
interface KeyBuckets {
  readonly requests?: Bucket;
  readonly tokens?: Bucket;
}

/** Where a key's limits stand at the decision's time (module functions: take() runs for every limited request). */
function stateOf(buckets: KeyBuckets, at: number): RateLimitState {
  return { requests: buckets.requests?.state(), tokens: buckets.tokens?.state(), at };
}

function refusal(
  kind: RateRefusal["kind"],
  bucket: Bucket,
  wait: number,
  buckets: KeyBuckets,
  at: number,
): RateRefusal {
  return {
    ok: false,
    kind,
    retryAfterMs: wait,
    limit: bucket.capacity,
    used: bucket.used(),
    state: stateOf(buckets, at),
  };
}

export class RateLimiter {
  private readonly buckets = new Map<string, KeyBuckets>();

  constructor(
    private readonly config: RateLimitConfig,
    private readonly now: () => number,
  ) {}

  /** Every key's buckets forgotten: the next request of each starts full. */
  reset(): void {
    this.buckets.clear();
  }

  get enabled(): boolean {
    return Boolean(this.config.rpm || this.config.tpm);
  }

  /** `now`: the time of the decision, so a new key's buckets start full at the moment they are first read. */
  private bucketsFor(key: string, now: number): KeyBuckets {
    let found = this.buckets.get(key);
    if (!found) {
      found = {
        requests: this.config.rpm ? new Bucket(this.config.rpm, now) : undefined,
        tokens: this.config.tpm ? new Bucket(this.config.tpm, now) : undefined,
      };
      this.buckets.set(key, found);
    }
    return found;
  }

  /** Takes one request and `tokens` tokens for `key`, or says which limit refused and for how long. */
  take(key: string, tokens: number): RateDecision {
    const now = this.now();
    const buckets = this.bucketsFor(key, now);
    const { requests, tokens: tokenBucket } = buckets;
    const requestWait = requests?.waitFor(1, now) ?? 0;
    if (requests && requestWait > 0) return refusal("requests", requests, requestWait, buckets, now);
    const tokenWait = tokenBucket?.waitFor(tokens, now) ?? 0;
    if (tokenBucket && tokenWait > 0) return refusal("tokens", tokenBucket, tokenWait, buckets, now);
    requests?.take(1);
    tokenBucket?.take(tokens);
    return { ok: true, state: stateOf(buckets, now) };
  }
}
