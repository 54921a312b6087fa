// OpenAI's prompt token accounting: the cookbook's per-message formula for chat messages and tool
// definitions, and a raw prompt's own tokens for legacy Completions.
import type { Conversation, Message, RawPrompt, ToolDefinition } from "../../core/conversation.js";
import type { TokenCounter } from "../../core/usage.js";

// Each message costs 3 tokens of framing (<|start|>role<|message|>...<|end|>), a name 1 more, and the
// reply is primed with 3 (<|start|>assistant<|message|>).
const TOKENS_PER_MESSAGE = 3;
const TOKENS_PER_NAME = 1;
const REPLY_PRIMING = 3;
// Tool definitions and calls are rendered by OpenAI into a hidden text format; these are the
// per-item overheads gpt-tokenizer's function-calling estimate uses.
const TOKENS_PER_TOOL_DEFINITION = 9;
const TOKENS_PER_TOOL_CALL = 3;

export function countPromptTokens(
  messages: readonly Message[],
  tools: readonly ToolDefinition[],
  countTokens: TokenCounter,
): number {
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

/** A raw prompt's own tokens, without framing: the token list as sent, or the text's (and its suffix's). */
export function countRawPrompt(prompt: RawPrompt, count: TokenCounter): number {
  return (prompt.tokens ? prompt.tokens.length : count(prompt.text)) + (prompt.suffix ? count(prompt.suffix) : 0);
}

/** Chat Completions and the Responses API: the conversation's messages and tools by the per-message formula. */
export function countChatPrompt(conversation: Conversation, count: TokenCounter): number {
  return countPromptTokens(conversation.messages, conversation.tools, count);
}
