// Byte-pair encoding over gpt-tokenizer's vocabulary, in time proportional to the text: the same tokens
// as the library, but long pieces are merged with a heap instead of the library's quadratic scan.
//
// The library splits text with the encoding's pattern, then merges each piece's bytes by repeatedly
// scanning for the lowest-ranked adjacent pair and splicing arrays: fine for words, but one run the
// pattern does not break (100k letters, a paragraph of CJK without punctuation) costs seconds, and a
// piece of more than ~100k tokens overflows the stack (`push(...tokens)`).

/** The parts of gpt-tokenizer's core processor used here (its types do not expose them). */
export interface CoreProcessor {
  tokenSplitRegex: RegExp;
  bytePairRankDecoder: readonly (string | ArrayLike<number> | undefined)[];
  /** A bound on the longest token in bytes, when the vocabulary knows it without a pass over every token. */
  maxTokenBytes?: number;
  getBpeRankFromString(piece: string): number | undefined;
  getBpeRankFromBytes(bytes: Uint8Array): number | undefined;
  bytePairEncode(piece: string): number[];
}

/** Pieces up to this many UTF-16 units are merged by the library (its merge cache pays for words). */
const LIBRARY_PIECE_LIMIT = 64;

/**
 * The pattern runs over windows of at most this many characters: on one long run V8's regular
 * expression engine backtracks once per character and overflows its stack (about 4M spaces). Windows
 * end where no piece can span the cut (see safeCut), so the pieces are those of the whole text, except
 * in a stretch of WINDOW / 2 characters with no such place (4 MB of spaces, one 20k-letter word), which
 * is cut where the window ends: only there do counts approximate, by about one token per cut.
 */
export const WINDOW = 32 * 1024;

const LETTER = /\p{L}/u;
const DIGIT = /\p{N}/u;
const JOINS_LETTERS = /[\p{L}\p{M}']/u;

/**
 * Whether the pattern can never put the characters before and after `at` into one piece: a letter
 * followed by anything but a letter, a mark or an apostrophe (a contraction), or a digit next to a
 * letter. Never between two spaces (`\s+(?!\S)` looks ahead) or two digits (grouped by threes).
 */
function isSafeCut(text: string, at: number): boolean {
  const before = text[at - 1];
  const after = text[at];
  if (LETTER.test(before)) return !JOINS_LETTERS.test(after);
  return DIGIT.test(before) && LETTER.test(after);
}

/** Where the window starting at `from` ends: the text's end, a safe cut, or (failing both) WINDOW characters on. */
function windowEnd(text: string, from: number): number {
  const limit = from + WINDOW;
  if (limit >= text.length) return text.length;
  for (let at = limit; at > from + WINDOW / 2; at--) if (isSafeCut(text, at)) return at;
  // Never split a surrogate pair.
  return (text.charCodeAt(limit - 1) & 0xfc00) === 0xd800 ? limit - 1 : limit;
}

const encoder = new TextEncoder();

export class Bpe {
  /** The longest token in bytes: no pair longer than this can have a rank. */
  private readonly maxTokenBytes: number;
  private readonly pattern: RegExp;

  constructor(private readonly core: CoreProcessor) {
    let longest = core.maxTokenBytes ?? 1;
    if (core.maxTokenBytes === undefined) {
      for (const entry of core.bytePairRankDecoder) {
        const bytes = entry === undefined ? 0 : typeof entry === "string" ? Buffer.byteLength(entry) : entry.length;
        if (bytes > longest) longest = bytes;
      }
    }
    this.maxTokenBytes = longest;
    const flags = core.tokenSplitRegex.flags.includes("g")
      ? core.tokenSplitRegex.flags
      : `${core.tokenSplitRegex.flags}g`;
    this.pattern = new RegExp(core.tokenSplitRegex.source, flags);
  }

  /** The text's tokens, as the library's encode with no special tokens allowed. */
  encode(text: string): number[] {
    const tokens: number[] = [];
    this.eachPiece(text, 0, text.length, (piece) => {
      const single = this.core.getBpeRankFromString(piece);
      if (single !== undefined) tokens.push(single);
      else for (const token of this.encodePiece(piece)) tokens.push(token);
    });
    return tokens;
  }

  /** How many tokens the text encodes to. */
  count(text: string): number {
    return this.countRange(text, 0, text.length).count;
  }

  /**
   * Counts the pieces starting in [from, to) and returns where the last one ended, so a long text can
   * be counted in slices: pass the returned `end` as the next `from`. `to` is where a slice may stop;
   * the piece that crosses it is counted whole.
   */
  countRange(text: string, from: number, to: number): { count: number; end: number } {
    let count = 0;
    const end = this.eachPiece(text, from, to, (piece) => {
      count += this.core.getBpeRankFromString(piece) !== undefined ? 1 : this.encodePiece(piece).length;
    });
    return { count, end };
  }

  /** Hands every piece of the windows from `from` on to `use`, until a window ends at or past `to`. */
  private eachPiece(text: string, from: number, to: number, use: (piece: string) => void): number {
    const pattern = this.pattern;
    let at = from;
    while (at < to) {
      const end = windowEnd(text, at);
      const window = at === 0 && end === text.length ? text : text.slice(at, end);
      pattern.lastIndex = 0;
      for (let found = pattern.exec(window); found !== null && found[0].length > 0; found = pattern.exec(window))
        use(found[0]);
      at = end;
    }
    return at;
  }

  private encodePiece(piece: string): number[] {
    return piece.length <= LIBRARY_PIECE_LIMIT ? this.core.bytePairEncode(piece) : this.merge(encoder.encode(piece));
  }

  /** The rank of the bytes [start, end), or Infinity where no token is that sequence. */
  private rank(bytes: Uint8Array, start: number, end: number): number {
    if (end - start > this.maxTokenBytes) return Infinity;
    return this.core.getBpeRankFromBytes(bytes.subarray(start, end)) ?? Infinity;
  }

  /**
   * The library's merge order exactly (the lowest rank first, the leftmost of equal ranks), kept in a
   * binary heap of (rank, start) over a linked list of parts, so each merge costs O(log n).
   */
  merge(bytes: Uint8Array): number[] {
    const n = bytes.length;
    // Parts are named by their first byte; next[i] is the start of the part after the one at i.
    const next = new Int32Array(n + 1);
    const prev = new Int32Array(n + 1);
    const pairRank = new Float64Array(n);
    for (let i = 0; i <= n; i++) {
      next[i] = i + 1;
      prev[i] = i - 1;
    }
    const heap = new PairHeap(n);
    for (let i = 0; i + 1 < n; i++) {
      pairRank[i] = this.rank(bytes, i, i + 2);
      if (pairRank[i] !== Infinity) heap.push(pairRank[i], i);
    }
    if (n > 0) pairRank[n - 1] = Infinity;
    const alive = new Uint8Array(n).fill(1);
    while (heap.size > 0) {
      const rank = heap.topRank();
      const start = heap.pop();
      // Stale entries: the part was merged into its left neighbour, or its pair changed since.
      if (alive[start] === 0 || pairRank[start] !== rank) continue;
      const right = next[start];
      alive[right] = 0;
      next[start] = next[right];
      prev[next[right]] = start;
      pairRank[start] = next[start] < n ? this.rank(bytes, start, next[next[start]]) : Infinity;
      if (pairRank[start] !== Infinity) heap.push(pairRank[start], start);
      const left = prev[start];
      if (left >= 0) {
        pairRank[left] = this.rank(bytes, left, next[start]);
        if (pairRank[left] !== Infinity) heap.push(pairRank[left], left);
      }
    }
    const tokens: number[] = [];
    for (let i = 0; i < n; i = next[i]) {
      const token = this.core.getBpeRankFromBytes(bytes.subarray(i, next[i]));
      if (token === undefined) throw new Error(`No token for bytes ${i}..${next[i]} of a piece`);
      tokens.push(token);
    }
    return tokens;
  }
}

/** A binary min-heap of (rank, start) pairs in typed arrays, ordered by rank, then start. */
class PairHeap {
  private ranks: Float64Array;
  private starts: Int32Array;
  size = 0;

  constructor(capacity: number) {
    this.ranks = new Float64Array(Math.max(16, capacity * 2));
    this.starts = new Int32Array(this.ranks.length);
  }

  private less(a: number, b: number): boolean {
    const ra = this.ranks[a];
    const rb = this.ranks[b];
    return ra < rb || (ra === rb && this.starts[a] < this.starts[b]);
  }

  private swap(a: number, b: number): void {
    const rank = this.ranks[a];
    const start = this.starts[a];
    this.ranks[a] = this.ranks[b];
    this.starts[a] = this.starts[b];
    this.ranks[b] = rank;
    this.starts[b] = start;
  }

  push(rank: number, start: number): void {
    if (this.size === this.ranks.length) {
      const ranks = new Float64Array(this.size * 2);
      ranks.set(this.ranks);
      const starts = new Int32Array(this.size * 2);
      starts.set(this.starts);
      this.ranks = ranks;
      this.starts = starts;
    }
    let at = this.size++;
    this.ranks[at] = rank;
    this.starts[at] = start;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if (!this.less(at, parent)) break;
      this.swap(at, parent);
      at = parent;
    }
  }

  topRank(): number {
    return this.ranks[0];
  }

  /** Removes the smallest entry and returns its start. */
  pop(): number {
    const top = this.starts[0];
    this.size--;
    if (this.size > 0) {
      this.ranks[0] = this.ranks[this.size];
      this.starts[0] = this.starts[this.size];
      let at = 0;
      for (;;) {
        const left = at * 2 + 1;
        if (left >= this.size) break;
        const right = left + 1;
        const child = right < this.size && this.less(right, left) ? right : left;
        if (!this.less(child, at)) break;
        this.swap(child, at);
        at = child;
      }
    }
    return top;
  }
}
