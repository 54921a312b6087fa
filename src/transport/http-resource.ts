// A surface's resource endpoint (GET /responses/{id}, POST /embeddings, the models list) as a route: its
// parameters and query (and a POST's JSON body) handed to the resource, its answer written as JSON.
import type { ResourceAnswer, ResourceRoute, SurfaceWire } from "../protocols/types.js";
import { stampProcessingTime } from "./exchange.js";
import type { HttpExchange } from "./http-exchange.js";
import { NO_BODY, parseJsonBody, readJsonBody, refuseUnread } from "./http-read.js";
import { announce, settle } from "./lifecycle.js";
import { UNKNOWN_ROUTE, type Route } from "./routes.js";
import { writeJson } from "./writer.js";

/** A pattern that is one literal path (`/^\/embeddings$/`) is looked up as a string, like the surfaces. */
function literalPath(pattern: RegExp): string | undefined {
  const literal = /^\^((?:\\\/[A-Za-z0-9_-]+)+)\$$/.exec(pattern.source);
  return pattern.flags === "" && literal ? literal[1].replaceAll("\\/", "/") : undefined;
}

/** A resource without an API name is counted under its pattern's first literal segment (`/models/x`: "models"). */
function firstSegment(pattern: RegExp): string {
  return /^\^\\\/([A-Za-z_.-]+)/.exec(pattern.source)?.[1] ?? UNKNOWN_ROUTE;
}

/** `wire`: the server's default, for a resource that names no surface of its own. */
export function resourceRoute(resource: ResourceRoute, wire: SurfaceWire): Route {
  return {
    methods: [resource.method],
    path: literalPath(resource.pattern) ?? resource.pattern,
    credentials: true,
    recorded: true,
    api: resource.api,
    label: resource.api ?? firstSegment(resource.pattern),
    wire: resource.surface ?? wire,
    provider: (resource.surface ?? wire).provider,
    claims: resource.claims,
    serve: (exchange) => serveResource(exchange, resource),
    receive: (exchange, text, bytes) => receiveBody(exchange, resource, text, bytes),
  };
}

const queryOf = (url: string): URLSearchParams =>
  new URLSearchParams(url.includes("?") ? url.slice(url.indexOf("?") + 1) : "");

function serveResource(exchange: HttpExchange, resource: ResourceRoute): void {
  exchange.api = resource.api;
  if (refuseUnread(exchange, resource.checkHead?.(exchange.req))) return;
  if (exchange.method === "POST") return readJsonBody(exchange);
  settle(exchange, answerResource(exchange, resource.handle([...exchange.params], queryOf(exchange.path))));
}

function receiveBody(exchange: HttpExchange, resource: ResourceRoute, text: string, bytes: number): void {
  const body = parseJsonBody(exchange, text, bytes);
  if (body === NO_BODY) return;
  exchange.body = body;
  settle(exchange, answerResource(exchange, resource.handle([...exchange.params], queryOf(exchange.path), body)));
}

/** Sends a route's answer, once it is ready when the route works on it in slices (large embeddings requests). */
function answerResource(
  exchange: HttpExchange,
  answer: ResourceAnswer | Promise<ResourceAnswer>,
): Promise<void> | void {
  return answer instanceof Promise
    ? answer.then((ready) => sendResource(exchange, ready))
    : sendResource(exchange, answer);
}

/** Resolves (when it returns a promise) once a body written in parts is complete or the client has gone. */
function sendResource(exchange: HttpExchange, answer: ResourceAnswer): Promise<void> | void {
  const { headers } = exchange;
  if (answer.model !== undefined) exchange.model = answer.model;
  if (answer.fixture !== undefined) {
    exchange.fixture = answer.fixture;
    announce(exchange, answer.error);
  }
  if (answer.error !== undefined) return exchange.refuse(answer.error);
  stampProcessingTime(headers, exchange.arrival, exchange.wire.processingTimeHeader);
  exchange.status = answer.status;
  if (answer.headers) Object.assign(headers, answer.headers);
  return writeJson(exchange.res, answer.status, answer.body, headers)?.then(
    ({ interrupted }) => void (exchange.interrupted = interrupted),
  );
}
