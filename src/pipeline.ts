// One request through the pure stages: parse, model check, match, plan, rate limit; the sequence
// counters advance only for a request that is answered. The transport renders and writes the outcome.
import type { Conversation } from "./core/conversation.js";
import { fixtureError, modelNotFound, noMatch, rateLimited, type ApiError, type RateLimited } from "./core/errors.js";
import { checkReplyFormat } from "./core/format-check.js";
import type { Clock, IdSource } from "./core/ids.js";
import { joinPlans, planReply, type Plan, type TokenCache } from "./core/plan.js";
import { isGenerationReply, type ReplyError } from "./core/reply.js";
import { resolveTiming, type Timing, type TimingOptions } from "./core/timing.js";
import type { Fallback } from "./fixtures/fallback.js";
import type { FixtureSet, MatchHit, SequenceClaim } from "./fixtures/index.js";
import { joinClaims } from "./fixtures/sequence-counter.js";
import type { ModelRegistry } from "./protocols/openai/models.js";
import { generationCeilingError } from "./protocols/openai/validate/generation-ceiling.js";
import { outputLimitError } from "./protocols/openai/validate/output-limits.js";
import { isApiError, type Surface } from "./protocols/types.js";
import type { RateLimiter, RateRefusal } from "./transport/rate-limit.js";

export interface PipelineState {
  fixtures: FixtureSet;
  models: ModelRegistry;
  limiter: RateLimiter;
  /** Errors queued from code (`nextError`): each answers the next request a fixture matches. */
  queuedErrors: ReplyError[];
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
  | { kind: "error"; error: ApiError; conversation?: Conversation; fixture: string | null }
  | {
      kind: "reply";
      plan: Plan;
      conversation: Conversation;
      fixture: string;
      headers: Record<string, string>;
      warnings: string[];
      /**
       * What the reply counted in sequence groups (committed already), for the transport to release if
       * the request is refused after all: its client leaves while it waits for a maxConcurrency slot.
       */
      sequences: SequenceClaim;
    };

/**
 * Whether a fixture's error goes out inside an already-started stream (on surfaces that support it)
 * rather than as an HTTP status. A rate limit is refused before any generation starts, as the real
 * API does, so clients see a 429 with `retry-after` and their retry logic runs.
 */
export function isInStreamError(outcome: Outcome): boolean {
  return outcome.kind === "error" && outcome.fixture !== null && outcome.error.status !== 429 && outcome.conversation?.stream === true;
}

/** A limiter's refusal as the catalogue's rate_limited: `tokens` is what the request would have used. */
function refusal(model: string, decision: RateRefusal, tokens: number): RateLimited {
  return rateLimited({
    model,
    limit: decision.kind,
    capacity: decision.limit,
    used: decision.used,
    requested: decision.kind === "requests" ? 1 : tokens,
    retryAfterMs: decision.retryAfterMs,
    limiterHeaders: decision.headers,
  });
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
export function runPipeline(state: PipelineState, surface: Surface, body: unknown, client = "", requestTiming?: TimingOptions): Outcome {
  const parsed = parseRequest(state, surface, body);
  return "kind" in parsed ? parsed : runParsed(state, surface, parsed, client, requestTiming);
}

/** The first stages: the request parsed into its conversation, with its model resolved, or the error outcome. */
export function parseRequest(state: PipelineState, surface: Surface, body: unknown): Conversation | Outcome {
  const conversation = surface.parse(body);
  if (isApiError(conversation)) return { kind: "error", error: conversation, fixture: null };
  const model = state.models.resolve(conversation.model);
  if (model === undefined) return { kind: "error", error: surface.describeError(modelNotFound(conversation.model)), conversation, fixture: null };
  conversation.model = model;
  return conversation;
}

/** The stages after parse (match, plan, rate limit), for a conversation from parseRequest. */
export function runParsed(state: PipelineState, surface: Surface, conversation: Conversation, client = "", requestTiming?: TimingOptions): Outcome {
  // Not in parse: an alias is held to the output limit of the model it serves.
  const overLimit = outputLimitError(conversation, state.tokens);
  if (overLimit) return { kind: "error", error: overLimit, conversation, fixture: null };
  // Usually one generation; a surface may split a request into several (see Surface.split).
  const parts = surface.split?.(conversation) ?? [conversation];
  const hits: MatchHit[] = [];
  // Matching advances no sequence counter: the claim is committed once the answer is decided, so a
  // queued error or a rate-limit 429 leaves every sequence where it was.
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
      return { kind: "error", error: surface.describeError(noMatch(result.nearest)), conversation, fixture: null };
    }
    hits.push(result.hit);
  }
  const tooLarge = generationCeilingError(parts, hits, state.tokens);
  if (tooLarge) return { kind: "error", error: tooLarge, conversation, fixture: null };
  const label = hits.length === 1 ? hits[0].label : [...new Set(hits.map((hit) => hit.label))].join(", ");
  const queued = state.queuedErrors.shift();
  if (queued) return { kind: "error", error: surface.describeError(fixtureError(queued, true)), conversation, fixture: `${label} (queued error)` };
  const failed = hits.find((hit) => hit.reply.error);
  if (failed?.reply.error) {
    // A fixture's own error is its answer: it counts.
    state.fixtures.commit(claim);
    return { kind: "error", error: surface.describeError(fixtureError(failed.reply.error, false)), conversation, fixture: failed.label };
  }
  const planPart = (i: number): Plan => {
    const { reply, options } = hits[i];
    // Most answers take the server's timing as it is; only a fixture's or a request's own needs resolving.
    const own = options.latency !== undefined || options.timing !== undefined || requestTiming !== undefined;
    const timing = own ? resolveTiming([state.timing, options.latency === undefined ? undefined : { itl: options.latency }, options.timing, requestTiming]) : state.timing;
    return planReply(parts[i], reply, { ids: state.ids, chunkSize: options.chunkSize ?? state.chunkSize, timing }, state.tokens);
  };
  const plan = hits.length === 1 ? planPart(0) : joinPlans(hits.map((_, i) => planPart(i)));
  let headers: Record<string, string> = {};
  if (state.limiter.enabled) {
    const decision = state.limiter.take(client, plan.usage.totalTokens);
    if (!decision.ok) return { kind: "error", error: surface.describeError(refusal(conversation.model, decision, plan.usage.totalTokens)), conversation, fixture: label };
    headers = decision.headers;
  }
  state.fixtures.commit(claim);
  return { kind: "reply", plan, conversation, fixture: label, headers, warnings: formatWarnings(plan, conversation, label), sequences: claim };
}
