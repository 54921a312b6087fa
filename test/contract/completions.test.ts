// The surface contract for the legacy POST /v1/completions, as JSON and as a stream.
import { createCompletionsSurface } from "../../src/protocols/openai/completions/index.js";
import { countTokens } from "../support/tokens.js";
import { completionsReader } from "./readers.js";
import { OPENAI_ERRORS, OPENAI_HEADERS } from "./openai-errors.js";
import { runContract } from "./run-contract.js";
import { http } from "./wire.js";

runContract({
  name: "completions over HTTP",
  path: "/v1/completions",
  transport: http,
  headers: OPENAI_HEADERS,
  modes: ["json", "stream"],
  surface: () => createCompletionsSurface(),
  request: ({ model, text, stream, stop, maxTokens, n }) => ({
    model,
    prompt: text,
    // Without max_tokens the endpoint stops at 16 tokens; the cases' replies are longer than that.
    max_tokens: maxTokens ?? 64,
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    ...(stop ? { stop } : {}),
    ...(n === undefined ? {} : { n }),
  }),
  ...completionsReader,
  maxTokens: { param: "max_tokens", min: 0 },
  finish: { stop: "stop", length: "length" },
  errors: OPENAI_ERRORS,
  inBandErrors: false,
  // A raw prompt is counted as it is: no per-message framing.
  promptTokens: (model, text) => countTokens(model, text),
});
