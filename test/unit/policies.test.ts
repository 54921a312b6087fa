// The policy list and the cacheable verdict: the server's policies in their order, each with its stage
// and whether it is deterministic; a policy inside the pipeline that is not deterministic keeps outcomes
// from the memo (a new one too, by default), and one the pipeline runs decides the answer as listed.
import { describe, expect, it } from "vitest";
import { cacheable, runPipeline, type Outcome } from "../../src/pipeline.js";
import { PipelineMemo } from "../../src/pipeline-memo.js";
import {
  createPolicies,
  PolicyList,
  type DeliveryPolicy,
  type MatchPolicy,
  type Policy,
} from "../../src/policies/index.js";
import { routeNotFound } from "../../src/core/errors.js";
import { RateLimiter } from "../../src/policies/rate-limiter.js";
import { createChatSurface } from "../../src/protocols/openai/chat/index.js";
import { bearerCredentials } from "../../src/protocols/openai/credentials.js";
import type { RequestHead } from "../../src/protocols/types.js";
import { testState } from "../support/pipeline-state.js";

const surface = createChatSurface();
const HELLO = { match: { userMessage: "hello" }, response: { content: "Hi there." } };
const chat = (content = "hello") => ({ model: "gpt-4o-mini", messages: [{ role: "user", content }] });
const NOW = () => 0;
const NO_KEYS = { configured: new Set<string>(), fromFixtures: new Set<string>() };

function reply(outcome: Outcome): Extract<Outcome, { kind: "reply" }> {
  if (outcome.kind !== "reply") throw new Error(`expected a reply, got ${outcome.error.message}`);
  return outcome;
}

/** A policy after match that takes no part in the answer, as a first cut of faults might. */
function chancy(engaged = true, deterministic: boolean | undefined = false): MatchPolicy {
  return {
    name: "faults",
    stage: "after-match",
    deterministic,
    engaged: () => engaged,
    check: () => null,
  } as MatchPolicy;
}

const head = (authorization?: string): RequestHead =>
  ({
    method: "POST",
    url: "/v1/chat/completions",
    headers: authorization ? { authorization } : {},
    headersDistinct: authorization ? { authorization: [authorization] } : {},
  }) as RequestHead;

describe("the server's policies", () => {
  it("run in one order, each at its stage and saying whether it is deterministic", () => {
    const { list } = createPolicies({ keys: NO_KEYS, rateLimit: { rpm: 10 }, maxConcurrency: 2, now: NOW });
    expect(list.all.map(({ name, stage, deterministic }) => ({ name, stage, deterministic }))).toEqual([
      { name: "authentication", stage: "before-parse", deterministic: true },
      { name: "queued errors", stage: "after-match", deterministic: false },
      { name: "rate limits", stage: "after-plan", deterministic: false },
      { name: "admission", stage: "before-delivery", deterministic: false },
    ]);
  });

  it("leave out what the options turn off: no rate limits, no admission without maxConcurrency", () => {
    const { list } = createPolicies({ keys: NO_KEYS, rateLimit: {}, now: NOW });
    expect(list.all.map((policy) => policy.name)).toEqual(["authentication", "queued errors"]);
    expect(list.afterPlan).toEqual([]);
    expect(list.beforeDelivery).toBeNull();
  });

  it("check credentials before parse: none configured lets every request in, configured keys refuse others", () => {
    expect(createPolicies({ keys: NO_KEYS, now: NOW }).list.checkCredentials(head(), bearerCredentials)).toBeNull();
    const { list } = createPolicies({ keys: { configured: new Set(["sk-good"]), fromFixtures: new Set() }, now: NOW });
    expect(list.checkCredentials(head("Bearer sk-good"), bearerCredentials)).toBeNull();
    expect(list.checkCredentials(head("Bearer sk-bad-key-here"), bearerCredentials)).toMatchObject({
      kind: "unauthorized",
      status: 401,
    });
    expect(list.checkCredentials(head(), bearerCredentials)).toMatchObject({
      kind: "unauthorized",
      maskedKey: undefined,
    });
  });
});

describe("the cacheable verdict", () => {
  it("holds for a plain reply with stateless fixtures and no policy inside the pipeline engaged", () => {
    const state = testState({ fixtures: [HELLO] });
    expect(cacheable(state, surface)).toBe(true);
    expect(reply(runPipeline(state, surface, chat())).cacheable).toBe(true);
  });

  it("is no while an error is queued, and yes again once it answered", () => {
    const state = testState({ fixtures: [HELLO] });
    state.queued.push({ status: 503, message: "down" });
    expect(cacheable(state, surface)).toBe(false);
    expect(runPipeline(state, surface, chat()).kind).toBe("error");
    expect(cacheable(state, surface)).toBe(true);
  });

  it("is no with rate limits, and yes under maxConcurrency (admission runs for remembered outcomes too)", () => {
    const limited = testState({ fixtures: [HELLO], rateLimit: { rpm: 100 } });
    expect(cacheable(limited, surface)).toBe(false);
    expect(reply(runPipeline(limited, surface, chat())).cacheable).toBe(false);
    const queued = testState({ fixtures: [HELLO] });
    queued.policies = createPolicies({ keys: NO_KEYS, maxConcurrency: 1, now: NOW }).list;
    expect(cacheable(queued, surface)).toBe(true);
  });

  it("is no once a new policy inside the pipeline says it is not deterministic, or says nothing", () => {
    for (const policy of [chancy(true, false), chancy(true, undefined)]) {
      const state = testState({ fixtures: [HELLO] });
      state.policies = new PolicyList([...state.policies.all, policy]);
      expect(cacheable(state, surface), String(policy.deterministic)).toBe(false);
      expect(reply(runPipeline(state, surface, chat())).cacheable).toBe(false);
      expect(new PipelineMemo(state.fixtures, state.ids).usable(state, surface)).toBe(false);
    }
  });

  it("stays yes for a new deterministic policy, for one not engaged, and for one before delivery", () => {
    const gate: DeliveryPolicy = {
      name: "gate",
      stage: "before-delivery",
      deterministic: false,
      engaged: () => true,
      enter: () => null,
      leave: () => {},
    };
    for (const extra of [chancy(true, true), chancy(false, false), gate] satisfies Policy[]) {
      const state = testState({ fixtures: [HELLO] });
      state.policies = new PolicyList([...state.policies.all, extra]);
      expect(cacheable(state, surface), extra.name).toBe(true);
    }
  });

  it("is no for a reply that counted in a sequence, that draws tool call ids, or on a surface that is not memoizable", () => {
    const sequence = testState({
      fixtures: [{ match: { userMessage: "hello", sequenceIndex: 0 }, response: { content: "first" } }],
    });
    expect(reply(runPipeline(sequence, surface, chat())).cacheable).toBe(false);
    const tools = testState({
      fixtures: [{ match: { userMessage: "hello" }, response: { toolCalls: [{ name: "f", arguments: "{}" }] } }],
    });
    expect(reply(runPipeline(tools, surface, chat())).cacheable).toBe(false);
    const plain = testState({ fixtures: [HELLO] });
    expect(cacheable(plain, { ...surface, memoizable: false })).toBe(false);
  });
});

describe("a policy the pipeline runs", () => {
  it("after match answers with its error, noted in the fixture label, and leaves sequences where they were", () => {
    const state = testState({
      fixtures: [{ match: { userMessage: "hello", sequenceIndex: 0 }, response: { content: "first" } }],
    });
    const refuse: MatchPolicy = { ...chancy(), note: "fault", check: () => routeNotFound("POST", "/nowhere") };
    state.policies = new PolicyList([...state.policies.all, refuse]);
    const refused = runPipeline(state, surface, chat());
    expect(refused).toMatchObject({
      kind: "error",
      fixture: '#0 userMessage="hello" sequenceIndex=0 (fault)',
      error: { status: 404 },
    });
    state.policies = new PolicyList(state.policies.all.filter((policy) => policy !== refuse));
    expect(reply(runPipeline(state, surface, chat())).plan.choices[0].content).toBe("first");
  });

  it("before delivery: several are entered in list order and left in reverse", async () => {
    const log: string[] = [];
    let release = (): void => {};
    const gate = (name: string, wait: boolean): DeliveryPolicy => ({
      name,
      stage: "before-delivery",
      deterministic: false,
      engaged: () => true,
      enter: () => (log.push(`enter ${name}`), wait ? new Promise<void>((resolve) => (release = resolve)) : null),
      leave: () => void log.push(`leave ${name}`),
    });
    const list = new PolicyList([gate("a", true), gate("b", false)]);
    const entered = list.beforeDelivery?.enter();
    expect(log).toEqual(["enter a"]);
    release();
    await entered;
    list.beforeDelivery?.leave();
    expect(log).toEqual(["enter a", "enter b", "leave b", "leave a"]);
  });
});

describe("the rate limiter", () => {
  it("starts a new key's buckets full at the time of its first decision, however the clock moves meanwhile", () => {
    // A clock that moves a millisecond at every read: a bucket made after the decision's time was read
    // would be refilled by a negative time and report one request less than it has.
    let time = 1_000;
    const limiter = new RateLimiter({ rpm: 10, tpm: 1_000 }, () => time++);
    const first = limiter.take("sk-a", 100);
    expect(first.ok).toBe(true);
    expect(first.state.requests).toEqual({ limit: 10, remaining: 9, resetMs: 6_000 });
    expect(first.state.tokens).toEqual({ limit: 1_000, remaining: 900, resetMs: 6_000 });
    expect(first.state.at).toBe(1_000);
  });
});
