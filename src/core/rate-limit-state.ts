// What a rate limiter knows of one API key's limits when it decides a request, as neutral facts: each
// surface writes them as its provider's headers (OpenAI `x-ratelimit-*`, Anthropic `anthropic-ratelimit-*`).

/** One limit (requests or tokens per minute) as it stands after the decision. */
export interface LimitState {
  readonly limit: number;
  /** What is left now, rounded down. */
  readonly remaining: number;
  /** Milliseconds until the limit is full again. */
  readonly resetMs: number;
}

export interface RateLimitState {
  readonly requests?: LimitState;
  readonly tokens?: LimitState;
  /** The server clock's time of the decision (ms since the epoch): providers that send reset times count from it. */
  readonly at: number;
}
