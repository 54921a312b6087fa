// Chat Completions request parameters, checked the way OpenAI rejects them (messages themselves are the parser's).
import type { ApiError } from "../../types.js";
import { contentText } from "../content.js";
import { isRecord } from "../../json-values.js";
import { invalidRequest } from "../errors.js";
import {
  all,
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
  onlyWhenEnabled,
  type Rule,
  string,
  tagged,
  typeError,
} from "./rules.js";
import { logitBias, stop, streamOptions, topK } from "./sampling.js";

const TOOL_CHOICE_MODES = ["none", "auto", "required"] as const;

const chatFunction = object({
  name: { required: true, check: name },
  description: { check: string() },
  parameters: { check: anyObject },
  strict: { check: boolean, nullable: true },
});

const tool = tagged("type", {
  function: object({ function: { required: true, check: chatFunction } }),
  custom: object({
    custom: {
      required: true,
      check: object({
        name: { required: true, check: name },
        description: { check: string() },
        format: { check: anyObject },
      }),
    },
  }),
});

/** The names of the request's tools of one kind (`function` or `custom`). */
function toolNames(body: Record<string, unknown>, kind: "function" | "custom"): string[] {
  if (!Array.isArray(body.tools)) return [];
  return body.tools.flatMap((t) =>
    isRecord(t) && isRecord(t[kind]) && typeof t[kind].name === "string" ? [t[kind].name] : [],
  );
}

const namedChoice = (member: "function" | "custom") =>
  object({ [member]: { required: true, check: object({ name: { required: true, check: string() } }) } });

/** The shape of an object `tool_choice`; an unknown or missing type is read as a function choice, as OpenAI does. */
const toolChoiceObject: Check = (value, path, context) => {
  const choice = value as Record<string, unknown>;
  if (choice.type === "custom") return namedChoice("custom")(value, path, context);
  if (choice.type === "allowed_tools") {
    return object({
      allowed_tools: {
        required: true,
        check: object({
          mode: { required: true, check: oneOf(["auto", "required"]) },
          tools: { required: true, check: arrayOf(anyObject) },
        }),
      },
    })(value, path, context);
  }
  return (
    namedChoice("function")(value, path, context) ??
    (choice.type === undefined ? missing(`${path}.type`) : null) ??
    oneOf(["function", "custom", "allowed_tools"])(choice.type, `${path}.type`, context)
  );
};

const toolChoice: Check = (value, path, context) => {
  let error: ApiError | null;
  if (typeof value === "string") error = oneOf(TOOL_CHOICE_MODES)(value, path, context);
  else if (isRecord(value)) error = toolChoiceObject(value, path, context);
  else error = typeError(path, "one of one of 'none', 'auto', or 'required' or object", value);
  if (error) return error;

  const tools = context.body.tools;
  if (value !== "none" && (!Array.isArray(tools) || tools.length === 0)) {
    return invalidRequest(
      `Invalid value for '${path}': '${path}' is only allowed when 'tools' are specified.`,
      path,
      null,
    );
  }
  if (!isRecord(value) || (value.type !== "function" && value.type !== "custom")) return null;
  const wanted = (value[value.type] as Record<string, unknown>).name as string;
  if (toolNames(context.body, value.type).includes(wanted)) return null;
  return invalidRequest(`Invalid value for '${path}': ${value.type} '${wanted}' not found in 'tools'.`, path, null);
};

const responseFormat = tagged("type", {
  text: anyObject,
  json_object: anyObject,
  json_schema: object({
    json_schema: {
      required: true,
      check: object({
        name: { required: true, check: name },
        description: { check: string() },
        schema: { check: anyObject },
        strict: { check: boolean, nullable: true },
      }),
    },
  }),
});

/**
 * In the order they are checked. The OAS `CreateChatCompletionRequest` ranges, plus what it leaves to
 * prose or cross-field rules (max tokens ≥ 1, logit_bias range, metadata limits, name patterns).
 */
export const CHAT_RULES: readonly Rule[] = [
  { param: "n", check: integer(1, 128) },
  { param: "stop", check: stop },
  { param: "temperature", check: decimal(0, 2) },
  { param: "top_p", check: decimal(0, 1) },
  { param: "frequency_penalty", check: decimal(-2, 2) },
  { param: "presence_penalty", check: decimal(-2, 2) },
  { param: "max_tokens", check: integer(1) },
  { param: "max_completion_tokens", check: integer(1) },
  { param: "seed", check: integer() },
  { param: "logprobs", check: boolean },
  { param: "top_logprobs", check: all(integer(0, 20), onlyWhenEnabled("logprobs")) },
  { param: "logit_bias", check: logitBias },
  { param: "stream", check: boolean },
  { param: "stream_options", check: streamOptions },
  { param: "user", check: string() },
  { param: "metadata", check: metadata },
  { param: "tools", check: arrayOf(tool, { minItems: 1, expected: "an array of objects" }) },
  { param: "tool_choice", check: toolChoice },
  { param: "parallel_tool_calls", check: boolean },
  { param: "response_format", check: responseFormat },
  // Seed 004's inference-server extensions: a raw prompt instead of messages, top_k and ignore_eos.
  { param: "prompt", check: string() },
  { param: "top_k", check: topK },
  { param: "ignore_eos", check: boolean },
];

/** The text of every message, for the json_object rule. */
function messagesText(body: Record<string, unknown>): string {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  const texts = messages.map((m) => (isRecord(m) ? contentText(m.content) : ""));
  if (typeof body.prompt === "string") texts.push(body.prompt);
  return texts.join("\n");
}

/**
 * The first problem with a Chat Completions request's parameters, as OpenAI's 400, or null.
 * `messageText` is the joined text of the messages (the parser has it); without it, it is read from the body.
 * Unknown parameters are accepted: real clients send extras.
 */
export function validateChatParameters(body: Record<string, unknown>, messageText?: string): ApiError | null {
  const error = firstFailure(CHAT_RULES, body);
  if (error) return error;
  const format = body.response_format;
  if (isRecord(format) && format.type === "json_object" && !mentionsJson(messageText ?? messagesText(body))) {
    return invalidRequest(
      "'messages' must contain the word 'json' in some form, to use 'response_format' of type 'json_object'.",
      "messages",
      null,
    );
  }
  return null;
}
