// OpenAI's wording of the errors the contract cases provoke, as its API sends them: the specs of Chat
// Completions, legacy Completions, the Responses API and Azure OpenAI share it.
import type { ExpectedErrors } from "./spec.js";

const invalid = { status: 400, type: "invalid_request_error" } as const;

export const OPENAI_ERRORS: ExpectedErrors = {
  missingModel: {
    ...invalid,
    param: "model",
    code: "missing_required_parameter",
    message: "Missing required parameter: 'model'.",
  },
  wrongType: (param) => ({
    ...invalid,
    param,
    code: "invalid_type",
    message: `Invalid type for '${param}': expected an integer, but got a string instead.`,
  }),
  belowMin: (param, min) => ({
    ...invalid,
    param,
    code: "integer_below_min_value",
    message: `Invalid '${param}': integer below minimum value. Expected a value >= ${min}, but got ${min - 1} instead.`,
  }),
  aboveMax: {
    max: 2,
    error: {
      ...invalid,
      param: "temperature",
      code: "decimal_above_max_value",
      message: "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 3 instead.",
    },
  },
  noMatch: { ...invalid, param: null, code: "no_match" },
  fixtureError: {
    status: 503,
    type: "server_error",
    param: null,
    code: "engine_overloaded",
    message: "The engine is overloaded.",
  },
  fixtureRateLimit: {
    status: 429,
    type: "requests",
    param: null,
    code: "rate_limit_exceeded",
    message: "Slow down.",
  },
  modelNotFound: (model) => ({
    status: 404,
    type: "invalid_request_error",
    param: "model",
    code: "model_not_found",
    message: `The model \`${model}\` does not exist or you do not have access to it.`,
  }),
};

/** The headers of an OpenAI answer: `x-request-id: req_` and 32 hex digits, and the processing time. */
export const OPENAI_HEADERS = {
  requestId: { header: "x-request-id", pattern: /^req_[0-9a-f]{32}$/ },
  perRequest: ["openai-processing-ms"],
} as const;
