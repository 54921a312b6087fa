// What each control route does to one server, as a plain operation with a JSON answer: one process runs
// it on its own state; under the CLI's --workers every worker runs it and the answers are merged
// (cluster-control.ts), so a write reaches every worker and a read covers them all.
import { z } from "zod";
import { replyErrorShape } from "../core/reply-schema.js";
import { fixtureEntriesOf, FixtureValidationError, type FixtureInfo } from "../fixtures/index.js";
import { journalView, parseJournalFilter, selectRecords, type JournalView } from "./journal-view.js";
import type { ControlDeps } from "./routes.js";

export type ControlOpKind =
  | "journal"
  | "clear-journal"
  | "fixtures"
  | "add-fixtures"
  | "drop-fixtures"
  | "reset"
  | "unused"
  | "queue-error";

export interface ControlOp {
  kind: ControlOpKind;
  /** The request's query string (without `?`). */
  query: string;
  body?: unknown;
}

export interface OpAnswer {
  status: number;
  body: unknown;
}

const errorAnswer = (status: number, code: string, message: string, issues?: string[]): OpAnswer => ({
  status,
  body: { error: { message, code, ...(issues === undefined ? {} : { issues }) } },
});

/** Where fixtures added at run time say they came from, in validation messages. */
export const RUNTIME_SOURCE = "POST /__understudy/fixtures";

const queuedErrorSchema = z.strictObject({ ...replyErrorShape, message: z.string().optional() });

/** The checks a write's input gets before any worker acts on it: null when it is fine. */
export function checkOp(op: ControlOp): OpAnswer | null {
  if (op.kind === "journal") {
    const filter = parseJournalFilter(new URLSearchParams(op.query));
    return typeof filter === "string" ? errorAnswer(400, "invalid_query", filter) : null;
  }
  if (op.kind === "add-fixtures") {
    try {
      fixtureEntriesOf(op.body, RUNTIME_SOURCE);
    } catch (err) {
      if (!(err instanceof FixtureValidationError)) throw err;
      return errorAnswer(400, "invalid_fixtures", err.message, err.issues);
    }
  }
  if (op.kind === "queue-error") {
    const parsed = queuedErrorSchema.safeParse(op.body);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => `${issue.path.join(".") || "(root)"}: ${issue.message}`);
      return errorAnswer(400, "invalid_error", "The body is not an error to queue.", issues);
    }
  }
  return null;
}

/** Runs a checked operation on this process's server. */
export function runOp(deps: ControlDeps, op: ControlOp, worker?: number): OpAnswer {
  const { fixtures, journal } = deps;
  switch (op.kind) {
    case "journal": {
      const filter = parseJournalFilter(new URLSearchParams(op.query));
      if (typeof filter === "string") return errorAnswer(400, "invalid_query", filter);
      const records = selectRecords(journal.kept(), filter);
      return { status: 200, body: { exchanges: records.map((record) => journalView(record, worker)) } };
    }
    case "clear-journal":
      journal.clear();
      return { status: 200, body: { cleared: true } };
    case "fixtures":
      return { status: 200, body: { fixtures: fixtures.describe() } };
    case "add-fixtures": {
      const entries = fixtureEntriesOf(op.body, RUNTIME_SOURCE);
      fixtures.add(entries, "runtime");
      return { status: 201, body: { added: entries.length, fixtures: fixtures.describe() } };
    }
    case "drop-fixtures":
      fixtures.dropRuntime();
      return { status: 200, body: { fixtures: fixtures.describe() } };
    case "reset":
      fixtures.reset();
      journal.clear();
      deps.clearResponses();
      deps.policies.reset();
      return { status: 200, body: { reset: true } };
    case "unused":
      return { status: 200, body: { fixtures: fixtures.unused() } };
    case "queue-error": {
      const error = queuedErrorSchema.parse(op.body);
      deps.queueError({ ...error, message: error.message ?? `Queued error with status ${error.status}.` });
      return { status: 201, body: { queued: true } };
    }
  }
}

/** Every worker's fixture list as one: the same entries everywhere, their answers summed. */
function mergeFixtureLists(lists: readonly FixtureInfo[][]): FixtureInfo[] {
  const [first = []] = lists;
  return first.map((info, i) => ({
    ...info,
    answered: lists.reduce((sum, list) => sum + (list[i]?.answered ?? 0), 0),
  }));
}

/**
 * The answers of every worker as one: the journals interleaved by time (each entry names its worker),
 * fixture lists with their answers summed, unused fixtures those no worker used; writes answer as one.
 */
export function mergeAnswers(op: ControlOp, answers: readonly OpAnswer[]): OpAnswer {
  const failed = answers.find((answer) => answer.status >= 400);
  if (failed !== undefined || answers.length === 0)
    return failed ?? errorAnswer(503, "no_workers", "No worker answered.");
  const bodies = answers.map((answer) => answer.body as Record<string, unknown>);
  if (op.kind === "journal") {
    const exchanges = bodies.flatMap((body) => body.exchanges as JournalView[]);
    exchanges.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : (a.worker ?? 0) - (b.worker ?? 0)));
    const filter = parseJournalFilter(new URLSearchParams(op.query));
    if (typeof filter === "string" || filter.limit === undefined) return { status: 200, body: { exchanges } };
    const { limit } = filter;
    const kept =
      filter.since === undefined ? exchanges.slice(Math.max(0, exchanges.length - limit)) : exchanges.slice(0, limit);
    return { status: 200, body: { exchanges: kept } };
  }
  if (op.kind === "unused") {
    // Gathered as every worker's whole list (see gatherKind): unused is what no worker used.
    const merged = mergeFixtureLists(bodies.map((body) => body.fixtures as FixtureInfo[]));
    return { status: 200, body: { fixtures: merged.filter((info) => info.answered === 0) } };
  }
  if (op.kind === "fixtures" || op.kind === "drop-fixtures" || op.kind === "add-fixtures") {
    const merged = mergeFixtureLists(bodies.map((body) => body.fixtures as FixtureInfo[]));
    return { status: answers[0].status, body: { ...bodies[0], fixtures: merged } };
  }
  return answers[0];
}

/** What each worker runs for `kind` when the answers are gathered: unused needs every worker's whole list. */
export const gatherKind = (kind: ControlOpKind): ControlOpKind => (kind === "unused" ? "fixtures" : kind);
