// A Messages request's turns as canonical messages: string or block content; text joined with newlines;
// an assistant's tool_use blocks as its tool calls; a user's tool_result blocks as tool messages that name
// the call they answer (so toolCallId and hasToolResult fixtures match); images, documents and thinking
// blocks carry no text a fixture matches on and are left out.
import type { Message, Role, ToolCall } from "../../../core/conversation.js";
import type { ApiError } from "../../types.js";
import { invalidRequest } from "../errors.js";
import { isRecord, jsonText } from "../../json-values.js";

const EMPTY_TEXT_BLOCK = "messages: text content blocks must be non-empty";

/** What one turn's blocks hold, gathered in order. */
interface TurnParts {
  texts: string[];
  calls: ToolCall[];
  results: Message[];
}

/** The text of a block list that is all text (a tool_result's content, the system prompt); other blocks are left out. */
export function blocksText(blocks: readonly unknown[]): string {
  const texts: string[] = [];
  for (const block of blocks) if (isRecord(block) && typeof block.text === "string") texts.push(block.text);
  return texts.join("\n");
}

function toolResultText(content: unknown): string {
  if (typeof content === "string") return content;
  return Array.isArray(content) ? blocksText(content) : "";
}

/** A required string field of a block, or the 400 naming it. */
function requiredString(block: Record<string, unknown>, field: string, at: string): string | ApiError {
  const value = block[field];
  if (typeof value === "string") return value;
  return invalidRequest(`${at}.${field}: ${value === undefined ? "Field required" : "Input should be a valid string"}`);
}

function addBlock(parts: TurnParts, block: Record<string, unknown>, at: string): ApiError | null {
  switch (block.type) {
    case "text": {
      const text = requiredString(block, "text", at);
      if (typeof text !== "string") return text;
      if (text === "") return invalidRequest(EMPTY_TEXT_BLOCK);
      parts.texts.push(text);
      return null;
    }
    case "tool_use": {
      const id = requiredString(block, "id", at);
      if (typeof id !== "string") return id;
      const name = requiredString(block, "name", at);
      if (typeof name !== "string") return name;
      parts.calls.push({ id, name, arguments: jsonText(block.input ?? {}) ?? "{}" });
      return null;
    }
    case "tool_result": {
      const id = requiredString(block, "tool_use_id", at);
      if (typeof id !== "string") return id;
      parts.results.push({ role: "tool", content: toolResultText(block.content), toolCallId: id });
      return null;
    }
    default:
      return null;
  }
}

function gatherBlocks(blocks: readonly unknown[], at: string): TurnParts | ApiError {
  const parts: TurnParts = { texts: [], calls: [], results: [] };
  for (let j = 0; j < blocks.length; j++) {
    const block = blocks[j];
    const blockAt = `${at}.content.${j}`;
    if (!isRecord(block)) return invalidRequest(`${blockAt}: Input should be a valid dictionary`);
    if (typeof block.type !== "string") return invalidRequest(`${blockAt}.type: Field required`);
    const refused = addBlock(parts, block, blockAt);
    if (refused) return refused;
  }
  return parts;
}

/** The canonical messages of one turn: its tool results first (as the API wants them), then its text and calls. */
function turnMessages(role: Role, parts: TurnParts): Message[] {
  const messages = parts.results;
  const text = parts.texts.join("\n");
  if (parts.calls.length > 0) messages.push({ role, content: text, toolCalls: parts.calls });
  else if (parts.texts.length > 0 || parts.results.length === 0) messages.push({ role, content: text });
  return messages;
}

const emptyContent = (at: string): ApiError =>
  invalidRequest(`${at}: all messages must have non-empty content except for the optional final assistant message`);

/**
 * One turn's canonical messages (appended to `into`), or the 400 for content the API refuses. `last`: the
 * turn is the request's final one, where an assistant's empty content (a prefill) is allowed.
 */
export function addTurn(into: Message[], role: Role, content: unknown, at: string, last: boolean): ApiError | null {
  const emptyAllowed = last && role === "assistant";
  if (typeof content === "string") {
    if (content === "" && !emptyAllowed) return emptyContent(at);
    into.push({ role, content });
    return null;
  }
  if (content === undefined) return invalidRequest(`${at}.content: Field required`);
  if (!Array.isArray(content)) return invalidRequest(`${at}.content: Input should be a valid list`);
  if (content.length === 0 && !emptyAllowed) return emptyContent(at);
  const parts = gatherBlocks(content, at);
  if (!("texts" in parts)) return parts;
  for (const message of turnMessages(role, parts)) into.push(message);
  return null;
}
