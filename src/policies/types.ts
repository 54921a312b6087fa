// What a policy is: a cross-cutting decision about a request (let it in, refuse it, make it wait), with
// the stage it runs at and whether the same request always gets the same decision.
import type { Conversation } from "../core/conversation.js";
import type { ServerError } from "../core/errors.js";
import type { Plan } from "../core/plan.js";
import type { Credentials, RequestHead, SurfaceWire } from "../protocols/types.js";

/**
 * Where a policy runs, in the order a request meets them: before its body is parsed (its credentials),
 * after a fixture matched it, once its answer is planned (its tokens are known), and before its answer
 * is delivered. The middle two are inside the pipeline, so their decisions are part of the outcome the
 * memo remembers; the outer two run for every request, remembered or not.
 */
export type PolicyStage = "before-parse" | "after-match" | "after-plan" | "before-delivery";

/** The stages whose decisions are part of the pipeline's outcome (see PolicyList.deterministic). */
export const OUTCOME_STAGES: readonly PolicyStage[] = ["after-match", "after-plan"];

interface PolicyFacts<S extends PolicyStage> {
  /** Names the policy in tests and errors. */
  readonly name: string;
  readonly stage: S;
  /**
   * Whether an identical request always gets the same decision, whatever came before it (an API key
   * check: yes; a rate limit, a queue of errors, a free slot: no). Required, so a new policy must say:
   * one that says no makes outcomes uncacheable while it is engaged, if it runs inside the pipeline.
   */
  readonly deterministic: boolean;
  /**
   * Whether it may decide anything now: a queue with nothing queued does not. A policy the server's
   * options turn off altogether is left out of the list instead (see createPolicies).
   */
  engaged(): boolean;
  /** Forgets what it has counted or queued (the control API's POST /__understudy/reset); none: nothing to forget. */
  reset?(): void;
}

/** Before parse: lets a request in by its head, or refuses it (authentication). */
export interface CredentialsPolicy extends PolicyFacts<"before-parse"> {
  /** Null to let the request in. `credentials`: how the request's surface carries its key. */
  check(req: RequestHead, credentials: Credentials): ServerError | null;
}

/** After match: may answer a matched request with an error instead of its reply (queued errors). */
export interface MatchPolicy extends PolicyFacts<"after-match"> {
  /** Null to go on; otherwise the error that answers the request. */
  check(conversation: Conversation): ServerError | null;
  /** Added to the fixture label in the journal when it refuses: "#0 hello (queued error)". */
  readonly note?: string;
}

/** What an after-plan policy decided: go on (with headers for the answer), or refuse. */
export type PlanDecision = { ok: true; headers: Readonly<Record<string, string>> } | { ok: false; error: ServerError };

/** After plan: decides with the answer's size in tokens known (token rate limits). */
export interface PlanPolicy extends PolicyFacts<"after-plan"> {
  /** `client`: the API key the request presented ("" without one); `wire`: how the surface writes rate-limit headers. */
  check(
    plan: Plan,
    conversation: Conversation,
    client: string,
    wire: Pick<SurfaceWire, "rateLimitHeaders">,
  ): PlanDecision;
}

/** Before delivery: holds a planned answer until it may go out (maxConcurrency's generation slots). */
export interface DeliveryPolicy extends PolicyFacts<"before-delivery"> {
  /** Null when the answer may go now; otherwise a promise of that. Every enter() is matched by leave(). */
  enter(): Promise<void> | null;
  /** Called once the answer is complete, or refused after all (its client left while it waited). */
  leave(): void;
}

export type Policy = CredentialsPolicy | MatchPolicy | PlanPolicy | DeliveryPolicy;
