// The journal as GET /__understudy/journal shows it: each record's facts, its request headers with
// credentials redacted, and its request body capped at BODY_LIMIT characters of JSON, all shaped only
// when read (recording keeps references, see journal.ts).
import type { IncomingHttpHeaders } from "node:http";
import type { JournalRecord } from "../journal/journal.js";

/** Characters of a body's JSON text shown; beyond it the text is cut and `truncated` is true. */
export const BODY_LIMIT = 16_384;

/** Headers that carry credentials, in every provider's form. */
const CREDENTIAL_HEADERS = new Set([
  "authorization",
  "proxy-authorization",
  "x-api-key",
  "x-goog-api-key",
  "api-key",
  "cookie",
]);

const REDACTED = "[redacted]";

function redactHeaders(headers: IncomingHttpHeaders | undefined): Record<string, string | string[]> {
  const shown: Record<string, string | string[]> = {};
  if (headers === undefined) return shown;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    shown[name] = CREDENTIAL_HEADERS.has(name) ? REDACTED : value;
  }
  return shown;
}

/** Gemini clients may send their key in the query (`?key=`): it is redacted there too. */
const redactPath = (path: string): string => path.replace(/([?&]key=)[^&]*/g, `$1${encodeURIComponent(REDACTED)}`);

export interface CappedBody {
  /** The body as parsed, or when it is longer than BODY_LIMIT as JSON: the first BODY_LIMIT characters of that text. */
  body: unknown;
  truncated: boolean;
}

function capBody(body: unknown): CappedBody | null {
  if (body === undefined) return null;
  const text = JSON.stringify(body) ?? "null";
  return text.length > BODY_LIMIT ? { body: text.slice(0, BODY_LIMIT), truncated: true } : { body, truncated: false };
}

/**
 * The answer as sent: a JSON text parsed back (what the client got), an SSE or other stream text as
 * it is; past BODY_LIMIT characters, the text cut there. Null when it was not kept (a paced stream).
 */
function capAnswer(answer: unknown): CappedBody | null {
  if (answer === undefined) return null;
  if (typeof answer !== "string") return capBody(answer);
  if (answer.length > BODY_LIMIT) return { body: answer.slice(0, BODY_LIMIT), truncated: true };
  try {
    return { body: JSON.parse(answer), truncated: false };
  } catch {
    return { body: answer, truncated: false };
  }
}

/** One exchange as the control API serves it. */
export function journalView(record: JournalRecord, worker?: number) {
  const { entry } = record;
  return {
    id: record.id,
    ...(worker === undefined ? {} : { worker }),
    time: new Date(entry.time).toISOString(),
    requestId: entry.requestId,
    provider: entry.provider ?? null,
    api: entry.api ?? null,
    method: entry.method,
    path: redactPath(entry.path),
    model: entry.model ?? null,
    stream: entry.stream,
    status: entry.status,
    fixture: entry.fixture,
    nearest: record.nearest ?? null,
    durationMs: entry.durationMs,
    interrupted: entry.interrupted,
    ...(entry.queuedMs === undefined ? {} : { queuedMs: entry.queuedMs }),
    ...(entry.warnings === undefined ? {} : { warnings: entry.warnings }),
    error: entry.error ?? null,
    headers: redactHeaders(record.headers),
    request: capBody(entry.body),
    response: capAnswer(record.answer),
  };
}

export type JournalView = ReturnType<typeof journalView>;

export interface JournalFilter {
  /** Only records with a greater id. */
  since?: number;
  unmatched?: boolean;
  /** At most this many: after `since`, the first ones (to page forward); without it, the newest. */
  limit?: number;
}

/** The filter a query asks for, or an error message naming the parameter at fault. */
export function parseJournalFilter(query: URLSearchParams): JournalFilter | string {
  const filter: JournalFilter = {};
  for (const name of ["since", "limit"] as const) {
    const raw = query.get(name);
    if (raw === null) continue;
    const value = Number(raw);
    if (!Number.isInteger(value) || value < 0)
      return `?${name} must be a whole number >= 0, not ${JSON.stringify(raw)}`;
    filter[name] = value;
  }
  const unmatched = query.get("unmatched");
  if (unmatched !== null) {
    if (unmatched !== "true" && unmatched !== "false")
      return `?unmatched must be true or false, not ${JSON.stringify(unmatched)}`;
    filter.unmatched = unmatched === "true";
  }
  return filter;
}

/** Unmatched: an API request no fixture answered (its 400 no_match named the nearest misses). */
const isUnmatched = (record: JournalRecord): boolean => record.nearest !== undefined;

export function selectRecords(records: readonly JournalRecord[], filter: JournalFilter): JournalRecord[] {
  let selected = records.filter(
    (record) =>
      (filter.since === undefined || record.id > filter.since) &&
      (filter.unmatched === undefined || isUnmatched(record) === filter.unmatched),
  );
  const { limit } = filter;
  if (limit !== undefined)
    selected =
      filter.since === undefined ? selected.slice(Math.max(0, selected.length - limit)) : selected.slice(0, limit);
  return selected;
}
