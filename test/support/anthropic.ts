// What the Anthropic tests share: the input-token formula they check usage against (o200k_base over
// Understudy's documented framing), and a raw SSE body read as its events.
import { encode } from "gpt-tokenizer/encoding/o200k_base";

export const tokens = (text: string): number => encode(text).length;

/** 3 for the reply's priming, then 3 per turn (the system prompt is one) plus its text's tokens. */
export function promptTokens(turns: readonly string[]): number {
  return 3 + turns.reduce((sum, text) => sum + 3 + tokens(text), 0);
}

export interface SseEvent {
  event: string;
  data: any;
}

/** Every `event:`/`data:` pair of an SSE body, its data parsed. */
export function sseEvents(body: string): SseEvent[] {
  return body
    .split("\n\n")
    .filter((block) => block.trim() !== "")
    .map((block) => {
      const [eventLine, dataLine, ...rest] = block.split("\n");
      if (!eventLine.startsWith("event: ") || !dataLine.startsWith("data: ") || rest.length > 0)
        throw new Error(`not an event/data pair: ${JSON.stringify(block)}`);
      return { event: eventLine.slice(7), data: JSON.parse(dataLine.slice(6)) };
    });
}

export const ANTHROPIC_HEADERS = { "anthropic-version": "2023-06-01", "content-type": "application/json" };

/** POSTs a JSON body to `url` as an Anthropic client does; the status, headers and body text. */
export async function postAnthropic(url: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(url, {
    method: "POST",
    headers: { ...ANTHROPIC_HEADERS, ...headers },
    body: JSON.stringify(body),
  });
  return { status: res.status, headers: res.headers, text: await res.text() };
}
