// A known model's output limit, checked once the model is resolved (an alias is held to the limit of the
// model it serves), with the 400 OpenAI answers on each surface (each surface's checkModel). Models OpenAI
// does not serve are not checked.
import type { Conversation } from "../../../core/conversation.js";
import type { TokenCache } from "../../../core/token-cache.js";
import type { ApiError } from "../../types.js";
import type { CompletionsConversation } from "../completions/parse.js";
import { invalidRequest } from "../errors.js";
import { outputLimitOf, type OutputLimit } from "../models.js";
import { countPromptTokens, countRawPrompt } from "../prompt-tokens.js";

const CHAT_LIMIT_PARAMS = ["max_tokens", "max_completion_tokens"] as const;

const tooLarge = (param: string, value: number, limit: number): ApiError =>
  invalidRequest(
    `${param} is too large: ${value}. This model supports at most ${limit} completion tokens, whereas you provided ${value}.`,
    param,
    "invalid_value",
  );

/** The output limit of the model a request asks for more tokens of, or undefined when it sets none or the model is not OpenAI's. */
function limitFor(conversation: Conversation): OutputLimit | undefined {
  return conversation.params.maxOutputTokens === undefined ? undefined : outputLimitOf(conversation.model);
}

/** Chat: past the model's output limit, or (for a model whose answer may fill its context) past the context with the messages. */
export function chatOutputLimit(conversation: Conversation, tokens: TokenCache): ApiError | null {
  const limit = limitFor(conversation);
  if (limit === undefined) return null;
  const { body } = conversation;
  for (const param of CHAT_LIMIT_PARAMS) {
    const value = body[param];
    if (typeof value !== "number") continue;
    if (limit.contextWindow === undefined) {
      if (value > limit.maxOutputTokens) return tooLarge(param, value, limit.maxOutputTokens);
      continue;
    }
    const count = tokens.counter(tokens.encodingFor(conversation.model));
    const prompt = countPromptTokens(conversation.messages, conversation.tools, count);
    if (prompt + value <= limit.contextWindow) continue;
    return invalidRequest(
      `This model's maximum context length is ${limit.contextWindow} tokens. However, you requested ${prompt + value} tokens (${prompt} in the messages, ${value} in the completion). Please reduce the length of the messages or completion.`,
      "messages",
      "context_length_exceeded",
    );
  }
  return null;
}

/**
 * Legacy Completions: a model whose answer may fill its context (gpt-3.5-turbo-instruct) refuses a prompt
 * plus max_tokens past it, in the legacy endpoint's words; a chat model sent here, max_tokens past its limit.
 */
export function completionsOutputLimit(conversation: CompletionsConversation, tokens: TokenCache): ApiError | null {
  const limit = limitFor(conversation);
  if (limit === undefined) return null;
  const value = conversation.params.maxOutputTokens ?? 0;
  if (limit.contextWindow === undefined)
    return value > limit.maxOutputTokens ? tooLarge("max_tokens", value, limit.maxOutputTokens) : null;
  const count = tokens.counter(tokens.encodingFor(conversation.model));
  for (const prompt of conversation.completions.prompts) {
    const promptTokens = countRawPrompt(prompt, count);
    if (promptTokens + value <= limit.contextWindow) continue;
    return invalidRequest(
      `This model's maximum context length is ${limit.contextWindow} tokens, however you requested ${promptTokens + value} tokens (${promptTokens} in your prompt; ${value} for the completion). Please reduce your prompt; or completion length.`,
      null,
    );
  }
  return null;
}

/** The Responses API words it as a range check on `max_output_tokens`. */
export function responsesOutputLimit(conversation: Conversation): ApiError | null {
  const limit = limitFor(conversation);
  const value = conversation.params.maxOutputTokens;
  if (limit === undefined || value === undefined || value <= limit.maxOutputTokens) return null;
  return invalidRequest(
    `Invalid 'max_output_tokens': integer above maximum value. Expected a value <= ${limit.maxOutputTokens}, but got ${value} instead.`,
    "max_output_tokens",
    "integer_above_max_value",
  );
}
