// Answers captured from a running server for the SDK-type conformance tests: each request's answer read
// as the contract suite reads it (a JSON body, or every event of an SSE or JSON-array stream), and
// the values to check, each named by the request and event it came from.
import { expect } from "vitest";
import type { TypedValue } from "../support/sdk-types.js";
import { type Answer, readAnswer } from "../contract/wire.js";

/** One request to capture: its method, path and JSON body, and the headers its SDK's client sends. */
export interface Capture {
  method?: "GET" | "POST";
  path: string;
  body?: Record<string, unknown>;
  headers?: Record<string, string>;
}

export async function capture(url: string, { method = "POST", path, body, headers }: Capture): Promise<Answer> {
  const res = await fetch(`${url}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { "content-type": "application/json" }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return readAnswer(res.status, Object.fromEntries(res.headers.entries()), await res.text());
}

/** A value to check, as captured: JSON, which a test may read back as it is. */
export type Captured = TypedValue & { value: any };

/** The JSON body of an answer with the expected status, as a value of `type`. */
export function bodyOf(name: string, answer: Answer, status: number, type: string): Captured {
  expect(answer.status, `${name}: ${answer.text}`).toBe(status);
  expect(answer.json, `${name} has a JSON body`).toBeDefined();
  return { name, type, value: answer.json };
}

/**
 * Every event of a streamed answer as a value of `type` (each named by its index and event name or
 * `type`), without OpenAI's closing `[DONE]`, which is no JSON value.
 */
export function eventsOf(name: string, answer: Answer, type: string): Captured[] {
  expect(answer.status, `${name}: ${answer.text}`).toBe(200);
  expect(answer.events?.length, `${name} is a stream`).toBeGreaterThan(0);
  return (answer.events ?? [])
    .filter((event) => event.data !== "[DONE]")
    .map((event, i) => ({
      name: `${name} event ${i} (${event.event ?? event.data.type ?? "data"})`,
      type,
      value: event.data,
    }));
}
