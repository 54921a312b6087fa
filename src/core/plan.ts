// The plan stage: turns a matched reply into what every surface renders: the choices with their
// text, streamed pieces, tool calls, finish reasons and log probabilities, and exact usage, all
// computed with the request model's encoding and shaped by the request's parameters.
import type { Conversation } from "./conversation.js";
import type { IdSource } from "./ids.js";
import { tokenLogprobs, type TokenLogprob } from "./logprobs.js";
import { planKey } from "./plan-key.js";
import type { FinishReason, Reply, ReplyChoice } from "./reply.js";
import { applyBudget, extendToLimit, findStop, NO_SEGMENT, type Segment } from "./shape.js";
import { argumentsText, type TokenCache } from "./token-cache.js";
import { splitCharacters, splitTokens, tokenPieces, type EncodingName } from "./tokenizer.js";
import { NO_DELAY, type Timing } from "./timing.js";
import type { PromptFormula, Usage } from "./usage.js";

export { TokenCache, argumentsText } from "./token-cache.js";

export interface PlannedToolCall {
  id: string;
  name: string;
  arguments: string;
  /** The argument text as streamed fragments. */
  argumentChunks: string[];
}

export interface PlannedChoice {
  index: number;
  content: string | null;
  contentChunks: string[];
  /** With logprobs: the entries of each content chunk, aligned with contentChunks. */
  contentLogprobs: TokenLogprob[][] | null;
  reasoning: string | null;
  reasoningChunks: string[];
  toolCalls: PlannedToolCall[];
  finishReason: FinishReason;
  /**
   * The request's stop sequence that ended the content (Anthropic reports it as `stop_sequence`), or null
   * when none did (none occurs, or the output token limit cut the reply before it).
   */
  stopSequence: string | null;
  /** The reply was cut at the request's output token limit. */
  truncated: boolean;
  completionTokens: number;
  reasoningTokens: number;
}

export interface Plan {
  model: string;
  /** A fixed suffix for the response id, or null for a fresh random one. */
  responseId: string | null;
  choices: PlannedChoice[];
  /** Usage for the whole answer: the prompt once, the completion tokens of every choice. */
  usage: Usage;
  /** When the answer's tokens are due (NO_DELAY: all at once). */
  timing: Timing;
  /**
   * The fixture reply this plan came from and a key for everything else the rendered bytes depend
   * on, so a surface can reuse what it rendered for an identical plan; null when the plan holds
   * ids generated for this request alone.
   */
  reuse: { reply: Reply; key: string } | null;
}

/** An id a surface's answers carry: a prefix and that many random characters after it (alphanumeric unless said). */
export interface IdFormat {
  readonly prefix: string;
  readonly length: number;
  readonly alphabet?: "alphanumeric" | "hex";
}

/**
 * What the plan takes from the surface a request came in on (a Surface is one): the provider's tool call
 * ids (OpenAI `call_` and 24 characters, Anthropic `toolu_`) and its prompt formula.
 */
export interface PlanWire<C extends Conversation = Conversation> extends PromptFormula<C> {
  /** The ids of tool calls whose fixture gives none, drawn for every answer. */
  readonly toolCallIds: IdFormat;
}

export interface PlanOptions {
  ids: IdSource;
  /** The surface's ids and prompt formula. */
  wire: PlanWire;
  /** Characters per streamed chunk; 0 or undefined streams one token per chunk. */
  chunkSize?: number;
  timing?: Timing;
}

interface ChoiceContext {
  conversation: Conversation;
  reply: Reply;
  encoding: EncodingName;
  chunkSize: number;
  options: PlanOptions;
  tokens: TokenCache;
}

/** The content segment after stop sequences and ignore_eos; the stop sequence that cut it, if one did. */
function shapeContent(
  choice: ReplyChoice,
  base: Segment,
  context: ChoiceContext,
): { segment: Segment; stopped: boolean; stopSequence: string | null } {
  const { conversation, encoding, tokens, reply } = context;
  const { stop, ignoreEos, maxOutputTokens } = conversation.params;
  let segment = base;
  let stopSequence: string | null = null;
  if (segment.text !== null && stop.length > 0) {
    const found = findStop(segment.text, stop);
    if (found !== null) {
      const cut = segment.text.slice(0, found.at);
      stopSequence = found.sequence;
      segment = {
        text: cut,
        tokenized: tokens.derived(reply, `stop\u0000${encoding}\u0000${cut}`, () => splitTokens(cut, encoding)),
      };
    }
  }
  const stopped = stopSequence !== null;
  if (ignoreEos && !stopped && maxOutputTokens !== undefined && !choice.toolCalls?.length) {
    segment = extendToLimit(
      { text: segment.text ?? "", tokenized: segment.tokenized },
      maxOutputTokens,
      encoding,
      tokens,
      reply,
    );
  }
  return { segment, stopped, stopSequence };
}

/** The content's chunks, and with log probabilities, one chunk per token (whatever the chunk size) with its entries. */
function contentWithLogprobs(
  text: Segment,
  chunks: string[],
  top: number | null,
  encoding: EncodingName,
): { contentChunks: string[]; contentLogprobs: TokenLogprob[][] | null } {
  if (top === null || text.text === null) return { contentChunks: chunks, contentLogprobs: null };
  const entries = tokenLogprobs(text.tokenized.tokens, encoding, top);
  const pieces = tokenPieces(text.tokenized.tokens, encoding);
  let at = 0;
  return {
    contentChunks: pieces.map((piece) => piece.text),
    contentLogprobs: pieces.map((piece) => entries.slice(at, (at += piece.count))),
  };
}

function planChoice(choice: ReplyChoice, index: number, context: ChoiceContext): PlannedChoice {
  const { conversation, encoding, chunkSize, options, tokens } = context;
  const tokenized = tokens.choice(choice, encoding);
  const calls = choice.toolCalls ?? [];
  const content = shapeContent(choice, { text: choice.content ?? null, tokenized: tokenized.content }, context);
  let segments: Segment[] = [
    // A request whose model gives no reasoning plans none (GenerationParams.omitReasoning).
    conversation.params.omitReasoning ? NO_SEGMENT : { text: choice.reasoning ?? null, tokenized: tokenized.reasoning },
    content.segment,
    ...calls.map((call, i) => ({ text: argumentsText(call.arguments), tokenized: tokenized.toolArguments[i] })),
  ];
  let truncated = false;
  const limit = conversation.params.maxOutputTokens;
  if (limit !== undefined) ({ segments, truncated } = applyBudget(segments, limit, encoding));
  const [reasoning, text, ...args] = segments;

  const chunksOf = (segment: Segment): string[] =>
    segment.text === null ? [] : chunkSize ? splitCharacters(segment.text, chunkSize) : segment.tokenized.pieces;

  // A call whose arguments were cut away entirely is not made at all.
  const toolCalls: PlannedToolCall[] = [];
  const { toolCallIds } = options.wire;
  calls.forEach((call, i) => {
    if (truncated && args[i].tokenized.count === 0) return;
    toolCalls.push({
      id: call.id ?? options.ids.next(toolCallIds.prefix, toolCallIds.length, toolCallIds.alphabet),
      name: call.name,
      arguments: args[i].text ?? "",
      argumentChunks: chunksOf(args[i]),
    });
  });

  const { contentChunks, contentLogprobs } = contentWithLogprobs(
    text,
    chunksOf(text),
    conversation.params.topLogprobs,
    encoding,
  );
  const reasoningTokens = reasoning.tokenized.count;
  return {
    index,
    content: text.text,
    contentChunks,
    contentLogprobs,
    reasoning: reasoning.text,
    reasoningChunks: chunksOf(reasoning),
    toolCalls,
    finishReason:
      truncated || (conversation.params.ignoreEos && limit !== undefined && !content.stopped && !calls.length)
        ? "length"
        : content.stopped
          ? "stop"
          : (choice.finishReason ?? (toolCalls.length > 0 ? "tool_calls" : "stop")),
    stopSequence: truncated ? null : content.stopSequence,
    truncated,
    completionTokens: segments.reduce((sum, segment) => sum + segment.tokenized.count, 0),
    reasoningTokens,
  };
}

/**
 * Choice i answers with the reply's i-th alternative (cycling), completed from the reply; the reply
 * itself when it has none. Kept in the token cache, which is keyed by object.
 */
function choiceAt(reply: Reply, i: number, tokens: TokenCache): ReplyChoice {
  const alternatives = reply.choices;
  if (!alternatives?.length) return reply;
  const slot = i % alternatives.length;
  return tokens.variant(reply, slot, () => ({
    content: alternatives[slot].content ?? reply.content,
    toolCalls: alternatives[slot].toolCalls ?? reply.toolCalls,
    reasoning: alternatives[slot].reasoning ?? reply.reasoning,
    finishReason: alternatives[slot].finishReason ?? reply.finishReason,
  }));
}

export function planReply(conversation: Conversation, reply: Reply, options: PlanOptions, tokens: TokenCache): Plan {
  const encoding = tokens.encodingFor(conversation.model);
  const chunkSize = options.chunkSize && options.chunkSize > 0 ? options.chunkSize : 0;
  const context: ChoiceContext = { conversation, reply, encoding, chunkSize, options, tokens };
  const { n } = conversation.params;
  // Alternatives are derived objects; keep the reply itself (a long-lived object) as choice 0's key.
  const choices: PlannedChoice[] = [];
  for (let i = 0; i < Math.max(1, n); i++) choices.push(planChoice(choiceAt(reply, i, tokens), i, context));

  const override = reply.usage ?? {};
  const promptTokens = override.promptTokens ?? options.wire.promptTokens(conversation, tokens.counter(encoding));
  const completion = override.completionTokens ?? choices.reduce((sum, choice) => sum + choice.completionTokens, 0);
  const reasoningTokens = override.reasoningTokens ?? choices.reduce((sum, choice) => sum + choice.reasoningTokens, 0);
  const params = conversation.params;
  return {
    model: conversation.model,
    responseId: reply.responseId ?? null,
    choices,
    usage: { promptTokens, completionTokens: completion, reasoningTokens, totalTokens: promptTokens + completion },
    timing: options.timing ?? NO_DELAY,
    reuse: tokens.makesIds(reply) ? null : { reply, key: planKey(params, promptTokens, chunkSize, conversation.model) },
  };
}

/**
 * The plans of one request's independent generations (legacy Completions' list of prompts) as one:
 * choices in order, renumbered across the plans (prompt p's choice c is p·n + c), usage summed.
 */
export function joinPlans(plans: readonly Plan[]): Plan {
  if (plans.length === 1) return plans[0];
  let offset = 0;
  const choices = plans.flatMap((plan) => {
    const renumbered = plan.choices.map((choice) => ({ ...choice, index: offset + choice.index }));
    offset += plan.choices.length;
    return renumbered;
  });
  const sum = (field: keyof Usage): number => plans.reduce((total, plan) => total + plan.usage[field], 0);
  // Renderings can be reused only when every part is one reuse-keyed reply (the cache is keyed by reply).
  const [first] = plans;
  const reusable = plans.every((plan) => plan.reuse !== null && plan.reuse.reply === first.reuse?.reply);
  return {
    model: first.model,
    responseId: first.responseId,
    choices,
    usage: {
      promptTokens: sum("promptTokens"),
      completionTokens: sum("completionTokens"),
      reasoningTokens: sum("reasoningTokens"),
      totalTokens: sum("totalTokens"),
    },
    timing: first.timing,
    reuse:
      reusable && first.reuse
        ? { reply: first.reuse.reply, key: plans.map((plan) => plan.reuse?.key).join("\u0002") }
        : null,
  };
}

/**
 * How many generation steps the answer takes: one per streamed token chunk, the n choices generated
 * side by side (so the longest sets the count). A non-streaming answer takes as long as its stream.
 */
export function generationSteps(plan: Plan): number {
  let steps = 0;
  for (const choice of plan.choices) {
    let own = choice.reasoningChunks.length + choice.contentChunks.length;
    for (const call of choice.toolCalls) own += call.argumentChunks.length;
    if (own > steps) steps = own;
  }
  return steps;
}
