// Exact token counts and token-by-token splitting with the model's real encoding (gpt-tokenizer,
// which ships its ranks in the package, so nothing is downloaded at run time).
import * as cl100k from "gpt-tokenizer/encoding/cl100k_base";
import * as o200k from "gpt-tokenizer/encoding/o200k_base";

export type EncodingName = "o200k_base" | "cl100k_base";

interface Encoding {
  encode(text: string, options?: { disallowedSpecial?: Set<string> }): number[];
  decodeGenerator(tokens: Iterable<number>): Generator<string, void, void>;
}

const ENCODINGS: Record<EncodingName, Encoding> = { o200k_base: o200k, cl100k_base: cl100k };

// User text may contain strings such as "<|endoftext|>"; they are counted as plain text, never rejected.
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

/**
 * cl100k_base for gpt-4 (but not 4o, 4.1 or 4.5), gpt-3.5 and the text-embedding models;
 * o200k_base for everything else, including names we do not know, as gpt-tokenizer does.
 */
export function encodingForModel(model: string): EncodingName {
  const name = model.toLowerCase().replace(/^ft:/, "").replace(/^openai\//, "");
  if (name.startsWith("gpt-3.5") || name.startsWith("text-embedding-")) return "cl100k_base";
  if (name.startsWith("gpt-4") && !/^gpt-4(o|\.1|\.5)/.test(name)) return "cl100k_base";
  return "o200k_base";
}

export function countTokens(text: string, encoding: EncodingName): number {
  if (text.length === 0) return 0;
  return ENCODINGS[encoding].encode(text, PLAIN_TEXT).length;
}

/**
 * The text split into the pieces a model would stream, one token each. A character that spans
 * several tokens comes out whole in the piece that completes it, so every piece is valid UTF-16.
 */
export function splitTokens(text: string, encoding: EncodingName): { pieces: string[]; count: number } {
  if (text.length === 0) return { pieces: [], count: 0 };
  const enc = ENCODINGS[encoding];
  const tokens = enc.encode(text, PLAIN_TEXT);
  const pieces: string[] = [];
  for (const piece of enc.decodeGenerator(tokens)) if (piece.length > 0) pieces.push(piece);
  return { pieces, count: tokens.length };
}

/** The text split into pieces of `size` characters (code points, so no surrogate pair is cut). */
export function splitCharacters(text: string, size: number): string[] {
  const chars = Array.from(text);
  const pieces: string[] = [];
  for (let i = 0; i < chars.length; i += size) pieces.push(chars.slice(i, i + size).join(""));
  return pieces;
}
