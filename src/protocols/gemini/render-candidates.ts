// The pieces every Gemini answer is built of, as plain values in Google's field order: a candidate's parts
// (thoughts, text, function calls), the candidate itself, and usageMetadata. Proto3's JSON leaves out
// fields at their default (a zero count, index 0 on Vertex AI), and so do these.
import type { Plan, PlannedChoice, PlannedToolCall } from "../../core/plan.js";
import type { FinishReason } from "../../core/reply.js";
import type { GeminiConversation, GeminiFlavor } from "./conversation.js";
import { isRecord } from "../json-values.js";
import { promptDetails } from "./prompt-tokens.js";

export type Part = Record<string, unknown>;

/** Gemini's finish reasons: a stop sequence and a function call both end a candidate with STOP. */
const FINISH_REASONS: Readonly<Record<FinishReason, string>> = {
  stop: "STOP",
  length: "MAX_TOKENS",
  tool_calls: "STOP",
  function_call: "STOP",
  content_filter: "SAFETY",
};

export const finishReasonOf = (choice: PlannedChoice): string => FINISH_REASONS[choice.finishReason];

/** Whether the reply's reasoning goes out as thought parts. */
export const showsThoughts = (conversation: GeminiConversation): boolean =>
  conversation.includeThoughts && !conversation.thinkingOff;

/**
 * A call as a functionCall part, its arguments a parsed object, or null for arguments that are not one:
 * the API never sends a call whose arguments were cut short (a reply cut at maxOutputTokens), so neither
 * does this. It carries an `id` only when its fixture pins one: Gemini's own calls have none.
 */
export function functionCallPart(call: PlannedToolCall): Part | null {
  let args: unknown;
  try {
    args = JSON.parse(call.arguments === "" ? "{}" : call.arguments);
  } catch {
    return null;
  }
  if (!isRecord(args)) return null;
  return { functionCall: call.id === "" ? { name: call.name, args } : { id: call.id, name: call.name, args } };
}

/** Every part of a whole candidate: its thoughts (when shown), its text, its calls. */
export function candidateParts(choice: PlannedChoice, conversation: GeminiConversation): Part[] {
  const parts: Part[] = [];
  if (choice.reasoning && showsThoughts(conversation)) parts.push({ text: choice.reasoning, thought: true });
  if (choice.content) parts.push({ text: choice.content });
  for (const call of choice.toolCalls) {
    const part = functionCallPart(call);
    if (part) parts.push(part);
  }
  return parts;
}

/** A candidate with these parts (none: no `content` at all) and, on its last piece, its finish reason. */
export function candidate(
  parts: readonly Part[],
  index: number,
  finishReason: string | null,
  flavor: GeminiFlavor,
): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  if (parts.length > 0) value.content = flavor === "vertex" ? { role: "model", parts } : { parts, role: "model" };
  if (finishReason !== null) value.finishReason = finishReason;
  // The Gemini API writes every index; Vertex AI, as proto3 does, not index 0.
  if (flavor === "gemini" || index > 0) value.index = index;
  return value;
}

/** The answer's token counts as Gemini reports them: thoughts apart from the candidates' tokens. */
export interface GeminiUsage {
  prompt: number;
  candidates: number;
  thoughts: number;
}

export function usageOf(plan: Plan, conversation: GeminiConversation): GeminiUsage {
  const { promptTokens, completionTokens, reasoningTokens } = plan.usage;
  return {
    prompt: promptTokens,
    candidates: Math.max(0, completionTokens - reasoningTokens),
    thoughts: conversation.thinkingOff ? 0 : Math.min(reasoningTokens, completionTokens),
  };
}

const setCount = (into: Record<string, unknown>, key: string, count: number): void => {
  if (count > 0) into[key] = count;
};

const modalityCount = (modality: string, tokenCount: number): Record<string, unknown> =>
  tokenCount > 0 ? { modality, tokenCount } : { modality };

/**
 * usageMetadata for these counts. Vertex AI sends only its traffic type until the last chunk of a stream
 * (`final` false); the Gemini API sends the counts so far on every chunk.
 */
export function usageMetadata(
  usage: GeminiUsage,
  conversation: GeminiConversation,
  flavor: GeminiFlavor,
  final = true,
): Record<string, unknown> {
  if (flavor === "vertex" && !final) return { trafficType: "ON_DEMAND" };
  const value: Record<string, unknown> = {};
  setCount(value, "promptTokenCount", usage.prompt);
  setCount(value, "candidatesTokenCount", usage.candidates);
  setCount(value, "totalTokenCount", usage.prompt + usage.candidates + usage.thoughts);
  if (flavor === "vertex") value.trafficType = "ON_DEMAND";
  value.promptTokensDetails = promptDetails(usage.prompt, conversation.media).map((detail) =>
    modalityCount(detail.modality, detail.tokenCount),
  );
  if (flavor === "vertex" && usage.candidates > 0)
    value.candidatesTokensDetails = [modalityCount("TEXT", usage.candidates)];
  setCount(value, "thoughtsTokenCount", usage.thoughts);
  if (flavor === "gemini") value.serviceTier = "standard";
  return value;
}
