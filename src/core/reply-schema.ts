// What a Reply may hold, as zod schemas: the one source of the Reply types (core/reply.ts) and of the
// response rules fixture validation applies (fixtures/schema.ts).
import { z } from "zod";
import type { ReplyChoice, ReplyError, ReplyToolCall, UsageOverride } from "./reply.js";

// Declaration emit keeps a field's JSDoc, which editors show, only where it prints a shape in the file
// that declares it. So each shape is exported, each schema is typed by its shape, and a schema nested in
// another is typed by its named type (`z.ZodType<ReplyToolCall>`), which the .d.ts names instead of
// printing its shape again.

const count = z.number().int().min(0);

export const finishReasonSchema = z.enum(["stop", "length", "tool_calls", "content_filter", "function_call"]);

export const replyToolCallShape = {
  name: z.string().min(1),
  /** JSON text, or an object that is serialised with JSON.stringify. */
  arguments: z.union([z.string(), z.record(z.string(), z.unknown())], { error: "expected a JSON string or an object" }),
  /** Defaults to a fresh `call_...` id per request. */
  id: z.string().min(1).optional(),
};
export const replyToolCallSchema: z.ZodObject<typeof replyToolCallShape, z.core.$strict> =
  z.strictObject(replyToolCallShape);

const toolCallItem: z.ZodType<ReplyToolCall> = replyToolCallSchema;

export const replyErrorShape = {
  status: z.number().int().min(400).max(599),
  message: z.string(),
  /** Defaults by status, in the provider's vocabulary (OpenAI's invalid_request_error, Anthropic's not_found_error, Gemini's INVALID_ARGUMENT...). */
  type: z.string().optional(),
  code: z.string().nullable().optional(),
  param: z.string().nullable().optional(),
  /** Seconds for the `retry-after` header of a 429 (default 1). */
  retryAfter: z.number().min(0).optional(),
};
export const replyErrorSchema: z.ZodObject<typeof replyErrorShape, z.core.$strict> = z.strictObject(replyErrorShape);

const errorField: z.ZodType<ReplyError> = replyErrorSchema;

export const usageOverrideShape = {
  promptTokens: count.optional(),
  completionTokens: count.optional(),
  reasoningTokens: count.optional(),
};
export const usageOverrideSchema: z.ZodObject<typeof usageOverrideShape, z.core.$strict> =
  z.strictObject(usageOverrideShape);

const usageField: z.ZodType<UsageOverride> = usageOverrideSchema;

export const replyChoiceShape = {
  content: z.string().optional(),
  toolCalls: z.array(toolCallItem).optional(),
  reasoning: z.string().optional(),
  finishReason: finishReasonSchema.optional(),
};
export const replyChoiceSchema: z.ZodObject<typeof replyChoiceShape, z.core.$strict> = z.strictObject(replyChoiceShape);

const choiceItem: z.ZodType<ReplyChoice> = replyChoiceSchema;

// The fields in the order fixtures have always been validated in, which is the order of a parsed reply's keys.
export const replyShape = {
  content: z.string().optional(),
  toolCalls: z.array(toolCallItem).optional(),
  reasoning: z.string().optional(),
  error: errorField.optional(),
  finishReason: finishReasonSchema.optional(),
  /** The vector `POST /v1/embeddings` returns for a matching input, instead of a derived one. */
  embedding: z.array(z.number()).min(1, { error: "expected an array of at least one number" }).optional(),
  /**
   * Alternatives for `n` > 1: choice i answers with choices[i % length]; without them every choice
   * repeats the reply. Fields a choice leaves out come from the reply.
   */
  choices: z.array(choiceItem).min(1).optional(),
  /** Fixes the response id's suffix (`chatcmpl-<id>`, `resp_<id>`) instead of a random one. */
  responseId: z
    .string()
    .regex(/^[A-Za-z0-9_.-]+$/, { error: "expected letters, digits, '_', '.' or '-'" })
    .optional(),
  usage: usageField.optional(),
};
export const replySchema: z.ZodObject<typeof replyShape, z.core.$strict> = z.strictObject(replyShape);
