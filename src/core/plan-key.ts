// The plan's cache key, declared beside planReply: what a plan's bytes depend on besides its fixture reply,
// so a surface may reuse what it rendered for an identical plan (Plan.reuse, RenderCache).
import type { GenerationParams } from "./conversation.js";

/** The parameters a key can hold: each a primitive, or a list of strings. */
type KeyableParam = {
  [K in keyof GenerationParams]-?: GenerationParams[K] extends
    | string
    | number
    | boolean
    | null
    | undefined
    | readonly string[]
    ? K
    : never;
}[keyof GenerationParams];

/**
 * The request parameters planReply reads, in key order. A parameter the plan starts reading must be added
 * here, or identical-looking plans would share a rendering they should not: test/unit/plan-key.test.ts
 * watches planReply's reads and fails for one that is missing.
 */
export const PLAN_PARAMS = [
  "maxOutputTokens",
  "n",
  "stop",
  "ignoreEos",
  "topLogprobs",
  "omitReasoning",
] as const satisfies readonly KeyableParam[];

/**
 * What else the plan reads, and how the key covers it. The conversation: its `model` is in the key, its
 * `params` as PLAN_PARAMS, its messages, tools and raw prompt only through the prompt's token count,
 * which is in the key. The plan options: `chunkSize` is in the key; `timing` says when bytes go out, not
 * which; `ids` and the surface's `wire` draw the ids of tool calls, and a plan with ids made for its
 * request is never reused (Plan.reuse is null), so they need no place in the key.
 */
export const PLAN_READS = {
  conversation: ["model", "params"],
  countedInPrompt: ["messages", "tools", "rawPrompt"],
  options: ["chunkSize"],
  unkeyedOptions: ["timing", "ids", "wire"],
} as const;

/**
 * The key of a plan for `params` (see PLAN_PARAMS), its prompt's tokens and chunk size, and its model.
 * Every part before the model has a fixed form that never holds U+0000 (numbers, booleans, null, a JSON
 * list), and the model comes last, so no two different requests share a key whatever their model is named.
 */
export function planKey(params: GenerationParams, promptTokens: number, chunkSize: number, model: string): string {
  let key = `${promptTokens}\u0000${chunkSize}`;
  for (let i = 0; i < PLAN_PARAMS.length; i++) {
    const value = params[PLAN_PARAMS[i]];
    if (typeof value !== "object" || value === null) key += `\u0000${value}`;
    else key += value.length === 0 ? "\u0000" : `\u0000${JSON.stringify(value)}`;
  }
  return `${key}\u0000${model}`;
}
