// Exact token counts and token-by-token splitting with the model's real encoding (gpt-tokenizer,
// which ships its ranks in the package, so nothing is downloaded at run time).
import { createRequire } from "node:module";
import { O200K_TOKEN_SPLIT_REGEX } from "gpt-tokenizer/encodingParams/constants";
import { Bpe, type CoreProcessor } from "./bpe.js";
import { type CompactVocabulary, loadCompactO200k } from "./compact-vocabulary.js";

export type EncodingName = "o200k_base" | "cl100k_base";

interface Encoding {
  encode(text: string, options?: { disallowedSpecial?: Set<string> }): number[];
  decode(tokens: Iterable<number>): string;
  decodeGenerator(tokens: Iterable<number>): Generator<string, void, void>;
  default?: unknown;
}

// gpt-tokenizer keeps a token's raw bytes in its core processor, which its types do not expose.
interface BytesDecoder {
  decodeNativeGenerator(tokens: Iterable<number>): Generator<Uint8Array | string, void, void>;
}

/**
 * gpt-tokenizer's encodings load on first use, synchronously. o200k_base (every current model) counts
 * and streams from the compact table (compact-vocabulary.ts), so the library's copy of it loads only
 * for what that does not do (a client's token prompt); cl100k_base (gpt-4, gpt-3.5, the embedding
 * models) is some 40 MB of resident memory and holds its first request for about 0.2 s: a server that
 * never sees those models stays that much smaller.
 */
const loaded: Partial<Record<EncodingName, Encoding>> = {};
const load = createRequire(import.meta.url);

function encodingOf(name: EncodingName): Encoding {
  return (loaded[name] ??= load(`gpt-tokenizer/encoding/${name}`) as Encoding);
}

let compactO200k: CompactVocabulary | undefined;

function compactVocabulary(): CompactVocabulary {
  return (compactO200k ??= loadCompactO200k(O200K_TOKEN_SPLIT_REGEX));
}

// User text may contain strings such as "<|endoftext|>"; they are counted as plain text, never rejected.
const PLAIN_TEXT = { disallowedSpecial: new Set<string>() };

const coreProcessor = (name: EncodingName): Partial<CoreProcessor & BytesDecoder> | undefined =>
  (encodingOf(name).default as { bytePairEncodingCoreProcessor?: Partial<CoreProcessor & BytesDecoder> } | undefined)
    ?.bytePairEncodingCoreProcessor;

const bytesDecoder = (name: EncodingName): BytesDecoder | undefined => {
  const core = coreProcessor(name);
  return core?.decodeNativeGenerator ? (core as BytesDecoder) : undefined;
};

function isCoreProcessor(core: Partial<CoreProcessor> | undefined): core is CoreProcessor {
  return (
    core !== undefined &&
    core.tokenSplitRegex instanceof RegExp &&
    Array.isArray(core.bytePairRankDecoder) &&
    typeof core.getBpeRankFromString === "function" &&
    typeof core.getBpeRankFromBytes === "function" &&
    typeof core.bytePairEncode === "function"
  );
}

/**
 * The linear-time encoder over an encoding's vocabulary, built on first use (it reads the whole
 * vocabulary once, ~20 ms). Should a gpt-tokenizer release change its internals, the library's own
 * encoder stands in: the same tokens, slow only on long unbroken runs.
 */
const encoders: Partial<Record<EncodingName, Bpe | null>> = {};

function linearEncoder(name: EncodingName): Bpe | null {
  let found = encoders[name];
  if (found === undefined) {
    if (name === "o200k_base") {
      const vocabulary = compactVocabulary();
      const bpe = new Bpe(vocabulary);
      vocabulary.mergeBytes = (bytes) => bpe.merge(bytes);
      found = encoders[name] = bpe;
    } else {
      const core = coreProcessor(name);
      found = encoders[name] = isCoreProcessor(core) ? new Bpe(core) : null;
    }
  }
  return found;
}

function encode(text: string, encoding: EncodingName): number[] {
  return linearEncoder(encoding)?.encode(text) ?? encodingOf(encoding).encode(text, PLAIN_TEXT);
}

/** A token's UTF-8 bytes (a token may hold part of a character) and its text as OpenAI shows it. */
export function describeToken(token: number, encoding: EncodingName): { text: string; bytes: number[] } {
  const decoder = encoding === "o200k_base" ? undefined : bytesDecoder(encoding);
  const raw =
    encoding === "o200k_base"
      ? compactVocabulary().valueOf(token)
      : decoder
        ? decoder.decodeNativeGenerator([token]).next().value
        : undefined;
  const bytes =
    raw === undefined
      ? [...Buffer.from(encodingOf(encoding).decode([token]))]
      : typeof raw === "string"
        ? [...Buffer.from(raw)]
        : [...raw];
  const text = Buffer.from(bytes).toString("utf8");
  // OpenAI writes a token that is not valid UTF-8 on its own as its bytes: "bytes:\xe6\x97".
  const valid = Buffer.from(text).equals(Buffer.from(bytes));
  return { text: valid ? text : `bytes:${bytes.map((b) => `\\x${b.toString(16).padStart(2, "0")}`).join("")}`, bytes };
}

/**
 * cl100k_base for gpt-4 (but not 4o, 4.1 or 4.5), gpt-3.5 and the text-embedding models;
 * o200k_base for everything else, including names we do not know, as gpt-tokenizer does.
 */
export function encodingForModel(model: string): EncodingName {
  const name = model
    .toLowerCase()
    .replace(/^ft:/, "")
    .replace(/^openai\//, "");
  if (name.startsWith("gpt-3.5") || name.startsWith("text-embedding-")) return "cl100k_base";
  if (name.startsWith("gpt-4") && !/^gpt-4(o|\.1|\.5)/.test(name)) return "cl100k_base";
  return "o200k_base";
}

export function countTokens(text: string, encoding: EncodingName): number {
  if (text.length === 0) return 0;
  return linearEncoder(encoding)?.count(text) ?? encodingOf(encoding).encode(text, PLAIN_TEXT).length;
}

/**
 * Counts a text in slices of about `sliceChars` characters, handing each slice's count to `add`; for
 * counting a long text without holding the event loop (see TokenCache.prepare). Returns null when
 * only the library's own encoder is available, which cannot resume mid-text.
 */
export function countTokensInSlices(
  text: string,
  encoding: EncodingName,
): ((sliceChars: number) => number | null) | null {
  const bpe = linearEncoder(encoding);
  if (bpe === null) return null;
  let at = 0;
  return (sliceChars) => {
    if (at >= text.length) return null;
    const { count, end } = bpe.countRange(text, at, Math.min(text.length, at + sliceChars));
    at = end;
    return count;
  };
}

/** The text of a token list; throws when a token is not in the encoding's vocabulary. */
export function decodeTokens(tokens: readonly number[], encoding: EncodingName): string {
  return encodingOf(encoding).decode(tokens);
}

/** The text of a token list sent by a client, or the first token that is not in the encoding's vocabulary. */
export function decodeTokenList(
  tokens: readonly number[],
  encoding: EncodingName,
): { text: string } | { unknownToken: number } {
  try {
    return { text: decodeTokens(tokens, encoding) };
  } catch {
    const unknown = tokens.find((token) => {
      try {
        decodeTokens([token], encoding);
        return false;
      } catch {
        return true;
      }
    });
    return { unknownToken: unknown ?? tokens[0] };
  }
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
  const tokens = encode(text, encoding);
  return { tokens, pieces: decodePieces(tokens, encoding), count: tokens.length };
}

function decodePieces(tokens: number[], encoding: EncodingName): string[] {
  if (encoding === "o200k_base") return compactVocabulary().decodePieces(tokens);
  const pieces: string[] = [];
  for (const piece of encodingOf(encoding).decodeGenerator(tokens)) if (piece.length > 0) pieces.push(piece);
  return pieces;
}

/** The first `limit` tokens of a tokenized text; a character cut in half is dropped. */
export function truncateTokens(
  text: TokenizedText,
  limit: number,
  encoding: EncodingName,
): { text: string; tokenized: TokenizedText } {
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

/**
 * Tokens grouped into the pieces a stream sends: one token each, except where several tokens share
 * one character, which come out together once it is complete. `count` is the tokens in each piece.
 */
export function tokenPieces(tokens: readonly number[], encoding: EncodingName): { text: string; count: number }[] {
  const pieces: { text: string; count: number }[] = [];
  let pending: number[] = [];
  let pendingTokens = 0;
  for (const token of tokens) {
    pending.push(...describeToken(token, encoding).bytes);
    pendingTokens++;
    const text = Buffer.from(pending).toString("utf8");
    // Incomplete UTF-8 decodes to U+FFFD; wait for the token that completes the character.
    if (!text.endsWith("\uFFFD") || pending.length > 8) {
      pieces.push({ text, count: pendingTokens });
      pending = [];
      pendingTokens = 0;
    }
  }
  if (pendingTokens > 0) pieces.push({ text: Buffer.from(pending).toString("utf8"), count: pendingTokens });
  return pieces;
}
