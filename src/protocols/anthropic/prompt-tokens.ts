// Anthropic's input-token accounting, as Understudy approximates it. Claude's tokenizer is not public, so
// texts are counted with o200k_base (the plan's encoding for model names it does not know) and framed by a
// formula of Understudy's own: the system prompt, every turn, every tool call and result, and every tool
// definition count, as Anthropic's input_tokens do; the framing constants are estimates, not Anthropic's.
import type { Conversation } from "../../core/conversation.js";
import type { TokenCounter } from "../../core/usage.js";
import { jsonText } from "../json-values.js";

// Each turn (the system prompt, a tool result) is framed by a few tokens of role markers, and the reply
// is primed with the assistant's; tool calls and definitions are rendered into the prompt with some
// markup around their name and JSON.
const TOKENS_PER_TURN = 3;
const REPLY_PRIMING = 3;
const TOKENS_PER_TOOL_CALL = 3;
const TOKENS_PER_TOOL_DEFINITION = 9;

/** A Messages request's input tokens: what usage.input_tokens and /v1/messages/count_tokens report. */
export function countAnthropicPrompt(conversation: Conversation, count: TokenCounter): number {
  let total = REPLY_PRIMING;
  for (const message of conversation.messages) {
    total += TOKENS_PER_TURN + count(message.content);
    if (message.toolCalls) {
      for (const call of message.toolCalls) total += TOKENS_PER_TOOL_CALL + count(call.name) + count(call.arguments);
    }
  }
  for (const tool of conversation.tools) {
    total += TOKENS_PER_TOOL_DEFINITION + count(tool.name);
    if (tool.description) total += count(tool.description);
    if (tool.parameters !== undefined) total += count(jsonText(tool.parameters) ?? "");
  }
  return total;
}
