// One request through the pure stages: parse, model check, match, plan, and the policies between them
// (queued errors after match, rate limits after plan); the sequence counters advance only for a request
// that is answered. Decides whether the outcome is cacheable. The transport renders and writes it.
import type { Conversation } from "./core/conversation.js";
import { fixtureError, modelNotFound, noMatch, type ApiError, type NearMissFacts } from "./core/errors.js";
import { checkReplyFormat } from "./core/format-check.js";
import type { Clock, IdSource } from "./core/ids.js";
import { joinPlans, planReply, type Plan, type TokenCache } from "./core/plan.js";
import { isGenerationReply } from "./core/reply.js";
import { resolveTiming, type Timing, type TimingOptions } from "./core/timing.js";
import type { Fallback } from "./fixtures/fallback.js";
import type { FixtureSet, MatchHit, SequenceClaim } from "./fixtures/index.js";
import { joinClaims } from "./fixtures/sequence-counter.js";
import type { PolicyList } from "./policies/index.js";
import { isApiError, type Surface } from "./protocols/types.js";

/** The models a server serves, whichever provider a request speaks to (protocols/model-registry.ts). */
export interface ModelResolver {
  /** The model a request is served as (itself, or an alias's target), or undefined when it is not served. */
  resolve(model: string): string | undefined;
}

export interface PipelineState {
  fixtures: FixtureSet;
  models: ModelResolver;
  /** The server's policies; the pipeline runs those after match and after plan. */
  policies: PolicyList;
  ids: IdSource;
  clock: Clock;
  tokens: TokenCache;
  chunkSize: number;
  /** The server's timing: its `latency` (as the inter-token gap), then its `timing` option. */
  timing: Timing;
  /** What answers a request no fixture matches (`--fallback`); without it such a request gets 400 no_match. */
  fallback?: Fallback;
}

export type Outcome =
  | {
      kind: "error";
      error: ApiError;
      conversation?: Conversation;
      fixture: string | null;
      /** For a request no fixture matched: the closest fixtures, for the journal. */
      nearest?: readonly NearMissFacts[];
    }
  | {
      kind: "reply";
      plan: Plan;
      conversation: Conversation;
      fixture: string;
      /** Headers the policies add to the answer (the rate limits', in the surface's words). Shared: never change them. */
      headers: Readonly<Record<string, string>>;
      warnings: string[];
      /**
       * What the reply counted in sequence groups (committed already), for the transport to release if
       * the request is refused after all: its client leaves while it waits for a maxConcurrency slot.
       */
      sequences: SequenceClaim;
      /**
       * The pipeline's verdict: the request alone decided this outcome (see `cacheable`), it counted in no
       * sequence, its plan holds no ids of its own and its surface may keep its conversation, so an
       * identical request may be answered with it again.
       */
      cacheable: boolean;
    };

/**
 * Whether a fixture's error goes out inside an already-started stream (on surfaces that support it)
 * rather than as an HTTP status. A rate limit is refused before any generation starts, as the real
 * API does, so clients see a 429 with `retry-after` and their retry logic runs.
 */
export function isInStreamError(outcome: Outcome): boolean {
  return (
    outcome.kind === "error" &&
    outcome.fixture !== null &&
    outcome.error.status !== 429 &&
    outcome.conversation?.stream === true
  );
}

/** Policy headers of an answer that no policy added headers to: one object for them all. */
const NO_HEADERS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * The cacheable verdict for a surface's requests now: whether the request alone decides its outcome, so
 * a remembered outcome may answer an identical request. Yes only when the surface's parse reads nothing
 * but the body (Surface.memoizable), the fixtures keep no state (no sequences, no predicates, which are
 * user code), and no policy inside the pipeline that is not deterministic is engaged (a rate limit, a
 * queued error; see PolicyList.deterministic). The memo reads this; it names no feature itself.
 */
export function cacheable(state: PipelineState, surface: Surface): boolean {
  return surface.memoizable ? state.fixtures.stateless && state.policies.deterministic() : false;
}

/** The verdict for one reply: its request's (see `cacheable`), and nothing in the reply made for it alone. */
function replyCacheable(
  state: PipelineState,
  surface: Surface,
  conversation: Conversation,
  plan: Plan,
  claim: SequenceClaim,
): boolean {
  if (claim !== null || plan.reuse === null || !cacheable(state, surface)) return false;
  const { memoizable } = surface;
  return typeof memoizable === "function" ? memoizable(conversation) : true;
}

/** What the log should say about replies that do not fit the JSON format the request asked for. */
function formatWarnings(plan: Plan, conversation: Conversation, label: string): string[] {
  const format = conversation.params.responseFormat;
  if (format === null) return [];
  const warnings: string[] = [];
  for (const choice of plan.choices) {
    const problem = choice.content === null || choice.truncated ? null : checkReplyFormat(choice.content, format);
    if (problem) warnings.push(`${label}: ${problem}`);
  }
  return warnings;
}

/**
 * `client` names the caller for per-key rate limits (its API key, or "" without one); `requestTiming`
 * is the timing the request's own headers set, over the fixture's and the server's.
 */
export function runPipeline(
  state: PipelineState,
  surface: Surface,
  body: unknown,
  client = "",
  requestTiming?: TimingOptions,
): Outcome {
  const parsed = parseRequest(state, surface, body);
  return "kind" in parsed ? parsed : runParsed(state, surface, parsed, client, requestTiming);
}

/** The first stages: the request parsed into its conversation, with its model resolved, or the error outcome. */
export function parseRequest(state: PipelineState, surface: Surface, body: unknown): Conversation | Outcome {
  const conversation = surface.parse(body);
  if (isApiError(conversation)) return { kind: "error", error: conversation, fixture: null };
  const model = state.models.resolve(conversation.model);
  if (model === undefined)
    return {
      kind: "error",
      error: surface.describeError(modelNotFound(conversation.model)),
      conversation,
      fixture: null,
    };
  conversation.model = model;
  return conversation;
}

type Matched = { hits: MatchHit[]; claim: SequenceClaim; label: string };

/**
 * Matches every part (see Surface.split), or the error outcome: no match, the surface's refusal of the
 * answer's size, a policy after match (a queued error), or a fixture's own error. Matching advances no
 * sequence counter: the claim is committed once the answer is decided, so a queued error or a rate-limit
 * 429 leaves every sequence where it was.
 */
function matchParts(
  state: PipelineState,
  surface: Surface,
  conversation: Conversation,
  parts: Conversation[],
): Matched | Outcome {
  const hits: MatchHit[] = [];
  let claim: SequenceClaim = null;
  for (const part of parts) {
    const result = state.fixtures.match(part, isGenerationReply, claim);
    claim = joinClaims(claim, result.claim);
    if (!result.hit && state.fallback) {
      hits.push(state.fallback.hit(part, state.tokens.encodingFor(part.model)));
      continue;
    }
    if (!result.hit) {
      // A 400 no_match is the conversation's own answer, and counts: a sequence of 0 and 2 still reaches 2.
      state.fixtures.commit(claim);
      const { nearest } = result;
      return { kind: "error", error: surface.describeError(noMatch(nearest)), conversation, fixture: null, nearest };
    }
    hits.push(result.hit);
  }
  const tooLarge = surface.checkAnswer?.(parts, hits, state.tokens);
  if (tooLarge) return { kind: "error", error: tooLarge, conversation, fixture: null };
  const label = hits.length === 1 ? hits[0].label : [...new Set(hits.map((hit) => hit.label))].join(", ");
  for (const policy of state.policies.afterMatch) {
    const refused = policy.check(conversation);
    if (refused !== null) {
      const fixture = policy.note === undefined ? label : `${label} (${policy.note})`;
      return { kind: "error", error: surface.describeError(refused), conversation, fixture };
    }
  }
  const failed = hits.find((hit) => hit.reply.error);
  if (failed?.reply.error) {
    // A fixture's own error is its answer: it counts.
    state.fixtures.commit(claim);
    return {
      kind: "error",
      error: surface.describeError(fixtureError(failed.reply.error, false)),
      conversation,
      fixture: failed.label,
    };
  }
  return { hits, claim, label };
}

/** The plan of every part, joined; `requestTiming` is the timing the request's headers set. */
function planParts(
  state: PipelineState,
  surface: Surface,
  parts: Conversation[],
  hits: MatchHit[],
  requestTiming: TimingOptions | undefined,
): Plan {
  const planPart = (i: number): Plan => {
    const { reply, options } = hits[i];
    // Most answers take the server's timing as it is; only a fixture's or a request's own needs resolving.
    const own = options.latency !== undefined || options.timing !== undefined || requestTiming !== undefined;
    const timing = own
      ? resolveTiming([
          state.timing,
          options.latency === undefined ? undefined : { itl: options.latency },
          options.timing,
          requestTiming,
        ])
      : state.timing;
    return planReply(
      parts[i],
      reply,
      { ids: state.ids, wire: surface, chunkSize: options.chunkSize ?? state.chunkSize, timing },
      state.tokens,
    );
  };
  return hits.length === 1 ? planPart(0) : joinPlans(hits.map((_, i) => planPart(i)));
}

/** The stages after parse (the surface's checks, match, policies after match, plan, policies after plan), for a conversation from parseRequest. */
export function runParsed(
  state: PipelineState,
  surface: Surface,
  conversation: Conversation,
  client = "",
  requestTiming?: TimingOptions,
): Outcome {
  // Not in parse: an alias is held to the limits of the model it serves.
  const refused = surface.checkModel?.(conversation, state.tokens);
  if (refused) return { kind: "error", error: refused, conversation, fixture: null };
  // Usually one generation; a surface may split a request into several (see Surface.split).
  const parts = surface.split?.(conversation) ?? [conversation];
  const matched = matchParts(state, surface, conversation, parts);
  if ("kind" in matched) return matched;
  const { hits, claim, label } = matched;
  const plan = planParts(state, surface, parts, hits, requestTiming);
  let headers = NO_HEADERS;
  for (const policy of state.policies.afterPlan) {
    const decision = policy.check(plan, conversation, client, surface);
    if (!decision.ok)
      return { kind: "error", error: surface.describeError(decision.error), conversation, fixture: label };
    headers = headers === NO_HEADERS ? decision.headers : { ...headers, ...decision.headers };
  }
  state.fixtures.commit(claim);
  const warnings = formatWarnings(plan, conversation, label);
  return {
    kind: "reply",
    plan,
    conversation,
    fixture: label,
    headers,
    warnings,
    sequences: claim,
    cacheable: replyCacheable(state, surface, conversation, plan, claim),
  };
}
