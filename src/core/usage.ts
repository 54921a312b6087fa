// OpenAI's token accounting: the cookbook's per-message prompt formula and the reply's tokens.
import type { Conversation, Message, ToolDefinition } from "./conversation.js";
/** Counts the tokens of a text in the request's encoding. */
export type TokenCounter = (text: string) => number;

export interface Usage {
  promptTokens: number;
  completionTokens: number;
  reasoningTokens: number;
  totalTokens: number;
}

// Each message costs 3 tokens of framing (<|start|>role<|message|>...<|end|>), a name 1 more, and the
// reply is primed with 3 (<|start|>assistant<|message|>).
const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_NAME = 1;
const REPLY_PRIMING = 3;
// Tool definitions and calls are rendered by OpenAI into a hidden text format; these are the
// per-item overheads gpt-tokenizer's function-calling estimate uses.
const TOKENS_PER_TOOL_DEFINITION = 9;
const TOKENS_PER_TOOL_CALL = 3;

export function countPromptTokens(messages: readonly Message[], tools: readonly ToolDefinition[], countTokens: TokenCounter): number {
  let total = REPLY_PRIMING;
  for (const message of messages) {
    total += TOKENS_PER_MESSAGE + countTokens(message.role) + countTokens(message.content);
    if (message.name) total += TOKENS_PER_NAME + countTokens(message.name);
    if (message.toolCalls) {
      for (const call of message.toolCalls) {
        total += TOKENS_PER_TOOL_CALL + countTokens(call.name) + countTokens(call.arguments);
      }
    }
  }
  for (const tool of tools) {
    total += TOKENS_PER_TOOL_DEFINITION + countTokens(tool.name);
    if (tool.description) total += countTokens(tool.description);
    if (tool.parameters !== undefined) total += countTokens(JSON.stringify(tool.parameters));
  }
  return total;
}

/** A raw prompt's own tokens (and its suffix's); chat messages by OpenAI's per-message formula. */
export function countPrompt(conversation: Conversation, count: TokenCounter): number {
  const raw = conversation.rawPrompt;
  if (!raw) return countPromptTokens(conversation.messages, conversation.tools, count);
  return (raw.tokens ? raw.tokens.length : count(raw.text)) + (raw.suffix ? count(raw.suffix) : 0);
}
