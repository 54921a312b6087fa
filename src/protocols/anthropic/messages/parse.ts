// Parses a Messages request body into the canonical conversation, or the 400 the API answers it with.
// Never throws, whatever the body holds (the fuzz suite sends it anything).
import type { Message, Role, ToolDefinition } from "../../../core/conversation.js";
import type { ApiError } from "../../types.js";
import { invalidRequest } from "../errors.js";
import { isRecord } from "../../json-values.js";
import { addTurn, blocksText } from "./content.js";
import type { AnthropicConversation } from "./conversation.js";
import { generationParams, maxTokensOf, parametersError, stopSequencesOf, thinkingOf } from "./params.js";

// The roles a turn may have: the SDK's MessageParam takes `system` turns mid-conversation too.
const ROLES = new Set<string>(["user", "assistant", "system"]);

function modelOf(body: Record<string, unknown>): string | ApiError {
  if (body.model === undefined) return invalidRequest("model: Field required");
  return typeof body.model === "string" ? body.model : invalidRequest("model: Input should be a valid string");
}

/** `system`, a string or a list of text blocks, as the conversation's first message (none when empty). */
function systemMessage(system: unknown): Message | null | ApiError {
  if (system === undefined || system === null) return null;
  let text: string;
  if (typeof system === "string") text = system;
  else if (!Array.isArray(system)) return invalidRequest("system: Input should be a valid list");
  else {
    for (let i = 0; i < system.length; i++) {
      const block = system[i];
      if (!isRecord(block)) return invalidRequest(`system.${i}: Input should be a valid dictionary`);
      if (typeof block.text !== "string") return invalidRequest(`system.${i}.text: Field required`);
    }
    text = blocksText(system);
  }
  return text === "" ? null : { role: "system", content: text };
}

/** The turns, after the system prompt (the API combines consecutive turns of one role; so does matching). */
function parseTurns(body: Record<string, unknown>, into: Message[]): ApiError | null {
  const { messages } = body;
  if (messages === undefined) return invalidRequest("messages: Field required");
  if (!Array.isArray(messages)) return invalidRequest("messages: Input should be a valid list");
  if (messages.length === 0) return invalidRequest("messages: at least one message is required");
  for (let i = 0; i < messages.length; i++) {
    const turn = messages[i];
    const at = `messages.${i}`;
    if (!isRecord(turn)) return invalidRequest(`${at}: Input should be a valid dictionary`);
    if (turn.role === undefined) return invalidRequest(`${at}.role: Field required`);
    if (typeof turn.role !== "string" || !ROLES.has(turn.role))
      return invalidRequest(`${at}.role: Input should be 'user', 'assistant' or 'system'`);
    const refused = addTurn(into, turn.role as Role, turn.content, at, i === messages.length - 1);
    if (refused) return refused;
  }
  return null;
}

/** Client tools (no `type`, or `custom`) need an input schema; server tools (`web_search_...`) are named by type. */
function parseTools(tools: unknown): ToolDefinition[] | ApiError {
  if (tools === undefined || tools === null) return [];
  if (!Array.isArray(tools)) return invalidRequest("tools: Input should be a valid list");
  const definitions: ToolDefinition[] = [];
  for (let i = 0; i < tools.length; i++) {
    const tool = tools[i];
    if (!isRecord(tool)) return invalidRequest(`tools.${i}: Input should be a valid dictionary`);
    if (typeof tool.name !== "string") return invalidRequest(`tools.${i}.name: Field required`);
    const custom = tool.type === undefined || tool.type === null || tool.type === "custom";
    if (custom && tool.input_schema === undefined) return invalidRequest(`tools.${i}.input_schema: Field required`);
    definitions.push({
      name: tool.name,
      description: typeof tool.description === "string" ? tool.description : undefined,
      parameters: custom ? tool.input_schema : undefined,
    });
  }
  return definitions;
}

function parseMessages(body: Record<string, unknown>): Message[] | ApiError {
  const messages: Message[] = [];
  const system = systemMessage(body.system);
  if (system !== null && "status" in system) return system;
  if (system !== null) messages.push(system);
  return parseTurns(body, messages) ?? messages;
}

/**
 * A Messages body's conversation; `maxTokensRequired`: Messages needs max_tokens, count_tokens takes none
 * (its conversation then has no output limit).
 */
function parseBody(body: unknown, maxTokensRequired: boolean): AnthropicConversation | ApiError {
  if (!isRecord(body)) return invalidRequest("Input should be a valid dictionary");
  const model = modelOf(body);
  if (typeof model !== "string") return model;
  const messages = parseMessages(body);
  if (!Array.isArray(messages)) return messages;
  const maxTokens = maxTokensRequired || body.max_tokens !== undefined ? maxTokensOf(body) : undefined;
  if (maxTokens !== undefined && typeof maxTokens !== "number") return maxTokens;
  const tools = parseTools(body.tools);
  if (!Array.isArray(tools)) return tools;
  const stop = stopSequencesOf(body);
  if (!Array.isArray(stop)) return stop;
  const refused = parametersError(body);
  if (refused) return refused;
  const thinking = thinkingOf(body, maxTokens);
  if (typeof thinking !== "string") return thinking;
  return {
    api: "messages",
    model,
    messages,
    tools,
    stream: body.stream === true,
    params: generationParams(body, maxTokens, stop, thinking),
    thinking,
    body,
  };
}

/** POST /v1/messages: max_tokens is required. */
export const parseMessagesRequest = (body: unknown): AnthropicConversation | ApiError => parseBody(body, true);

/** POST /v1/messages/count_tokens: the same body, without max_tokens. */
export const parseCountTokensRequest = (body: unknown): AnthropicConversation | ApiError => parseBody(body, false);
