// Reads Anthropic Messages answers back into the suite's terms, checking their framing as it goes: a
// message body, a stream of named events (each name its data's type; message_start first, message_stop
// last), and errors `{"type":"error","error":{type,message,details?},"request_id"}` or an in-band `error` event.
import { expect } from "vitest";
import type { ReadChoice, ReadError, ReadUsage } from "./spec.js";
import type { Answer, WireEvent } from "./wire.js";

const nonEmpty = (value: unknown): value is string => typeof value === "string" && value.length > 0;

/** The events of a Messages stream, each named by its data's type, from message_start to message_stop. */
function messageEvents(answer: Answer): WireEvent[] {
  const events = answer.events ?? [];
  expect(answer.framing).toBe("sse");
  for (const event of events) expect(event.event).toBe(event.data.type);
  expect(events[0]?.event).toBe("message_start");
  expect(events.at(-1)?.event).toBe("message_stop");
  return events;
}

/** The text deltas of a stream's text blocks, checking each delta's block was started as a text block. */
function textDeltas(events: readonly WireEvent[]): string[] {
  const kinds = new Map<number, string>();
  const deltas: string[] = [];
  for (const { data } of events) {
    if (data.type === "content_block_start") kinds.set(data.index, data.content_block.type);
    if (data.type !== "content_block_delta" || data.delta.type !== "text_delta") continue;
    expect(kinds.get(data.index)).toBe("text");
    deltas.push(data.delta.text);
  }
  return deltas;
}

function messageOf(answer: Answer): any {
  expect(answer.json.type).toBe("message");
  expect(answer.json.role).toBe("assistant");
  return answer.json;
}

const textOf = (content: readonly any[]): string =>
  content
    .filter((block) => block.type === "text")
    .map((block) => block.text)
    .join("");

/** An error body: `type: "error"`, the error's type and message (and details), and the request id its header gives. */
function errorBody(answer: Answer): ReadError {
  expect(answer.headers["content-type"]).toMatch(/^application\/json/);
  expect(Object.keys(answer.json).sort()).toEqual(["error", "request_id", "type"]);
  const { type, error, request_id } = answer.json;
  expect(type).toBe("error");
  expect(request_id).toBe(answer.headers["request-id"]);
  expect(["details", "message", "type"]).toEqual(expect.arrayContaining(Object.keys(error)));
  const code = error.details?.error_code ?? null;
  return { inBand: false, status: answer.status, type: error.type, code, param: null, message: error.message };
}

/** An error sent once the stream had begun: one `error` event, `{type: "error", error: {type, message}}`. */
function errorEvent(answer: Answer): ReadError {
  const [event, ...rest] = answer.events ?? [];
  expect(rest).toEqual([]);
  expect(event.event).toBe("error");
  expect(Object.keys(event.data).sort()).toEqual(["error", "type"]);
  const { error } = event.data;
  expect(Object.keys(error).sort()).toEqual(["message", "type"]);
  return { inBand: true, status: answer.status, type: error.type, code: null, param: null, message: error.message };
}

export const anthropicReader = {
  choices(answer: Answer): ReadChoice[] {
    if (!answer.events) {
      const message = messageOf(answer);
      return [{ text: textOf(message.content), finish: message.stop_reason, deltas: null }];
    }
    const events = messageEvents(answer);
    const start = events[0].data.message;
    expect(start).toMatchObject({ type: "message", content: [], stop_reason: null });
    const delta = events.find((event) => event.event === "message_delta")?.data.delta;
    const deltas = textDeltas(events);
    return [{ text: deltas.join(""), finish: delta.stop_reason, deltas }];
  },
  usage(answer: Answer): ReadUsage {
    if (!answer.events) {
      const { input_tokens, output_tokens } = messageOf(answer).usage;
      return { prompt: input_tokens, completion: output_tokens, total: input_tokens + output_tokens };
    }
    const events = messageEvents(answer);
    const prompt = events[0].data.message.usage.input_tokens;
    const completion = events.find((event) => event.event === "message_delta")?.data.usage.output_tokens;
    return { prompt, completion, total: prompt + completion };
  },
  error: (answer: Answer): ReadError => (answer.json ? errorBody(answer) : errorEvent(answer)),
  carriesToken(data: any): boolean {
    if (data.type !== "content_block_delta") return false;
    const { delta } = data;
    return nonEmpty(delta.text) || nonEmpty(delta.thinking) || nonEmpty(delta.partial_json);
  },
};
