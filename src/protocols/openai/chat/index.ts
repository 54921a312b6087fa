// POST /v1/chat/completions as a surface of the pipeline; one per server, owning its render cache.
import type { Surface } from "../../types.js";
import { CHAT_CEILING, generationCeilingError } from "../validate/generation-ceiling.js";
import { chatOutputLimit } from "../validate/output-limits.js";
import { parseChatRequest } from "./parse.js";
import { createChatRenderer } from "./render.js";
import { OPENAI_SURFACE_WIRE } from "../wire.js";

export function createChatSurface(): Surface {
  const renderer = createChatRenderer();
  return {
    ...OPENAI_SURFACE_WIRE,
    api: "chat.completions",
    memoizable: true,
    parse: parseChatRequest,
    // A known model's output limit, and the most generated tokens one answer may multiply to.
    checkModel: chatOutputLimit,
    checkAnswer: (parts, matched, tokens) => generationCeilingError(parts, matched, tokens, CHAT_CEILING),
    renderBody: renderer.renderBody,
    renderStream: renderer.renderStream,
    renderStreamText: renderer.renderStreamText,
  };
}
