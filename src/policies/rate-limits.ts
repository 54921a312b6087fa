// Rate limits: requests and tokens per minute, per API key. A request past either is refused with the
// catalogue's 429 (retry-after and the surface's rate-limit headers), before any of its answer is sent.
import { rateLimited } from "../core/errors.js";
import type { Plan } from "../core/plan.js";
import type { Conversation } from "../core/conversation.js";
import { RateLimiter, type RateLimitConfig, type RateRefusal } from "./rate-limiter.js";
import type { SurfaceWire } from "../protocols/types.js";
import type { PlanDecision, PlanPolicy } from "./types.js";

export type { RateLimitConfig } from "./rate-limiter.js";

/** A limiter's refusal as the catalogue's rate_limited: `tokens` is what the request would have used. */
function refusal(model: string, decision: RateRefusal, tokens: number): PlanDecision {
  const error = rateLimited({
    model,
    limit: decision.kind,
    capacity: decision.limit,
    used: decision.used,
    requested: decision.kind === "requests" ? 1 : tokens,
    retryAfterMs: decision.retryAfterMs,
    limits: decision.state,
  });
  return { ok: false, error };
}

/**
 * The limits as a policy after plan, where the request's tokens (prompt and answer) are known; an
 * answered request carries the limiter's headers. Null when `config` sets no limit, so a server without
 * limits has no such policy at all. Not deterministic: an identical request is let in or refused by
 * what was spent before it, so with limits no outcome is remembered.
 *
 * @example
 * const limits = rateLimits({ rpm: 60, tpm: 10_000 }, () => Date.now());
 */
export function rateLimits(config: RateLimitConfig, now: () => number): PlanPolicy | null {
  const limiter = new RateLimiter(config, now);
  if (!limiter.enabled) return null;
  return {
    name: "rate limits",
    stage: "after-plan",
    deterministic: false,
    engaged: () => true,
    reset: () => limiter.reset(),
    check(
      plan: Plan,
      conversation: Conversation,
      client: string,
      wire: Pick<SurfaceWire, "rateLimitHeaders">,
    ): PlanDecision {
      const tokens = plan.usage.totalTokens;
      const decision = limiter.take(client, tokens);
      return decision.ok
        ? { ok: true, headers: wire.rateLimitHeaders(decision.state) }
        : refusal(conversation.model, decision, tokens);
    },
  };
}
