// The most an answer Understudy builds may multiply: n choices (per prompt, for legacy Completions),
// each up to max_tokens long (exactly that with ignore_eos), weighted by log probabilities. A larger one
// would be planned and rendered on the main thread for longer than other clients can wait. Each surface
// checks it in its own terms (checkAnswer).
import type { Conversation } from "../../../core/conversation.js";
import type { Reply } from "../../../core/reply.js";
import { argumentsText, type TokenCache } from "../../../core/token-cache.js";
import type { TokenCounter } from "../../../core/usage.js";
import type { ApiError } from "../../types.js";
import type { CompletionsConversation } from "../completions/parse.js";
import { invalidRequest } from "../errors.js";

/**
 * Generated tokens (summed over choices and prompts) one request may ask for. Measured on the 2-core
 * machine this was chosen on: a fresh 32,768-token ignore_eos stream (n 1 or n 128) held the event loop
 * 35–60 ms (median; GC pauses up to ~160 ms), its JSON answer 5–17 ms.
 */
export const GENERATED_TOKENS_CEILING = 32_768;

/**
 * Log probabilities cost far more than the token itself (each entry is an object with its bytes, and
 * each alternative another): measured, a token with top_logprobs 0 costs ~6 plain ones, and each
 * alternative ~1.5 more (top_logprobs 20: ~34–50).
 */
const LOGPROBS_WEIGHT = 6;
const ALTERNATIVE_WEIGHT = 2;

/** What the ceiling needs of a match: the reply a part is answered with. */
export interface AnsweredPart {
  reply: Reply;
}

/** Tokens in choice `slot` of a reply before any limit: its reasoning, text and tool-call arguments. */
function replyTokens(
  reply: Reply,
  slot: number,
  tokens: TokenCache,
  count: TokenCounter,
  conversation: Conversation,
): number {
  const alternatives = reply.choices;
  if (!alternatives?.length) {
    // The planner tokenizes the reply this same way (and keeps it), so this costs nothing extra.
    const choice = tokens.choice(reply, tokens.encodingFor(conversation.model));
    return (
      choice.content.count + choice.reasoning.count + choice.toolArguments.reduce((sum, args) => sum + args.count, 0)
    );
  }
  const alternative = alternatives[slot % alternatives.length];
  const text = (value: string | undefined): number => (value ? count(value) : 0);
  const calls = alternative.toolCalls ?? reply.toolCalls ?? [];
  return (
    text(alternative.content ?? reply.content) +
    text(alternative.reasoning ?? reply.reasoning) +
    calls.reduce((sum, call) => sum + text(argumentsText(call.arguments)), 0)
  );
}

/** How a surface's requests name what multiplies an answer, and what its choices repeat of the prompt. */
export interface CeilingTerms<C extends Conversation> {
  /** The request's token limit parameter, as the refusal names it. */
  limitParam(conversation: C): string;
  /** The parameter that asks for log probabilities. */
  readonly logprobsParam: string;
  /** Tokens each choice repeats before its text (legacy Completions' `echo`); 0 for none. */
  echoedTokens(part: C, count: TokenCounter): number;
}

export const CHAT_CEILING: CeilingTerms<Conversation> = {
  limitParam: ({ body }) =>
    body.max_completion_tokens !== undefined && body.max_completion_tokens !== null
      ? "max_completion_tokens"
      : "max_tokens",
  logprobsParam: "top_logprobs",
  echoedTokens: () => 0,
};

export const COMPLETIONS_CEILING: CeilingTerms<CompletionsConversation> = {
  limitParam: () => "max_tokens",
  logprobsParam: "logprobs",
  // The prompt without its suffix: the echo repeats what comes before the insertion point.
  echoedTokens: ({ completions, rawPrompt }, count) =>
    !completions.echo ? 0 : rawPrompt.tokens ? rawPrompt.tokens.length : count(rawPrompt.text),
};

interface Total {
  choices: number;
  tokens: number;
  /** The longest choice, for the message. */
  longest: number;
}

/** Every choice of every part, in tokens. */
function totalTokens<C extends Conversation>(
  parts: readonly C[],
  hits: readonly AnsweredPart[],
  tokens: TokenCache,
  terms: CeilingTerms<C>,
): Total {
  const total: Total = { choices: 0, tokens: 0, longest: 0 };
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p];
    const { n, ignoreEos, maxOutputTokens: limit } = part.params;
    const count = tokens.counter(tokens.encodingFor(part.model));
    const echoed = terms.echoedTokens(part, count);
    const reply = hits[p].reply;
    // Without alternatives every choice is the same length, so one stands for all.
    const distinct = reply.choices?.length ? Math.min(n, reply.choices.length) : 1;
    for (let slot = 0; slot < distinct; slot++) {
      const own =
        ignoreEos && limit !== undefined
          ? limit
          : Math.min(limit ?? Infinity, replyTokens(reply, slot, tokens, count, part));
      const copies = Math.floor((n - slot - 1) / distinct) + 1;
      total.tokens += copies * (own + echoed);
      total.longest = Math.max(total.longest, own + echoed);
    }
    total.choices += n;
  }
  return total;
}

function ceilingError<C extends Conversation>(
  conversation: C,
  total: Total,
  weight: number,
  terms: CeilingTerms<C>,
): ApiError {
  const limit = terms.limitParam(conversation);
  const several = conversation.params.n > 1;
  const each =
    total.longest * total.choices === total.tokens ? `${total.longest} tokens each` : `up to ${total.longest} tokens`;
  const what =
    total.choices > 1
      ? `${total.choices} choices of ${each} (${total.tokens} tokens in all)`
      : `${total.tokens} tokens`;
  const weighted = weight > 1 ? `, each counted ${weight} times for its log probabilities,` : "";
  const lower = [several ? "'n'" : null, `'${limit}'`, weight > 1 ? `'${terms.logprobsParam}'` : null].filter(Boolean);
  return invalidRequest(
    `Invalid '${several ? "n" : limit}': ${what}${weighted} exceed the ${GENERATED_TOKENS_CEILING} generated tokens Understudy answers one request with. Lower ${lower.join(" or ")}.`,
    several ? "n" : limit,
    "invalid_value",
  );
}

/**
 * The 400 for a request whose answer would pass the ceiling, or null. Only requests that multiply their
 * answer are counted (several choices or prompts, ignore_eos, log probabilities): a single plain answer
 * is as long as its fixture (or the fallback) makes it, and an ordinary request costs nothing here.
 */
export function generationCeilingError<C extends Conversation>(
  parts: readonly C[],
  hits: readonly AnsweredPart[],
  tokens: TokenCache,
  terms: CeilingTerms<C>,
): ApiError | null {
  const conversation = parts[0];
  const { n, ignoreEos, maxOutputTokens, topLogprobs } = conversation.params;
  const extended = ignoreEos && maxOutputTokens !== undefined;
  if (parts.length === 1 && n <= 1 && !extended && topLogprobs === null) return null;
  const weight = topLogprobs === null ? 1 : LOGPROBS_WEIGHT + ALTERNATIVE_WEIGHT * topLogprobs;
  const total = totalTokens(parts, hits, tokens, terms);
  return total.tokens * weight <= GENERATED_TOKENS_CEILING ? null : ceilingError(conversation, total, weight, terms);
}
