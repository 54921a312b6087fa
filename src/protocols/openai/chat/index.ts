// POST /v1/chat/completions as a surface of the pipeline.
import type { Surface } from "../../types.js";
import { parseChatRequest } from "./parse.js";
import { renderChatBody, renderChatStream } from "./render.js";

export const chatCompletions: Surface = {
  api: "chat.completions",
  parse: parseChatRequest,
  renderBody: renderChatBody,
  renderStream: renderChatStream,
};
