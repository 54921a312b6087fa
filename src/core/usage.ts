// Token accounting as the core sees it: an answer's usage, and the interface a surface's prompt formula
// meets (each provider frames messages its own way; OpenAI's is in protocols/openai/prompt-tokens).
import type { Conversation } from "./conversation.js";

/** Counts the tokens of a text in the request's encoding. */
export type TokenCounter = (text: string) => number;

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  totalTokens: number;
}

/**
 * How a surface's provider counts a conversation's prompt: its texts through `count`, plus whatever
 * framing the provider adds. A method, so a surface typed on its own conversation still is a Surface.
 * It asks `count` for every text it counts, and nothing else: TokenCache.prepare runs it with a counter
 * that collects the texts, to count them ahead in slices.
 */
export interface PromptFormula<C extends Conversation = Conversation> {
  promptTokens(conversation: C, count: TokenCounter): number;
}
