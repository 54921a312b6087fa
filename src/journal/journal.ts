// A bounded record of every exchange, newest last, for tests to assert on, for the request log and for
// the control API's GET /__understudy/journal. Each exchange is numbered (ids never repeat, a clear
// included, so `?since=<id>` stays meaningful); what only the control API shows (the request's headers,
// the nearest misses) is kept by reference and shaped only when read, so recording costs one small object.
import type { IncomingHttpHeaders } from "node:http";
import type { NearMissFacts } from "../core/errors.js";
import type { Provider } from "../protocols/types.js";

export interface JournalEntry {
  /** The request id the answer carries (OpenAI's `x-request-id`, Anthropic's `request-id`, Azure's `x-request-id`, and as a UUID its `apim-request-id`; Gemini's answers carry none). */
  requestId: string;
  /** Milliseconds since the epoch when the request arrived. */
  time: number;
  method: string;
  path: string;
  /** The API surface, e.g. `chat.completions`; absent for non-API routes. */
  api?: string;
  /** The provider whose API the request spoke (`openai`, `anthropic`, `gemini`, `azure`); absent for /health and unknown URLs. */
  provider?: Provider;
  model?: string;
  stream: boolean;
  status: number;
  /** The label of the fixture that answered, or null when none did. */
  fixture: string | null;
  durationMs: number;
  /** The client went away before the answer was complete. */
  interrupted: boolean;
  /** Under maxConcurrency: milliseconds the request waited for a generation slot. */
  queuedMs?: number;
  /** What a fixture's reply got wrong for the request, e.g. not the JSON its response_format asked for. */
  warnings?: string[];
  /** The error message sent, for 4xx and 5xx answers. */
  error?: string;
  /** The parsed request body. */
  body?: unknown;
}

/** What the transport knows of an exchange beside its entry (see Exchange). */
export interface JournalSource {
  readonly requestHeaders: IncomingHttpHeaders | undefined;
  readonly nearest: readonly NearMissFacts[] | undefined;
  readonly answer: unknown;
}

/** One journalled exchange with its number and what the control API shows of it. */
export interface JournalRecord {
  /** From 1, in arrival order of recording; never reused. */
  readonly id: number;
  readonly entry: JournalEntry;
  readonly headers: IncomingHttpHeaders | undefined;
  readonly nearest: readonly NearMissFacts[] | undefined;
  /**
   * The answer's body as sent in one piece (text or value), for the newest ANSWERS_KEPT records; undefined
   * for older ones and for a stream paced token by token.
   */
  answer: unknown;
}

/**
 * How many of the newest records keep their answer's body. Holding every kept exchange's answer (a
 * streamed answer's text is some 7 KB, fresh per request) moved each one to the old generation before it
 * was dropped, and the collector's extra work cost streamed answers 30% of their throughput (bench/ab.mjs
 * chat-stream); a short window lets nearly all of them die young, and a test reading the journal after
 * its requests still sees theirs.
 */
export const ANSWERS_KEPT = 16;

export class Journal {
  private records: JournalRecord[] = [];
  private lastId = 0;

  constructor(private readonly capacity: number) {}

  add(entry: JournalEntry, from?: JournalSource): void {
    if (this.capacity <= 0) return;
    this.records.push({
      id: ++this.lastId,
      entry,
      headers: from?.requestHeaders,
      nearest: from?.nearest,
      answer: from?.answer,
    });
    const older = this.records.length - 1 - ANSWERS_KEPT;
    if (older >= 0) this.records[older].answer = undefined;
    // Trim in batches so a full journal does not shift the array on every request.
    if (this.records.length >= this.capacity * 2) this.records = this.records.slice(-this.capacity);
  }

  /** The newest `capacity` entries, oldest first. */
  all(): JournalEntry[] {
    return this.kept().map((record) => record.entry);
  }

  /** The newest `capacity` records, oldest first, with their ids (what the control API serves). */
  kept(): JournalRecord[] {
    return this.records.length > this.capacity ? this.records.slice(-this.capacity) : this.records.slice();
  }

  last(): JournalEntry | undefined {
    return this.records.at(-1)?.entry;
  }

  clear(): void {
    this.records = [];
  }
}
