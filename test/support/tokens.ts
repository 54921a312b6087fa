// Expected usage, computed independently of the server with gpt-tokenizer: OpenAI's per-message prompt
// formula 3 + Σ(3 + tokens(role) + tokens(content)), plus the documented estimates for tools
// (9 + name + description + JSON parameters per definition, 3 + name + arguments per earlier call).
import { encode as cl100k } from "gpt-tokenizer/encoding/cl100k_base";
import { encode as o200k } from "gpt-tokenizer/encoding/o200k_base";

/** o200k_base for gpt-4o and gpt-4o-mini, cl100k_base for gpt-3.5-turbo and gpt-4. */
export function countTokens(model: string, text: string | null | undefined): number {
  if (!text) return 0;
  return (/^gpt-4o/.test(model) ? o200k(text) : cl100k(text)).length;
}

export interface CountedMessage {
  role: string;
  content?: string | null | unknown[];
  tool_calls?: readonly { type: string; function?: { name: string; arguments: string } }[];
}

export interface CountedTool {
  type: string;
  function?: { name: string; description?: string; parameters?: unknown };
}

export function promptTokens(
  model: string,
  messages: readonly CountedMessage[],
  tools: readonly CountedTool[] = [],
): number {
  let total = 3;
  for (const m of messages) {
    total += 3 + countTokens(model, m.role) + countTokens(model, typeof m.content === "string" ? m.content : "");
    for (const call of m.tool_calls ?? [])
      total += 3 + countTokens(model, call.function?.name) + countTokens(model, call.function?.arguments);
  }
  for (const { function: f } of tools) {
    if (!f) continue;
    total += 9 + countTokens(model, f.name) + countTokens(model, f.description);
    if (f.parameters !== undefined) total += countTokens(model, JSON.stringify(f.parameters));
  }
  return total;
}

/** The `usage` of a chat completion that answered `messages` with `reply`. */
export function chatUsage(
  model: string,
  messages: readonly CountedMessage[],
  reply: string | null,
  tools: readonly CountedTool[] = [],
) {
  const prompt_tokens = promptTokens(model, messages, tools);
  const completion_tokens = countTokens(model, reply);
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens };
}
