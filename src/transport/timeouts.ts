// How long a connection may take to send its headers, its whole request and, between requests, how
// long it may sit idle: the defaults, the checks of the values, and the node:http options for them.
import type { ServerOptions as HttpServerOptions } from "node:http";

export interface TimeoutOptions {
  /** Milliseconds from a request's first byte (or the connection's opening) to the end of its headers. */
  headersTimeout?: number;
  /** Milliseconds from a request's first byte to the end of its body. */
  requestTimeout?: number;
  /** Milliseconds a kept-alive connection may sit idle between a response and the next request. */
  keepAliveTimeout?: number;
}

export type TimeoutName = keyof TimeoutOptions;
export type Timeouts = Required<TimeoutOptions>;

/**
 * Headers arrive in one packet from any real client or gateway, so 10 s only ever cuts off a client
 * dripping them (slowloris). A whole request gets 30 s: 16 MiB (the default body limit) at 4.5 Mbit/s.
 * Keep-alive is 65 s, not node's 5 s: the server must keep an idle connection longer than any pool
 * in front of it (nginx's upstream keepalive_timeout and AWS ALB idle time are 60 s; undici 4 s,
 * httpx 5 s), or it closes one just as the pool reuses it, and that request fails with ECONNRESET.
 */
export const DEFAULT_TIMEOUTS: Timeouts = { headersTimeout: 10_000, requestTimeout: 30_000, keepAliveTimeout: 65_000 };

/** A day: far beyond any use, and safely inside what a node timer can hold (2^31 - 1 ms). */
export const MAX_TIMEOUT_MS = 86_400_000;

/** The longest wait between node's sweeps for connections past their headers or request deadline. */
const MAX_CHECK_INTERVAL_MS = 1000;
const MIN_CHECK_INTERVAL_MS = 10;

function checked(
  value: number | undefined,
  name: TimeoutName,
  label: (name: TimeoutName) => string,
): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > MAX_TIMEOUT_MS) {
    throw new Error(
      `${label(name)} must be an integer number of milliseconds from 0 (no limit) to ${MAX_TIMEOUT_MS}, got ${String(value)}`,
    );
  }
  return value;
}

/**
 * The timeouts to serve with: each checked, unset ones defaulted. A request's time includes its
 * headers', so headersTimeout may not exceed requestTimeout; a default gives way to the value set.
 * `label` names an option as the user wrote it (`createServer options.requestTimeout`, `--request-timeout`).
 */
export function resolveTimeouts(options: TimeoutOptions, label: (name: TimeoutName) => string): Timeouts {
  const headers = checked(options.headersTimeout, "headersTimeout", label);
  const request = checked(options.requestTimeout, "requestTimeout", label);
  const keepAlive = checked(options.keepAliveTimeout, "keepAliveTimeout", label);
  if (headers !== undefined && request !== undefined && headers > 0 && request > 0 && headers > request) {
    throw new Error(
      `${label("headersTimeout")} (${headers}) must not exceed ${label("requestTimeout")} (${request}): a request's time includes its headers'`,
    );
  }
  const requestTimeout =
    request ?? (headers ? Math.max(DEFAULT_TIMEOUTS.requestTimeout, headers) : DEFAULT_TIMEOUTS.requestTimeout);
  const headersTimeout =
    headers ??
    (requestTimeout ? Math.min(DEFAULT_TIMEOUTS.headersTimeout, requestTimeout) : DEFAULT_TIMEOUTS.headersTimeout);
  return { headersTimeout, requestTimeout, keepAliveTimeout: keepAlive ?? DEFAULT_TIMEOUTS.keepAliveTimeout };
}

/**
 * node:http enforces the headers and request deadlines in a sweep every connectionsCheckingInterval
 * (30 s by default, which would let a 30 s deadline run to 60 s). Sweeping at a tenth of the shorter
 * deadline (at most every second) closes a connection within 10% of its deadline. A sweep visits only
 * connections still sending a request, so it costs nothing for idle or streaming ones.
 */
export function httpTimeoutOptions(timeouts: Timeouts): HttpServerOptions {
  const deadlines = [timeouts.headersTimeout, timeouts.requestTimeout].filter((ms) => ms > 0);
  const shortest = deadlines.length ? Math.min(...deadlines) : 0;
  const interval = shortest
    ? Math.min(MAX_CHECK_INTERVAL_MS, Math.max(MIN_CHECK_INTERVAL_MS, Math.floor(shortest / 10)))
    : 30_000;
  return { ...timeouts, connectionsCheckingInterval: interval };
}
