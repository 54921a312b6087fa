// The control API under /__understudy/: the journal, the fixtures (list, add at run time, drop the
// additions), reset, the unused fixtures and queued errors. Each is a Route that is never journalled,
// counted or announced (`recorded: false`), and that checks its own access (see access.ts).
import { z } from "zod";
import type { ReplyError } from "../core/reply.js";
import { replyErrorShape } from "../core/reply-schema.js";
import { fixtureEntriesOf, FixtureValidationError, type FixtureSet } from "../fixtures/index.js";
import type { Journal } from "../journal/journal.js";
import type { PolicyList } from "../policies/index.js";
import type { SurfaceWire } from "../protocols/types.js";
import type { HttpExchange } from "../transport/http-exchange.js";
import { readJsonBody } from "../transport/http-read.js";
import { readsNoBody, UNKNOWN_ROUTE, type Route } from "../transport/routes.js";
import { controlDenied, type ControlAccess } from "./access.js";
import { answer, answerError, jsonOf, queryOf } from "./answer.js";
import { journalView, parseJournalFilter, selectRecords } from "./journal-view.js";

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

type Handler = (exchange: HttpExchange, deps: ControlDeps) => void;
type BodyHandler = (exchange: HttpExchange, deps: ControlDeps, body: unknown) => void;

function controlRoute(
  deps: ControlDeps,
  path: string,
  handlers: Record<string, Handler>,
  receive?: BodyHandler,
): Route {
  return {
    methods: Object.keys(handlers),
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
      handlers[exchange.method]?.(exchange, deps);
    },
    receive: receive
      ? (exchange, text) => {
          const body = jsonOf(exchange, text);
          if (body !== undefined) receive(exchange, deps, body);
        }
      : readsNoBody,
  };
}

function getJournal(exchange: HttpExchange, { journal }: ControlDeps): void {
  const filter = parseJournalFilter(queryOf(exchange.path));
  if (typeof filter === "string") return answerError(exchange, 400, "invalid_query", filter);
  answer(exchange, 200, { exchanges: selectRecords(journal.kept(), filter).map((record) => journalView(record)) });
}

function deleteJournal(exchange: HttpExchange, { journal }: ControlDeps): void {
  journal.clear();
  answer(exchange, 200, { cleared: true });
}

function getFixtures(exchange: HttpExchange, { fixtures }: ControlDeps): void {
  answer(exchange, 200, { fixtures: fixtures.describe() });
}

const RUNTIME_SOURCE = "POST /__understudy/fixtures";

function postFixtures(exchange: HttpExchange, { fixtures }: ControlDeps, body: unknown): void {
  let entries: ReturnType<typeof fixtureEntriesOf>;
  try {
    entries = fixtureEntriesOf(body, RUNTIME_SOURCE);
  } catch (err) {
    if (!(err instanceof FixtureValidationError)) throw err;
    return answerError(exchange, 400, "invalid_fixtures", err.message, err.issues);
  }
  fixtures.add(entries, "runtime");
  answer(exchange, 201, { added: entries.length, fixtures: fixtures.describe() });
}

function deleteFixtures(exchange: HttpExchange, { fixtures }: ControlDeps): void {
  fixtures.dropRuntime();
  answer(exchange, 200, { fixtures: fixtures.describe() });
}

function postReset(exchange: HttpExchange, deps: ControlDeps): void {
  exchange.req.resume();
  deps.fixtures.reset();
  deps.journal.clear();
  deps.clearResponses();
  deps.policies.reset();
  answer(exchange, 200, { reset: true });
}

function getUnused(exchange: HttpExchange, { fixtures }: ControlDeps): void {
  answer(exchange, 200, { fixtures: fixtures.unused() });
}

const queuedErrorSchema = z.strictObject({ ...replyErrorShape, message: z.string().optional() });

function postError(exchange: HttpExchange, deps: ControlDeps, body: unknown): void {
  const parsed = queuedErrorSchema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
    return answerError(exchange, 400, "invalid_error", "The body is not an error to queue.", issues);
  }
  const { status, message } = parsed.data;
  deps.queueError({ ...parsed.data, message: message ?? `Queued error with status ${status}.` });
  answer(exchange, 201, { queued: true });
}

export function controlRoutes(deps: ControlDeps): Route[] {
  return [
    controlRoute(deps, "/journal", { GET: getJournal, DELETE: deleteJournal }),
    controlRoute(deps, "/fixtures", { GET: getFixtures, POST: readJsonBody, DELETE: deleteFixtures }, postFixtures),
    controlRoute(deps, "/reset", { POST: postReset }),
    controlRoute(deps, "/unused", { GET: getUnused }),
    controlRoute(deps, "/errors", { POST: readJsonBody }, postError),
  ];
}
