// The server's own HTTP routes, beside the surfaces' and their resources': `GET /health` (no credentials,
// journalled) and the answer to what no route serves (credentials first, then a 404 in the default wire).
import cluster from "node:cluster";
import { routeNotFound } from "../core/errors.js";
import type { SurfaceWire } from "../protocols/types.js";
import type { HttpExchange } from "./http-exchange.js";
import { record, reject } from "./lifecycle.js";
import { readsNoBody, UNKNOWN_ROUTE, type Route } from "./routes.js";
import { writeJson } from "./writer.js";

/** Under `--workers`, /health names the worker (cluster id and pid) that answered, to tell them apart. */
const HEALTH_BODY = cluster.worker ? { status: "ok", worker: cluster.worker.id, pid: process.pid } : { status: "ok" };

function serveHealth(exchange: HttpExchange): void {
  exchange.status = 200;
  writeJson(exchange.res, 200, HEALTH_BODY, exchange.headers);
  record(exchange);
}

/** `GET /health`: open to load balancers, which send no API key. */
export function healthRoute(wire: SurfaceWire): Route {
  return {
    methods: ["GET", "HEAD"],
    path: "/health",
    credentials: false,
    recorded: true,
    api: undefined,
    label: "health",
    provider: undefined,
    wire,
    serve: serveHealth,
    receive: readsNoBody,
  };
}

function serveNotFound(exchange: HttpExchange): void {
  reject(exchange, exchange.wire, routeNotFound(exchange.method, exchange.path.split("?")[0]));
}

/** What answers a request no route does, in `wire` (the server's default): a 401 without a key, else 404. */
export function notFoundRoute(wire: SurfaceWire): Route {
  return {
    methods: [],
    path: "",
    credentials: true,
    recorded: true,
    api: undefined,
    label: UNKNOWN_ROUTE,
    provider: undefined,
    wire,
    serve: serveNotFound,
    receive: readsNoBody,
  };
}
