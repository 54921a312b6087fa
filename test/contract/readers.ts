// Reads answers back in each wire format (Chat Completions, legacy Completions, the Responses API),
// checking their framing as it goes, into the suite's terms: choices, usage and errors.
import { expect } from "vitest";
import type { ReadChoice, ReadError, ReadUsage } from "./spec.js";
import type { Answer, WireEvent } from "./wire.js";

const ERROR_FIELDS = ["code", "message", "param", "type"];

/** An HTTP error answer: JSON `{"error":{message,type,param,code}}` and nothing else. */
export function httpError(answer: Answer): ReadError {
  expect(answer.headers["content-type"]).toBe("application/json");
  expect(Object.keys(answer.json)).toEqual(["error"]);
  const { error } = answer.json;
  expect(Object.keys(error).sort()).toEqual(ERROR_FIELDS);
  return {
    inBand: false,
    status: answer.status,
    type: error.type,
    code: error.code,
    param: error.param,
    message: error.message,
  };
}

const nonEmpty = (value: unknown): boolean => typeof value === "string" && value.length > 0;

/** The chunks of a `data:`-only SSE stream, which must end with `[DONE]`. */
function chunksOf(answer: Answer, object: string): any[] {
  const events = answer.events ?? [];
  expect(events.at(-1)?.data).toBe("[DONE]");
  const chunks = events.slice(0, -1).map((event) => event.data);
  for (const chunk of chunks) expect(chunk.object).toBe(object);
  return chunks;
}

/** Choices of a stream of chunks, by index: each delta's text (`text` reads it from a chunk's choice) and the finish. */
function streamedChoices(chunks: readonly any[], text: (choice: any) => unknown): ReadChoice[] {
  const choices: ReadChoice[] = [];
  for (const chunk of chunks) {
    for (const choice of chunk.choices) {
      const read = (choices[choice.index] ??= { text: "", finish: "", deltas: [] });
      const delta = text(choice);
      if (nonEmpty(delta)) read.deltas?.push(delta as string);
      if (choice.finish_reason !== null) read.finish = choice.finish_reason;
    }
  }
  for (const choice of choices) choice.text = choice.deltas?.join("") ?? "";
  return choices;
}

const byIndex = (choices: readonly any[]): any[] => [...choices].sort((a, b) => a.index - b.index);

const usageOf = (usage: any): ReadUsage => ({
  prompt: usage.prompt_tokens,
  completion: usage.completion_tokens,
  total: usage.total_tokens,
});

export const chatReader = {
  choices(answer: Answer): ReadChoice[] {
    if (answer.events)
      return streamedChoices(chunksOf(answer, "chat.completion.chunk"), (choice) => choice.delta.content);
    expect(answer.json.object).toBe("chat.completion");
    return byIndex(answer.json.choices).map((choice) => ({
      text: choice.message.content,
      finish: choice.finish_reason,
      deltas: null,
    }));
  },
  usage: (answer: Answer): ReadUsage =>
    usageOf(answer.events ? chunksOf(answer, "chat.completion.chunk").at(-1).usage : answer.json.usage),
  error: httpError,
  carriesToken(data: any): boolean {
    if (data === "[DONE]") return false;
    return data.choices.some(
      ({ delta }: any) =>
        nonEmpty(delta.content) ||
        nonEmpty(delta.reasoning_content) ||
        (delta.tool_calls ?? []).some((call: any) => nonEmpty(call.function?.arguments)),
    );
  },
};

export const completionsReader = {
  choices(answer: Answer): ReadChoice[] {
    if (answer.events) return streamedChoices(chunksOf(answer, "text_completion"), (choice) => choice.text);
    expect(answer.json.object).toBe("text_completion");
    return byIndex(answer.json.choices).map((choice) => ({
      text: choice.text,
      finish: choice.finish_reason,
      deltas: null,
    }));
  },
  usage: (answer: Answer): ReadUsage =>
    usageOf(answer.events ? chunksOf(answer, "text_completion").at(-1).usage : answer.json.usage),
  error: httpError,
  carriesToken: (data: any): boolean =>
    data !== "[DONE]" && data.choices.some((choice: any) => nonEmpty(choice.text) && choice.finish_reason === null),
};

const FINAL_EVENTS = ["response.completed", "response.incomplete", "response.failed"];

/** The events of a Responses stream (SSE or WebSocket frames): each names its type, numbered from 0, one final event last. */
function responseEvents(answer: Answer): WireEvent[] {
  const events = answer.events ?? [];
  events.forEach((event, i) => {
    expect(event.event).toBe(event.data.type);
    expect(event.data.sequence_number).toBe(i);
  });
  expect(events[0]?.event).toBe("response.created");
  expect(FINAL_EVENTS).toContain(events.at(-1)?.event);
  return events;
}

/** The response object an answer ends with: the JSON body, or the final event's. */
function finalResponse(answer: Answer): any {
  const response = answer.events ? responseEvents(answer).at(-1)?.data.response : answer.json;
  expect(response.object).toBe("response");
  return response;
}

/** A Responses WebSocket error frame: `{type: "error", status, error: {...}}`, before any response exists. */
function errorFrame(answer: Answer): ReadError | null {
  const [first, ...rest] = answer.events ?? [];
  if (first?.data.type !== "error" || !("status" in first.data)) return null;
  expect(rest).toEqual([]);
  expect(Object.keys(first.data).sort()).toEqual(["error", "status", "type"]);
  expect(Object.keys(first.data.error).sort()).toEqual(ERROR_FIELDS);
  const { error } = first.data;
  return {
    inBand: false,
    status: first.data.status,
    type: error.type,
    code: error.code,
    param: error.param,
    message: error.message,
  };
}

/** An error inside a begun stream: `error` after the opening events, then `response.failed`. */
function inBandError(answer: Answer): ReadError {
  const events = responseEvents(answer);
  expect(events.map((event) => event.event)).toEqual([
    "response.created",
    "response.in_progress",
    "error",
    "response.failed",
  ]);
  const { error, code, message, param } = events[2].data;
  expect(Object.keys(error).sort()).toEqual(ERROR_FIELDS);
  expect({ code, message, param }).toEqual({ code: error.code, message: error.message, param: error.param });
  expect(events[3].data.response).toMatchObject({
    status: "failed",
    error: { code: error.code, message: error.message },
  });
  return {
    inBand: true,
    status: answer.status,
    type: error.type,
    code: error.code,
    param: error.param,
    message: error.message,
  };
}

export const responsesReader = {
  choices(answer: Answer): ReadChoice[] {
    const response = finalResponse(answer);
    const message = response.output.find((item: any) => item.type === "message");
    const deltas = answer.events
      ? answer.events.filter((event) => event.event === "response.output_text.delta").map((event) => event.data.delta)
      : null;
    const finish =
      response.status === "incomplete" ? `incomplete: ${response.incomplete_details.reason}` : response.status;
    return [{ text: message.content.map((part: any) => part.text).join(""), finish, deltas }];
  },
  usage(answer: Answer): ReadUsage {
    const { usage } = finalResponse(answer);
    return { prompt: usage.input_tokens, completion: usage.output_tokens, total: usage.total_tokens };
  },
  error(answer: Answer): ReadError {
    if (answer.json) return httpError(answer);
    return errorFrame(answer) ?? inBandError(answer);
  },
  carriesToken: (data: any): boolean => data.type.endsWith(".delta"),
};
