// What an HTTP exchange is while it is answered: the request and response, its journal entry, the
// answer's headers as they are completed, and its times.
import type { IncomingMessage, ServerResponse } from "node:http";
import type { TimingOptions } from "../core/timing.js";
import type { JournalEntry } from "../journal/journal.js";
import type { AnswerHeaders, Surface, SurfaceWire } from "../protocols/types.js";

export type Headers = AnswerHeaders;

/** What writing an answer needs of an exchange. */
export interface Exchange {
  res: ServerResponse;
  entry: JournalEntry;
  /** The answer's headers, completed as it is written. */
  headers: Headers;
  /** performance.now() when the request arrived. */
  arrival: number;
}

/** One request being answered. */
export interface HttpExchange extends Exchange {
  req: IncomingMessage;
  /** The surface whose wire the answer speaks: the route's, or the server's default for routes with none. */
  surface: SurfaceWire;
}

/** An exchange answered with a generated reply. */
export interface ReplyExchange extends Exchange {
  /**
   * When generation started, which token times count from: the arrival, so reading and planning the
   * request are part of its ttft as on a real server, or the moment a queued request got its slot.
   */
  start: number;
}

/** A request to a generation endpoint, with what its headers say of its timing. */
export interface SurfaceRequest extends HttpExchange, ReplyExchange {
  surface: Surface;
  /** The timing its headers set, an error naming a malformed header, or undefined without any. */
  timing: TimingOptions | { error: string; header: string } | undefined;
}

/** The time from the request's arrival to the answer's headers, in the surface's header (see SurfaceWire). */
export function stampProcessingTime(headers: Headers, arrival: number, header: string | undefined): void {
  if (header !== undefined) headers[header] = Math.round(performance.now() - arrival);
}

/** Calls the embedder's exchange callback; one that throws is reported, and the exchange is still finished once. */
export function reportExchange(onExchange: (entry: JournalEntry) => void, entry: JournalEntry): void {
  try {
    onExchange(entry);
  } catch (failure) {
    console.error(`understudy: the onExchange callback threw for ${entry.method} ${entry.path}: ${(failure as Error).message}`);
  }
}
