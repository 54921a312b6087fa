// Request-parameter validation: every rule's accepted and rejected values, each checked against OpenAI's spec too.
import { createServer, type ServerInstance } from "understudy-llm/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ApiError } from "../src/core/errors.js";
import { renderOpenAIError } from "../src/protocols/openai/errors.js";
import {
  validateChatParameters,
  validateCompletionsParameters,
  validateResponsesParameters,
} from "../src/protocols/openai/validate.js";
import { httpPost } from "./support/http.js";
import { validateAgainst } from "./support/openapi.js";

type Body = Record<string, unknown>;

interface Rejected {
  name: string;
  /** Merged over the surface's base body. */
  body: Body;
  param: string;
  code: string | null;
  message: string;
  /**
   * Why the spec's JSON Schema accepts this body although OpenAI rejects it (a limit stated only in
   * prose, a cross-field rule, a non-OpenAI parameter). Without it the schema must reject the body too.
   */
  beyondSchema?: string;
}

const WEATHER = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Weather in a city",
    parameters: { type: "object", properties: { city: { type: "string" } } },
  },
};
const PROSE_RANGE = "the spec states this limit only in a description";
const CROSS_FIELD = "a rule between two parameters, which the schema cannot express";
const NOT_OPENAI = "not an OpenAI parameter (seed 004, Mini-SGLang), so the schema lets any value through";
const OBSERVED = "OpenAI enforces it (captured error); the spec sets no minimum";

const keys = (n: number, value = "v") => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, value]));

/** The error as the client sees it: its status, the body OpenAI's renderer makes of it, and its headers. */
function expectError(error: unknown, expected: Omit<Rejected, "name" | "body" | "beyondSchema">): void {
  expect(error).not.toBeNull();
  const { status, headers } = error as ApiError;
  expect({ status, body: renderOpenAIError(error as ApiError), headers }).toEqual({
    status: 400,
    body: {
      error: { message: expected.message, type: "invalid_request_error", param: expected.param, code: expected.code },
    },
    headers: undefined,
  });
}

/** Runs one surface's accepted and rejected tables against its validator and its OAS schema. */
function surface(
  label: string,
  schema: string,
  base: Body,
  validate: (body: Body) => unknown,
  accepted: [string, Body][],
  rejected: Rejected[],
) {
  describe(`${label}: accepted`, () => {
    it.each(accepted)("%s", (_name, fragment) => {
      const body = { ...base, ...fragment };
      expect(validate(body)).toBeNull();
      expect(validateAgainst(schema, body), `the spec rejects an accepted body: ${JSON.stringify(fragment)}`).toEqual(
        [],
      );
    });
  });

  describe(`${label}: rejected`, () => {
    it.each(rejected.map((c) => [c.name, c] as const))("%s", (_name, c) => {
      const body = { ...base, ...c.body };
      expectError(validate(body), c);
      const schemaErrors = validateAgainst(schema, body);
      if (c.beyondSchema)
        expect(schemaErrors, `the spec now rejects it; drop beyondSchema (${c.beyondSchema})`).toEqual([]);
      else expect(schemaErrors, "the spec accepts a body the validator rejects").not.toEqual([]);
    });
  });
}

// ---------------------------------------------------------------- Chat Completions

const CHAT_BASE: Body = { model: "gpt-4o", messages: [{ role: "user", content: "hi" }] };
const withTools = (extra: Body): Body => ({ tools: [WEATHER], ...extra });

const CHAT_ACCEPTED: [string, Body][] = [
  ["nothing but model and messages", {}],
  ["temperature at both ends and between", { temperature: 0, top_p: 1 }],
  ["temperature 2, top_p 0", { temperature: 2, top_p: 0 }],
  ["a fractional temperature", { temperature: 1.3 }],
  ["penalties at −2 and 2", { frequency_penalty: -2, presence_penalty: 2 }],
  ["n 1 and 128", { n: 128 }],
  ["max_tokens 1", { max_tokens: 1 }],
  ["max_completion_tokens 4096", { max_completion_tokens: 4096 }],
  ["a negative seed", { seed: -3 }],
  ["logprobs with top_logprobs 0", { logprobs: true, top_logprobs: 0 }],
  ["logprobs with top_logprobs 20", { logprobs: true, top_logprobs: 20 }],
  ["logprobs false alone", { logprobs: false }],
  ["stop as a string", { stop: "END" }],
  ["stop as four strings", { stop: ["a", "b", "c", "d"] }],
  ["stop null", { stop: null }],
  ["logit_bias at −100 and 100", { logit_bias: { "50256": -100, "1": 100 } }],
  ["stream with stream_options", { stream: true, stream_options: { include_usage: true, include_obfuscation: false } }],
  ["stream false, stream_options null", { stream: false, stream_options: null }],
  ["user", { user: "user-1234" }],
  ["metadata with 16 keys", { metadata: keys(16) }],
  ["a metadata value of 512 characters", { metadata: { k: "x".repeat(512) } }],
  [
    "a function tool with description, parameters and strict",
    { tools: [{ ...WEATHER, function: { ...WEATHER.function, strict: true } }] },
  ],
  ["a 64-character function name", { tools: [{ type: "function", function: { name: "f".repeat(64) } }] }],
  ["a custom tool", { tools: [{ type: "custom", custom: { name: "code_exec", description: "Runs code" } }] }],
  ["parallel_tool_calls false", withTools({ parallel_tool_calls: false })],
  ["tool_choice none without tools", { tool_choice: "none" }],
  ["tool_choice required", withTools({ tool_choice: "required" })],
  [
    "tool_choice naming a declared function",
    withTools({ tool_choice: { type: "function", function: { name: "get_weather" } } }),
  ],
  [
    "tool_choice naming a declared custom tool",
    {
      tools: [{ type: "custom", custom: { name: "code_exec" } }],
      tool_choice: { type: "custom", custom: { name: "code_exec" } },
    },
  ],
  [
    "tool_choice allowed_tools",
    withTools({
      tool_choice: {
        type: "allowed_tools",
        allowed_tools: { mode: "auto", tools: [{ type: "function", function: { name: "get_weather" } }] },
      },
    }),
  ],
  ["response_format text", { response_format: { type: "text" } }],
  [
    "json_object with JSON in the system message",
    {
      messages: [
        { role: "system", content: "Answer in JSON." },
        { role: "user", content: "hi" },
      ],
      response_format: { type: "json_object" },
    },
  ],
  [
    "json_object with json in a content part",
    {
      messages: [{ role: "user", content: [{ type: "text", text: "give me json" }] }],
      response_format: { type: "json_object" },
    },
  ],
  [
    "json_schema with name, schema and strict",
    {
      response_format: {
        type: "json_schema",
        json_schema: { name: "weather-report_1", schema: { type: "object" }, strict: true },
      },
    },
  ],
  // Not top_logprobs: the spec's allOf makes it nullable in one branch and not in another (see "beyond the spec").
  [
    "nulls for nullable parameters",
    { temperature: null, top_p: null, n: null, max_tokens: null, seed: null, logprobs: null, logit_bias: null },
  ],
  ["unknown parameters", { zzz_unknown: 1, reasoning_effort: "low", service_tier: "auto" }],
  ["top_k −1 and ignore_eos (seed 004)", { top_k: -1, ignore_eos: true }],
  ["top_k 50", { top_k: 50 }],
  ["a prompt beside messages (seed 004)", { prompt: "Once upon a time" }],
];

const CHAT_REJECTED: Rejected[] = [
  // Numbers and their ranges.
  {
    name: "temperature above 2",
    body: { temperature: 2.1 },
    param: "temperature",
    code: "decimal_above_max_value",
    message: "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 2.1 instead.",
  },
  {
    name: "temperature below 0",
    body: { temperature: -0.5 },
    param: "temperature",
    code: "decimal_below_min_value",
    message: "Invalid 'temperature': decimal below minimum value. Expected a value >= 0, but got -0.5 instead.",
  },
  {
    name: "temperature as a string",
    body: { temperature: "hot" },
    param: "temperature",
    code: "invalid_type",
    message: "Invalid type for 'temperature': expected a decimal, but got a string instead.",
  },
  {
    name: "top_p above 1",
    body: { top_p: 1.5 },
    param: "top_p",
    code: "decimal_above_max_value",
    message: "Invalid 'top_p': decimal above maximum value. Expected a value <= 1, but got 1.5 instead.",
  },
  {
    name: "top_p below 0",
    body: { top_p: -1 },
    param: "top_p",
    code: "decimal_below_min_value",
    message: "Invalid 'top_p': decimal below minimum value. Expected a value >= 0, but got -1 instead.",
  },
  {
    name: "frequency_penalty above 2",
    body: { frequency_penalty: 2.5 },
    param: "frequency_penalty",
    code: "decimal_above_max_value",
    message: "Invalid 'frequency_penalty': decimal above maximum value. Expected a value <= 2, but got 2.5 instead.",
  },
  {
    name: "presence_penalty below −2",
    body: { presence_penalty: -3 },
    param: "presence_penalty",
    code: "decimal_below_min_value",
    message: "Invalid 'presence_penalty': decimal below minimum value. Expected a value >= -2, but got -3 instead.",
  },
  {
    name: "frequency_penalty as a boolean",
    body: { frequency_penalty: true },
    param: "frequency_penalty",
    code: "invalid_type",
    message: "Invalid type for 'frequency_penalty': expected a decimal, but got a boolean instead.",
  },
  {
    name: "n 0",
    body: { n: 0 },
    param: "n",
    code: "integer_below_min_value",
    message: "Invalid 'n': integer below minimum value. Expected a value >= 1, but got 0 instead.",
  },
  {
    name: "n 129",
    body: { n: 129 },
    param: "n",
    code: "integer_above_max_value",
    message: "Invalid 'n': integer above maximum value. Expected a value <= 128, but got 129 instead.",
  },
  {
    name: "n as a string",
    body: { n: "2" },
    param: "n",
    code: "invalid_type",
    message: "Invalid type for 'n': expected an integer, but got a string instead.",
  },
  {
    name: "a fractional n",
    body: { n: 1.5 },
    param: "n",
    code: "invalid_type",
    message: "Invalid type for 'n': expected an integer, but got a decimal number instead.",
  },
  {
    name: "max_tokens 0",
    body: { max_tokens: 0 },
    param: "max_tokens",
    code: "integer_below_min_value",
    message: "Invalid 'max_tokens': integer below minimum value. Expected a value >= 1, but got 0 instead.",
    beyondSchema: OBSERVED,
  },
  {
    name: "max_completion_tokens −5",
    body: { max_completion_tokens: -5 },
    param: "max_completion_tokens",
    code: "integer_below_min_value",
    message: "Invalid 'max_completion_tokens': integer below minimum value. Expected a value >= 1, but got -5 instead.",
    beyondSchema: OBSERVED,
  },
  {
    name: "max_completion_tokens as a string",
    body: { max_completion_tokens: "abc" },
    param: "max_completion_tokens",
    code: "invalid_type",
    message: "Invalid type for 'max_completion_tokens': expected an integer, but got a string instead.",
  },
  {
    name: "a fractional seed",
    body: { seed: 1.5 },
    param: "seed",
    code: "invalid_type",
    message: "Invalid type for 'seed': expected an integer, but got a decimal number instead.",
  },
  // logprobs.
  {
    name: "logprobs as a string",
    body: { logprobs: "yes" },
    param: "logprobs",
    code: "invalid_type",
    message: "Invalid type for 'logprobs': expected a boolean, but got a string instead.",
  },
  {
    name: "top_logprobs 21",
    body: { logprobs: true, top_logprobs: 21 },
    param: "top_logprobs",
    code: "integer_above_max_value",
    message: "Invalid 'top_logprobs': integer above maximum value. Expected a value <= 20, but got 21 instead.",
  },
  {
    name: "top_logprobs −1",
    body: { logprobs: true, top_logprobs: -1 },
    param: "top_logprobs",
    code: "integer_below_min_value",
    message: "Invalid 'top_logprobs': integer below minimum value. Expected a value >= 0, but got -1 instead.",
  },
  {
    name: "top_logprobs without logprobs",
    body: { top_logprobs: 5 },
    param: "top_logprobs",
    code: null,
    message: "The 'top_logprobs' parameter is only allowed when 'logprobs' is enabled.",
    beyondSchema: CROSS_FIELD,
  },
  {
    name: "top_logprobs with logprobs false",
    body: { logprobs: false, top_logprobs: 0 },
    param: "top_logprobs",
    code: null,
    message: "The 'top_logprobs' parameter is only allowed when 'logprobs' is enabled.",
    beyondSchema: CROSS_FIELD,
  },
  // stop.
  {
    name: "five stop sequences",
    body: { stop: ["a", "b", "c", "d", "e"] },
    param: "stop",
    code: "array_above_max_length",
    message:
      "Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length 5 instead.",
  },
  {
    name: "an empty stop array",
    body: { stop: [] },
    param: "stop",
    code: "empty_array",
    message: "Invalid 'stop': empty array. Expected an array with minimum length 1, but got an empty array instead.",
  },
  {
    name: "stop as a number",
    body: { stop: 42 },
    param: "stop",
    code: "invalid_type",
    message: "Invalid type for 'stop': expected one of a string or array of strings, but got an integer instead.",
  },
  {
    name: "a non-string stop sequence",
    body: { stop: ["a", 1] },
    param: "stop[1]",
    code: "invalid_type",
    message: "Invalid type for 'stop[1]': expected a string, but got an integer instead.",
  },
  // logit_bias.
  {
    name: "logit_bias as a string",
    body: { logit_bias: "x" },
    param: "logit_bias",
    code: "invalid_type",
    message: "Invalid type for 'logit_bias': expected an object, but got a string instead.",
  },
  {
    name: "a fractional logit_bias",
    body: { logit_bias: { "50256": 1.5 } },
    param: "logit_bias.50256",
    code: "invalid_type",
    message: "Invalid type for 'logit_bias.50256': expected an integer, but got a decimal number instead.",
  },
  {
    name: "a logit_bias above 100",
    body: { logit_bias: { "50256": 101 } },
    param: "logit_bias.50256",
    code: "integer_above_max_value",
    message: "Invalid 'logit_bias.50256': integer above maximum value. Expected a value <= 100, but got 101 instead.",
    beyondSchema: PROSE_RANGE,
  },
  {
    name: "a logit_bias below −100",
    body: { logit_bias: { "7": -101 } },
    param: "logit_bias.7",
    code: "integer_below_min_value",
    message: "Invalid 'logit_bias.7': integer below minimum value. Expected a value >= -100, but got -101 instead.",
    beyondSchema: PROSE_RANGE,
  },
  {
    name: "a logit_bias keyed by a word",
    body: { logit_bias: { AI: 10 } },
    param: "logit_bias",
    code: null,
    message: "Invalid key in 'logit_bias': AI. You should only be submitting non-negative integers.",
    beyondSchema: PROSE_RANGE,
  },
  // stream and stream_options.
  {
    name: "stream as a string",
    body: { stream: "true" },
    param: "stream",
    code: "invalid_type",
    message: "Invalid type for 'stream': expected a boolean, but got a string instead.",
  },
  {
    name: "stream_options without stream",
    body: { stream_options: { include_usage: true } },
    param: "stream_options",
    code: null,
    message: "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
    beyondSchema: CROSS_FIELD,
  },
  {
    name: "stream_options with stream false",
    body: { stream: false, stream_options: { include_usage: true } },
    param: "stream_options",
    code: null,
    message: "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
    beyondSchema: CROSS_FIELD,
  },
  {
    name: "include_usage as a string",
    body: { stream: true, stream_options: { include_usage: "yes" } },
    param: "stream_options.include_usage",
    code: "invalid_type",
    message: "Invalid type for 'stream_options.include_usage': expected a boolean, but got a string instead.",
  },
  {
    name: "stream_options as a string",
    body: { stream: true, stream_options: "usage" },
    param: "stream_options",
    code: "invalid_type",
    message: "Invalid type for 'stream_options': expected an object, but got a string instead.",
  },
  // user and metadata.
  {
    name: "user as an object",
    body: { user: { a: 1 } },
    param: "user",
    code: "invalid_type",
    message: "Invalid type for 'user': expected a string, but got an object instead.",
  },
  {
    name: "metadata with 17 keys",
    body: { metadata: keys(17) },
    param: "metadata",
    code: "object_above_max_properties",
    message:
      "Invalid 'metadata': too many properties. Expected an object with at most 16 properties, but got an object with 17 properties instead.",
    beyondSchema: PROSE_RANGE,
  },
  {
    name: "a non-string metadata value",
    body: { metadata: { k: 7 } },
    param: "metadata.k",
    code: "invalid_type",
    message: "Invalid type for 'metadata.k': expected a string, but got an integer instead.",
  },
  {
    name: "a metadata value of 513 characters",
    body: { metadata: { k: "x".repeat(513) } },
    param: "metadata.k",
    code: "string_above_max_length",
    message:
      "Invalid 'metadata.k': string too long. Expected a string with maximum length 512, but got a string with length 513 instead.",
    beyondSchema: PROSE_RANGE,
  },
  {
    name: "metadata as an array",
    body: { metadata: ["a"] },
    param: "metadata",
    code: "invalid_type",
    message: "Invalid type for 'metadata': expected an object, but got an array instead.",
  },
  // tools.
  {
    name: "tools as a string",
    body: { tools: "none" },
    param: "tools",
    code: "invalid_type",
    message: "Invalid type for 'tools': expected an array of objects, but got a string instead.",
  },
  {
    name: "an empty tools array",
    body: { tools: [] },
    param: "tools",
    code: "empty_array",
    message: "Invalid 'tools': empty array. Expected an array with minimum length 1, but got an empty array instead.",
    beyondSchema: OBSERVED,
  },
  {
    name: "a tool without a type",
    body: { tools: [{ function: { name: "f" } }] },
    param: "tools[0].type",
    code: "missing_required_parameter",
    message: "Missing required parameter: 'tools[0].type'.",
  },
  {
    name: "a tool of an unknown type",
    body: { tools: [{ type: "retrieval" }] },
    param: "tools[0].type",
    code: "invalid_value",
    message: "Invalid value: 'retrieval'. Supported values are: 'custom' and 'function'.",
  },
  {
    name: "a function tool without function",
    body: { tools: [{ type: "function" }] },
    param: "tools[0].function",
    code: "missing_required_parameter",
    message: "Missing required parameter: 'tools[0].function'.",
  },
  {
    name: "a function without a name",
    body: { tools: [{ type: "function", function: { parameters: {} } }] },
    param: "tools[0].function.name",
    code: "missing_required_parameter",
    message: "Missing required parameter: 'tools[0].function.name'.",
  },
  {
    name: "a function name with a space, second tool",
    body: { tools: [WEATHER, { type: "function", function: { name: "get time" } }] },
    param: "tools[1].function.name",
    code: "invalid_value",
    message:
      "Invalid 'tools[1].function.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
    beyondSchema: PROSE_RANGE,
  },
  {
    name: "a 65-character function name",
    body: { tools: [{ type: "function", function: { name: "f".repeat(65) } }] },
    param: "tools[0].function.name",
    code: "string_above_max_length",
    message:
      "Invalid 'tools[0].function.name': string too long. Expected a string with maximum length 64, but got a string with length 65 instead.",
    beyondSchema: PROSE_RANGE,
  },
  {
    name: "function parameters as a string",
    body: { tools: [{ type: "function", function: { name: "f", parameters: "{}" } }] },
    param: "tools[0].function.parameters",
    code: "invalid_type",
    message: "Invalid type for 'tools[0].function.parameters': expected an object, but got a string instead.",
  },
  {
    name: "a custom tool without custom",
    body: { tools: [{ type: "custom" }] },
    param: "tools[0].custom",
    code: "missing_required_parameter",
    message: "Missing required parameter: 'tools[0].custom'.",
  },
  // tool_choice.
  {
    name: "an unknown tool_choice mode",
    body: withTools({ tool_choice: "bogus" }),
    param: "tool_choice",
    code: "invalid_value",
    message: "Invalid value: 'bogus'. Supported values are: 'none', 'auto', and 'required'.",
  },
  {
    name: "tool_choice as a number",
    body: withTools({ tool_choice: 7 }),
    param: "tool_choice",
    code: "invalid_type",
    message:
      "Invalid type for 'tool_choice': expected one of one of 'none', 'auto', or 'required' or object, but got an integer instead.",
  },
  {
    name: "a tool_choice object of an unknown type",
    body: withTools({ tool_choice: { type: "bogus" } }),
    param: "tool_choice.function",
    code: "missing_required_parameter",
    message: "Missing required parameter: 'tool_choice.function'.",
  },
  {
    name: "a tool_choice function without a name",
    body: withTools({ tool_choice: { type: "function", function: {} } }),
    param: "tool_choice.function.name",
    code: "missing_required_parameter",
    message: "Missing required parameter: 'tool_choice.function.name'.",
  },
  {
    name: "a named tool_choice of an unknown type",
    body: withTools({ tool_choice: { type: "tool", function: { name: "get_weather" } } }),
    param: "tool_choice.type",
    code: "invalid_value",
    message: "Invalid value: 'tool'. Supported values are: 'function', 'custom', and 'allowed_tools'.",
  },
  {
    name: "tool_choice auto without tools",
    body: { tool_choice: "auto" },
    param: "tool_choice",
    code: null,
    message: "Invalid value for 'tool_choice': 'tool_choice' is only allowed when 'tools' are specified.",
    beyondSchema: CROSS_FIELD,
  },
  {
    name: "tool_choice naming an undeclared function",
    body: withTools({ tool_choice: { type: "function", function: { name: "get_time" } } }),
    param: "tool_choice",
    code: null,
    message: "Invalid value for 'tool_choice': function 'get_time' not found in 'tools'.",
    beyondSchema: CROSS_FIELD,
  },
  {
    name: "parallel_tool_calls as a string",
    body: withTools({ parallel_tool_calls: "no" }),
    param: "parallel_tool_calls",
    code: "invalid_type",
    message: "Invalid type for 'parallel_tool_calls': expected a boolean, but got a string instead.",
  },
  // response_format.
  {
    name: "response_format as a string",
    body: { response_format: "json" },
    param: "response_format",
    code: "invalid_type",
    message: "Invalid type for 'response_format': expected an object, but got a string instead.",
  },
  {
    name: "response_format without a type",
    body: { response_format: {} },
    param: "response_format.type",
    code: "missing_required_parameter",
    message: "Missing required parameter: 'response_format.type'.",
  },
  {
    name: "an unknown response_format type",
    body: { response_format: { type: "bogus" } },
    param: "response_format.type",
    code: "invalid_value",
    message: "Invalid value: 'bogus'. Supported values are: 'json_object', 'json_schema', and 'text'.",
  },
  {
    name: "json_schema without json_schema",
    body: { response_format: { type: "json_schema" } },
    param: "response_format.json_schema",
    code: "missing_required_parameter",
    message: "Missing required parameter: 'response_format.json_schema'.",
  },
  {
    name: "json_schema without a name",
    body: { response_format: { type: "json_schema", json_schema: { schema: {} } } },
    param: "response_format.json_schema.name",
    code: "missing_required_parameter",
    message: "Missing required parameter: 'response_format.json_schema.name'.",
  },
  {
    name: "a json_schema name with a space",
    body: { response_format: { type: "json_schema", json_schema: { name: "my schema" } } },
    param: "response_format.json_schema.name",
    code: "invalid_value",
    message:
      "Invalid 'response_format.json_schema.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
    beyondSchema: PROSE_RANGE,
  },
  {
    name: "json_object without the word json",
    body: { response_format: { type: "json_object" } },
    param: "messages",
    code: null,
    message: "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
    beyondSchema: CROSS_FIELD,
  },
  // Seed 004's extensions.
  {
    name: "top_k 0",
    body: { top_k: 0 },
    param: "top_k",
    code: "invalid_value",
    message: "Invalid value for 'top_k': expected -1 (no top-k filtering) or an integer >= 1, but got 0 instead.",
    beyondSchema: NOT_OPENAI,
  },
  {
    name: "top_k −2",
    body: { top_k: -2 },
    param: "top_k",
    code: "invalid_value",
    message: "Invalid value for 'top_k': expected -1 (no top-k filtering) or an integer >= 1, but got -2 instead.",
    beyondSchema: NOT_OPENAI,
  },
  {
    name: "a fractional top_k",
    body: { top_k: 1.5 },
    param: "top_k",
    code: "invalid_type",
    message: "Invalid type for 'top_k': expected an integer, but got a decimal number instead.",
    beyondSchema: NOT_OPENAI,
  },
  {
    name: "ignore_eos as a string",
    body: { ignore_eos: "yes" },
    param: "ignore_eos",
    code: "invalid_type",
    message: "Invalid type for 'ignore_eos': expected a boolean, but got a string instead.",
    beyondSchema: NOT_OPENAI,
  },
  {
    name: "prompt as a number",
    body: { prompt: 5 },
    param: "prompt",
    code: "invalid_type",
    message: "Invalid type for 'prompt': expected a string, but got an integer instead.",
    beyondSchema: NOT_OPENAI,
  },
  // Only the first problem is reported.
  {
    name: "n before temperature",
    body: { n: 0, temperature: 5 },
    param: "n",
    code: "integer_below_min_value",
    message: "Invalid 'n': integer below minimum value. Expected a value >= 1, but got 0 instead.",
  },
];

surface(
  "chat",
  "CreateChatCompletionRequest",
  CHAT_BASE,
  (body) => validateChatParameters(body),
  CHAT_ACCEPTED,
  CHAT_REJECTED,
);

describe("chat: beyond the spec", () => {
  it("accepts a raw prompt with no messages (seed 004), which the spec requires", () => {
    const body = { model: "llama", prompt: "Once upon a time", max_tokens: 100, temperature: 0.8 };
    expect(validateChatParameters(body)).toBeNull();
    expect(validateAgainst("CreateChatCompletionRequest", body).join("\n")).toMatch(/required property 'messages'/);
  });

  it("reads the json word from the text it is given, when given", () => {
    const body = { ...CHAT_BASE, response_format: { type: "json_object" } };
    expect(validateChatParameters(body, "Reply as JSON")).toBeNull();
    expect(
      validateChatParameters({ ...body, messages: [{ role: "user", content: "json please" }] }, "no such word"),
    ).toMatchObject({ status: 400 });
  });

  it("accepts top_logprobs null, which the spec's allOf rejects (one branch is not nullable)", () => {
    const body = { ...CHAT_BASE, top_logprobs: null };
    expect(validateChatParameters(body)).toBeNull();
    expect(validateAgainst("CreateChatCompletionRequest", body).join("\n")).toMatch(/top_logprobs: must be integer/);
  });

  it("counts a raw prompt for json_object", () => {
    expect(
      validateChatParameters({ model: "m", prompt: "Return JSON", response_format: { type: "json_object" } }),
    ).toBeNull();
  });
});

// ---------------------------------------------------------------- Responses

const RESPONSES_BASE: Body = { model: "gpt-4o", input: "hi" };
const FLAT_WEATHER = {
  type: "function",
  name: "get_weather",
  description: "Weather in a city",
  parameters: { type: "object", properties: { city: { type: "string" } } },
  strict: false,
};

const RESPONSES_ACCEPTED: [string, Body][] = [
  ["nothing but model and input", {}],
  ["temperature 0 and top_p 1", { temperature: 0, top_p: 1 }],
  ["temperature 2", { temperature: 2 }],
  ["max_output_tokens 16", { max_output_tokens: 16 }],
  ["top_logprobs 20", { top_logprobs: 20 }],
  ["truncation auto", { truncation: "auto" }],
  ["truncation disabled", { truncation: "disabled" }],
  ["reasoning effort and summary", { reasoning: { effort: "low", summary: "auto" } }],
  ["reasoning effort xhigh", { reasoning: { effort: "xhigh" } }],
  ["text format and verbosity", { text: { format: { type: "text" }, verbosity: "low" } }],
  [
    "a flat json_schema format",
    { text: { format: { type: "json_schema", name: "answer", schema: { type: "object" }, strict: true } } },
  ],
  ["json_object with json in the input", { input: "Reply in JSON", text: { format: { type: "json_object" } } }],
  [
    "json_object with json in an input message",
    { input: [{ type: "message", role: "user", content: "as json" }], text: { format: { type: "json_object" } } },
  ],
  ["a flat function tool", { tools: [FLAT_WEATHER] }],
  [
    "tool_choice naming a declared function",
    { tools: [FLAT_WEATHER], tool_choice: { type: "function", name: "get_weather" } },
  ],
  ["tool_choice required", { tools: [FLAT_WEATHER], tool_choice: "required" }],
  ["a built-in tool", { tools: [{ type: "web_search" }] }],
  ["booleans", { store: false, stream: true, parallel_tool_calls: false, background: false }],
  ["stream_options", { stream: true, stream_options: { include_obfuscation: false } }],
  ["previous_response_id and instructions", { previous_response_id: "resp_123", instructions: "Be brief." }],
  ["metadata with 16 keys", { metadata: keys(16) }],
  [
    "nulls for nullable parameters",
    {
      temperature: null,
      max_output_tokens: null,
      truncation: null,
      reasoning: null,
      store: null,
      previous_response_id: null,
    },
  ],
  ["unknown parameters", { zzz_unknown: 1, stream_id: "lane-1" }],
];

const RESPONSES_REJECTED: Rejected[] = [
  {
    name: "temperature above 2",
    body: { temperature: 2.5 },
    param: "temperature",
    code: "decimal_above_max_value",
    message: "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 2.5 instead.",
  },
  {
    name: "top_p as a string",
    body: { top_p: "wide" },
    param: "top_p",
    code: "invalid_type",
    message: "Invalid type for 'top_p': expected a decimal, but got a string instead.",
  },
  {
    name: "top_logprobs 50",
    body: { top_logprobs: 50 },
    param: "top_logprobs",
    code: "integer_above_max_value",
    message: "Invalid 'top_logprobs': integer above maximum value. Expected a value <= 20, but got 50 instead.",
  },
  {
    name: "max_output_tokens 15",
    body: { max_output_tokens: 15 },
    param: "max_output_tokens",
    code: "integer_below_min_value",
    message: "Invalid 'max_output_tokens': integer below minimum value. Expected a value >= 16, but got 15 instead.",
  },
  {
    name: "a fractional max_output_tokens",
    body: { max_output_tokens: 16.5 },
    param: "max_output_tokens",
    code: "invalid_type",
    message: "Invalid type for 'max_output_tokens': expected an integer, but got a decimal number instead.",
  },
  {
    name: "an unknown truncation",
    body: { truncation: "sometimes" },
    param: "truncation",
    code: "invalid_value",
    message: "Invalid value: 'sometimes'. Supported values are: 'auto' and 'disabled'.",
  },
  {
    name: "truncation as a boolean",
    body: { truncation: true },
    param: "truncation",
    code: "invalid_type",
    message: "Invalid type for 'truncation': expected one of 'auto' or 'disabled', but got a boolean instead.",
  },
  {
    name: "reasoning as a string",
    body: { reasoning: "high" },
    param: "reasoning",
    code: "invalid_type",
    message: "Invalid type for 'reasoning': expected an object, but got a string instead.",
  },
  {
    name: "an unknown reasoning effort",
    body: { reasoning: { effort: "extreme" } },
    param: "reasoning.effort",
    code: "invalid_value",
    message:
      "Invalid value: 'extreme'. Supported values are: 'none', 'minimal', 'low', 'medium', 'high', 'xhigh', and 'max'.",
  },
  {
    name: "an unknown reasoning summary",
    body: { reasoning: { summary: "long" } },
    param: "reasoning.summary",
    code: "invalid_value",
    message: "Invalid value: 'long'. Supported values are: 'auto', 'concise', and 'detailed'.",
  },
  {
    name: "json_schema without a name",
    body: { text: { format: { type: "json_schema", schema: { type: "object" } } } },
    param: "text.format.name",
    code: "missing_required_parameter",
    message: "Missing required parameter: 'text.format.name'.",
  },
  {
    name: "json_schema without a schema",
    body: { text: { format: { type: "json_schema", name: "answer" } } },
    param: "text.format.schema",
    code: "missing_required_parameter",
    message: "Missing required parameter: 'text.format.schema'.",
  },
  {
    name: "a text.format without a type",
    body: { text: { format: {} } },
    param: "text.format.type",
    code: "missing_required_parameter",
    message: "Missing required parameter: 'text.format.type'.",
  },
  {
    name: "an unknown text.format type",
    body: { text: { format: { type: "xml" } } },
    param: "text.format.type",
    code: "invalid_value",
    message: "Invalid value: 'xml'. Supported values are: 'json_object', 'json_schema', and 'text'.",
  },
  {
    name: "a json_schema name with a dot",
    body: { text: { format: { type: "json_schema", name: "my.answer", schema: {} } } },
    param: "text.format.name",
    code: "invalid_value",
    message:
      "Invalid 'text.format.name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
    beyondSchema: PROSE_RANGE,
  },
  {
    name: "an unknown verbosity",
    body: { text: { verbosity: "loud" } },
    param: "text.verbosity",
    code: "invalid_value",
    message: "Invalid value: 'loud'. Supported values are: 'low', 'medium', and 'high'.",
  },
  {
    name: "tools as a string",
    body: { tools: "all" },
    param: "tools",
    code: "invalid_type",
    message: "Invalid type for 'tools': expected an array of objects, but got a string instead.",
  },
  {
    name: "a tool without a type",
    body: { tools: [{ name: "f", parameters: {}, strict: true }] },
    param: "tools[0].type",
    code: "missing_required_parameter",
    message: "Missing required parameter: 'tools[0].type'.",
  },
  {
    name: "a function tool without a name",
    body: { tools: [{ type: "function", parameters: {}, strict: true }] },
    param: "tools[0].name",
    code: "missing_required_parameter",
    message: "Missing required parameter: 'tools[0].name'.",
  },
  {
    name: "a function name with a dot",
    body: { tools: [{ ...FLAT_WEATHER, name: "host.get_weather" }] },
    param: "tools[0].name",
    code: "invalid_value",
    message:
      "Invalid 'tools[0].name': string does not match pattern. Expected a string that matches the pattern '^[a-zA-Z0-9_-]+$'.",
    beyondSchema: PROSE_RANGE,
  },
  {
    name: "function parameters as a string",
    body: { tools: [{ ...FLAT_WEATHER, parameters: "{}" }] },
    param: "tools[0].parameters",
    code: "invalid_type",
    message: "Invalid type for 'tools[0].parameters': expected an object, but got a string instead.",
  },
  {
    name: "an unknown tool_choice mode",
    body: { tools: [FLAT_WEATHER], tool_choice: "any" },
    param: "tool_choice",
    code: "invalid_value",
    message: "Invalid value: 'any'. Supported values are: 'none', 'auto', and 'required'.",
  },
  {
    name: "a tool_choice function without a name",
    body: { tools: [FLAT_WEATHER], tool_choice: { type: "function" } },
    param: "tool_choice.name",
    code: "missing_required_parameter",
    message: "Missing required parameter: 'tool_choice.name'.",
  },
  {
    name: "tool_choice naming an undeclared function",
    body: { tools: [FLAT_WEATHER], tool_choice: { type: "function", name: "get_time" } },
    param: "tool_choice",
    code: null,
    message: "Tool choice 'get_time' not found in 'tools' parameter.",
    beyondSchema: CROSS_FIELD,
  },
  {
    name: "store as a string",
    body: { store: "yes" },
    param: "store",
    code: "invalid_type",
    message: "Invalid type for 'store': expected a boolean, but got a string instead.",
  },
  {
    name: "stream as a number",
    body: { stream: 1 },
    param: "stream",
    code: "invalid_type",
    message: "Invalid type for 'stream': expected a boolean, but got an integer instead.",
  },
  {
    name: "parallel_tool_calls as a string",
    body: { parallel_tool_calls: "no" },
    param: "parallel_tool_calls",
    code: "invalid_type",
    message: "Invalid type for 'parallel_tool_calls': expected a boolean, but got a string instead.",
  },
  {
    name: "background as a string",
    body: { background: "x" },
    param: "background",
    code: "invalid_type",
    message: "Invalid type for 'background': expected a boolean, but got a string instead.",
  },
  {
    name: "previous_response_id as a number",
    body: { previous_response_id: 42 },
    param: "previous_response_id",
    code: "invalid_type",
    message: "Invalid type for 'previous_response_id': expected a string, but got an integer instead.",
  },
  {
    name: "instructions as a number",
    body: { instructions: 5 },
    param: "instructions",
    code: "invalid_type",
    message: "Invalid type for 'instructions': expected a string, but got an integer instead.",
  },
  {
    name: "metadata with 17 keys",
    body: { metadata: keys(17) },
    param: "metadata",
    code: "object_above_max_properties",
    message:
      "Invalid 'metadata': too many properties. Expected an object with at most 16 properties, but got an object with 17 properties instead.",
    beyondSchema: PROSE_RANGE,
  },
  {
    name: "json_object without the word json",
    body: { text: { format: { type: "json_object" } } },
    param: "text.format",
    code: null,
    message:
      "Response input messages must contain the word 'json' in some form to use 'text.format' of type 'json_object'.",
    beyondSchema: CROSS_FIELD,
  },
  {
    name: "json_object with json only in instructions",
    body: { instructions: "Answer in JSON.", text: { format: { type: "json_object" } } },
    param: "text.format",
    code: null,
    message:
      "Response input messages must contain the word 'json' in some form to use 'text.format' of type 'json_object'.",
    beyondSchema: CROSS_FIELD,
  },
];

surface(
  "responses",
  "CreateResponse",
  RESPONSES_BASE,
  (body) => validateResponsesParameters(body),
  RESPONSES_ACCEPTED,
  RESPONSES_REJECTED,
);

describe("responses: beyond the spec", () => {
  it("accepts a function tool without strict and parameters, which the spec requires", () => {
    const body = { ...RESPONSES_BASE, tools: [{ type: "function", name: "get_weather" }] };
    expect(validateResponsesParameters(body)).toBeNull();
    expect(validateAgainst("CreateResponse", body)).not.toEqual([]);
  });

  it("accepts a Chat-style nested function tool, as the parser reads it", () => {
    const body = { ...RESPONSES_BASE, tools: [WEATHER], tool_choice: { type: "function", name: "get_weather" } };
    expect(validateResponsesParameters(body)).toBeNull();
    expect(validateAgainst("CreateResponse", body)).not.toEqual([]);
    expect(
      validateResponsesParameters({ ...RESPONSES_BASE, tools: [{ type: "function", function: { name: "a b" } }] }),
    ).toMatchObject({ param: "tools[0].function.name", code: "invalid_value" });
  });

  it("finds json in input_text parts (a body the spec's ambiguous message oneOf rejects)", () => {
    const body = {
      ...RESPONSES_BASE,
      input: [{ type: "message", role: "user", content: [{ type: "input_text", text: "as JSON" }] }],
      text: { format: { type: "json_object" } },
    };
    expect(validateResponsesParameters(body)).toBeNull();
    expect(validateAgainst("CreateResponse", body).join("\n")).toMatch(/must match exactly one schema in oneOf/);
    const without = {
      ...body,
      input: [
        { role: "user", content: [{ type: "input_text", text: "as text" }] },
        { type: "function_call_output", call_id: "c", output: "json" },
      ],
    };
    expect(validateResponsesParameters(without)).toMatchObject({ param: "text.format" });
  });

  it("reads the json word from the text it is given, e.g. a previous_response_id chain's", () => {
    const body = { ...RESPONSES_BASE, previous_response_id: "resp_1", text: { format: { type: "json_object" } } };
    expect(validateResponsesParameters(body, "earlier: reply in json\nnow: hi")).toBeNull();
  });
});

// ---------------------------------------------------------------- Legacy Completions

const COMPLETIONS_BASE: Body = { model: "gpt-3.5-turbo-instruct", prompt: "hi" };
const NO_NEGATIVE_TOKENS = "token ids are never negative; the spec only says integer";

const COMPLETIONS_ACCEPTED: [string, Body][] = [
  ["nothing but model and prompt", {}],
  ["a list of prompts", { prompt: ["a", "b"] }],
  ["a token list", { prompt: [9906, 1917] }],
  ["token lists", { prompt: [[9906], [1917, 0]] }],
  ["echo, suffix, logprobs 5 and max_tokens 0", { echo: true, suffix: "end", logprobs: 5, max_tokens: 0 }],
  ["best_of 20 with n 20", { best_of: 20, n: 20 }],
  ["best_of equal to n, streamed", { best_of: 2, n: 2, stream: true }],
  ["stream_options with stream", { stream: true, stream_options: { include_usage: true } }],
  [
    "sampling parameters at their ends",
    {
      temperature: 2,
      top_p: 0,
      frequency_penalty: -2,
      presence_penalty: 2,
      seed: 1,
      logit_bias: { "50256": -100 },
      user: "u",
      stop: ["\n"],
    },
  ],
];

const COMPLETIONS_REJECTED: Rejected[] = [
  {
    name: "prompt as a number",
    body: { prompt: 5 },
    param: "prompt",
    code: "invalid_type",
    message:
      "Invalid type for 'prompt': expected one of a string, an array of strings, an array of integers, or an array of arrays of integers, but got an integer instead.",
  },
  {
    name: "an empty prompt list",
    body: { prompt: [] },
    param: "prompt",
    code: "empty_array",
    message: "Invalid 'prompt': empty array. Expected an array with minimum length 1, but got an empty array instead.",
    beyondSchema: "the spec sets no minimum on a list of strings; an empty list asks for no generation",
  },
  {
    name: "a prompt list mixing strings and tokens",
    body: { prompt: ["a", 1] },
    param: "prompt[1]",
    code: "invalid_type",
    message: "Invalid type for 'prompt[1]': expected a string, but got an integer instead.",
  },
  {
    name: "a negative token",
    body: { prompt: [-1] },
    param: "prompt[0]",
    code: "integer_below_min_value",
    message: "Invalid 'prompt[0]': integer below minimum value. Expected a value >= 0, but got -1 instead.",
    beyondSchema: NO_NEGATIVE_TOKENS,
  },
  {
    name: "an empty token list in a list",
    body: { prompt: [[]] },
    param: "prompt[0]",
    code: "empty_array",
    message:
      "Invalid 'prompt[0]': empty array. Expected an array with minimum length 1, but got an empty array instead.",
  },
  {
    name: "echo as a string",
    body: { echo: "yes" },
    param: "echo",
    code: "invalid_type",
    message: "Invalid type for 'echo': expected a boolean, but got a string instead.",
  },
  {
    name: "suffix as a number",
    body: { suffix: 1 },
    param: "suffix",
    code: "invalid_type",
    message: "Invalid type for 'suffix': expected a string, but got an integer instead.",
  },
  {
    name: "logprobs 6",
    body: { logprobs: 6 },
    param: "logprobs",
    code: "integer_above_max_value",
    message: "Invalid 'logprobs': integer above maximum value. Expected a value <= 5, but got 6 instead.",
  },
  {
    name: "logprobs as Chat's boolean",
    body: { logprobs: true },
    param: "logprobs",
    code: "invalid_type",
    message: "Invalid type for 'logprobs': expected an integer, but got a boolean instead.",
  },
  {
    name: "best_of 21",
    body: { best_of: 21 },
    param: "best_of",
    code: "integer_above_max_value",
    message: "Invalid 'best_of': integer above maximum value. Expected a value <= 20, but got 21 instead.",
  },
  {
    name: "best_of below n",
    body: { best_of: 1, n: 2 },
    param: "best_of",
    code: "invalid_value",
    message:
      "Invalid value for 'best_of': 'best_of' must be greater than or equal to 'n', but got best_of=1 and n=2 instead.",
    beyondSchema: CROSS_FIELD,
  },
  {
    name: "best_of above n, streamed",
    body: { best_of: 3, stream: true },
    param: "best_of",
    code: "invalid_value",
    message:
      "Invalid value for 'best_of': 'best_of' cannot be used with 'stream': results that are picked server-side cannot be streamed.",
    beyondSchema: CROSS_FIELD,
  },
  {
    name: "max_tokens −1",
    body: { max_tokens: -1 },
    param: "max_tokens",
    code: "integer_below_min_value",
    message: "Invalid 'max_tokens': integer below minimum value. Expected a value >= 0, but got -1 instead.",
  },
  {
    name: "n 129",
    body: { n: 129 },
    param: "n",
    code: "integer_above_max_value",
    message: "Invalid 'n': integer above maximum value. Expected a value <= 128, but got 129 instead.",
  },
  {
    name: "stream_options without stream",
    body: { stream_options: { include_usage: true } },
    param: "stream_options",
    code: null,
    message: "The 'stream_options' parameter is only allowed when 'stream' is enabled.",
    beyondSchema: CROSS_FIELD,
  },
  {
    name: "five stop sequences",
    body: { stop: ["a", "b", "c", "d", "e"] },
    param: "stop",
    code: "array_above_max_length",
    message:
      "Invalid 'stop': array too long. Expected an array with maximum length 4, but got an array with length 5 instead.",
  },
];

surface(
  "completions",
  "CreateCompletionRequest",
  COMPLETIONS_BASE,
  (body) => validateCompletionsParameters(body),
  COMPLETIONS_ACCEPTED,
  COMPLETIONS_REJECTED,
);

// ---------------------------------------------------------------- Over HTTP

describe("over HTTP, with one catch-all fixture", () => {
  let server: ServerInstance;
  beforeAll(async () => {
    server = await createServer([{ match: {}, response: { content: "ok" } }]);
  });
  afterAll(() => server.close());

  it("answers a chat request whose every parameter is in range", async () => {
    const res = await httpPost(`${server.url}/v1/chat/completions`, {
      ...CHAT_BASE,
      temperature: 2,
      top_p: 0,
      frequency_penalty: -2,
      presence_penalty: 2,
      max_completion_tokens: 64,
      seed: 7,
      logprobs: true,
      top_logprobs: 20,
      stop: ["\n\n"],
      logit_bias: { "50256": -100 },
      user: "u",
      metadata: { run: "1" },
      tools: [WEATHER],
      tool_choice: "auto",
      parallel_tool_calls: false,
      response_format: { type: "text" },
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).choices[0].message.content).toBe("ok");
  });

  it("answers a responses request whose every parameter is in range", async () => {
    const res = await httpPost(`${server.url}/v1/responses`, {
      ...RESPONSES_BASE,
      temperature: 0,
      top_p: 1,
      max_output_tokens: 16,
      truncation: "disabled",
      store: false,
      tools: [FLAT_WEATHER],
      tool_choice: { type: "function", name: "get_weather" },
      metadata: { run: "1" },
    });
    expect(res.status).toBe(200);
  });

  describe("over HTTP, each rejected body gets its 400", () => {
    const cases = [
      ...CHAT_REJECTED.map((c) => ["/v1/chat/completions", { ...CHAT_BASE, ...c.body }, c] as const),
      ...RESPONSES_REJECTED.map((c) => ["/v1/responses", { ...RESPONSES_BASE, ...c.body }, c] as const),
      ...COMPLETIONS_REJECTED.map((c) => ["/v1/completions", { ...COMPLETIONS_BASE, ...c.body }, c] as const),
    ];
    it.each(cases.map(([path, body, c]) => [`${path} ${c.name}`, path, body, c] as const))(
      "%s",
      async (_name, path, body, c) => {
        const res = await httpPost(`${server.url}${path}`, body);
        expect(res.status).toBe(400);
        expect(JSON.parse(res.body)).toEqual({
          error: { message: c.message, type: "invalid_request_error", param: c.param, code: c.code },
        });
      },
    );
  });
});
