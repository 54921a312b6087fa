// POST /v1/completions (legacy Completions) as a surface of the pipeline; one per server, owning its render cache.
import type { Surface } from "../../types.js";
import { countRawPrompt } from "../prompt-tokens.js";
import { COMPLETIONS_CEILING, generationCeilingError } from "../validate/generation-ceiling.js";
import { completionsOutputLimit } from "../validate/output-limits.js";
import { parseCompletionsRequest, splitPrompts, type CompletionsConversation } from "./parse.js";
import { createCompletionsRenderer } from "./render.js";
import { OPENAI_SURFACE_WIRE } from "../wire.js";

export type { CompletionsConversation } from "./parse.js";

export function createCompletionsSurface(): Surface<CompletionsConversation> {
  const renderer = createCompletionsRenderer();
  return {
    ...OPENAI_SURFACE_WIRE,
    api: "completions",
    memoizable: true,
    parse: parseCompletionsRequest,
    split: splitPrompts,
    // A known model's output limit (or context, for one whose answer may fill it), and the most generated
    // tokens one answer may multiply to, over every prompt.
    checkModel: completionsOutputLimit,
    checkAnswer: (parts, matched, tokens) => generationCeilingError(parts, matched, tokens, COMPLETIONS_CEILING),
    // A raw prompt is counted as it is, without the chat formula's framing.
    promptTokens: (conversation, count) => countRawPrompt(conversation.rawPrompt, count),
    renderBody: renderer.renderBody,
    renderStream: renderer.renderStream,
  };
}
