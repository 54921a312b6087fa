// Responses API request parameters, checked the way OpenAI rejects them (input items themselves are the parser's).
import type { ApiError } from "../../types.js";
import { contentText } from "../content.js";
import { isRecord } from "../../json-values.js";
import { invalidRequest } from "../errors.js";
import {
  anyObject,
  arrayOf,
  boolean,
  type Check,
  decimal,
  firstFailure,
  integer,
  mentionsJson,
  metadata,
  missing,
  name,
  object,
  oneOf,
  type Rule,
  string,
  tagged,
  typeError,
} from "./rules.js";

/** OAS `ReasoningEffort`. */
const EFFORTS = ["none", "minimal", "low", "medium", "high", "xhigh", "max"];
const SUMMARIES = ["auto", "concise", "detailed"];

const reasoning = object({
  effort: { check: oneOf(EFFORTS), nullable: true },
  summary: { check: oneOf(SUMMARIES), nullable: true },
  generate_summary: { check: oneOf(SUMMARIES), nullable: true },
});

/** `text.format`: flat, unlike Chat's nested `json_schema`; OAS `TextResponseFormatJsonSchema` requires `schema` too. */
const textFormat = tagged("type", {
  text: anyObject,
  json_object: anyObject,
  json_schema: object({
    name: { required: true, check: name },
    schema: { required: true, check: anyObject },
    description: { check: string() },
    strict: { check: boolean, nullable: true },
  }),
});

const text = object({
  format: { check: textFormat },
  verbosity: { check: oneOf(["low", "medium", "high"]), nullable: true },
});

const flatFunction = object({
  name: { required: true, check: name },
  description: { check: string() },
  parameters: { check: anyObject, nullable: true },
  strict: { check: boolean, nullable: true },
});

// A Chat-style `{type:"function", function:{…}}` is accepted too, as the parser reads it.
const nestedFunction = object({
  function: {
    check: object({
      name: { required: true, check: name },
      description: { check: string() },
      parameters: { check: anyObject },
    }),
  },
});

/** One tool: function and custom tools are checked; built-in tools (web_search, mcp, …) are left to their own schemas. */
const tool: Check = (value, path, context) => {
  if (!isRecord(value)) return typeError(path, "an object", value);
  if (value.type === undefined || value.type === null) return missing(`${path}.type`);
  if (typeof value.type !== "string") return typeError(`${path}.type`, "a string", value.type);
  if (value.type === "function")
    return (isRecord(value.function) ? nestedFunction : flatFunction)(value, path, context);
  if (value.type === "custom")
    return object({ name: { required: true, check: name }, description: { check: string() } })(value, path, context);
  return null;
};

/** The names of the request's tools of one type, flat or Chat-style. */
function toolNames(body: Record<string, unknown>, type: string): string[] {
  if (!Array.isArray(body.tools)) return [];
  return body.tools.flatMap((t) => {
    if (!isRecord(t) || t.type !== type) return [];
    const spec = isRecord(t.function) ? t.function : t;
    return typeof spec.name === "string" ? [spec.name] : [];
  });
}

/** `tool_choice`: a mode, or an object; a named function or custom tool must be among `tools`. */
const toolChoice: Check = (value, path, context) => {
  if (typeof value === "string") return oneOf(["none", "auto", "required"])(value, path, context);
  if (!isRecord(value)) return typeError(path, "one of one of 'none', 'auto', or 'required' or object", value);
  if (value.type === undefined || value.type === null) return missing(`${path}.type`);
  if (typeof value.type !== "string") return typeError(`${path}.type`, "a string", value.type);
  if (value.type !== "function" && value.type !== "custom") return null;
  const error = object({ name: { required: true, check: string() } })(value, path, context);
  if (error) return error;
  const wanted = value.name as string;
  return toolNames(context.body, value.type).includes(wanted)
    ? null
    : invalidRequest(`Tool choice '${wanted}' not found in 'tools' parameter.`, path, null);
};

/** In the order they are checked: the OAS `CreateResponse` ranges plus its prose limits (metadata, names). */
export const RESPONSES_RULES: readonly Rule[] = [
  { param: "temperature", check: decimal(0, 2) },
  { param: "top_p", check: decimal(0, 1) },
  { param: "top_logprobs", check: integer(0, 20) },
  { param: "max_output_tokens", check: integer(16) },
  { param: "max_tool_calls", check: integer() },
  { param: "truncation", check: oneOf(["auto", "disabled"]) },
  { param: "reasoning", check: reasoning },
  { param: "text", check: text },
  { param: "tools", check: arrayOf(tool, { expected: "an array of objects" }) },
  { param: "tool_choice", check: toolChoice },
  { param: "parallel_tool_calls", check: boolean },
  { param: "store", check: boolean },
  { param: "stream", check: boolean },
  { param: "stream_options", check: object({ include_obfuscation: { check: boolean } }) },
  { param: "background", check: boolean },
  { param: "previous_response_id", check: string() },
  { param: "instructions", check: string() },
  { param: "metadata", check: metadata },
  { param: "user", check: string() },
];

/** The text of the input's messages (a string input is one message); instructions do not count. */
function inputMessagesText(body: Record<string, unknown>): string {
  if (typeof body.input === "string") return body.input;
  if (!Array.isArray(body.input)) return "";
  return body.input
    .filter(
      (item): item is Record<string, unknown> =>
        isRecord(item) && (item.type === "message" || (item.type === undefined && "role" in item)),
    )
    .map((item) => contentText(item.content))
    .join("\n");
}

/**
 * The first problem with a Responses API request's parameters, as OpenAI's 400, or null.
 * `inputText` is the joined text of the input messages (with a previous_response_id, the caller may
 * include the chain's); without it, it is read from `body.input`. Unknown parameters are accepted.
 */
export function validateResponsesParameters(body: Record<string, unknown>, inputText?: string): ApiError | null {
  const error = firstFailure(RESPONSES_RULES, body);
  if (error) return error;
  const format = isRecord(body.text) ? body.text.format : undefined;
  if (isRecord(format) && format.type === "json_object" && !mentionsJson(inputText ?? inputMessagesText(body))) {
    return invalidRequest(
      "Response input messages must contain the word 'json' in some form to use 'text.format' of type 'json_object'.",
      "text.format",
      null,
    );
  }
  return null;
}
