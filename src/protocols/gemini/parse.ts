// A generateContent request (its JSON body, with the model its path named folded in as `model`) as the
// canonical conversation, or the 400 Google answers for it. Never throws, whatever the body holds.
import type { Message } from "../../core/conversation.js";
import { type GeminiConversation, modelName } from "./conversation.js";
import { type GoogleApiError, invalidArgument } from "./errors.js";
import { isRecord } from "../json-values.js";
import { field } from "./json.js";
import { parseGenerationConfig } from "./parse-config.js";
import { type ParsedContents, parseContents, systemText } from "./parse-contents.js";
import { checkToolConfig, parseTools } from "./parse-tools.js";

/** Google's words for a body that is JSON but not an object. */
export const NOT_AN_OBJECT = 'Invalid JSON payload received. Unknown name "": Root element must be a message.';

/**
 * What a generateContent body asks for. `request`: the message type Google's errors name
 * (GenerateContentRequest; countTokens reads the same fields), `api` and `stream` the conversation's.
 */
export function parseGenerateBody(
  body: unknown,
  request: string,
  api: string,
  stream: boolean,
): GeminiConversation | GoogleApiError {
  if (!isRecord(body)) return invalidArgument(NOT_AN_OBJECT);
  if (typeof body.model !== "string") return invalidArgument(`* ${request}.model: model is not specified\n`, "model");
  const contents: ParsedContents = { messages: [], media: [] };
  const system = systemText(field(body, "systemInstruction", "system_instruction"));
  if (system !== undefined) contents.messages.push({ role: "system", content: system } satisfies Message);
  const refused = parseContents(body.contents, request, contents);
  if (refused) return refused;
  const tools = parseTools(body.tools);
  if (!Array.isArray(tools)) return tools;
  const badMode = checkToolConfig(field(body, "toolConfig", "tool_config"));
  if (badMode) return badMode;
  const generation = parseGenerationConfig(field(body, "generationConfig", "generation_config"));
  if ("status" in generation) return generation;
  return {
    api,
    model: modelName(body.model),
    messages: contents.messages,
    tools,
    stream,
    params: generation.params,
    includeThoughts: generation.includeThoughts,
    thinkingOff: generation.thinkingOff,
    media: contents.media,
    body,
  };
}

/** A parse for one of the generateContent methods: `api` is its name, `stream` whether it streams. */
export function generateContentParser(api: string, stream: boolean) {
  return (body: unknown): GeminiConversation | GoogleApiError =>
    parseGenerateBody(body, "GenerateContentRequest", api, stream);
}
