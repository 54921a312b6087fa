// Request parameters that change a reply's text: stop sequences, the output token limit, and
// ignore_eos, each applied on token boundaries with the request's encoding.
import type { TokenCache } from "./token-cache.js";
import type { Reply } from "./reply.js";
import { splitTokens, truncateTokens, type EncodingName, type TokenizedText } from "./tokenizer.js";

export interface Segment {
  text: string | null;
  tokenized: TokenizedText;
}

/** A segment with nothing in it (the reasoning of a request whose model gives none). Shared: never change it. */
export const NO_SEGMENT: Segment = Object.freeze({
  text: null,
  tokenized: Object.freeze({ tokens: [], pieces: [], count: 0 }),
});

/** Where the earliest stop sequence starts and which it is (the first listed, of two at one place), or null. */
export function findStop(text: string, stop: readonly string[]): { at: number; sequence: string } | null {
  let found: { at: number; sequence: string } | null = null;
  for (const sequence of stop) {
    if (sequence.length === 0) continue;
    const at = text.indexOf(sequence);
    if (at !== -1 && (found === null || at < found.at)) found = { at, sequence };
  }
  return found;
}

/**
 * Spends an output token budget over the parts in the order a model produces them (reasoning, text,
 * then tool calls), cutting the part that crosses the limit on a token boundary and dropping what
 * would come after it.
 */
export function applyBudget(
  segments: Segment[],
  budget: number,
  encoding: EncodingName,
): { segments: Segment[]; truncated: boolean } {
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

// What an inference server generates past a reply when told to ignore end-of-sequence.
const FILLER = "The quick brown fox jumps over the lazy dog. ";

/** The text repeated (or a filler, for an empty text) until it is at least `limit` tokens long. */
export function extendToLimit(
  segment: Segment,
  limit: number,
  encoding: EncodingName,
  cache: TokenCache,
  owner: Reply,
): Segment {
  if (segment.tokenized.count >= limit) return segment;
  const unit = segment.text ? `${segment.text} ` : FILLER;
  const tokenized = cache.derived(owner, `ignore_eos\u0000${encoding}\u0000${limit}\u0000${unit}`, () => {
    // Token counts of joined text are not additive: a unit's trailing space merges with the next
    // unit's first word ("Short answer. " is 4 tokens alone, 3 when repeated), so grow until long
    // enough, then cut exactly.
    const perUnit = Math.max(1, splitTokens(unit, encoding).count);
    let repeats = Math.ceil(limit / perUnit) + 1;
    for (;;) {
      const repeated = splitTokens(unit.repeat(repeats), encoding);
      if (repeated.count >= limit) return repeated;
      repeats = Math.ceil((repeats * limit) / Math.max(1, repeated.count)) + 1;
    }
  });
  const cut = truncateTokens(tokenized, limit, encoding);
  return { text: cut.text, tokenized: cut.tokenized };
}
