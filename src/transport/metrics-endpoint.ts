// `GET /metrics` as a route: the Prometheus exposition of this server (or, under `--workers`, of every
// worker summed). Scrapes need no API key and are neither journalled nor counted: they watch the
// traffic, they are not part of it.
import type { ServerResponse } from "node:http";
import type { SurfaceWire } from "../protocols/types.js";
import { gatherMetrics } from "./cluster-metrics.js";
import type { HttpExchange } from "./http-exchange.js";
import { METRICS_CONTENT_TYPE, type ServerMetrics } from "./metrics.js";
import { mergeSnapshots, renderExposition } from "./metrics-text.js";
import { readsNoBody, UNKNOWN_ROUTE, type Route } from "./routes.js";

/** Answers a scrape with the exposition text (HEAD gets the headers only, which Node enforces). */
export function writeMetrics(res: ServerResponse, metrics: ServerMetrics): void {
  void gatherMetrics(metrics.snapshot()).then((snapshots) => {
    const body = Buffer.from(renderExposition(mergeSnapshots(snapshots)));
    res.writeHead(200, {
      "content-type": METRICS_CONTENT_TYPE,
      "content-length": body.length,
      "cache-control": "no-store",
    });
    res.end(body);
  });
}

function serveMetrics(exchange: HttpExchange): void {
  writeMetrics(exchange.res, exchange.server.metrics);
}

export function metricsRoute(wire: SurfaceWire): Route {
  return {
    methods: ["GET", "HEAD"],
    path: "/metrics",
    credentials: false,
    recorded: false,
    api: undefined,
    // Never counted; a request to it with another method is counted as "other", as any unknown URL.
    label: UNKNOWN_ROUTE,
    provider: undefined,
    wire,
    serve: serveMetrics,
    receive: readsNoBody,
  };
}
