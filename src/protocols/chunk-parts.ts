// The streamed chunks of a multi-choice answer, as chat and legacy Completions render them: each
// chunk's text after its shared envelope, and which chunks carry a newly generated token (the steps
// the timing model paces).
import type { StreamEvent } from "./types.js";

export interface ChunkParts {
  parts: string[];
  /** tokens[i]: part i is the first chunk of a generation step, due when that step's token is. */
  tokens: boolean[];
}

/** One choice's chunks, built in order; `token` marks a chunk that carries generated text. */
export class ChoiceChunks implements ChunkParts {
  readonly parts: string[] = [];
  readonly tokens: boolean[] = [];

  add(part: string, token: boolean): void {
    this.parts.push(part);
    this.tokens.push(token);
  }
}

/**
 * The choices' chunks interleaved, one choice per chunk, as the real API sends them. The n choices
 * are generated side by side, so step i of every choice is one pacing step: its first chunk is marked
 * when any choice's i-th chunk carries a token, and the others go out with it.
 */
export function interleaveChoices(perChoice: readonly ChunkParts[]): ChunkParts {
  if (perChoice.length === 1) return perChoice[0];
  const merged: ChunkParts = { parts: [], tokens: [] };
  const longest = Math.max(...perChoice.map((chunks) => chunks.parts.length));
  for (let i = 0; i < longest; i++) {
    const stepStart = merged.parts.length;
    let token = false;
    for (const chunks of perChoice) {
      if (i >= chunks.parts.length) continue;
      merged.parts.push(chunks.parts[i]);
      merged.tokens.push(false);
      token ||= chunks.tokens[i];
    }
    merged.tokens[stepStart] = token;
  }
  return merged;
}

/** The chunks as a stream's events, each after the answer's envelope, then `[DONE]`: shared by every answer of this shape. */
export function envelopedEvents(chunks: ChunkParts): StreamEvent[] {
  const events: StreamEvent[] = chunks.parts.map((data, i) => ({ data, enveloped: true, token: chunks.tokens[i] }));
  events.push({ data: "[DONE]", token: false });
  return events;
}
