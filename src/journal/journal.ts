// A bounded record of every exchange, newest last, for tests to assert on and for the request log.
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

export class Journal {
  private entries: JournalEntry[] = [];

  constructor(private readonly capacity: number) {}

  add(entry: JournalEntry): void {
    if (this.capacity <= 0) return;
    this.entries.push(entry);
    // Trim in batches so a full journal does not shift the array on every request.
    if (this.entries.length >= this.capacity * 2) this.entries = this.entries.slice(-this.capacity);
  }

  /** The newest `capacity` entries, oldest first. */
  all(): JournalEntry[] {
    return this.entries.length > this.capacity ? this.entries.slice(-this.capacity) : this.entries.slice();
  }

  last(): JournalEntry | undefined {
    return this.entries.at(-1);
  }

  clear(): void {
    this.entries = [];
  }
}
