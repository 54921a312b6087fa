// Parses a legacy Completions request (POST /v1/completions) into the canonical conversation, or an OpenAI-shaped 400.
import {
  DEFAULT_PARAMS,
  type Conversation,
  type GenerationParams,
  type RawPrompt,
} from "../../../core/conversation.js";
import { decodeTokenList, encodingForModel, type EncodingName } from "../../../core/tokenizer.js";
import type { ApiError } from "../../types.js";
import { outputLimit, stopSequences } from "../chat/parse.js";
import { isRecord } from "../../json-values.js";
import { invalidRequest } from "../errors.js";
import { requireModel } from "../model-field.js";
import { validateCompletionsParameters } from "../validate.js";

export interface CompletionsConversation extends Conversation {
  /** The prompt this conversation answers (the first of the request's, or its part's own after a split). */
  rawPrompt: RawPrompt;
  completions: {
    /** Every prompt of the request, in order; the conversation itself carries the first. */
    prompts: RawPrompt[];
    /** `echo`: each choice's text (and logprobs) start with its prompt. */
    echo: boolean;
  };
}

/** OAS `CreateCompletionRequest.max_tokens` default: a request that sets none gets at most 16 tokens. */
const DEFAULT_MAX_TOKENS = 16;

/** The prompts of a validated `prompt`: strings as they are, token lists decoded with the model's encoding. */
function parsePrompts(value: unknown, encoding: EncodingName, suffix: string | undefined): RawPrompt[] | ApiError {
  const list = Array.isArray(value) ? (value as unknown[]) : [value];
  if (list.every((item): item is string => typeof item === "string")) return list.map((text) => ({ text, suffix }));
  const tokenLists = (typeof list[0] === "number" ? [list] : list) as number[][];
  const prompts: RawPrompt[] = [];
  for (let i = 0; i < tokenLists.length; i++) {
    const decoded = decodeTokenList(tokenLists[i], encoding);
    if ("unknownToken" in decoded) {
      const param = tokenLists.length === 1 && typeof list[0] === "number" ? "prompt" : `prompt[${i}]`;
      return invalidRequest(
        `Invalid '${param}': token ${decoded.unknownToken} is not in the ${encoding} vocabulary.`,
        param,
        "invalid_value",
      );
    }
    prompts.push({ text: decoded.text, tokens: tokenLists[i], suffix });
  }
  return prompts;
}

function parseCompletionsParams(body: Record<string, unknown>): GenerationParams {
  const streamOptions = isRecord(body.stream_options) ? body.stream_options : undefined;
  return {
    ...DEFAULT_PARAMS,
    includeUsage: streamOptions?.include_usage === true,
    maxOutputTokens: outputLimit(body.max_tokens) ?? DEFAULT_MAX_TOKENS,
    n: typeof body.n === "number" && Number.isInteger(body.n) && body.n > 1 ? body.n : 1,
    stop: stopSequences(body.stop),
    ignoreEos: body.ignore_eos === true,
    // The legacy integer form: how many alternatives each token lists (0 for the chosen token alone).
    topLogprobs: typeof body.logprobs === "number" ? body.logprobs : null,
  };
}

/** One conversation per prompt, each its own user message; the prompt is matched as the user's text. */
function promptConversation(
  base: Omit<CompletionsConversation, "rawPrompt">,
  prompt: RawPrompt,
): CompletionsConversation {
  return { ...base, messages: [{ role: "user", content: prompt.text }], rawPrompt: prompt };
}

export function parseCompletionsRequest(body: unknown): CompletionsConversation | ApiError {
  if (!isRecord(body)) return invalidRequest("The request body must be a JSON object.", null, "invalid_type");
  const model = requireModel(body);
  if (typeof model !== "string") return model;
  if (body.prompt === undefined || body.prompt === null)
    return invalidRequest("Missing required parameter: 'prompt'.", "prompt", "missing_required_parameter");
  const invalid = validateCompletionsParameters(body);
  if (invalid) return invalid;
  const suffix = typeof body.suffix === "string" && body.suffix.length > 0 ? body.suffix : undefined;
  const prompts = parsePrompts(body.prompt, encodingForModel(model), suffix);
  if (!Array.isArray(prompts)) return prompts;
  const base: Omit<CompletionsConversation, "rawPrompt"> = {
    api: "completions",
    model: model,
    messages: [],
    tools: [],
    stream: body.stream === true,
    params: parseCompletionsParams(body),
    body,
    completions: { prompts, echo: body.echo === true },
  };
  return promptConversation(base, prompts[0]);
}

/** Surface.split: a list of prompts is one generation per prompt (OpenAI answers each with `n` choices). */
export function splitPrompts(conversation: CompletionsConversation): CompletionsConversation[] {
  const { prompts } = conversation.completions;
  return prompts.length === 1 ? [conversation] : prompts.map((prompt) => promptConversation(conversation, prompt));
}
