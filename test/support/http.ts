// Minimal HTTP helpers the seed documents' code samples call but never define (httpPost, post, parseTypedSSE).

export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  /** The raw response body, decoded as UTF-8. */
  body: string;
}

/** POSTs `payload` as JSON and returns the status, the headers (lower-case names) and the body text. */
export async function httpPost(
  url: string,
  payload: unknown,
  headers: Record<string, string> = {},
): Promise<HttpResult> {
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify(payload),
  });
  return { status: res.status, headers: Object.fromEntries(res.headers.entries()), body: await res.text() };
}

/**
 * Seed 001's `post`: httpPost that asks for an event stream in `Accept`, as an SSE client does. The
 * seed's requests leave `stream` unset yet read SSE; Understudy streams such a request when `Accept`
 * names text/event-stream (and answers JSON otherwise, as the real API does).
 */
export function post(url: string, payload: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
  return httpPost(url, payload, { accept: "text/event-stream", ...headers });
}

/** The JSON payloads of an SSE body's `data:` events, without the closing `[DONE]`. */
export function sseData(body: string): any[] {
  return body
    .split("\n\n")
    .filter((block) => block.startsWith("data: ") && !block.includes("[DONE]"))
    .map((block) => JSON.parse(block.slice(6)));
}

/** One `event: <type>` + `data: <json>` block of a typed SSE stream (the Responses API's framing). */
export interface TypedSseEvent {
  type: string;
  data: any;
}

/** Parses an `event:` + `data:` SSE body, as seed 001's samples do, keeping only blocks with both lines. */
export function parseTypedSSE(body: string): TypedSseEvent[] {
  return body
    .split("\n\n")
    .filter((block) => block.includes("event: ") && block.includes("data: "))
    .map((block) => ({ type: block.match(/^event: (.+)$/m)![1], data: JSON.parse(block.match(/^data: (.+)$/m)![1]) }));
}
