// OpenAI's rate-limit headers: x-ratelimit-limit-*, -remaining-* and -reset-* for requests and tokens,
// sent with every answer while limits are set, and with their 429. Azure OpenAI sends the same headers
// with its resets in whole seconds (protocols/azure/rate-limit-headers.ts).
import type { LimitState, RateLimitState } from "../../core/rate-limit-state.js";

/** A duration as OpenAI writes it in x-ratelimit-reset-*: "1s", "6m0s", "250ms". */
function formatReset(ms: number): string {
  if (ms < 1000) return `${Math.max(0, Math.ceil(ms))}ms`;
  const seconds = Math.ceil(ms / 1000);
  return seconds < 60 ? `${seconds}s` : `${Math.floor(seconds / 60)}m${seconds % 60}s`;
}

type ResetText = (ms: number) => string;

function put(
  headers: Record<string, string>,
  kind: "requests" | "tokens",
  state: LimitState | undefined,
  reset: ResetText,
): void {
  if (state === undefined) return;
  headers[`x-ratelimit-limit-${kind}`] = String(state.limit);
  headers[`x-ratelimit-remaining-${kind}`] = String(state.remaining);
  headers[`x-ratelimit-reset-${kind}`] = reset(state.resetMs);
}

/** The x-ratelimit-* headers of these limits, each reset written by `reset`. */
export function xRateLimitHeaders(limits: RateLimitState, reset: ResetText): Record<string, string> {
  const headers: Record<string, string> = {};
  put(headers, "requests", limits.requests, reset);
  put(headers, "tokens", limits.tokens, reset);
  return headers;
}

export const openAIRateLimitHeaders = (limits: RateLimitState): Record<string, string> =>
  xRateLimitHeaders(limits, formatReset);
