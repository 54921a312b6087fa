// Reads Gemini answers back into the suite's terms, checking their framing as it goes: a
// GenerateContentResponse body, a stream of them (SSE data without event names, or the elements of one
// JSON array), and Google's errors `{"error":{code,message,status,details?}}` (in an array, on the array route).
import { expect } from "vitest";
import type { ReadChoice, ReadError, ReadUsage } from "./spec.js";
import type { Answer } from "./wire.js";

const nonEmpty = (value: unknown): value is string => typeof value === "string" && value.length > 0;

/** A candidate's text: its parts' texts that are not thoughts. */
const textOf = (candidate: any): string =>
  (candidate.content?.parts ?? [])
    .filter((part: any) => !part.thought && typeof part.text === "string")
    .map((part: any) => part.text)
    .join("");

/** The chunks of a stream: one response id and model version for them all, no `event:` names. */
function chunksOf(answer: Answer): any[] {
  const chunks = (answer.events ?? []).map((event) => {
    expect(event.event).toBeUndefined();
    return event.data;
  });
  expect(chunks.length).toBeGreaterThan(0);
  for (const chunk of chunks) {
    expect(chunk.responseId).toBe(chunks[0].responseId);
    expect(chunk.modelVersion).toBe(chunks[0].modelVersion);
  }
  return chunks;
}

/** The candidates of a stream by index (proto3 leaves index 0 out on Vertex AI): their text deltas and finish. */
function streamedChoices(chunks: readonly any[]): ReadChoice[] {
  const choices: ReadChoice[] = [];
  for (const chunk of chunks) {
    for (const candidate of chunk.candidates ?? []) {
      const read = (choices[candidate.index ?? 0] ??= { text: "", finish: "", deltas: [] });
      const text = textOf(candidate);
      if (nonEmpty(text)) read.deltas?.push(text);
      if (candidate.finishReason !== undefined) read.finish = candidate.finishReason;
    }
  }
  for (const choice of choices) choice.text = choice.deltas?.join("") ?? "";
  return choices;
}

const usageOf = (metadata: any): ReadUsage => ({
  prompt: metadata.promptTokenCount,
  completion: metadata.candidatesTokenCount ?? 0,
  total: metadata.totalTokenCount,
});

/** The body of a Google error: its code the answer's status; `code` its ErrorInfo reason, `param` its BadRequest field. */
function googleError(answer: Answer, body: any): ReadError {
  expect(answer.headers["content-type"]).toMatch(/^application\/json/);
  expect(Object.keys(body)).toEqual(["error"]);
  const { error } = body;
  expect(["code", "details", "message", "status"]).toEqual(expect.arrayContaining(Object.keys(error)));
  expect(error.code).toBe(answer.status);
  const details: any[] = error.details ?? [];
  const reason = details.find((detail) => detail["@type"].endsWith("google.rpc.ErrorInfo"))?.reason ?? null;
  const violation = details.find((detail) => detail["@type"].endsWith("google.rpc.BadRequest"))?.fieldViolations[0];
  return {
    inBand: false,
    status: answer.status,
    type: error.status,
    code: reason,
    param: violation?.field ?? null,
    message: error.message,
  };
}

export const geminiReader = {
  choices(answer: Answer): ReadChoice[] {
    if (answer.events) return streamedChoices(chunksOf(answer));
    const candidates = [...answer.json.candidates].sort((a, b) => (a.index ?? 0) - (b.index ?? 0));
    return candidates.map((candidate) => ({ text: textOf(candidate), finish: candidate.finishReason, deltas: null }));
  },
  usage: (answer: Answer): ReadUsage =>
    usageOf(answer.events ? chunksOf(answer).at(-1).usageMetadata : answer.json.usageMetadata),
  error(answer: Answer): ReadError {
    if (answer.json) return googleError(answer, answer.json);
    // The array route answers its errors as an array of one.
    expect(answer.events?.length).toBe(1);
    return googleError(answer, answer.events?.[0].data);
  },
  /** A chunk that carries a piece of a candidate: a text (or thought) token, or a whole function call. */
  carriesToken: (data: any): boolean =>
    data !== null &&
    (data.candidates ?? []).some((candidate: any) =>
      (candidate.content?.parts ?? []).some((part: any) => nonEmpty(part.text) || part.functionCall !== undefined),
    ),
  /** Google says when to retry in the body's google.rpc.RetryInfo (`"7s"`), not in a header. */
  retryAfter(answer: Answer): number | undefined {
    const body = answer.json ?? answer.events?.[0]?.data;
    const retry = body?.error?.details?.find((detail: any) => detail["@type"].endsWith("google.rpc.RetryInfo"));
    return retry === undefined ? undefined : Number.parseFloat(retry.retryDelay);
  },
};
