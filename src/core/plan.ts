// The plan stage: turns a matched reply into what every surface renders, the pieces to stream,
// the finish reason and exact usage, computed with the request model's encoding.
import type { Conversation } from "./conversation.js";
import type { IdSource } from "./ids.js";
import type { FinishReason, Reply } from "./reply.js";
import { countTokens, encodingForModel, splitCharacters, splitTokens, truncateTokens, type EncodingName, type TokenizedText } from "./tokenizer.js";
import { countPromptTokens, type TokenCounter, type Usage } from "./usage.js";

export interface PlannedToolCall {
  id: string;
  name: string;
  arguments: string;
  /** The argument text as streamed fragments. */
  argumentChunks: string[];
}

export interface Plan {
  model: string;
  /** A fixed suffix for the response id, or null for a fresh random one. */
  responseId: string | null;
  content: string | null;
  contentChunks: string[];
  reasoning: string | null;
  reasoningChunks: string[];
  toolCalls: PlannedToolCall[];
  finishReason: FinishReason;
  /** The reply was cut at the request's output token limit. */
  truncated: boolean;
  usage: Usage;
  /** Milliseconds between streamed chunks. */
  latencyMs: number;
  /**
   * The fixture reply this plan came from and a key for everything else the rendered bytes depend
   * on, so a surface can reuse what it rendered for an identical plan; null when the plan holds
   * ids generated for this request alone.
   */
  reuse: { reply: Reply; key: string } | null;
}

export interface PlanOptions {
  ids: IdSource;
  /** Characters per streamed chunk; 0 or undefined streams one token per chunk. */
  chunkSize?: number;
  latencyMs?: number;
}

interface TokenizedReply {
  content: TokenizedText;
  reasoning: TokenizedText;
  toolArguments: TokenizedText[];
}

export function argumentsText(args: string | Record<string, unknown>): string {
  return typeof args === "string" ? args : JSON.stringify(args);
}

// Clients resend the same system prompt and history every turn, and load tests the same prompts
// thousands of times, so text counts are remembered; the memo is cleared whenever it fills.
const COUNT_MEMO_LIMIT = 20_000;
const COUNT_MEMO_MAX_TEXT = 64 * 1024;

/**
 * A server's tokenization work, done once: fixture replies (long-lived objects, tokenized once per
 * encoding and kept with the reply) and the token counts of prompt texts.
 */
export class TokenCache {
  private readonly replies = new WeakMap<Reply, Partial<Record<EncodingName, TokenizedReply>>>();
  private readonly counters = {} as Record<EncodingName, TokenCounter>;

  counter(encoding: EncodingName): TokenCounter {
    const existing = this.counters[encoding];
    if (existing) return existing;
    const memo = new Map<string, number>();
    return (this.counters[encoding] = (text) => {
      let count = memo.get(text);
      if (count === undefined) {
        count = countTokens(text, encoding);
        if (text.length <= COUNT_MEMO_MAX_TEXT) {
          if (memo.size >= COUNT_MEMO_LIMIT) memo.clear();
          memo.set(text, count);
        }
      }
      return count;
    });
  }

  reply(reply: Reply, encoding: EncodingName): TokenizedReply {
    const cache = this.replies;
    let byEncoding = cache.get(reply);
    if (!byEncoding) cache.set(reply, (byEncoding = {}));
    return (byEncoding[encoding] ??= {
      content: splitTokens(reply.content ?? "", encoding),
      reasoning: splitTokens(reply.reasoning ?? "", encoding),
      toolArguments: (reply.toolCalls ?? []).map((call) => splitTokens(argumentsText(call.arguments), encoding)),
    });
  }
}

interface Segment {
  text: string | null;
  tokenized: TokenizedText;
}

/**
 * Spends an output token budget over the reply's parts in the order a model produces them
 * (reasoning, text, then tool calls), cutting the part that crosses the limit on a token boundary
 * and dropping what would come after it.
 */
function applyBudget(segments: Segment[], budget: number, encoding: EncodingName): { segments: Segment[]; truncated: boolean } {
  let left = budget;
  let truncated = false;
  const kept = segments.map((segment) => {
    if (segment.text === null) return segment;
    if (segment.tokenized.count <= left) {
      left -= segment.tokenized.count;
      return segment;
    }
    truncated = true;
    const cut = truncateTokens(segment.tokenized, left, encoding);
    left = 0;
    return { text: cut.text, tokenized: cut.tokenized };
  });
  return { segments: kept, truncated };
}

export function planReply(conversation: Conversation, reply: Reply, options: PlanOptions, tokens: TokenCache): Plan {
  const encoding = encodingForModel(conversation.model);
  const tokenized = tokens.reply(reply, encoding);
  const calls = reply.toolCalls ?? [];
  let segments: Segment[] = [
    { text: reply.reasoning ?? null, tokenized: tokenized.reasoning },
    { text: reply.content ?? null, tokenized: tokenized.content },
    ...calls.map((call, i) => ({ text: argumentsText(call.arguments), tokenized: tokenized.toolArguments[i] })),
  ];
  let truncated = false;
  const limit = conversation.params.maxOutputTokens;
  if (limit !== undefined) ({ segments, truncated } = applyBudget(segments, limit, encoding));
  const [reasoning, content, ...args] = segments;

  const chunkSize = options.chunkSize && options.chunkSize > 0 ? options.chunkSize : 0;
  const chunksOf = (segment: Segment): string[] =>
    segment.text === null ? [] : chunkSize ? splitCharacters(segment.text, chunkSize) : segment.tokenized.pieces;

  // A call whose arguments were cut away entirely is not made at all.
  const toolCalls: PlannedToolCall[] = [];
  calls.forEach((call, i) => {
    if (truncated && args[i].tokenized.count === 0) return;
    toolCalls.push({ id: call.id ?? options.ids.next("call_", 24), name: call.name, arguments: args[i].text ?? "", argumentChunks: chunksOf(args[i]) });
  });

  const completionTokens = segments.reduce((sum, segment) => sum + segment.tokenized.count, 0);
  const override = reply.usage ?? {};
  const promptTokens = override.promptTokens ?? countPromptTokens(conversation.messages, conversation.tools, tokens.counter(encoding));
  const completion = override.completionTokens ?? completionTokens;
  return {
    model: conversation.model,
    responseId: reply.responseId ?? null,
    content: content.text,
    contentChunks: chunksOf(content),
    reasoning: reasoning.text,
    reasoningChunks: chunksOf(reasoning),
    toolCalls,
    finishReason: truncated ? "length" : reply.finishReason ?? (toolCalls.length > 0 ? "tool_calls" : "stop"),
    truncated,
    usage: {
      promptTokens,
      completionTokens: completion,
      reasoningTokens: override.reasoningTokens ?? reasoning.tokenized.count,
      totalTokens: promptTokens + completion,
    },
    latencyMs: options.latencyMs ?? 0,
    reuse: calls.some((call) => call.id === undefined) ? null : { reply, key: `${conversation.model}\u0000${promptTokens}\u0000${limit}\u0000${chunkSize}` },
  };
}
