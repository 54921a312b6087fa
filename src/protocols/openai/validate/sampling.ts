// Parameter checks Chat Completions and legacy Completions share: stop sequences, logit_bias,
// stream_options and the inference-server top_k. (A model's own output limit is checked once the
// model is resolved: see output-limits.ts.)
import { invalidRequest } from "../errors.js";
import {
  all,
  arrayOf,
  boolean,
  type Check,
  integer,
  mapOf,
  object,
  onlyWhenEnabled,
  string,
  typeError,
} from "./rules.js";

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
    /^\d+$/.test(key)
      ? null
      : invalidRequest(
          `Invalid key in '${path}': ${key}. You should only be submitting non-negative integers.`,
          path,
          null,
        ),
});

export const streamOptions = all(
  object({ include_usage: { check: boolean }, include_obfuscation: { check: boolean } }),
  onlyWhenEnabled("stream"),
);

/** `top_k` (Mini-SGLang, seed 004): −1 turns it off, otherwise at least 1. */
export const topK = all(integer(), (value, path) =>
  value === -1 || (value as number) >= 1
    ? null
    : invalidRequest(
        `Invalid value for '${path}': expected -1 (no top-k filtering) or an integer >= 1, but got ${value as number} instead.`,
        path,
        "invalid_value",
      ),
);
