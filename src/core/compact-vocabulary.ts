// o200k_base's vocabulary from a compact table (o200k_base.bin, written by scripts/build-o200k-table.mjs
// from gpt-tokenizer's own ranks), so a fresh process counts tokens without loading the library's
// 2.4 MB JavaScript array and its 200k-entry Map (~150 ms and ~65 MB, most of a unit test's cold start).
// The text tokens are one decoded string; a token is an offset and a length into it, found by an
// open-addressing hash table in a typed array, so loading makes no string per token. It serves the
// linear encoder (bpe.ts) and the decoding streams need; the library still loads for the rest (a
// client's token prompt) and for cl100k_base.
import { readFileSync } from "node:fs";
import type { CoreProcessor } from "./bpe.js";

/** A token: its text where the library keeps one (valid UTF-8 on its own), else its raw bytes. */
export type TokenValue = string | Uint8Array;

const TABLE_URL = new URL("./o200k_base.bin", import.meta.url);
const HEADER_BYTES = 8;
const KIND_TEXT = 1;
const KIND_BYTES = 2;
/** 2^19 slots for ~200k tokens: under 40% full, so a lookup probes about one slot. */
const SLOT_BITS = 19;
const SLOT_MASK = (1 << SLOT_BITS) - 1;
const utf8 = new TextEncoder();
/** Short pieces are merged once per process and remembered, as the library's merge cache does. */
const MERGE_CACHE_LIMIT = 20_000;

/** FNV-1a over UTF-16 units of text[from, from + length). */
function hashOf(text: string, from: number, length: number): number {
  let hash = 0x811c9dc5;
  for (let i = from; i < from + length; i++) hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
  return hash & SLOT_MASK;
}

export class CompactVocabulary implements CoreProcessor {
  readonly tokenSplitRegex: RegExp;
  readonly maxTokenBytes: number;
  private readonly text: string;
  /** Per rank: where its text starts in `text` (text tokens) or its bytes in `raw` (raw tokens). */
  private readonly offsets: Uint32Array;
  private readonly lengths: Uint8Array;
  private readonly kinds: Uint8Array;
  private readonly raw: Buffer;
  /** Ranks of the text tokens by hash; -1 is empty. */
  private readonly slots = new Int32Array(1 << SLOT_BITS).fill(-1);
  /** The tokens that are not valid UTF-8 on their own (about 1.5k), by their bytes read as latin1. */
  private readonly byRawBytes = new Map<string, number>();
  private readonly merges = new Map<string, number[]>();
  private decoderValues: (TokenValue | undefined)[] | undefined;
  /** Merges a piece's bytes (set by the encoder built over this vocabulary). */
  mergeBytes: ((bytes: Uint8Array) => number[]) | null = null;

  constructor(table: Buffer, splitRegex: RegExp) {
    this.tokenSplitRegex = splitRegex;
    const count = table.readUInt32LE(0);
    const textBytes = table.readUInt32LE(4);
    this.kinds = table.subarray(HEADER_BYTES, HEADER_BYTES + count);
    this.lengths = table.subarray(HEADER_BYTES + count, HEADER_BYTES + 2 * count);
    const textStart = HEADER_BYTES + 2 * count;
    this.text = table.toString("utf8", textStart, textStart + textBytes);
    this.raw = table.subarray(textStart + textBytes);
    this.offsets = new Uint32Array(count);
    let textAt = 0;
    let rawAt = 0;
    let longest = 1;
    for (let rank = 0; rank < count; rank++) {
      const length = this.lengths[rank];
      if (this.kinds[rank] === KIND_TEXT) {
        this.offsets[rank] = textAt;
        this.insert(rank, textAt, length);
        textAt += length;
        // A UTF-16 unit is at most 3 UTF-8 bytes: a bound, which is all the encoder needs.
        if (length * 3 > longest) longest = length * 3;
      } else if (this.kinds[rank] === KIND_BYTES) {
        this.offsets[rank] = rawAt;
        this.byRawBytes.set(this.raw.toString("latin1", rawAt, rawAt + length), rank);
        rawAt += length;
        if (length > longest) longest = length;
      }
    }
    this.maxTokenBytes = longest;
  }

  private insert(rank: number, from: number, length: number): void {
    let slot = hashOf(this.text, from, length);
    while (this.slots[slot] !== -1) slot = (slot + 1) & SLOT_MASK;
    this.slots[slot] = rank;
  }

  /** Each rank's value, as the library's bytePairRankDecoder holds it; made only when asked for. */
  get bytePairRankDecoder(): readonly (TokenValue | undefined)[] {
    this.decoderValues ??= Array.from(this.kinds, (_kind, rank) => this.valueOf(rank));
    return this.decoderValues;
  }

  getBpeRankFromString(piece: string): number | undefined {
    const length = piece.length;
    if (length === 0 || length > 255) return undefined;
    for (let slot = hashOf(piece, 0, length); ; slot = (slot + 1) & SLOT_MASK) {
      const rank = this.slots[slot];
      if (rank === -1) return undefined;
      if (this.lengths[rank] === length && this.text.startsWith(piece, this.offsets[rank])) return rank;
    }
  }

  getBpeRankFromBytes(bytes: Uint8Array): number | undefined {
    const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
    const text = buffer.toString("utf8");
    // Only an exact reading (no replacement character standing in for a bad byte) can be a text token.
    const exact =
      Buffer.byteLength(text) === bytes.length && (!text.includes("\ufffd") || Buffer.from(text).equals(buffer));
    return (exact ? this.getBpeRankFromString(text) : undefined) ?? this.byRawBytes.get(buffer.toString("latin1"));
  }

  bytePairEncode(piece: string): number[] {
    const known = this.merges.get(piece);
    if (known !== undefined) return known;
    if (this.mergeBytes === null) throw new Error("CompactVocabulary: no encoder was built over it");
    const tokens = this.mergeBytes(utf8.encode(piece));
    if (this.merges.size >= MERGE_CACHE_LIMIT) this.merges.clear();
    this.merges.set(piece, tokens);
    return tokens;
  }

  /** A token's value (text or raw bytes); undefined for a rank the vocabulary does not use. */
  valueOf(token: number): TokenValue | undefined {
    const kind = this.kinds[token];
    const at = this.offsets[token];
    if (kind === KIND_TEXT) return this.text.slice(at, at + this.lengths[token]);
    if (kind === KIND_BYTES) return this.raw.subarray(at, at + this.lengths[token]);
    return undefined;
  }

  /**
   * The streamed pieces of a token list, as the library's decodeGenerator makes them: text tokens as
   * they are, raw-byte tokens through a streaming UTF-8 decoder, and a piece held back while it ends in
   * half a surrogate pair. Bytes of a character cut off at the end are dropped.
   */
  decodePieces(tokens: readonly number[]): string[] {
    const decoder = new TextDecoder("utf-8");
    const pieces: string[] = [];
    let buffer = "";
    for (const token of tokens) {
      const value = this.valueOf(token);
      if (value === undefined) continue;
      buffer += typeof value === "string" ? value : decoder.decode(value, { stream: true });
      if (buffer.length === 0) continue;
      const last = buffer.charCodeAt(buffer.length - 1);
      if (last >= 0xd800 && last <= 0xdbff) continue;
      pieces.push(buffer);
      buffer = "";
    }
    if (buffer.length > 0) pieces.push(buffer);
    return pieces;
  }
}

/** The o200k_base vocabulary from the table beside this module. */
export function loadCompactO200k(splitRegex: RegExp): CompactVocabulary {
  return new CompactVocabulary(readFileSync(TABLE_URL), splitRegex);
}
