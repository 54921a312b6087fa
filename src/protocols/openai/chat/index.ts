// POST /v1/chat/completions as a surface of the pipeline; one per server, owning its render cache.
import type { Surface } from "../../types.js";
import { parseChatRequest } from "./parse.js";
import { createChatRenderer } from "./render.js";
import { OPENAI_SURFACE_WIRE } from "../wire.js";

export function createChatSurface(): Surface {
  const renderer = createChatRenderer();
  return { ...OPENAI_SURFACE_WIRE, api: "chat.completions", memoizable: true, parse: parseChatRequest, renderBody: renderer.renderBody, renderStream: renderer.renderStream, renderStreamText: renderer.renderStreamText };
}
