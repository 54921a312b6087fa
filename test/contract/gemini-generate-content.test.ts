// The surface contract for the Gemini API's generateContent, as JSON, and streamGenerateContent, as SSE
// (`alt=sse`, as every SDK asks) and as the one JSON array it answers without it. The model is in the
// path (`/v1beta/models/{model}:method`); sampling parameters are in `generationConfig`.
import { geminiRoutes } from "../../src/protocols/gemini/index.js";
import { O200K, tokenCount } from "./encodings.js";
import { geminiReader } from "./gemini-readers.js";
import { providerSurface, requestHead } from "./provider-surface.js";
import { runContract } from "./run-contract.js";
import type { ContractSpec, ExpectedErrors, RequestInput } from "./spec.js";
import { http } from "./wire.js";

const invalid = (message: string, param: string | null = null) =>
  ({ status: 400, type: "INVALID_ARGUMENT", code: null, param, message }) as const;

/** Google's range refusal, as the API words it for a value outside what the model takes. */
const outOfRange = (field: string, value: number, range: string) =>
  invalid(
    `Unable to submit request because it has a ${field} value of ${value} but the supported range is ${range}. Update the value and try again.`,
  );

const GEMINI_ERRORS: ExpectedErrors = {
  // Unused: the model is in the path (see skip).
  missingModel: invalid("* GenerateContentRequest.model: model is not specified\n", "model"),
  wrongType: () =>
    invalid(
      `Invalid value at 'generation_config.max_output_tokens' (TYPE_INT32), "sixteen"`,
      "generation_config.max_output_tokens",
    ),
  // gemini-2.5-flash takes 1 to 65536 output tokens.
  belowMin: (_param, min) => outOfRange("maxOutputTokens", min - 1, "from 1 (inclusive) to 65537 (exclusive)"),
  aboveMax: { max: 2, error: outOfRange("temperature", 3, "from 0 (inclusive) to 2.0001 (exclusive)") },
  noMatch: { status: 400, type: "INVALID_ARGUMENT", code: null, param: null },
  // The fixture's type is no canonical status name, so the status is the one of its code.
  fixtureError: { status: 503, type: "UNAVAILABLE", code: null, param: null, message: "The engine is overloaded." },
  fixtureRateLimit: { status: 429, type: "RESOURCE_EXHAUSTED", code: null, param: null, message: "Slow down." },
  modelNotFound: (model, mode) => ({
    status: 404,
    type: "NOT_FOUND",
    code: null,
    param: null,
    message: `models/${model} is not found for API version v1beta, or is not supported for ${mode === "stream" ? "streamGenerateContent" : "generateContent"}. Call ModelService.ListModels to see the list of available models and their supported methods.`,
  }),
};

/** Where a request goes: generateContent, or streamGenerateContent as SSE or as one JSON array. */
const pathFor =
  (sse: boolean) =>
  ({ model, stream }: RequestInput): string =>
    `/v1beta/models/${model}:${stream ? `streamGenerateContent${sse ? "?alt=sse" : ""}` : "generateContent"}`;

const generationConfig = ({ maxTokens, stop, n }: RequestInput) => ({
  ...(maxTokens === undefined ? {} : { maxOutputTokens: maxTokens }),
  ...(stop ? { stopSequences: stop } : {}),
  ...(n === undefined ? {} : { candidateCount: n }),
});

/** Response ids (and Vertex AI's createTime) differ from one answer to the next by design. */
const normalise = (text: string): string =>
  text
    .replace(/"responseId": ?"[A-Za-z0-9_-]+"/g, '"responseId":<id>')
    .replace(/"createTime": ?"[^"]+"/g, '"createTime":<time>');

const base = (sse: boolean): Omit<ContractSpec, "name" | "modes"> => ({
  ...geminiReader,
  path: "/v1beta/models/gemini-2.5-flash:generateContent",
  pathFor: pathFor(sse),
  requestHeaders: { "x-goog-api-key": "contract-key" },
  transport: http,
  // Google's answers carry no request id.
  headers: { requestId: null },
  models: { main: "gemini-2.5-flash", second: "gemini-2.5-pro", unknown: "gemini-unknown" },
  encoding: () => O200K,
  surface: (state) => {
    const path = pathFor(sse)({ model: "gemini-2.5-flash", text: "", stream: true });
    return providerSurface(geminiRoutes, state, path, requestHead(path));
  },
  request: (input) => {
    const config = generationConfig(input);
    return {
      contents: [{ role: "user", parts: [{ text: input.text }] }],
      ...(Object.keys(config).length === 0 ? {} : { generationConfig: config }),
    };
  },
  setParam: (body, param, value) => ({
    ...body,
    generationConfig: { ...(body.generationConfig as object), [param]: value },
  }),
  errors: GEMINI_ERRORS,
  maxTokens: { param: "maxOutputTokens", min: 1, wrongType: "sixteen" },
  // A stop sequence ends a candidate with STOP, as the end of its text does.
  finish: { stop: "STOP", length: "MAX_TOKENS" },
  inBandErrors: false,
  // Understudy's documented count: a one-text prompt is its text's o200k_base tokens, with no framing.
  promptTokens: (_model, text) => tokenCount(O200K, text),
  normalise,
  skip: { missingModel: "the model is named in the path: a request cannot leave it out" },
});

runContract({
  ...base(true),
  name: "Gemini generateContent and streamGenerateContent (SSE)",
  modes: ["json", "stream"],
});
runContract({ ...base(false), name: "Gemini streamGenerateContent (one JSON array)", modes: ["stream"] });
