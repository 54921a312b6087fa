// What a planned answer is in Anthropic's terms, shared by the JSON body and the stream: its content blocks
// in the order a model produces them (thinking, text, tool_use), its stop reason and stop sequence, and its
// usage. Anthropic answers with one message: a plan's first choice.
import { createHash } from "node:crypto";
import type { Plan, PlannedChoice } from "../../../core/plan.js";
import { isRecord } from "../../json-values.js";
import type { ThinkingDisplay } from "./conversation.js";

export type AnswerBlock =
  | {
      readonly type: "thinking";
      readonly thinking: string;
      readonly chunks: readonly string[];
      readonly signature: string;
    }
  | { readonly type: "text"; readonly text: string; readonly chunks: readonly string[] }
  | {
      readonly type: "tool_use";
      readonly id: string;
      readonly name: string;
      readonly input: Record<string, unknown>;
      readonly chunks: readonly string[];
    };

const NO_CHUNKS: readonly string[] = [];

/**
 * A thinking block's signature: opaque to clients, which hand it back unchanged. Understudy's is the
 * SHA-256 of the thinking text in base64, so the same reasoning is always signed the same way.
 */
function thinkingSignature(thinking: string): string {
  return createHash("sha256").update(thinking).digest("base64");
}

/** A tool call's input as an object: its argument text parsed, or {} for text that is not a JSON object (cut short). */
function toolInput(args: string): Record<string, unknown> {
  try {
    const input: unknown = JSON.parse(args);
    return isRecord(input) ? input : {};
  } catch {
    return {};
  }
}

function thinkingBlock(choice: PlannedChoice, display: ThinkingDisplay): AnswerBlock | null {
  const { reasoning } = choice;
  if (display === "off" || reasoning === null || reasoning === "") return null;
  const signature = thinkingSignature(reasoning);
  return display === "shown"
    ? { type: "thinking", thinking: reasoning, chunks: choice.reasoningChunks, signature }
    : { type: "thinking", thinking: "", chunks: NO_CHUNKS, signature };
}

/** The answer's content blocks: thinking (unless the request leaves it off), text (when there is any), tool uses. */
export function answerBlocks(choice: PlannedChoice, display: ThinkingDisplay): AnswerBlock[] {
  const blocks: AnswerBlock[] = [];
  const thinking = thinkingBlock(choice, display);
  if (thinking) blocks.push(thinking);
  if (choice.content !== null && choice.content !== "")
    blocks.push({ type: "text", text: choice.content, chunks: choice.contentChunks });
  for (const call of choice.toolCalls) {
    blocks.push({
      type: "tool_use",
      id: call.id,
      name: call.name,
      input: toolInput(call.arguments),
      chunks: call.argumentChunks,
    });
  }
  return blocks;
}

/** Who invoked a tool: the model itself (server tools call tools on its behalf; Understudy has none). */
export const DIRECT_CALLER = { type: "direct" } as const;

/** A block as the JSON body's `content` holds it. */
export function blockJson(block: AnswerBlock): Record<string, unknown> {
  switch (block.type) {
    case "thinking":
      return { type: "thinking", thinking: block.thinking, signature: block.signature };
    case "text":
      // No `citations` (the SDK types it as required, nullable): the API's text blocks leave it out, and
      // @ai-sdk/anthropic refuses a null one.
      return { type: "text", text: block.text };
    case "tool_use":
      return { type: "tool_use", id: block.id, name: block.name, input: block.input, caller: DIRECT_CALLER };
  }
}

/** Why the answer ended, from the plan's finish reason, its cut at max_tokens, or the stop sequence that ended it. */
export function stopReason(choice: PlannedChoice): string {
  if (choice.truncated) return "max_tokens";
  if (choice.stopSequence !== null) return "stop_sequence";
  switch (choice.finishReason) {
    case "length":
      return "max_tokens";
    case "tool_calls":
    case "function_call":
      return "tool_use";
    case "content_filter":
      return "refusal";
    case "stop":
      return choice.toolCalls.length > 0 ? "tool_use" : "end_turn";
  }
}

/**
 * The answer's token counts. Reasoning a request leaves off is not in its plan (`omitReasoning`), so it is
 * neither shown nor billed; a fixture's pinned reasoning count is then not reported as thinking either.
 */
export interface AnswerUsage {
  readonly input: number;
  readonly output: number;
  readonly thinking: number;
}

export function answerUsage(plan: Plan, display: ThinkingDisplay): AnswerUsage {
  const { promptTokens, completionTokens, reasoningTokens } = plan.usage;
  return { input: promptTokens, output: completionTokens, thinking: display === "off" ? 0 : reasoningTokens };
}

const NO_CACHE_CREATION = { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 };

/**
 * `usage` as the JSON body carries it, every field the SDK's Usage type holds; message_start's has the
 * output so far (`started`) and no breakdown of it yet.
 */
export function messageUsage(usage: AnswerUsage, started = false): Record<string, unknown> {
  return {
    input_tokens: usage.input,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: NO_CACHE_CREATION,
    output_tokens: started ? Math.min(1, usage.output) : usage.output,
    output_tokens_details: started ? null : { thinking_tokens: usage.thinking },
    server_tool_use: null,
    service_tier: "standard",
    inference_geo: "not_available",
    speed: "standard",
  };
}

/** message_delta's `usage`: the whole answer's counts (cumulative, as the API sends them). */
export function deltaUsage(usage: AnswerUsage): Record<string, unknown> {
  return {
    input_tokens: usage.input,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    output_tokens: usage.output,
    output_tokens_details: { thinking_tokens: usage.thinking },
    server_tool_use: null,
  };
}
