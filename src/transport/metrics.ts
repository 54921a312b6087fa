// Per-server Prometheus metrics: cheap counters, gauges and fixed-bucket histograms fed from the hot
// path (per token), rendered as text exposition format 0.0.4 only when `/metrics` is scraped.

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

  /** Appends `_bucket`, `_sum` and `_count` lines; `labels` is a rendered label list without braces ("" for none). */
  render(name: string, labels: string, out: string[]): void {
    const prefix = labels === "" ? "" : `${labels},`;
    let cumulative = 0;
    for (let i = 0; i < this.bounds.length; i++) {
      cumulative += this.counts[i];
      out.push(`${name}_bucket{${prefix}le="${formatNumber(this.bounds[i])}"} ${cumulative}`);
    }
    cumulative += this.counts[this.bounds.length];
    out.push(`${name}_bucket{${prefix}le="+Inf"} ${cumulative}`);
    const braces = labels === "" ? "" : `{${labels}}`;
    out.push(`${name}_sum${braces} ${formatNumber(this.sum)}`);
    out.push(`${name}_count${braces} ${this.count}`);
  }
}

/** Requests seen on one route (and transport): counts by status and one duration histogram. */
interface RouteStats {
  readonly route: string;
  readonly transport: string;
  readonly byStatus: Map<number, number>;
  readonly duration: Histogram;
}

function formatNumber(value: number): string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Infinity) return "+Inf";
  if (value === -Infinity) return "-Inf";
  return String(value);
}

/** Label values escape backslash, double quote and newline, as the exposition format requires. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n");
}

function header(out: string[], name: string, type: "counter" | "gauge" | "histogram", help: string): void {
  out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
}

export type MetricsTransport = "http" | "websocket";

export class ServerMetrics {
  /** Route stats by transport, then by route label. */
  private readonly routes: Record<MetricsTransport, Map<string, RouteStats>> = { http: new Map(), websocket: new Map() };
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
  requestFinished(route: string, status: number, durationMs: number, transport: MetricsTransport = "http"): void {
    const routes = this.routes[transport];
    let stats = routes.get(route);
    if (!stats) {
      if (routes.size >= MAX_ROUTES && route !== OVERFLOW_ROUTE) return this.requestFinished(OVERFLOW_ROUTE, status, durationMs, transport);
      stats = { route, transport, byStatus: new Map(), duration: new Histogram(REQUEST_DURATION_BUCKETS) };
      routes.set(route, stats);
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

  /** The Prometheus text exposition (format 0.0.4), ending in a newline. */
  render(): string {
    const out: string[] = [];
    const routes = [...this.routes.http.values(), ...this.routes.websocket.values()].sort((a, b) => (a.route === b.route ? a.transport.localeCompare(b.transport) : a.route.localeCompare(b.route)));

    header(out, "understudy_requests_total", "counter", "Finished requests by route, transport and HTTP status.");
    for (const stats of routes) {
      const labels = `route="${escapeLabel(stats.route)}",transport="${stats.transport}"`;
      for (const [status, count] of [...stats.byStatus].sort((a, b) => a[0] - b[0])) {
        out.push(`understudy_requests_total{${labels},status="${status}"} ${count}`);
      }
    }

    header(out, "understudy_request_duration_seconds", "histogram", "Time from a request's arrival to the end of its answer.");
    for (const stats of routes) {
      stats.duration.render("understudy_request_duration_seconds", `route="${escapeLabel(stats.route)}",transport="${stats.transport}"`, out);
    }

    header(out, "understudy_streams_in_flight", "gauge", "Streaming answers currently being written.");
    out.push(`understudy_streams_in_flight ${this.streamsInFlight}`);

    header(out, "understudy_queue_depth", "gauge", "Requests waiting for a generation slot under maxConcurrency.");
    out.push(`understudy_queue_depth ${this.queueDepth}`);

    header(out, "understudy_time_to_first_token_seconds", "histogram", "Time from a request's arrival to the socket write of its first content token.");
    this.ttft.render("understudy_time_to_first_token_seconds", "", out);

    header(out, "understudy_inter_token_latency_seconds", "histogram", "Time between socket writes of consecutive content tokens.");
    this.itl.render("understudy_inter_token_latency_seconds", "", out);

    header(out, "understudy_uptime_seconds", "gauge", "Seconds since this server started.");
    out.push(`understudy_uptime_seconds ${formatNumber((this.now() - this.startedAt) / 1000)}`);

    header(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
    out.push(`process_resident_memory_bytes ${process.memoryUsage.rss()}`);

    header(out, "nodejs_heap_used_bytes", "gauge", "V8 heap in use, in bytes.");
    out.push(`nodejs_heap_used_bytes ${process.memoryUsage().heapUsed}`);

    return `${out.join("\n")}\n`;
  }
}

/** The Content-Type of the Prometheus text exposition format. */
export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
