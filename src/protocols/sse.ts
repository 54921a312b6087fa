// Server-sent events framing of stream events: the `event:` line when the surface names its events,
// then the `data:` line and a blank line (or, for a `raw` stream, each event's data as it is). The transport writes events framed this way, and surfaces
// that build a whole stream as one text (renderStreamText) frame it the same way.
import type { RenderedStream, StreamEvent } from "./types.js";

/** A stream of whole events (no envelope). */
export const wholeEvents = (events: readonly StreamEvent[]): RenderedStream => ({ events, envelope: "" });

/** An event's data line, its envelope included. */
export const eventData = (stream: RenderedStream, event: StreamEvent): string =>
  event.enveloped ? stream.envelope + event.data : event.data;

function formatSseEvent(stream: RenderedStream, event: StreamEvent): string {
  const data = eventData(stream, event);
  if (stream.framing === "raw") return data;
  return event.event === undefined ? `data: ${data}\n\n` : `event: ${event.event}\ndata: ${data}\n\n`;
}

/** Events [from, to) as one text: SSE, or a raw stream's data as it is. */
export function formatSse(stream: RenderedStream, from = 0, to = stream.events.length): string {
  let text = "";
  for (let i = from; i < to; i++) text += formatSseEvent(stream, stream.events[i]);
  return text;
}
