// The startup banner and one log line per request.
import type { JournalEntry } from "../journal/journal.js";

export function formatBanner(url: string, fixtureCount: number, source: string): string {
  return [
    `Understudy listening on ${url}`,
    `  ${fixtureCount} fixture${fixtureCount === 1 ? "" : "s"} from ${source}`,
    `  POST ${url}/v1/chat/completions`,
    `  GET  ${url}/health`,
  ].join("\n");
}

/** `POST /v1/chat/completions  #0 userMessage="hello"  200  1.2 ms` */
export function formatRequestLine(entry: JournalEntry): string {
  const matched = entry.api === undefined ? "-" : entry.fixture ?? "no match";
  const note = entry.interrupted ? "  (client disconnected)" : "";
  return `${entry.method} ${entry.path}  ${matched}  ${entry.status}  ${entry.durationMs} ms${note}`;
}
