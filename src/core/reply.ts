// What a fixture answers with, independent of any wire format: text, tool calls, reasoning, an error,
// or a pinned embedding vector. The types come from the schemas in reply-schema.ts, which validation uses.
import type { z } from "zod";
import type {
  finishReasonSchema,
  replyChoiceSchema,
  replyErrorSchema,
  replySchema,
  replyToolCallSchema,
  usageOverrideSchema,
} from "./reply-schema.js";

/** A tool call a reply makes. */
export interface ReplyToolCall extends z.output<typeof replyToolCallSchema> {}

/** An error a reply answers with instead of content. */
export interface ReplyError extends z.output<typeof replyErrorSchema> {}

/** Token counts a reply reports instead of the counted ones. */
export interface UsageOverride extends z.output<typeof usageOverrideSchema> {}

export type FinishReason = z.output<typeof finishReasonSchema>;

/** One alternative answer, for requests with `n` > 1. */
export interface ReplyChoice extends z.output<typeof replyChoiceSchema> {}

/** Whether a reply can answer a generation request (it is more than a pinned embedding). */
export function isGenerationReply(reply: Reply): boolean {
  return (
    reply.content !== undefined ||
    reply.toolCalls !== undefined ||
    reply.reasoning !== undefined ||
    reply.error !== undefined ||
    reply.choices !== undefined
  );
}

/** What a fixture answers with: text, tool calls, reasoning, an error, or a pinned embedding vector. */
export interface Reply extends z.output<typeof replySchema> {}
