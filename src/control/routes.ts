// The control API under /__understudy/: the journal, the fixtures (list, add at run time, drop the
// additions), reset, the unused fixtures and queued errors. Each is a Route that is never journalled,
// counted or announced (`recorded: false`), checks its own access (access.ts), and turns its request
// into an operation (ops.ts) that this server runs, or under --workers every worker (cluster-control.ts).
import type { ReplyError } from "../core/reply.js";
import type { FixtureSet } from "../fixtures/index.js";
import type { Journal } from "../journal/journal.js";
import type { PolicyList } from "../policies/index.js";
import type { SurfaceWire } from "../protocols/types.js";
import type { HttpExchange } from "../transport/http-exchange.js";
import { readJsonBody } from "../transport/http-read.js";
import { UNKNOWN_ROUTE, type Route } from "../transport/routes.js";
import { controlDenied, type ControlAccess } from "./access.js";
import { answer, answerError, jsonOf } from "./answer.js";
import { gatherControl, inControlCluster, shareControlWithPrimary } from "./cluster-control.js";
import { checkOp, gatherKind, mergeAnswers, runOp, type ControlOp, type ControlOpKind, type OpAnswer } from "./ops.js";

/** What the control routes act on: one server's state. */
export interface ControlDeps {
  fixtures: FixtureSet;
  journal: Journal;
  policies: PolicyList;
  /** Forgets the stored Responses API responses. */
  clearResponses(): void;
  queueError(error: ReplyError): void;
  access: ControlAccess;
  wire: SurfaceWire;
}

export const CONTROL_PREFIX = "/__understudy";

const send = (exchange: HttpExchange, done: OpAnswer): void => answer(exchange, done.status, done.body);

/** Runs the operation here, or on every worker with the answers merged. */
function perform(exchange: HttpExchange, deps: ControlDeps, op: ControlOp): void {
  const refused = checkOp(op);
  if (refused !== null) return send(exchange, refused);
  if (!inControlCluster()) return send(exchange, runOp(deps, op));
  void gatherControl({ ...op, kind: gatherKind(op.kind) }).then((answers) => send(exchange, mergeAnswers(op, answers)));
}

const queryString = (url: string): string => (url.includes("?") ? url.slice(url.indexOf("?") + 1) : "");

/** A control route: each method runs one operation; POST ones take the JSON body as its input. */
function controlRoute(deps: ControlDeps, path: string, kinds: Record<string, ControlOpKind>): Route {
  return {
    methods: Object.keys(kinds),
    path: `${CONTROL_PREFIX}${path}`,
    // Checked here rather than by the transport: the control key opens these routes, and only these.
    credentials: false,
    recorded: false,
    api: undefined,
    label: UNKNOWN_ROUTE,
    provider: undefined,
    wire: deps.wire,
    serve: (exchange) => {
      const denied = controlDenied(deps.access, deps.fixtures.apiKeys, exchange.req.headers);
      if (denied !== null) {
        exchange.req.resume();
        return answerError(exchange, 401, "unauthorized", denied);
      }
      const kind = kinds[exchange.method];
      if (exchange.method === "POST" && kind !== "reset") return readJsonBody(exchange);
      exchange.req.resume();
      perform(exchange, deps, { kind, query: queryString(exchange.path) });
    },
    receive: (exchange, text) => {
      const body = jsonOf(exchange, text);
      if (body !== undefined) perform(exchange, deps, { kind: kinds.POST, query: queryString(exchange.path), body });
    },
  };
}

export function controlRoutes(deps: ControlDeps): Route[] {
  // Under --workers, the primary runs operations here too (a no-op anywhere else).
  shareControlWithPrimary((op, worker) => runOp(deps, op, worker));
  return [
    controlRoute(deps, "/journal", { GET: "journal", DELETE: "clear-journal" }),
    controlRoute(deps, "/fixtures", { GET: "fixtures", POST: "add-fixtures", DELETE: "drop-fixtures" }),
    controlRoute(deps, "/reset", { POST: "reset" }),
    controlRoute(deps, "/unused", { GET: "unused" }),
    controlRoute(deps, "/errors", { POST: "queue-error" }),
  ];
}
