// The plan stage: turns a matched reply into what every surface renders, the pieces to stream,
// the finish reason and exact usage, computed with the request model's encoding.
import type { Conversation } from "./conversation.js";
import type { IdSource } from "./ids.js";
import type { FinishReason, Reply } from "./reply.js";
import { encodingForModel, splitCharacters, splitTokens, type EncodingName } from "./tokenizer.js";
import { countPromptTokens, type Usage } from "./usage.js";

export interface PlannedToolCall {
  id: string;
  name: string;
  arguments: string;
  /** The argument text as streamed fragments. */
  argumentChunks: string[];
}

export interface Plan {
  model: string;
  content: string | null;
  contentChunks: string[];
  reasoning: string | null;
  reasoningChunks: string[];
  toolCalls: PlannedToolCall[];
  finishReason: FinishReason;
  usage: Usage;
  /** Milliseconds between streamed chunks. */
  latencyMs: number;
}

export interface PlanOptions {
  ids: IdSource;
  /** Characters per streamed chunk; 0 or undefined streams one token per chunk. */
  chunkSize?: number;
  latencyMs?: number;
}

interface TokenizedText {
  pieces: string[];
  count: number;
}

interface TokenizedReply {
  content: TokenizedText;
  reasoning: TokenizedText;
  toolArguments: TokenizedText[];
}

export function argumentsText(args: string | Record<string, unknown>): string {
  return typeof args === "string" ? args : JSON.stringify(args);
}

/**
 * Fixture replies are long-lived objects, so their tokenization is done once per encoding and kept
 * with the reply; a reply built per request is tokenized and dropped with it.
 */
export class ReplyTokenCache {
  private readonly cache = new WeakMap<Reply, Partial<Record<EncodingName, TokenizedReply>>>();

  get(reply: Reply, encoding: EncodingName): TokenizedReply {
    let byEncoding = this.cache.get(reply);
    if (!byEncoding) this.cache.set(reply, (byEncoding = {}));
    return (byEncoding[encoding] ??= {
      content: splitTokens(reply.content ?? "", encoding),
      reasoning: splitTokens(reply.reasoning ?? "", encoding),
      toolArguments: (reply.toolCalls ?? []).map((call) => splitTokens(argumentsText(call.arguments), encoding)),
    });
  }
}

export function planReply(conversation: Conversation, reply: Reply, options: PlanOptions, tokens: ReplyTokenCache): Plan {
  const encoding = encodingForModel(conversation.model);
  const tokenized = tokens.get(reply, encoding);
  const chunkSize = options.chunkSize && options.chunkSize > 0 ? options.chunkSize : 0;
  const chunksOf = (text: string, byToken: TokenizedText): string[] => (chunkSize ? splitCharacters(text, chunkSize) : byToken.pieces);

  const toolCalls: PlannedToolCall[] = (reply.toolCalls ?? []).map((call, i) => {
    const args = argumentsText(call.arguments);
    return {
      id: call.id ?? options.ids.next("call_", 24),
      name: call.name,
      arguments: args,
      argumentChunks: chunksOf(args, tokenized.toolArguments[i]),
    };
  });

  const content = reply.content ?? null;
  const reasoning = reply.reasoning ?? null;
  let completionTokens = tokenized.content.count + tokenized.reasoning.count;
  for (let i = 0; i < toolCalls.length; i++) completionTokens += tokenized.toolArguments[i].count;

  const override = reply.usage ?? {};
  const promptTokens = override.promptTokens ?? countPromptTokens(conversation.messages, conversation.tools, encoding);
  const completion = override.completionTokens ?? completionTokens;
  return {
    model: conversation.model,
    content,
    contentChunks: content === null ? [] : chunksOf(content, tokenized.content),
    reasoning,
    reasoningChunks: reasoning === null ? [] : chunksOf(reasoning, tokenized.reasoning),
    toolCalls,
    finishReason: reply.finishReason ?? (toolCalls.length > 0 ? "tool_calls" : "stop"),
    usage: {
      promptTokens,
      completionTokens: completion,
      reasoningTokens: override.reasoningTokens ?? tokenized.reasoning.count,
      totalTokens: promptTokens + completion,
    },
    latencyMs: options.latencyMs ?? 0,
  };
}
