// OpenAI's rate-limit headers: x-ratelimit-limit-*, -remaining-* and -reset-* for requests and tokens,
// sent with every answer while limits are set, and with their 429.
import type { LimitState, RateLimitState } from "../../core/rate-limit-state.js";

/** A duration as OpenAI writes it in x-ratelimit-reset-*: "1s", "6m0s", "250ms". */
function formatReset(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  const seconds = Math.ceil(ms / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${seconds % 60}s`;
}

function put(headers: Record<string, string>, kind: "requests" | "tokens", state: LimitState | undefined): void {
  if (state === undefined) return;
  headers[`x-ratelimit-limit-${kind}`] = String(state.limit);
  headers[`x-ratelimit-remaining-${kind}`] = String(state.remaining);
  headers[`x-ratelimit-reset-${kind}`] = formatReset(state.resetMs);
}

export function openAIRateLimitHeaders(limits: RateLimitState): Record<string, string> {
  const headers: Record<string, string> = {};
  put(headers, "requests", limits.requests);
  put(headers, "tokens", limits.tokens);
  return headers;
}
