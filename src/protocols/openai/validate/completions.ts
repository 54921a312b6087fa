// Legacy Completions request parameters, checked the way OpenAI rejects them (the prompt's tokens are the parser's).
import type { ApiError } from "../../types.js";
import { invalidRequest } from "../errors.js";
import { arrayOf, boolean, type Check, decimal, firstFailure, integer, type Rule, string, typeError } from "./rules.js";
import { logitBias, stop, streamOptions, topK } from "./sampling.js";

const PROMPT_TYPES = "one of a string, an array of strings, an array of integers, or an array of arrays of integers";

/** One prompt given as token ids: at least one, each a non-negative integer. */
const tokenList = arrayOf(integer(0), { minItems: 1, expected: "an array of integers" });

/** `prompt`: a string, strings, a token list or token lists (OAS `CreateCompletionRequest.prompt`); the first item decides which. */
const prompt: Check = (value, path, context) => {
  if (typeof value === "string") return null;
  if (!Array.isArray(value)) return typeError(path, PROMPT_TYPES, value);
  const [first] = value;
  if (value.length === 0 || typeof first === "string") return arrayOf(string(), { minItems: 1 })(value, path, context);
  if (typeof first === "number") return tokenList(value, path, context);
  if (Array.isArray(first)) return arrayOf(tokenList, { minItems: 1 })(value, path, context);
  return typeError(`${path}[0]`, "one of a string, an integer, or an array of integers", first);
};

/** In the order they are checked: the OAS `CreateCompletionRequest` ranges, plus seed 004's inference-server extensions. */
export const COMPLETIONS_RULES: readonly Rule[] = [
  { param: "prompt", check: prompt },
  { param: "suffix", check: string() },
  { param: "echo", check: boolean },
  { param: "n", check: integer(1, 128) },
  { param: "best_of", check: integer(0, 20) },
  { param: "logprobs", check: integer(0, 5) },
  { param: "max_tokens", check: integer(0) },
  { param: "stop", check: stop },
  { param: "temperature", check: decimal(0, 2) },
  { param: "top_p", check: decimal(0, 1) },
  { param: "frequency_penalty", check: decimal(-2, 2) },
  { param: "presence_penalty", check: decimal(-2, 2) },
  { param: "seed", check: integer() },
  { param: "logit_bias", check: logitBias },
  { param: "stream", check: boolean },
  { param: "stream_options", check: streamOptions },
  { param: "user", check: string() },
  { param: "top_k", check: topK },
  { param: "ignore_eos", check: boolean },
];

const given = (value: unknown): value is number => typeof value === "number";

/**
 * `best_of` against `n` and `stream`: the best of several candidates is picked server-side, so there
 * must be at least `n` of them, and when some are dropped (best_of > n) nothing can be streamed.
 */
function bestOfConflict(body: Record<string, unknown>): ApiError | null {
  if (!given(body.best_of)) return null;
  const n = given(body.n) ? body.n : 1;
  if (body.best_of < n) {
    return invalidRequest(
      `Invalid value for 'best_of': 'best_of' must be greater than or equal to 'n', but got best_of=${body.best_of} and n=${n} instead.`,
      "best_of",
      "invalid_value",
    );
  }
  if (body.best_of > n && body.stream === true) {
    return invalidRequest(
      "Invalid value for 'best_of': 'best_of' cannot be used with 'stream': results that are picked server-side cannot be streamed.",
      "best_of",
      "invalid_value",
    );
  }
  return null;
}

/** The first problem with a legacy Completions request's parameters, as OpenAI's 400, or null. Unknown parameters are accepted. */
export function validateCompletionsParameters(body: Record<string, unknown>): ApiError | null {
  return firstFailure(COMPLETIONS_RULES, body) ?? bestOfConflict(body);
}
