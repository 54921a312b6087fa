// Anthropic's rate-limit headers, anthropic-ratelimit-{requests,tokens}-{limit,remaining,reset}, sent with
// every answer while limits are set and with their 429. A reset is the RFC 3339 time the limit is full again.
// Understudy keeps one token limit over prompt and answer together, which is what Anthropic's `tokens-*`
// headers report (the most restrictive token limit in effect); it sends no input-tokens/output-tokens split.
import type { LimitState, RateLimitState } from "../../core/rate-limit-state.js";

/** A time as Anthropic writes resets: RFC 3339 in UTC, to the second (rounded up: the limit is full by then). */
function resetTime(at: number, resetMs: number): string {
  const seconds = Math.ceil((at + Math.max(0, resetMs)) / 1000);
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}Z`;
}

function put(headers: Record<string, string>, kind: "requests" | "tokens", state: LimitState | undefined, at: number) {
  if (state === undefined) return;
  headers[`anthropic-ratelimit-${kind}-limit`] = String(state.limit);
  headers[`anthropic-ratelimit-${kind}-remaining`] = String(state.remaining);
  headers[`anthropic-ratelimit-${kind}-reset`] = resetTime(at, state.resetMs);
}

export function anthropicRateLimitHeaders(limits: RateLimitState): Record<string, string> {
  const headers: Record<string, string> = {};
  put(headers, "requests", limits.requests, limits.at);
  put(headers, "tokens", limits.tokens, limits.at);
  return headers;
}
