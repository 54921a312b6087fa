// The surface contract for POST /v1/chat/completions, as JSON and as a stream.
import { createChatSurface } from "../../src/protocols/openai/chat/index.js";
import { promptTokens } from "../support/tokens.js";
import { chatReader } from "./readers.js";
import { OPENAI_ERRORS, OPENAI_HEADERS } from "./openai-errors.js";
import { runContract } from "./run-contract.js";
import { http } from "./wire.js";

runContract({
  name: "chat.completions over HTTP",
  path: "/v1/chat/completions",
  transport: http,
  headers: OPENAI_HEADERS,
  modes: ["json", "stream"],
  surface: () => createChatSurface(),
  request: ({ model, text, stream, stop, maxTokens, n }) => ({
    model,
    messages: [{ role: "user", content: text }],
    ...(stream ? { stream: true, stream_options: { include_usage: true } } : {}),
    ...(stop ? { stop } : {}),
    ...(maxTokens === undefined ? {} : { max_tokens: maxTokens }),
    ...(n === undefined ? {} : { n }),
  }),
  ...chatReader,
  maxTokens: { param: "max_tokens", min: 1 },
  finish: { stop: "stop", length: "length" },
  errors: OPENAI_ERRORS,
  inBandErrors: false,
  promptTokens: (model, text) => promptTokens(model, [{ role: "user", content: text }]),
});
