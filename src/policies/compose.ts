// One ordered list of policies, sorted once by stage so each stage's runner walks a short array of its
// own, and the cacheable verdict the pipeline reads from it.
import type { ServerError } from "../core/errors.js";
import type { Credentials, RequestHead } from "../protocols/types.js";
import {
  OUTCOME_STAGES,
  type CredentialsPolicy,
  type DeliveryPolicy,
  type MatchPolicy,
  type PlanPolicy,
  type Policy,
} from "./types.js";

/** The before-delivery policies as one: entered in list order, left in reverse. */
function composeDelivery(policies: readonly DeliveryPolicy[]): DeliveryPolicy | null {
  if (policies.length <= 1) return policies[0] ?? null;
  const enterFrom = (i: number): Promise<void> | null => {
    for (; i < policies.length; i++) {
      const waiting = policies[i].enter();
      if (waiting !== null) return waiting.then(() => enterFrom(i + 1) ?? undefined);
    }
    return null;
  };
  return {
    name: policies.map((policy) => policy.name).join(" + "),
    stage: "before-delivery",
    deterministic: policies.every((policy) => policy.deterministic),
    engaged: () => policies.some((policy) => policy.engaged()),
    enter: () => enterFrom(0),
    leave: () => {
      for (let i = policies.length - 1; i >= 0; i--) policies[i].leave();
    },
  };
}

export class PolicyList {
  /** Before parse, in list order (see checkCredentials). */
  readonly credentials: readonly CredentialsPolicy[];
  /** After match, in list order: the pipeline runs each on a matched request. */
  readonly afterMatch: readonly MatchPolicy[];
  /** After plan, in list order: the pipeline runs each on a planned answer. */
  readonly afterPlan: readonly PlanPolicy[];
  /** Every before-delivery policy as one, or null when there is none: the transport's test is one field. */
  readonly beforeDelivery: DeliveryPolicy | null;
  /** The policies whose decisions are part of the outcome and are not deterministic. */
  private readonly chancy: readonly Policy[];

  constructor(readonly all: readonly Policy[]) {
    this.credentials = all.filter((policy): policy is CredentialsPolicy => policy.stage === "before-parse");
    this.afterMatch = all.filter((policy): policy is MatchPolicy => policy.stage === "after-match");
    this.afterPlan = all.filter((policy): policy is PlanPolicy => policy.stage === "after-plan");
    this.beforeDelivery = composeDelivery(
      all.filter((policy): policy is DeliveryPolicy => policy.stage === "before-delivery"),
    );
    this.chancy = all.filter((policy) => OUTCOME_STAGES.includes(policy.stage) && policy.deterministic !== true);
  }

  /** Every policy forgets what it counted or queued (rate-limit buckets, queued errors). */
  reset(): void {
    for (const policy of this.all) policy.reset?.();
  }

  /** Null when every before-parse policy lets the request in; otherwise the first refusal. */
  checkCredentials(req: RequestHead, credentials: Credentials): ServerError | null {
    for (const policy of this.credentials) {
      const refused = policy.check(req, credentials);
      if (refused !== null) return refused;
    }
    return null;
  }

  /**
   * The policies' part of the cacheable verdict: whether a request's outcome is decided by the request
   * alone as far as the policies go, that is, no policy inside the pipeline that is not deterministic
   * is engaged now. Only a policy that says it is deterministic is taken as such (a missing field counts
   * as no), so a new one keeps outcomes from the memo unless it says otherwise. Policies before parse
   * and before delivery run for every request, remembered or not, so they do not bear on it.
   */
  deterministic(): boolean {
    const { chancy } = this;
    for (let i = 0; i < chancy.length; i++) if (chancy[i].engaged()) return false;
    return true;
  }
}
