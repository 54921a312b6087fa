// The startup banner and one log line per request, written as each exchange ends.
import type { JournalEntry } from "../journal/journal.js";
import type { ExchangeEventSource } from "../transport/events.js";

const plural = (n: number, noun: string): string => `${n} ${noun}${n === 1 ? "" : "s"}`;

export function formatBanner(
  url: string,
  counts: { fixtures: number; flows: number },
  source: string,
  authenticated: boolean,
  configFile?: string,
): string {
  const loaded =
    counts.flows === 0
      ? plural(counts.fixtures, "fixture")
      : counts.fixtures === 0
        ? plural(counts.flows, "flow")
        : `${plural(counts.fixtures, "fixture")} and ${plural(counts.flows, "flow")}`;
  return [
    `Understudy listening on ${url}`,
    `  ${loaded} from ${source}`,
    ...(configFile ? [`  options from ${configFile}`] : []),
    `  POST ${url}/v1/chat/completions`,
    `  POST ${url}/v1/completions  (legacy)`,
    `  POST ${url}/v1/responses  (and WebSocket ${url.replace(/^http/, "ws")}/v1/responses)`,
    `  POST ${url}/v1/embeddings`,
    `  POST ${url}/v1/messages  (Anthropic)`,
    `  POST ${url}/v1beta/models/{model}:generateContent  (Gemini; also :streamGenerateContent, Vertex AI paths)`,
    `  POST ${url}/openai/deployments/{deployment}/chat/completions?api-version=...  (Azure OpenAI; also /openai/v1/)`,
    `  GET  ${url}/health`,
    ...(authenticated
      ? [
          "  requests need a key: Authorization: Bearer <key> (or x-api-key, x-goog-api-key, api-key as each provider sends it)",
        ]
      : []),
  ].join("\n");
}

/** `POST /v1/chat/completions  #0 userMessage="hello"  200  1.2 ms` */
export function formatRequestLine(entry: JournalEntry): string {
  // Only a failed API request went unmatched: embeddings answer unmatched inputs with derived vectors.
  const matched = entry.fixture ?? (entry.api === undefined || entry.status < 400 ? "-" : "no match");
  const note = entry.interrupted ? "  (client disconnected)" : "";
  const line = `${entry.method} ${entry.path}  ${matched}  ${entry.status}  ${entry.durationMs} ms${note}`;
  // A warning gets a line of its own, so it is seen.
  return [line, ...(entry.warnings ?? []).map((warning) => `  warning: ${warning}`)].join("\n");
}

/** Writes one request line (see formatRequestLine) as each exchange of `events` ends. */
export function logRequests(events: ExchangeEventSource, write: (line: string) => void = console.log): () => void {
  return events.on("ended", (entry) => write(formatRequestLine(entry)));
}
