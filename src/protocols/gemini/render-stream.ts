// The answer of streamGenerateContent: one GenerateContentResponse per generated piece (a token of thought
// or text, or a whole function call), each with the usage so far, the last of each candidate with its
// finish reason. With `alt=sse` each is an SSE event `data: {...}\r\n\r\n` on one line; without it they are
// the elements of one JSON array, pretty-printed, written `[{...}` then `\n,\r\n{...}` then `\n]`, as the
// real API frames them. Everything but the per-answer tail (response id, Vertex AI's createTime) is a
// template of the plan, rendered once per plan shape.
import type { Plan, PlannedChoice } from "../../core/plan.js";
import type { RenderContext, RenderedStream, RenderedText, StreamEvent } from "../types.js";
import type { GeminiConversation, GeminiFlavor } from "./conversation.js";
import { compactJson, prettyJson } from "./json.js";
import {
  candidate,
  finishReasonOf,
  functionCallPart,
  type GeminiUsage,
  type Part,
  showsThoughts,
  usageMetadata,
  usageOf,
} from "./render-candidates.js";
import { createTimeOf, responseIdOf } from "./render-body.js";

export type StreamFraming = "sse" | "array";

/** A stream as text cut where each chunk's per-answer tail goes: `segments.join(tail)` is the whole body. */
export interface StreamTemplate {
  /** Each chunk's text up to its tail, with what frames it before (`data: `, `[`, `\n,\r\n`). */
  readonly heads: readonly string[];
  readonly tokens: readonly boolean[];
  readonly segments: readonly string[];
  readonly segmentBytes: number;
}

/** One piece of one candidate, as one chunk carries it. */
interface Piece {
  readonly choice: PlannedChoice;
  readonly parts: readonly Part[];
  /** The candidate's last piece, which carries its finish reason. */
  readonly last: boolean;
  token: boolean;
}

/** A candidate's pieces in order: thoughts (when shown), text, each call whole; one empty piece for none. */
function piecesOf(choice: PlannedChoice, conversation: GeminiConversation): Piece[] {
  const parts: Part[][] = [];
  if (showsThoughts(conversation)) for (const text of choice.reasoningChunks) parts.push([{ text, thought: true }]);
  for (const text of choice.contentChunks) parts.push([{ text }]);
  for (const call of choice.toolCalls) {
    const part = functionCallPart(call);
    if (part) parts.push([part]);
  }
  if (parts.length === 0) return [{ choice, parts: [], last: true, token: false }];
  return parts.map((one, i) => ({ choice, parts: one, last: i === parts.length - 1, token: true }));
}

/**
 * The candidates' pieces interleaved, one candidate per chunk, with the step each is part of. The
 * candidates are generated side by side, so a step's first chunk is the token that paces them all.
 */
function interleave(perChoice: readonly Piece[][]): { pieces: Piece[]; steps: number[] } {
  const pieces: Piece[] = [];
  const steps: number[] = [];
  const longest = Math.max(...perChoice.map((one) => one.length));
  for (let step = 0; step < longest; step++) {
    const start = pieces.length;
    let token = false;
    for (const one of perChoice) {
      if (step >= one.length) continue;
      token ||= one[step].token;
      pieces.push({ ...one[step], token: false });
      steps.push(step);
    }
    pieces[start].token = token;
  }
  return { pieces, steps };
}

/** The usage a chunk reports: the candidates' tokens so far, in proportion to the steps done; all at the end. */
function usageAt(usage: GeminiUsage, step: number, steps: number, final: boolean): GeminiUsage {
  if (final) return usage;
  return { ...usage, candidates: Math.round((usage.candidates * (step + 1)) / steps) };
}

function chunkHead(value: Record<string, unknown>, framing: StreamFraming): string {
  // The chunk up to its closing brace, reopened for the tail's fields.
  if (framing === "sse") return `${compactJson(value).slice(0, -1)},`;
  return `${prettyJson(value).slice(0, -2)},\n  `;
}

export function renderStreamTemplate(
  plan: Plan,
  conversation: GeminiConversation,
  flavor: GeminiFlavor,
  framing: StreamFraming,
): StreamTemplate {
  const usage = usageOf(plan, conversation);
  const { pieces, steps } = interleave(plan.choices.map((choice) => piecesOf(choice, conversation)));
  const stepCount = steps[steps.length - 1] + 1;
  const heads = pieces.map((piece, i) => {
    const final = i === pieces.length - 1;
    const chunk = {
      candidates: [
        candidate(piece.parts, piece.choice.index, piece.last ? finishReasonOf(piece.choice) : null, flavor),
      ],
      usageMetadata: usageMetadata(usageAt(usage, steps[i], stepCount, final), conversation, flavor, final),
      modelVersion: plan.model,
    };
    const frame = framing === "sse" ? "data: " : i === 0 ? "[" : "\n,\r\n";
    return frame + chunkHead(chunk, framing);
  });
  const segments =
    framing === "sse" ? [heads[0], ...heads.slice(1).map((head) => `\r\n\r\n${head}`), "\r\n\r\n"] : [...heads, "\n]"];
  let segmentBytes = 0;
  for (const segment of segments) segmentBytes += Buffer.byteLength(segment);
  return { heads, tokens: pieces.map((piece) => piece.token), segments, segmentBytes };
}

/** The per-answer end of every chunk: its createTime (Vertex AI) and response id, and its closing brace. */
export function streamTail(plan: Plan, context: RenderContext, flavor: GeminiFlavor, framing: StreamFraming): string {
  const between = framing === "sse" ? "," : ",\n  ";
  const id = `"responseId": "${responseIdOf(plan, context)}"${framing === "sse" ? "}" : "\n}"}`;
  return flavor === "vertex" ? `"createTime": "${createTimeOf(context)}"${between}${id}` : id;
}

const SSE_TYPE = "text/event-stream";
const ARRAY_TYPE = "application/json; charset=UTF-8";
const ARRAY_END: StreamEvent = { data: "\n]", token: false };

/** The template's events for one answer, each chunk whole (an SSE event carries its own blank line). */
export function streamEvents(template: StreamTemplate, tail: string, framing: StreamFraming): RenderedStream {
  const end = framing === "sse" ? `${tail}\r\n\r\n` : tail;
  const events: StreamEvent[] = [];
  for (let i = 0; i < template.heads.length; i++)
    events.push({ data: template.heads[i] + end, token: template.tokens[i] });
  if (framing === "array") events.push(ARRAY_END);
  return { events, envelope: "", framing: "raw", contentType: framing === "sse" ? SSE_TYPE : ARRAY_TYPE };
}

/** The template as one text for one answer (tails are ASCII: their length is their size). */
export function streamText(template: StreamTemplate, tail: string, framing: StreamFraming): RenderedText {
  const text = template.segments.join(tail);
  const bytes = template.segmentBytes + (template.segments.length - 1) * tail.length;
  return { text, bytes, contentType: framing === "sse" ? SSE_TYPE : ARRAY_TYPE };
}
