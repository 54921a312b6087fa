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
  return text.length === 0 ? 0 : ENCODINGS[encoding].encode(text, PLAIN_TEXT).length;
}

/**
 * The text split into the pieces a model would stream, one token each. A character that spans
 * several tokens comes out whole in the piece that completes it, so every piece is valid UTF-16.
 */
export interface TokenizedText {
  tokens: number[];
  /** The streamed pieces, one token each (or several, where they share one character). */
  pieces: string[];
  count: number;
}

export function splitTokens(text: string, encoding: EncodingName): TokenizedText {
  if (text.length === 0) return { tokens: [], pieces: [], count: 0 };
  const enc = ENCODINGS[encoding];
  const tokens = enc.encode(text, PLAIN_TEXT);
  return { tokens, pieces: decodePieces(tokens, encoding), count: tokens.length };
}

function decodePieces(tokens: number[], encoding: EncodingName): string[] {
  const pieces: string[] = [];
  for (const piece of ENCODINGS[encoding].decodeGenerator(tokens)) if (piece.length > 0) pieces.push(piece);
  return pieces;
}

/** The first `limit` tokens of a tokenized text; a character cut in half is dropped. */
export function truncateTokens(text: TokenizedText, limit: number, encoding: EncodingName): { text: string; tokenized: TokenizedText } {
  const tokens = text.tokens.slice(0, Math.max(0, limit));
  const pieces = decodePieces(tokens, encoding);
  return { text: pieces.join(""), tokenized: { tokens, pieces, count: tokens.length } };
}

/** The text split into pieces of `size` characters (code points, so no surrogate pair is cut). */
export function splitCharacters(text: string, size: number): string[] {
  const chars = Array.from(text);
  const pieces: string[] = [];
  for (let i = 0; i < chars.length; i += size) pieces.push(chars.slice(i, i + size).join(""));
  return pieces;
}
