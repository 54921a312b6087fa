// Gemini's prompt token accounting. Its tokenizer is not published, so texts are counted with the encoding
// the plan chooses for a model it does not know (o200k_base), over a formula with no framing: Google's
// counts for a one-text prompt are the text's tokens (countTokens of "The quick brown fox jumps over the
// lazy dog." is 10 in its docs, as in o200k_base), so each text is counted as it is. Function calls and
// results count their names and JSON; declarations their name, description and schema JSON. Each
// non-text part counts as the 258 tokens Google documents for an image.
import type { EncodingName } from "../../core/tokenizer.js";
import type { TokenCounter } from "../../core/usage.js";
import type { GeminiConversation, Modality } from "./conversation.js";

/**
 * The encoding Gemini's texts are counted in where no plan chooses one (countTokens, embeddings): the
 * plan's for the names Gemini models have. Model names alone would count `text-embedding-004` as an
 * OpenAI embedding model, in cl100k_base.
 */
export const GEMINI_ENCODING: EncodingName = "o200k_base";

/** What Google's docs give for an image (up to 384 px a side, or each 768 px tile): every media part counts so. */
const MEDIA_PART_TOKENS = 258;

export function countGeminiPrompt(conversation: GeminiConversation, count: TokenCounter): number {
  let total = conversation.media.length * MEDIA_PART_TOKENS;
  for (const message of conversation.messages) {
    total += count(message.content);
    if (message.role === "tool" && message.name) total += count(message.name);
    if (message.toolCalls) for (const call of message.toolCalls) total += count(call.name) + count(call.arguments);
  }
  for (const tool of conversation.tools) {
    total += count(tool.name);
    if (tool.description) total += count(tool.description);
    if (tool.parameters !== undefined) total += count(JSON.stringify(tool.parameters));
  }
  return total;
}

export interface ModalityCount {
  modality: Modality;
  tokenCount: number;
}

/**
 * The prompt's tokens by modality, as `promptTokensDetails` lists them: the text first, then each media
 * modality in the order it first appears. With a fixture's pinned prompt count the media keep their share
 * and the text takes the rest (none, when the pin is smaller).
 */
export function promptDetails(promptTokens: number, media: readonly Modality[]): ModalityCount[] {
  if (media.length === 0) return [{ modality: "TEXT", tokenCount: promptTokens }];
  const byModality = new Map<Modality, number>();
  for (const modality of media) byModality.set(modality, (byModality.get(modality) ?? 0) + MEDIA_PART_TOKENS);
  const details: ModalityCount[] = [
    { modality: "TEXT", tokenCount: Math.max(0, promptTokens - media.length * MEDIA_PART_TOKENS) },
  ];
  for (const [modality, tokenCount] of byModality) {
    const text = modality === "TEXT" ? details[0] : undefined;
    if (text) text.tokenCount += tokenCount;
    else details.push({ modality, tokenCount });
  }
  return details;
}
