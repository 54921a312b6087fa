// The compact o200k_base table that a fresh process counts with (src/core/compact-vocabulary.ts) against
// gpt-tokenizer itself: the same vocabulary rank by rank, and the same tokens, counts and streamed pieces
// for prose, code, CJK, emoji, whitespace runs, special-token strings and seeded random text.
import o200kRanks from "gpt-tokenizer/bpeRanks/o200k_base";
import { decode, decodeGenerator, encode } from "gpt-tokenizer/encoding/o200k_base";
import { describe, expect, it } from "vitest";
import { loadCompactO200k } from "../src/core/compact-vocabulary.js";
import { countTokens, describeToken, splitTokens } from "../src/core/tokenizer.js";
import { O200K_TOKEN_SPLIT_REGEX } from "gpt-tokenizer/encodingParams/constants";

const PLAIN = { disallowedSpecial: new Set<string>() };
const libraryPieces = (tokens: number[]) => [...decodeGenerator(tokens)].filter((piece) => piece.length > 0);

const SAMPLES = [
  "hello",
  "Hello! How can I help you today?",
  "The quick brown fox jumps over the lazy dog. Isn't it? They'll've done it.",
  "function add(a, b) {\n\treturn a + b; // sum\n}\n\n\n    indented();",
  "東京は日本の首都です。北京是中国的首都。서울은 한국의 수도입니다.",
  "emoji 👍🏽 family 👨‍👩‍👧‍👦 flags 🇫🇷🇯🇵 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢",
  "   leading and trailing   \n\n  ",
  "<|endoftext|> and <|im_start|>user are plain text here",
  "Ünïcödé àccents, ß, Ø, ñ; Ελληνικά; русский текст; עברית; العربية; हिन्दी",
  "1234567890 3.14159 1e-10 0xDEADBEEF $1,000,000.00",
  "antidisestablishmentarianism pneumonoultramicroscopicsilicovolcanoconiosis",
  "a".repeat(300),
  "日本語".repeat(120),
  "\u0000\u0001\u001f control \u007f",
  "lone surrogate \ud800 here and \udc00 there",
];

/** Seeded text from a pool of scripts, symbols and spaces (mulberry32), for what the samples miss. */
function randomTexts(count: number, seed: number): string[] {
  const pool = [..."abcXYZ019 _-.,;:!?'\"()[]{}<>/\\\n\téàüßø日本語中文한국어😀👍🏽🇫🇷αβγдж\u0300\u200d"];
  let state = seed;
  const next = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return Array.from({ length: count }, () =>
    Array.from({ length: 1 + Math.floor(next() * 80) }, () => pool[Math.floor(next() * pool.length)]).join(""),
  );
}

describe("the compact o200k_base table", () => {
  const compact = loadCompactO200k(O200K_TOKEN_SPLIT_REGEX);

  it("holds gpt-tokenizer's vocabulary, rank by rank", () => {
    const ranks = o200kRanks as readonly (string | readonly number[] | undefined)[];
    expect(compact.bytePairRankDecoder.length).toBe(ranks.length);
    let compared = 0;
    for (let rank = 0; rank < ranks.length; rank++) {
      const expected = ranks[rank];
      const actual = compact.valueOf(rank);
      if (expected === undefined) expect(actual).toBeUndefined();
      else if (typeof expected === "string") expect(actual).toBe(expected);
      else expect([...(actual as Uint8Array)]).toEqual([...expected]);
      compared++;
    }
    expect(compared).toBe(199_998);
    expect(compact.getBpeRankFromString("hello")).toBe(24912);
    expect(compact.getBpeRankFromBytes(Buffer.from(" world"))).toBe(2375);
  });

  it("encodes, counts and streams every sample as the library does", () => {
    for (const text of [...SAMPLES, ...randomTexts(400, 16)]) {
      const expected = encode(text, PLAIN);
      const split = splitTokens(text, "o200k_base");
      expect(split.tokens, text).toEqual(expected);
      expect(countTokens(text, "o200k_base"), text).toBe(expected.length);
      expect(split.pieces, text).toEqual(libraryPieces(expected));
    }
  });

  it("describes tokens for logprobs as before: text, and raw bytes for half a character", () => {
    expect(describeToken(24912, "o200k_base")).toEqual({ text: "hello", bytes: [104, 101, 108, 108, 111] });
    const [first] = encode("日本語の", PLAIN);
    expect(describeToken(first, "o200k_base")).toEqual({ text: "日本", bytes: [...Buffer.from(decode([first]))] });
    const rawRank = (o200kRanks as readonly unknown[]).findIndex((entry) => Array.isArray(entry));
    const raw = describeToken(rawRank, "o200k_base");
    expect(raw.text.startsWith("bytes:\\x")).toBe(true);
    expect(raw.bytes).toEqual([...(o200kRanks as readonly (readonly number[])[])[rawRank]]);
  });
});
