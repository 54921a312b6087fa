// Per-server Prometheus metrics: cheap counters, gauges and fixed-bucket histograms fed from the hot
// path (per token) and from the exchanges' "ended" event, taken as a snapshot and rendered
// (metrics-text.ts) only when `/metrics` is scraped.
import type { ExchangeEventSource } from "./events.js";
import type { HistogramData, MetricsSnapshot } from "./metrics-text.js";

/** Upper bounds in seconds (the +Inf bucket is implicit). */
const REQUEST_DURATION_BUCKETS = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const TTFT_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 0.75, 1, 2.5, 5, 10, 30];
const ITL_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1, 2];

/** Distinct route labels kept; anything past this is counted as "other" so label cardinality stays bounded. */
const MAX_ROUTES = 32; // per transport
const OVERFLOW_ROUTE = "other";

/** A cumulative-on-render histogram: observe is a binary search and two integer increments, no allocation. */
class Histogram {
  readonly bounds: Float64Array;
  /** Non-cumulative count per bucket; the last slot is the +Inf bucket. */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;

  constructor(bounds: readonly number[]) {
    this.bounds = Float64Array.from(bounds);
    this.counts = new Float64Array(bounds.length + 1);
  }

  observe(seconds: number): void {
    if (!(seconds >= 0)) seconds = 0; // NaN and clock skew land in the first bucket rather than poison the sum
    const bounds = this.bounds;
    let lo = 0;
    let hi = bounds.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (seconds <= bounds[mid]) hi = mid;
      else lo = mid + 1;
    }
    this.counts[lo]++;
    this.sum += seconds;
    this.count++;
  }

  /** Its counts as plain data (copied). */
  data(): HistogramData {
    return { bounds: [...this.bounds], counts: [...this.counts], sum: this.sum, count: this.count };
  }
}

/** Requests seen on one route (and transport and provider): counts by status and one duration histogram. */
interface RouteStats {
  readonly route: string;
  readonly transport: string;
  readonly provider: string | undefined;
  readonly byStatus: Map<number, number>;
  readonly duration: Histogram;
}

export type MetricsTransport = "http" | "websocket";

/** The key of requests no provider's API answered (/health, unknown URLs). */
const NO_PROVIDER = "";

export class ServerMetrics {
  /** Route stats by transport, then provider, then route label: maps, so counting builds no key string. */
  private readonly routes: Record<MetricsTransport, Map<string, Map<string, RouteStats>>> = {
    http: new Map(),
    websocket: new Map(),
  };
  private readonly routeCount: Record<MetricsTransport, number> = { http: 0, websocket: 0 };
  private streamsInFlight = 0;
  private queueDepth = 0;
  private readonly ttft = new Histogram(TTFT_BUCKETS);
  private readonly itl = new Histogram(ITL_BUCKETS);
  private readonly startedAt: number;

  /** `now` is a millisecond monotonic clock, injectable for tests. */
  constructor(private readonly now: () => number = () => performance.now()) {
    this.startedAt = now();
  }

  /**
   * One finished exchange. `route` must come from a bounded set (the API name, or a fixed fallback such
   * as "other"), never a raw URL; past MAX_ROUTES distinct routes the rest are folded into "other".
   */
  requestFinished(
    route: string,
    status: number,
    durationMs: number,
    transport: MetricsTransport = "http",
    provider?: string,
  ): void {
    const byProvider = this.routes[transport];
    let routes = byProvider.get(provider ?? NO_PROVIDER);
    if (routes === undefined) byProvider.set(provider ?? NO_PROVIDER, (routes = new Map()));
    let stats = routes.get(route);
    if (!stats) {
      if (this.routeCount[transport] >= MAX_ROUTES && route !== OVERFLOW_ROUTE)
        return this.requestFinished(OVERFLOW_ROUTE, status, durationMs, transport, provider);
      stats = { route, transport, provider, byStatus: new Map(), duration: new Histogram(REQUEST_DURATION_BUCKETS) };
      routes.set(route, stats);
      this.routeCount[transport]++;
    }
    // Status codes are integers in 100..599 (0 when the client left before an answer), so this map stays small.
    const code = Number.isInteger(status) && status >= 0 && status < 1000 ? status : 0;
    stats.byStatus.set(code, (stats.byStatus.get(code) ?? 0) + 1);
    stats.duration.observe(durationMs / 1000);
  }

  streamOpened(): void {
    this.streamsInFlight++;
  }

  streamClosed(): void {
    this.streamsInFlight--;
  }

  /** Milliseconds from the request's arrival to the socket write of the first content token. */
  firstToken(ms: number): void {
    this.ttft.observe(ms / 1000);
  }

  /** Milliseconds between the socket writes of two consecutive content tokens. */
  interToken(ms: number): void {
    this.itl.observe(ms / 1000);
  }

  /** Requests currently waiting for a generation slot under maxConcurrency. */
  queueChanged(depth: number): void {
    this.queueDepth = depth;
  }

  /** Everything counted so far, as plain data. */
  snapshot(): MetricsSnapshot {
    const routes: RouteStats[] = [];
    for (const byProvider of [this.routes.http, this.routes.websocket])
      for (const stats of byProvider.values()) routes.push(...stats.values());
    return {
      routes: routes.map((stats) => ({
        route: stats.route,
        transport: stats.transport,
        ...(stats.provider === undefined ? {} : { provider: stats.provider }),
        byStatus: [...stats.byStatus],
        duration: stats.duration.data(),
      })),
      streamsInFlight: this.streamsInFlight,
      queueDepth: this.queueDepth,
      ttft: this.ttft.data(),
      itl: this.itl.data(),
      uptimeSeconds: (this.now() - this.startedAt) / 1000,
      residentBytes: process.memoryUsage.rss(),
      heapUsedBytes: process.memoryUsage().heapUsed,
    };
  }
}

/** The Content-Type of the Prometheus text exposition format. */
export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/** Counts every exchange as it ends, under its route's bounded label, its transport and its provider; returns the function that stops. */
export function countExchanges(metrics: ServerMetrics, events: ExchangeEventSource): () => void {
  return events.on("ended", (entry, exchange) =>
    metrics.requestFinished(exchange.route, entry.status, entry.durationMs, exchange.transport, exchange.provider),
  );
}
