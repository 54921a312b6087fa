// A server's tokenization work, done once: fixture replies (long-lived objects, tokenized once per
// encoding and kept with the reply) and the token counts of prompt texts.
import type { Reply, ReplyChoice } from "./reply.js";
import { countTokens, encodingForModel, splitTokens, type EncodingName, type TokenizedText } from "./tokenizer.js";
import type { TokenCounter } from "./usage.js";

export interface TokenizedChoice {
  content: TokenizedText;
  reasoning: TokenizedText;
  toolArguments: TokenizedText[];
}

// Clients resend the same system prompt and history every turn, and load tests the same prompts
// thousands of times, so text counts are remembered; the memo is cleared whenever it fills.
const COUNT_MEMO_LIMIT = 20_000;
const COUNT_MEMO_MAX_TEXT = 64 * 1024;

export function argumentsText(args: string | Record<string, unknown>): string {
  return typeof args === "string" ? args : JSON.stringify(args);
}

export class TokenCache {
  private readonly choices = new WeakMap<ReplyChoice, Partial<Record<EncodingName, TokenizedChoice>>>();
  private readonly texts = new WeakMap<Reply, Map<string, TokenizedText>>();
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
      makes = [reply, ...(reply.choices ?? [])].some((choice) => choice.toolCalls?.some((call) => call.id === undefined) ?? false);
      this.generatedIds.set(reply, makes);
    }
    return makes;
  }
  private readonly counters = {} as Record<EncodingName, TokenCounter>;

  counter(encoding: EncodingName): TokenCounter {
    const existing = this.counters[encoding];
    if (existing) return existing;
    const memo = new Map<string, number>();
    return (this.counters[encoding] = (text) => {
      let count = memo.get(text);
      if (count === undefined) {
        count = countTokens(text, encoding);
        if (text.length <= COUNT_MEMO_MAX_TEXT) {
          if (memo.size >= COUNT_MEMO_LIMIT) memo.clear();
          memo.set(text, count);
        }
      }
      return count;
    });
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
    if (!byKey) this.texts.set(owner, (byKey = new Map()));
    let found = byKey.get(key);
    if (!found) {
      if (byKey.size >= 256) byKey.clear();
      byKey.set(key, (found = make()));
    }
    return found;
  }
}
