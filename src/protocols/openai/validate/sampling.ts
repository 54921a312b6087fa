// Parameter checks Chat Completions and legacy Completions share: stop sequences, logit_bias,
// stream_options and the inference-server top_k.
import { invalidRequest } from "../errors.js";
import type { ApiError } from "../../types.js";
import { all, arrayOf, boolean, type Check, integer, mapOf, object, onlyWhenEnabled, string, typeError } from "./rules.js";

/** `stop`: one string, or 1–4 of them (OAS `StopConfiguration`). */
export const stop: Check = (value, path, context) =>
  typeof value === "string"
    ? null
    : Array.isArray(value)
      ? arrayOf(string(), { minItems: 1, maxItems: 4 })(value, path, context)
      : typeError(path, "one of a string or array of strings", value);

/** `logit_bias`: token ids (as keys) to integer biases in −100..100. */
export const logitBias = mapOf(integer(-100, 100), {
  key: (key, path) =>
    /^\d+$/.test(key) ? null : invalidRequest(`Invalid key in '${path}': ${key}. You should only be submitting non-negative integers.`, path, null),
});

export const streamOptions = all(
  object({ include_usage: { check: boolean }, include_obfuscation: { check: boolean } }),
  onlyWhenEnabled("stream"),
);

/** `top_k` (Mini-SGLang, seed 004): −1 turns it off, otherwise at least 1. */
export const topK = all(integer(), (value, path) =>
  value === -1 || (value as number) >= 1
    ? null
    : invalidRequest(`Invalid value for '${path}': expected -1 (no top-k filtering) or an integer >= 1, but got ${value as number} instead.`, path, "invalid_value"),
);

/** The most completion tokens any model served here produces (gpt-5's limit). */
export const MAX_COMPLETION_TOKENS = 128_000;

/** `max_tokens` / `max_completion_tokens`: at least `min`, at most the largest model's limit, in OpenAI's words. */
export const maxTokens = (min: number): Check =>
  all(integer(min), (value, path) =>
    (value as number) <= MAX_COMPLETION_TOKENS
      ? null
      : invalidRequest(
          `${path} is too large: ${value as number}. This model supports at most ${MAX_COMPLETION_TOKENS} completion tokens, whereas you provided ${value as number}.`,
          path,
          "invalid_value",
        ),
  );

/**
 * Work a single request may ask for by generating text (ignore_eos extends every choice to the token
 * limit) with per-token log probabilities: n × tokens × (1 + alternatives). A real server would take
 * minutes over such a request; Understudy refuses it rather than stall every other client.
 */
export const GENERATION_BUDGET = 2_000_000;

export function generationBudget(body: Record<string, unknown>, limitParam: string, alternatives: number): ApiError | null {
  const limit = body[limitParam];
  if (body.ignore_eos !== true || typeof limit !== "number") return null;
  const n = typeof body.n === "number" ? body.n : 1;
  const best = typeof body.best_of === "number" ? Math.max(body.best_of, n) : n;
  const work = best * limit * (1 + alternatives);
  if (work <= GENERATION_BUDGET) return null;
  return invalidRequest(
    `With 'ignore_eos', this request asks for ${best} × ${limit} generated tokens${alternatives ? ` with ${alternatives} log-probability alternatives each` : ""}, over Understudy's limit of ${GENERATION_BUDGET} token entries per request. Lower '${limitParam}' or 'n'.`,
    limitParam,
    "invalid_value",
  );
}
