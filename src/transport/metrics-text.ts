// The Prometheus text exposition (format 0.0.4) of one or more metrics snapshots: one server's, or
// every worker's under `--workers`, merged (counters and histograms summed, gauges summed).

/** A histogram's non-cumulative bucket counts (the last is +Inf), its sum and count. */
export interface HistogramData {
  bounds: readonly number[];
  counts: number[];
  sum: number;
  count: number;
}

export interface RouteSnapshot {
  route: string;
  /** The provider whose API the route speaks; absent for /health and unknown URLs. */
  provider?: string;
  transport: string;
  /** [status, count] pairs. */
  byStatus: [number, number][];
  duration: HistogramData;
}

/** One server's metrics as plain data, which can cross a process boundary. */
export interface MetricsSnapshot {
  routes: RouteSnapshot[];
  streamsInFlight: number;
  queueDepth: number;
  ttft: HistogramData;
  itl: HistogramData;
  uptimeSeconds: number;
  residentBytes: number;
  heapUsedBytes: number;
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

/** Appends `_bucket`, `_sum` and `_count` lines; `labels` is a rendered label list without braces ("" for none). */
function renderHistogram(name: string, labels: string, data: HistogramData, out: string[]): void {
  const prefix = labels === "" ? "" : `${labels},`;
  let cumulative = 0;
  for (let i = 0; i < data.bounds.length; i++) {
    cumulative += data.counts[i];
    out.push(`${name}_bucket{${prefix}le="${formatNumber(data.bounds[i])}"} ${cumulative}`);
  }
  cumulative += data.counts[data.bounds.length];
  out.push(`${name}_bucket{${prefix}le="+Inf"} ${cumulative}`);
  const braces = labels === "" ? "" : `{${labels}}`;
  out.push(`${name}_sum${braces} ${formatNumber(data.sum)}`);
  out.push(`${name}_count${braces} ${data.count}`);
}

function addHistogram(into: HistogramData, from: HistogramData): HistogramData {
  return {
    bounds: into.bounds,
    counts: into.counts.map((n, i) => n + from.counts[i]),
    sum: into.sum + from.sum,
    count: into.count + from.count,
  };
}

/** The snapshots as one: routes matched by route and transport, counts and gauges summed, the longest uptime. */
export function mergeSnapshots(snapshots: readonly MetricsSnapshot[]): MetricsSnapshot {
  const [first, ...rest] = snapshots;
  const routes = new Map<string, RouteSnapshot>();
  for (const snapshot of snapshots) {
    for (const route of snapshot.routes) {
      const key = `${route.transport}\u0000${route.provider ?? ""}\u0000${route.route}`;
      const seen = routes.get(key);
      if (!seen) {
        routes.set(key, { ...route, byStatus: route.byStatus.map(([status, count]) => [status, count]) });
        continue;
      }
      for (const [status, count] of route.byStatus) {
        const pair = seen.byStatus.find(([s]) => s === status);
        if (pair) pair[1] += count;
        else seen.byStatus.push([status, count]);
      }
      seen.duration = addHistogram(seen.duration, route.duration);
    }
  }
  return rest.reduce<MetricsSnapshot>(
    (sum, s) => ({
      routes: sum.routes,
      streamsInFlight: sum.streamsInFlight + s.streamsInFlight,
      queueDepth: sum.queueDepth + s.queueDepth,
      ttft: addHistogram(sum.ttft, s.ttft),
      itl: addHistogram(sum.itl, s.itl),
      uptimeSeconds: Math.max(sum.uptimeSeconds, s.uptimeSeconds),
      residentBytes: sum.residentBytes + s.residentBytes,
      heapUsedBytes: sum.heapUsedBytes + s.heapUsedBytes,
    }),
    { ...first, routes: [...routes.values()] },
  );
}

/** A route's sort key: by route, then provider, then transport, so a route's providers stand together. */
const routeOrder = (stats: RouteSnapshot): string =>
  `${stats.route}\u0000${stats.provider ?? ""}\u0000${stats.transport}`;

/** A route's labels; the provider's only for routes that speak one provider's API. */
const routeLabels = (stats: RouteSnapshot): string =>
  stats.provider === undefined
    ? `route="${escapeLabel(stats.route)}",transport="${stats.transport}"`
    : `provider="${escapeLabel(stats.provider)}",route="${escapeLabel(stats.route)}",transport="${stats.transport}"`;

/** The per-route metrics: request counts by status, and request durations. */
function renderRoutes(snapshot: MetricsSnapshot, out: string[]): void {
  const routes = snapshot.routes
    .map((stats) => ({ stats, order: routeOrder(stats) }))
    .sort((a, b) => (a.order < b.order ? -1 : a.order > b.order ? 1 : 0))
    .map(({ stats }) => stats);
  header(
    out,
    "understudy_requests_total",
    "counter",
    "Finished requests by provider, route, transport and HTTP status.",
  );
  for (const stats of routes) {
    for (const [status, count] of [...stats.byStatus].sort((a, b) => a[0] - b[0]))
      out.push(`understudy_requests_total{${routeLabels(stats)},status="${status}"} ${count}`);
  }
  header(
    out,
    "understudy_request_duration_seconds",
    "histogram",
    "Time from a request's arrival to the end of its answer.",
  );
  for (const stats of routes)
    renderHistogram("understudy_request_duration_seconds", routeLabels(stats), stats.duration, out);
}

/** The exposition text of one snapshot (merge several first), ending in a newline. */
export function renderExposition(snapshot: MetricsSnapshot): string {
  const out: string[] = [];
  renderRoutes(snapshot, out);

  header(out, "understudy_streams_in_flight", "gauge", "Streaming answers currently being written.");
  out.push(`understudy_streams_in_flight ${snapshot.streamsInFlight}`);

  header(out, "understudy_queue_depth", "gauge", "Requests waiting for a generation slot under maxConcurrency.");
  out.push(`understudy_queue_depth ${snapshot.queueDepth}`);

  header(
    out,
    "understudy_time_to_first_token_seconds",
    "histogram",
    "Time from a request's arrival to the socket write of its first content token.",
  );
  renderHistogram("understudy_time_to_first_token_seconds", "", snapshot.ttft, out);

  header(
    out,
    "understudy_inter_token_latency_seconds",
    "histogram",
    "Time between socket writes of consecutive content tokens.",
  );
  renderHistogram("understudy_inter_token_latency_seconds", "", snapshot.itl, out);

  header(out, "understudy_uptime_seconds", "gauge", "Seconds since this server started.");
  out.push(`understudy_uptime_seconds ${formatNumber(snapshot.uptimeSeconds)}`);

  header(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.");
  out.push(`process_resident_memory_bytes ${snapshot.residentBytes}`);

  header(out, "nodejs_heap_used_bytes", "gauge", "V8 heap in use, in bytes.");
  out.push(`nodejs_heap_used_bytes ${snapshot.heapUsedBytes}`);

  return `${out.join("\n")}\n`;
}
