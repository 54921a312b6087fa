// OpenAI's token limits for embeddings: 8,192 tokens an input and 300,000 summed over a request's
// inputs ("for all embedding models", per the API reference), refused with OpenAI's own 400 bodies.
import type { TokenCounter } from "../../../core/usage.js";
import type { ApiError } from "../../types.js";
import { invalidRequest, openAIError } from "../errors.js";
import type { EmbeddingInput } from "./parse.js";

export const MAX_INPUT_TOKENS = 8192;
export const MAX_REQUEST_TOKENS = 300_000;

// OpenAI's words for an input over the context length (the completions-era message, as its
// embeddings endpoint sends it), with param and code null.
const tooLongInput = (tokens: number): ApiError =>
  invalidRequest(
    `This model's maximum context length is ${MAX_INPUT_TOKENS} tokens, however you requested ${tokens} tokens ` +
      `(${tokens} in your prompt; 0 for the completion). Please reduce your prompt; or completion length.`,
    null,
  );

// OpenAI's words for a request over the summed limit: its own type and code, param null.
const tooManyTokens = (tokens: number): ApiError =>
  openAIError(400, `Requested ${tokens} tokens, max ${MAX_REQUEST_TOKENS} tokens per request`, {
    type: "max_tokens_per_request",
    param: null,
    code: "max_tokens_per_request",
  });

/** The inputs' token counts as they are added up, and the first count over the per-input limit. */
export class TokenTally {
  total = 0;
  private firstTooLong = 0;

  add(tokens: number): void {
    this.total += tokens;
    if (tokens > MAX_INPUT_TOKENS && this.firstTooLong === 0) this.firstTooLong = tokens;
  }

  /**
   * The 400 for a request over a limit, or null. The summed limit is reported first: it is the
   * request-wide one, and a request over it is refused whatever its inputs' lengths.
   */
  refusal(): ApiError | null {
    if (this.total > MAX_REQUEST_TOKENS) return tooManyTokens(this.total);
    return this.firstTooLong > 0 ? tooLongInput(this.firstTooLong) : null;
  }
}

/** The request's prompt tokens (a token-list input counts the tokens sent), or the 400 for a request over a limit. */
export function embeddingsPromptTokens(inputs: readonly EmbeddingInput[], count: TokenCounter): number | ApiError {
  const tally = new TokenTally();
  for (const input of inputs) tally.add(input.tokenCount ?? count(input.text));
  return tally.refusal() ?? tally.total;
}
