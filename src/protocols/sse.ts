// Server-sent events framing of stream events: the `event:` line when the surface names its events,
// then the `data:` line and a blank line. The transport writes events framed this way, and surfaces
// that build a whole stream as one text (renderStreamText) frame it the same way.
import type { StreamEvent } from "./types.js";

/** The event's data line, its head included. */
export const eventData = (event: StreamEvent): string => (event.head === undefined ? event.data : event.head + event.data);

export function formatSseEvent(event: StreamEvent): string {
  return event.event === undefined ? `data: ${eventData(event)}\n\n` : `event: ${event.event}\ndata: ${eventData(event)}\n\n`;
}

/** Events [from, to) as one SSE text. */
export function formatSse(events: readonly StreamEvent[], from = 0, to = events.length): string {
  let text = "";
  for (let i = from; i < to; i++) text += formatSseEvent(events[i]);
  return text;
}
