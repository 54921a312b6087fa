// Azure OpenAI's rate-limit headers: x-ratelimit-remaining-requests and -tokens (sent by every Azure
// deployment), with -limit- and -reset- beside them as newer deployments send them, the reset in whole
// seconds rather than OpenAI's "6m0s".
import type { LimitState, RateLimitState } from "../../core/rate-limit-state.js";

function put(headers: Record<string, string>, kind: "requests" | "tokens", state: LimitState | undefined): void {
  if (state === undefined) return;
  headers[`x-ratelimit-limit-${kind}`] = String(state.limit);
  headers[`x-ratelimit-remaining-${kind}`] = String(state.remaining);
  headers[`x-ratelimit-reset-${kind}`] = String(Math.ceil(state.resetMs / 1000));
}

export function azureRateLimitHeaders(limits: RateLimitState): Record<string, string> {
  const headers: Record<string, string> = {};
  put(headers, "requests", limits.requests);
  put(headers, "tokens", limits.tokens);
  return headers;
}
