// The HTTP side of metrics: the bounded route label a finished exchange is counted under, and the
// `GET /metrics` answer.
import type { ServerResponse } from "node:http";
import type { ResourceRoute } from "../protocols/types.js";
import { gatherMetrics } from "./cluster-metrics.js";
import { METRICS_CONTENT_TYPE, type ServerMetrics } from "./metrics.js";
import { mergeSnapshots, renderExposition } from "./metrics-text.js";

/** The label for requests no route claims (404s, wrong methods); raw paths never become labels. */
export const UNKNOWN_ROUTE = "other";

/**
 * The route label of a request that no API claimed before it finished (a 401, a 404, a resource
 * without an API name): the surface's API for its path, the first segment of a known resource's
 * pattern (`/models/x` → "models"), "health", or "other". Every value comes from a fixed route table.
 */
export function metricsRoute(path: string, surfaces: Readonly<Record<string, { api: string }>>, resources: readonly ResourceRoute[]): string {
  const surface = surfaces[path];
  if (surface) return surface.api;
  if (path === "/health") return "health";
  for (const route of resources) {
    if (!route.pattern.test(path)) continue;
    if (route.api) return route.api;
    // The pattern matched, so the first segment is one of its literals, not caller input.
    const segment = /^\/([A-Za-z_.-]+)/.exec(path);
    return segment ? segment[1] : UNKNOWN_ROUTE;
  }
  return UNKNOWN_ROUTE;
}

/**
 * Answers a scrape with the exposition text (HEAD gets the headers only, which Node enforces): this
 * server's, or under `--workers` every worker's summed (see cluster-metrics).
 */
export function writeMetrics(res: ServerResponse, metrics: ServerMetrics): void {
  void gatherMetrics(metrics.snapshot()).then((snapshots) => {
    const body = Buffer.from(renderExposition(mergeSnapshots(snapshots)));
    res.writeHead(200, { "content-type": METRICS_CONTENT_TYPE, "content-length": body.length, "cache-control": "no-store" });
    res.end(body);
  });
}
