// The plan's cache key (src/core/plan-key.ts): planReply is watched as it plans a range of replies, and
// every request parameter or plan option it reads must be one the key declares, so a parameter added to
// the plan without its place in the key fails here instead of sharing renderings it should not.
import { describe, expect, it } from "vitest";
import { DEFAULT_PARAMS, type Conversation, type GenerationParams } from "../../src/core/conversation.js";
import { createIdSource } from "../../src/core/ids.js";
import { PLAN_PARAMS, PLAN_READS, planKey } from "../../src/core/plan-key.js";
import { planReply, TokenCache, type PlanOptions } from "../../src/core/plan.js";
import type { Reply } from "../../src/core/reply.js";
import { NO_DELAY } from "../../src/core/timing.js";

const MODEL = "gpt-4o-mini";

/** The object, with every string-named property read from it added to `reads`. */
function watched<T extends object>(target: T, reads: Set<string>): T {
  return new Proxy(target, {
    get(object, key, receiver) {
      if (typeof key === "string") reads.add(key);
      return Reflect.get(object, key, receiver);
    },
  });
}

interface Reads {
  conversation: Set<string>;
  params: Set<string>;
  options: Set<string>;
}

/** A surface's plan wire as a test gives it: call_ ids and a flat prompt count. */
const WIRE = { toolCallIds: { prefix: "call_", length: 24 }, promptTokens: () => 7 };

function planWatched(reads: Reads, reply: Reply, params: Partial<GenerationParams>, chunkSize?: number) {
  const conversation: Conversation = watched(
    {
      api: "chat.completions",
      model: MODEL,
      messages: [{ role: "user", content: "hi" }],
      tools: [],
      stream: false,
      params: watched({ ...DEFAULT_PARAMS, ...params }, reads.params),
      body: {},
    },
    reads.conversation,
  );
  // Built loosely: the options a surface hands the plan, whatever this checkout's PlanOptions requires.
  const options = watched(
    { ids: createIdSource(3), wire: WIRE, chunkSize, timing: NO_DELAY } as unknown as PlanOptions,
    reads.options,
  );
  return planReply(conversation, reply, options, new TokenCache());
}

/** Replies and parameters that take every branch of the plan: stop, limits, ignore_eos, logprobs, n, tools. */
const CASES: [Reply, Partial<GenerationParams>, number?][] = [
  [{ content: "Hello there, friend." }, {}],
  [{ content: "Hello there. STOP now." }, { stop: ["STOP"] }],
  [{ content: "A reply long enough to be cut at its output limit." }, { maxOutputTokens: 3 }],
  [{ content: "Short." }, { maxOutputTokens: 12, ignoreEos: true }],
  [{ content: "With log probabilities." }, { topLogprobs: 2 }],
  [{ content: "one", choices: [{ content: "two" }, { reasoning: "thinking", content: "three" }] }, { n: 3 }],
  [{ toolCalls: [{ id: "call_fixed", name: "lookup", arguments: { q: "x" } }] }, { maxOutputTokens: 2 }],
  [{ toolCalls: [{ name: "lookup", arguments: "{}" }], reasoning: "first" }, {}],
  [{ content: "Chunked by characters.", usage: { promptTokens: 3 }, responseId: "fixed" }, {}, 5],
];

describe("the plan's cache key", () => {
  const reads: Reads = { conversation: new Set(), params: new Set(), options: new Set() };
  for (const [reply, params, chunkSize] of CASES) planWatched(reads, reply, params, chunkSize);

  it("declares every request parameter planReply reads", () => {
    const declared = new Set<string>(PLAN_PARAMS);
    for (const name of reads.params) {
      expect(
        declared.has(name),
        `planReply reads params.${name}, which PLAN_PARAMS (src/core/plan-key.ts) does not list`,
      ).toBe(true);
    }
    // And lists none it does not read.
    expect([...declared].filter((name) => !reads.params.has(name))).toEqual([]);
  });

  it("declares every conversation field and plan option planReply reads, and how the key covers it", () => {
    const fields = new Set<string>([...PLAN_READS.conversation, ...PLAN_READS.countedInPrompt]);
    for (const name of reads.conversation) {
      expect(
        fields.has(name),
        `planReply reads conversation.${name}, which PLAN_READS (src/core/plan-key.ts) does not place`,
      ).toBe(true);
    }
    const options = new Set<string>([...PLAN_READS.options, ...PLAN_READS.unkeyedOptions]);
    for (const name of reads.options) {
      expect(
        options.has(name),
        `planReply reads options.${name}, which PLAN_READS (src/core/plan-key.ts) does not place`,
      ).toBe(true);
    }
  });

  it("is the key of a reusable plan, and a plan that draws tool call ids has none", () => {
    const plan = planWatched(
      { conversation: new Set(), params: new Set(), options: new Set() },
      { content: "Hi." },
      { n: 2 },
      4,
    );
    expect(plan.reuse?.key).toBe(planKey({ ...DEFAULT_PARAMS, n: 2 }, 7, 4, MODEL));
    const drawn = planWatched(
      { conversation: new Set(), params: new Set(), options: new Set() },
      { toolCalls: [{ name: "f", arguments: "{}" }] },
      {},
    );
    expect(drawn.reuse).toBeNull();
  });

  it("changes with each declared parameter, and not with parameters the plan does not read", () => {
    const base = planKey(DEFAULT_PARAMS, 10, 0, MODEL);
    const changed: Record<(typeof PLAN_PARAMS)[number], Partial<GenerationParams>> = {
      maxOutputTokens: { maxOutputTokens: 5 },
      n: { n: 2 },
      stop: { stop: ["x"] },
      ignoreEos: { ignoreEos: true },
      topLogprobs: { topLogprobs: 0 },
      omitReasoning: { omitReasoning: true },
    };
    for (const name of PLAN_PARAMS)
      expect(planKey({ ...DEFAULT_PARAMS, ...changed[name] }, 10, 0, MODEL), name).not.toBe(base);
    expect(planKey(DEFAULT_PARAMS, 11, 0, MODEL)).not.toBe(base);
    expect(planKey(DEFAULT_PARAMS, 10, 3, MODEL)).not.toBe(base);
    expect(planKey(DEFAULT_PARAMS, 10, 0, "gpt-4o")).not.toBe(base);
    expect(
      planKey({ ...DEFAULT_PARAMS, includeUsage: true, responseFormat: { type: "json_object" } }, 10, 0, MODEL),
    ).toBe(base);
  });

  it("tells apart requests whose parts would join into the same text", () => {
    const key = (stop: string[], model = MODEL) => planKey({ ...DEFAULT_PARAMS, stop }, 10, 0, model);
    expect(key(["a\u0001b"])).not.toBe(key(["a", "b"]));
    expect(key(["a,b"])).not.toBe(key(["a", "b"]));
    expect(key([])).not.toBe(key([""]));
    expect(planKey({ ...DEFAULT_PARAMS, n: 1 }, 10, 0, "m\u00002")).not.toBe(
      planKey({ ...DEFAULT_PARAMS, n: 2 }, 10, 0, "m"),
    );
  });
});
