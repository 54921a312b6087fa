// POST /v1/completions (legacy Completions) as a surface of the pipeline; one per server, owning its render cache.
import type { Surface } from "../../types.js";
import { parseCompletionsRequest, splitPrompts } from "./parse.js";
import { createCompletionsRenderer } from "./render.js";
import { OPENAI_SURFACE_WIRE } from "../wire.js";

export type { CompletionsConversation } from "./parse.js";

export function createCompletionsSurface(): Surface {
  const renderer = createCompletionsRenderer();
  return {
    ...OPENAI_SURFACE_WIRE,
    api: "completions",
    memoizable: true,
    parse: parseCompletionsRequest,
    split: splitPrompts,
    renderBody: renderer.renderBody,
    renderStream: renderer.renderStream,
  };
}
