// What createServer hands the control API: one server's fixtures, journal, policies and stores, and the
// listener that counts each fixture's answers (which GET /__understudy/fixtures and /unused report).
import type { ReplyError } from "../core/reply.js";
import type { FixtureSet } from "../fixtures/index.js";
import { OPENAI_WIRE } from "../protocols/openai/wire.js";
import type { ServerState } from "../transport/state.js";
import type { ControlDeps } from "./routes.js";

/** A "matched" listener: counts the answer against the fixture that gave it. */
export function countAnswer(fixtures: FixtureSet): (exchange: { readonly fixture: string | null }) => void {
  return (exchange) => {
    if (exchange.fixture !== null) fixtures.noteAnswered(exchange.fixture);
  };
}

export interface ControlWiring {
  /** The keys that open the control API (none: it is open). */
  keys: ReadonlySet<string>;
  clearResponses(): void;
  queued: { push(error: ReplyError): void };
}

export function controlDeps(state: ServerState, wiring: ControlWiring): ControlDeps {
  return {
    fixtures: state.fixtures,
    journal: state.journal,
    policies: state.policies,
    clearResponses: wiring.clearResponses,
    queueError: (error) => wiring.queued.push(error),
    access: { keys: wiring.keys },
    wire: OPENAI_WIRE,
  };
}
