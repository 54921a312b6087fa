// The generation parameters of a Messages request, checked as the API checks them (pydantic's wording:
// `field: Field required`, `field: Input should be ...`) and read into the canonical parameters.
import type { GenerationParams } from "../../../core/conversation.js";
import type { ResponseFormat } from "../../../core/format-check.js";
import type { ApiError } from "../../types.js";
import { invalidRequest } from "../errors.js";
import { isInteger, isRecord } from "../../json-values.js";
import type { ThinkingDisplay } from "./conversation.js";

// Extended thinking's smallest budget (the API reference: "Must be ≥1024 and less than max_tokens").
const MIN_THINKING_BUDGET = 1024;
const THINKING_TYPES: readonly string[] = ["enabled", "disabled", "adaptive", "between_tools"];

/** `max_tokens`, required: a whole number of at least 0 (0 only warms the prompt cache). */
export function maxTokensOf(body: Record<string, unknown>): number | ApiError {
  const value = body.max_tokens;
  if (value === undefined) return invalidRequest("max_tokens: Field required");
  if (!isInteger(value)) return invalidRequest("max_tokens: Input should be a valid integer");
  if (value < 0) return invalidRequest("max_tokens: Input should be greater than or equal to 0");
  return value;
}

/** A number in [0, 1] (`temperature`, `top_p`), when set. */
function unitInterval(body: Record<string, unknown>, field: string): ApiError | null {
  const value = body[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== "number") return invalidRequest(`${field}: Input should be a valid number`);
  if (value < 0) return invalidRequest(`${field}: Input should be greater than or equal to 0`);
  if (value > 1) return invalidRequest(`${field}: Input should be less than or equal to 1`);
  return null;
}

function samplingError(body: Record<string, unknown>): ApiError | null {
  const refused = unitInterval(body, "temperature") ?? unitInterval(body, "top_p");
  if (refused) return refused;
  const topK = body.top_k;
  if (topK === undefined || topK === null) return null;
  if (!isInteger(topK)) return invalidRequest("top_k: Input should be a valid integer");
  return topK < 0 ? invalidRequest("top_k: Input should be greater than or equal to 0") : null;
}

/** `stop_sequences`: a list of strings, when set. */
export function stopSequencesOf(body: Record<string, unknown>): string[] | ApiError {
  const value = body.stop_sequences;
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) return invalidRequest("stop_sequences: Input should be a valid list");
  for (let i = 0; i < value.length; i++)
    if (typeof value[i] !== "string") return invalidRequest(`stop_sequences.${i}: Input should be a valid string`);
  return value as string[];
}

const notAnObject = (field: string): ApiError => invalidRequest(`${field}: Input should be a valid dictionary`);

function flagsError(body: Record<string, unknown>): ApiError | null {
  if (body.stream !== undefined && typeof body.stream !== "boolean")
    return invalidRequest("stream: Input should be a valid boolean");
  const { metadata } = body;
  if (metadata === undefined || metadata === null) return null;
  if (!isRecord(metadata)) return notAnObject("metadata");
  const user = metadata.user_id;
  return user === undefined || user === null || typeof user === "string"
    ? null
    : invalidRequest("metadata.user_id: Input should be a valid string");
}

const TOOL_CHOICES: readonly string[] = ["auto", "any", "tool", "none"];

/**
 * The `type` of an object of a union the API tells apart by it (`tool_choice`, `thinking`), or the 400
 * pydantic words for an object without a type, or with a type none of `tags` is.
 */
function taggedType(value: Record<string, unknown>, field: string, tags: readonly string[]): string | ApiError {
  const { type } = value;
  if (typeof type !== "string") return invalidRequest(`${field}.type: Field required`);
  if (tags.includes(type)) return type;
  const expected = tags.map((tag) => `'${tag}'`).join(", ");
  return invalidRequest(
    `${field}: Input tag '${type.slice(0, 100)}' found using 'type' does not match any of the expected tags: ${expected}`,
  );
}

/** `tool_choice`, when set: auto, any, none, or a named tool. Which tools the answer calls is the fixture's. */
function toolChoiceError(body: Record<string, unknown>): ApiError | null {
  const choice = body.tool_choice;
  if (choice === undefined || choice === null) return null;
  if (!isRecord(choice)) return notAnObject("tool_choice");
  const type = taggedType(choice, "tool_choice", TOOL_CHOICES);
  if (typeof type !== "string") return type;
  return type === "tool" && typeof choice.name !== "string"
    ? invalidRequest("tool_choice.tool.name: Field required")
    : null;
}

/** Every check of the parameters besides max_tokens and the turns, in the order the API reports them. */
export function parametersError(body: Record<string, unknown>): ApiError | null {
  return samplingError(body) ?? toolChoiceError(body) ?? flagsError(body);
}

/** An enabled thinking config's budget: at least 1024 and under max_tokens (when the request has one). */
function budgetError(thinking: Record<string, unknown>, maxTokens: number | undefined): ApiError | null {
  const budget = thinking.budget_tokens;
  if (budget === undefined) return invalidRequest("thinking.enabled.budget_tokens: Field required");
  if (!isInteger(budget)) return invalidRequest("thinking.enabled.budget_tokens: Input should be a valid integer");
  if (budget < MIN_THINKING_BUDGET)
    return invalidRequest(
      `thinking.enabled.budget_tokens: Input should be greater than or equal to ${MIN_THINKING_BUDGET}`,
    );
  return maxTokens !== undefined && budget >= maxTokens
    ? invalidRequest("`max_tokens` must be greater than `thinking.budget_tokens`.")
    : null;
}

/** How the answer shows reasoning, from `thinking` (see ThinkingDisplay), or the 400 for a config the API refuses. */
export function thinkingOf(body: Record<string, unknown>, maxTokens: number | undefined): ThinkingDisplay | ApiError {
  const { thinking } = body;
  if (thinking === undefined || thinking === null) return "off";
  if (!isRecord(thinking)) return notAnObject("thinking");
  const type = taggedType(thinking, "thinking", THINKING_TYPES);
  if (typeof type !== "string") return type;
  if (type === "disabled") return "off";
  if (type === "enabled") {
    const refused = budgetError(thinking, maxTokens);
    if (refused) return refused;
  }
  return thinking.display === "omitted" ? "omitted" : "shown";
}

/** Structured output (`output_config.format`, or the beta's `output_format`): a JSON schema the reply should fit. */
function responseFormatOf(body: Record<string, unknown>): ResponseFormat | null {
  const config = isRecord(body.output_config) ? body.output_config.format : body.output_format;
  if (!isRecord(config) || typeof config.type !== "string") return null;
  return { type: config.type, schema: config.schema };
}

/** The canonical parameters: Anthropic answers with one choice, and has no log probabilities. */
export function generationParams(
  body: Record<string, unknown>,
  maxTokens: number | undefined,
  stop: string[],
  thinking: ThinkingDisplay,
): GenerationParams {
  return {
    includeUsage: false,
    maxOutputTokens: maxTokens,
    n: 1,
    stop,
    ignoreEos: false,
    topLogprobs: null,
    responseFormat: responseFormatOf(body),
    // Without thinking the model reasons not at all: a fixture's reasoning is neither sent, billed nor spent from max_tokens.
    omitReasoning: thinking === "off",
  };
}
