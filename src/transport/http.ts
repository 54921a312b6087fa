// The HTTP transport's entry: each request becomes one exchange on the route that answers it (routes.ts),
// is let in by the policies before parse when its route needs credentials, and is served by its route's
// handler. The steps after that are lifecycle.ts's and the http-*.ts files'.
import type { IncomingMessage, ServerResponse } from "node:http";
import { applyCors } from "./cors.js";
import { HttpExchange } from "./http-exchange.js";
import { fail, reject, start } from "./lifecycle.js";
import { routePath } from "./route-path.js";
import { NO_PARAMS, type RouteTable } from "./routes.js";
import type { ServerState } from "./state.js";

function handleRequest(state: ServerState, routes: RouteTable, req: IncomingMessage, res: ServerResponse): void {
  const arrival = performance.now();
  // Browsers send Origin; SDKs and load generators do not, and pay for this one read only.
  const origin = req.headers.origin;
  if (origin !== undefined && applyCors(state.cors, origin, req, res)) return;
  const method = req.method ?? "GET";
  const url = req.url ?? "/";
  const path = routePath(url);
  const match = routes.find(method, path, req);
  const route = match === null ? routes.notFoundFor(req) : match.route;
  const { requestIds } = route.wire;
  const requestId = state.ids.next(requestIds.prefix, requestIds.length, requestIds.alphabet);
  const label = match === null ? routes.labelOf(path) : route.label;
  const exchange = new HttpExchange(
    state,
    route,
    match === null ? NO_PARAMS : match.params,
    label,
    req,
    res,
    requestId,
    method,
    url,
    arrival,
  );
  start(exchange);
  try {
    if (route.credentials) {
      const denied = state.policies.checkCredentials(req, route.wire.credentials);
      if (denied !== null) return reject(exchange, route.wire, denied);
    }
    route.serve(exchange);
  } catch (failure) {
    // A bug in a handler must not take the server down (see fail).
    fail(exchange, failure);
  }
}

/** node:http's request listener for a server's routes: one function for every request, no state of its own. */
export function createRequestHandler(
  state: ServerState,
  routes: RouteTable,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => handleRequest(state, routes, req, res);
}
