// Deterministic log probabilities for a reply's tokens: real token strings and bytes, made-up but
// stable numbers (the same token at the same position always gets the same value).
import { describeToken, type EncodingName } from "./tokenizer.js";

export interface TopLogprob {
  token: string;
  logprob: number;
  bytes: number[];
}

export interface TokenLogprob extends TopLogprob {
  top_logprobs: TopLogprob[];
}

/** A 32-bit mix of two integers (a small, well-spread hash). */
function mix(a: number, b: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x632be5ab, 0xc2b2ae35);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h >>> 0;
}

const round = (value: number): number => Math.round(value * 1e6) / 1e6;

/** Most chosen tokens are near-certain, as in real replies: logprob = -(u^3)·4 for u uniform in [0, 1). */
function chosenLogprob(token: number, position: number): number {
  const u = mix(token, position) / 2 ** 32;
  return round(-(u ** 3) * 4);
}

function entry(token: number, encoding: EncodingName, logprob: number): TopLogprob {
  const { text, bytes } = describeToken(token, encoding);
  return { token: text, logprob, bytes };
}

export function tokenLogprobs(
  tokens: readonly number[],
  encoding: EncodingName,
  top: number,
  firstPosition = 0,
): TokenLogprob[] {
  return tokens.map((token, i) => {
    const position = firstPosition + i;
    const chosen = entry(token, encoding, chosenLogprob(token, position));
    const alternatives: TopLogprob[] = [chosen];
    for (let k = 1; k < top; k++) {
      // Neighbouring token ids stand in for the alternatives, each less likely than the last.
      const alternative = (token + (mix(position, k) % 997) + 1) % 100_000;
      const gap = 1 + k * 1.5 + (mix(token, k) % 1000) / 1000;
      alternatives.push(entry(alternative, encoding, round(chosen.logprob - gap)));
    }
    return { ...chosen, top_logprobs: top > 0 ? alternatives : [] };
  });
}
