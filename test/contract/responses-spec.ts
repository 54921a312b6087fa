// The Responses surface as the contract suite sees it, over HTTP and over the WebSocket alike.
import { createResponsesSurface, ResponseStore } from "../../src/protocols/openai/responses/index.js";
import { promptTokens } from "../support/tokens.js";
import { OPENAI_ERRORS } from "./openai-errors.js";
import { responsesReader } from "./readers.js";
import type { ContractSpec } from "./spec.js";

export const responsesSpec: Omit<ContractSpec, "name" | "transport" | "headers" | "modes"> = {
  path: "/v1/responses",
  surface: (state) => createResponsesSurface({ store: new ResponseStore(10), ids: state.ids, tokens: state.tokens }),
  request: ({ model, text, stream, maxTokens }) => ({
    model,
    input: text,
    ...(stream ? { stream: true } : {}),
    ...(maxTokens === undefined ? {} : { max_output_tokens: maxTokens }),
  }),
  ...responsesReader,
  maxTokens: { param: "max_output_tokens", min: 16 },
  finish: { stop: "completed", length: "incomplete: max_output_tokens" },
  errors: OPENAI_ERRORS,
  inBandErrors: true,
  // A string input is one user message, counted with the chat formula.
  promptTokens: (model, text) => promptTokens(model, [{ role: "user", content: text }]),
  skip: {
    stop: "the Responses API has no stop sequences",
    n: "the Responses API answers with one output; it has no n",
  },
};
