// What the contract suite's servers answer from: one fixture per case, matched by its user message,
// and the models they serve.
import type { Fixture } from "../../src/fixtures/index.js";

/** o200k_base; the usage case also runs a cl100k_base model. */
export const MODEL = "gpt-4o-mini";
export const CL100K_MODEL = "gpt-4";
export const UNKNOWN_MODEL = "gpt-unknown";

export const STOPPED = "Hello there. STOP and say nothing more.";
export const LONG =
  "Understudy answers from fixtures with exact token counts, so a reply cut at its output limit ends on a token boundary and never inside a word.";
export const USAGE_REPLY = "Counted exactly, token by token.";
export const ALTERNATIVES = ["First answer.", "The second answer is a little longer."];

export const CONTRACT_FIXTURES: Fixture[] = [
  { match: { userMessage: "contract: stop" }, response: { content: STOPPED } },
  { match: { userMessage: "contract: long" }, response: { content: LONG } },
  {
    match: { userMessage: "contract: choices" },
    response: { content: "unused", choices: ALTERNATIVES.map((content) => ({ content })) },
  },
  { match: { userMessage: "contract: usage" }, response: { content: USAGE_REPLY } },
  {
    match: { userMessage: "contract: failure" },
    response: {
      error: { status: 503, message: "The engine is overloaded.", type: "server_error", code: "engine_overloaded" },
    },
  },
  {
    match: { userMessage: "contract: throttled" },
    response: {
      error: { status: 429, message: "Slow down.", type: "requests", code: "rate_limit_exceeded", retryAfter: 7 },
    },
  },
  {
    match: { userMessage: "contract: flags" },
    response: {
      reasoning: "Thinking it over.",
      content: "Here it is.",
      toolCalls: [{ name: "lookup", arguments: { q: "x" } }],
    },
  },
];
