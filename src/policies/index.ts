// Policies: the cross-cutting decisions about a request (authentication, rate limits, queued errors,
// admission), each a unit with its stage and whether it is deterministic, run from one ordered list.
export { createPolicies, type PolicyOptions, type ServerPolicies } from "./list.js";
export { PolicyList } from "./compose.js";
export { Admission, admission } from "./admission.js";
export { authentication, type AuthKeys } from "./authentication.js";
export { queuedErrors, type QueuedErrors } from "./queued-errors.js";
export { rateLimits, type RateLimitConfig } from "./rate-limits.js";
export type {
  CredentialsPolicy,
  DeliveryPolicy,
  MatchPolicy,
  PlanDecision,
  PlanPolicy,
  Policy,
  PolicyStage,
} from "./types.js";
