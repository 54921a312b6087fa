// A server's tokenization work, done once: fixture replies (long-lived objects, tokenized once per
// encoding and kept with the reply) and the token counts of prompt texts.
import { BoundedCache } from "./bounded-cache.js";
import type { Conversation } from "./conversation.js";
import type { Reply, ReplyChoice } from "./reply.js";
import {
  countTokens,
  countTokensInSlices,
  encodingForModel,
  splitTokens,
  type EncodingName,
  type TokenizedText,
} from "./tokenizer.js";
import type { PromptFormula, TokenCounter } from "./usage.js";

export interface TokenizedChoice {
  content: TokenizedText;
  reasoning: TokenizedText;
  toolArguments: TokenizedText[];
}

// Clients resend the same system prompt and history every turn, and load tests the same prompts
// thousands of times, so text counts are remembered, the oldest going first once the memo is full.
const COUNT_MEMO_LIMIT = 20_000;
const COUNT_MEMO_MAX_TEXT = 64 * 1024;
/** Texts derived from one reply (cut at a stop sequence, extended for ignore_eos) kept tokenized. */
const DERIVED_PER_REPLY = 256;

/**
 * Requests with more text than this (in characters; in bytes for a whole HTTP body) have it counted
 * ahead in slices: below it, counting costs well under the 10 ms a slice may take even for
 * pathological text.
 */
export const SLICED_TEXT_CHARS = 16 * 1024;

/** Characters counted between two looks at the clock while preparing (at most ~10 ms of pathological text). */
const SLICE_CHARS = 8 * 1024;
/** How long preparing counts may hold the event loop before it lets other clients' work run. */
const SLICE_MS = 8;

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Counts worked out ahead of one request by prepare, by encoding and text. */
export type PreparedCounts = Map<EncodingName, Map<string, number>>;

export function argumentsText(args: string | Record<string, unknown>): string {
  return typeof args === "string" ? args : JSON.stringify(args);
}

export class TokenCache {
  private readonly choices = new WeakMap<ReplyChoice, Partial<Record<EncodingName, TokenizedChoice>>>();
  private readonly texts = new WeakMap<Reply, BoundedCache<string, TokenizedText>>();
  private readonly variants = new WeakMap<Reply, ReplyChoice[]>();
  private readonly encodings = new Map<string, EncodingName>();
  private readonly generatedIds = new WeakMap<Reply, boolean>();

  /** The model's encoding, worked out once per model name. */
  encodingFor(model: string): EncodingName {
    let encoding = this.encodings.get(model);
    if (encoding === undefined) {
      encoding = encodingForModel(model);
      if (this.encodings.size < 10_000) this.encodings.set(model, encoding);
    }
    return encoding;
  }

  /** Whether any of the reply's tool calls (in any choice) gets an id made up per request. */
  makesIds(reply: Reply): boolean {
    let makes = this.generatedIds.get(reply);
    if (makes === undefined) {
      makes = [reply, ...(reply.choices ?? [])].some(
        (choice) => choice.toolCalls?.some((call) => call.id === undefined) ?? false,
      );
      this.generatedIds.set(reply, makes);
    }
    return makes;
  }
  private readonly counters = {} as Record<EncodingName, TokenCounter>;
  /** While a prepared request runs (see withPrepared): the counts of its texts, found before counting. */
  private prepared: PreparedCounts | null = null;

  counter(encoding: EncodingName): TokenCounter {
    const existing = this.counters[encoding];
    if (existing) return existing;
    const memo = new BoundedCache<string, number>(COUNT_MEMO_LIMIT);
    return (this.counters[encoding] = (text) => {
      let count = memo.get(text);
      if (count === undefined && this.prepared !== null) count = this.prepared.get(encoding)?.get(text);
      if (count === undefined) {
        count = countTokens(text, encoding);
        if (text.length <= COUNT_MEMO_MAX_TEXT) memo.set(text, count);
      }
      return count;
    });
  }

  /**
   * Counts, ahead of the synchronous stages, every text the prompts of these conversations will ask
   * the counter for under their surface's formula (see prepareTexts).
   */
  prepare(
    conversations: readonly Conversation[],
    formula: PromptFormula,
    gone: () => boolean,
  ): Promise<PreparedCounts | null> {
    const texts: [EncodingName, string][] = [];
    for (const conversation of conversations) {
      const encoding = this.encodingFor(conversation.model);
      formula.promptTokens(conversation, (text) => (texts.push([encoding, text]), 0));
    }
    return this.prepareTexts(texts, gone);
  }

  /**
   * Counts texts a slice at a time, letting other clients' work run between slices: so a request with
   * megabytes of text holds the event loop for milliseconds at a time, not seconds. Resolves with the
   * counts for withPrepared, or null once `gone()` says the client has left.
   */
  async prepareTexts(
    texts: readonly (readonly [EncodingName, string])[],
    gone: () => boolean,
  ): Promise<PreparedCounts | null> {
    const prepared: PreparedCounts = new Map();
    let sliceStart = performance.now();
    for (const [encoding, text] of texts) {
      let counts = prepared.get(encoding);
      if (counts === undefined) prepared.set(encoding, (counts = new Map()));
      if (counts.has(text)) continue;
      const nextSlice = countTokensInSlices(text, encoding);
      if (nextSlice === null) {
        counts.set(text, countTokens(text, encoding));
        continue;
      }
      let count = 0;
      for (let slice = nextSlice(SLICE_CHARS); slice !== null; slice = nextSlice(SLICE_CHARS)) {
        count += slice;
        if (performance.now() - sliceStart < SLICE_MS) continue;
        await yieldToEventLoop();
        if (gone()) return null;
        sliceStart = performance.now();
      }
      counts.set(text, count);
    }
    return prepared;
  }

  /** Runs `run` (synchronous) with the prepared counts in reach of every counter. */
  withPrepared<T>(prepared: PreparedCounts, run: () => T): T {
    this.prepared = prepared;
    try {
      return run();
    } finally {
      this.prepared = null;
    }
  }

  /** The tokens of one choice of a reply (a reply is its own first choice). */
  choice(choice: ReplyChoice, encoding: EncodingName): TokenizedChoice {
    let byEncoding = this.choices.get(choice);
    if (!byEncoding) this.choices.set(choice, (byEncoding = {}));
    return (byEncoding[encoding] ??= {
      content: splitTokens(choice.content ?? "", encoding),
      reasoning: splitTokens(choice.reasoning ?? "", encoding),
      toolArguments: (choice.toolCalls ?? []).map((call) => splitTokens(argumentsText(call.arguments), encoding)),
    });
  }

  /** A choice object derived from a reply, made once per slot so its tokenization is cached too. */
  variant(reply: Reply, slot: number, make: () => ReplyChoice): ReplyChoice {
    let list = this.variants.get(reply);
    if (!list) this.variants.set(reply, (list = []));
    return (list[slot] ??= make());
  }

  /** Text derived from a reply (cut at a stop sequence, extended for ignore_eos), tokenized once per key. */
  derived(owner: Reply, key: string, make: () => TokenizedText): TokenizedText {
    let byKey = this.texts.get(owner);
    if (!byKey) this.texts.set(owner, (byKey = new BoundedCache(DERIVED_PER_REPLY)));
    let found = byKey.get(key);
    if (!found) byKey.set(key, (found = make()));
    return found;
  }
}
