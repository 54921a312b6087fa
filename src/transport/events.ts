// Typed exchange events (started, matched, unmatched, ended) for the request log, metrics and anything
// that watches traffic. A listener that throws or rejects is reported on stderr once and never reaches
// the transport; an event nobody listens to costs one length check.
import type { ApiError } from "../core/errors.js";
import type { JournalEntry } from "../journal/journal.js";
import type { ExchangeInfo } from "./exchange.js";

/** Each event and what its listeners receive. */
export interface ExchangeEventMap {
  /** A request arrived on a journalled route (every route but /metrics), before its body is read. */
  started: (exchange: ExchangeInfo) => void;
  /** A fixture (or the fallback) answers the request: `exchange.fixture` names it. Before the answer is written. */
  matched: (exchange: ExchangeInfo) => void;
  /** An API request no fixture answers; `error` is what the client is told (no_match names the closest fixtures). */
  unmatched: (exchange: ExchangeInfo, error: ApiError) => void;
  /** The answer is complete (or the client has gone): the exchange's journal entry. */
  ended: (entry: JournalEntry, exchange: ExchangeInfo) => void;
}

export type ExchangeEvent = keyof ExchangeEventMap;

/** Where a server's exchange events are heard. */
export interface ExchangeEventSource {
  /** Calls `listener` on every `event` from now on; returns the function that stops it. */
  on<E extends ExchangeEvent>(event: E, listener: ExchangeEventMap[E]): () => void;
}

type Listeners = { [E in ExchangeEvent]: ExchangeEventMap[E][] };

export class ExchangeEvents implements ExchangeEventSource {
  // Arrays replaced (never changed) when a listener comes or goes, so an emit in progress is unaffected.
  private readonly listeners: Listeners = { started: [], matched: [], unmatched: [], ended: [] };
  /** Listeners reported as failing already, with their names for the stderr line. */
  private readonly names = new Map<unknown, string>();
  private readonly reported = new Set<unknown>();

  /** `name`: how stderr names the listener when it throws (default: `a "<event>" listener`). */
  on<E extends ExchangeEvent>(event: E, listener: ExchangeEventMap[E], name?: string): () => void {
    const listeners = this.listeners as Record<ExchangeEvent, unknown[]>;
    listeners[event] = [...listeners[event], listener];
    if (name !== undefined) this.names.set(listener, name);
    let listening = true;
    return () => {
      if (!listening) return;
      listening = false;
      // One registration each: a function given twice is heard twice until both are stopped.
      const at = listeners[event].indexOf(listener);
      if (at !== -1) listeners[event] = [...listeners[event].slice(0, at), ...listeners[event].slice(at + 1)];
    };
  }

  started(exchange: ExchangeInfo): void {
    const listeners = this.listeners.started;
    for (let i = 0; i < listeners.length; i++) this.call("started", listeners[i], exchange, exchange, undefined);
  }

  matched(exchange: ExchangeInfo): void {
    const listeners = this.listeners.matched;
    for (let i = 0; i < listeners.length; i++) this.call("matched", listeners[i], exchange, exchange, undefined);
  }

  unmatched(exchange: ExchangeInfo, error: ApiError): void {
    const listeners = this.listeners.unmatched;
    for (let i = 0; i < listeners.length; i++) this.call("unmatched", listeners[i], exchange, exchange, error);
  }

  ended(entry: JournalEntry, exchange: ExchangeInfo): void {
    const listeners = this.listeners.ended;
    for (let i = 0; i < listeners.length; i++) this.call("ended", listeners[i], exchange, entry, exchange);
  }

  private call(
    event: ExchangeEvent,
    listener: (a: never, b: never) => unknown,
    exchange: ExchangeInfo,
    a: unknown,
    b: unknown,
  ): void {
    try {
      const result = (listener as (a: unknown, b: unknown) => unknown)(a, b);
      // An async listener's rejection would otherwise be unhandled, which ends a Node process.
      if (result instanceof Promise)
        result.catch((failure: unknown) => this.report(event, listener, exchange, failure));
    } catch (failure) {
      this.report(event, listener, exchange, failure);
    }
  }

  /** Once per listener: a listener that fails on every request must not flood stderr at load-test rates. */
  private report(event: ExchangeEvent, listener: unknown, exchange: ExchangeInfo, failure: unknown): void {
    if (this.reported.has(listener)) return;
    this.reported.add(listener);
    const name = this.names.get(listener) ?? `a "${event}" listener`;
    const message = failure instanceof Error ? failure.message : String(failure);
    console.error(`understudy: ${name} threw for ${exchange.method} ${exchange.path}: ${message}`);
  }
}
