// The canonical request: every API surface parses its wire body into this shape, and matching,
// planning and usage work only on it, so one fixture serves every surface.
import type { ResponseFormat } from "./format-check.js";

export type Role = "system" | "developer" | "user" | "assistant" | "tool";

export interface ToolCall {
  id: string;
  name: string;
  /** JSON text, exactly as it travels on the wire. */
  arguments: string;
}

export interface Message {
  role: Role;
  /** Text content; multi-part content is joined with newlines, non-text parts are dropped. */
  content: string;
  name?: string;
  toolCalls?: ToolCall[];
  /** On a tool message: the call it answers. */
  toolCallId?: string;
}

export interface ToolDefinition {
  name: string;
  description?: string;
  parameters?: unknown;
}

/** Request parameters that change how a reply is planned and rendered. */
export interface GenerationParams {
  /** Chat `stream_options.include_usage`: send a final usage chunk. */
  includeUsage: boolean;
  /** The most tokens the reply may have (`max_tokens`, `max_completion_tokens`, `max_output_tokens`). */
  maxOutputTokens?: number;
  /** How many choices to answer with (`n`). */
  n: number;
  /** Stop sequences: a reply ends before the first of them. */
  stop: string[];
  /** With a token limit, extend the reply to exactly that many tokens (`ignore_eos`, as inference servers do). */
  ignoreEos: boolean;
  /** Per-token log probabilities, with this many alternatives each (`logprobs`, `top_logprobs`); null for none. */
  topLogprobs: number | null;
  /** The structured output asked for (`response_format`, Responses `text.format`); null for plain text. */
  responseFormat: ResponseFormat | null;
  /**
   * The model gives no reasoning for this request (Anthropic without `thinking`, Gemini with a thinking
   * budget of 0): a reply's reasoning is left out of the plan, so it is neither sent nor counted, and it
   * spends none of the output limit.
   */
  omitReasoning?: boolean;
}

/** A prompt sent as raw text rather than chat messages (legacy Completions). */
export interface RawPrompt {
  text: string;
  /** The token ids, when the client sent the prompt as tokens (usage counts exactly these). */
  tokens?: number[];
  /** Text after the insertion point (`suffix`): the model reads it too, so it counts as prompt. */
  suffix?: string;
}

/** Parameters for a request that sets none of them. */
export const DEFAULT_PARAMS: GenerationParams = {
  includeUsage: false,
  n: 1,
  stop: [],
  ignoreEos: false,
  topLogprobs: null,
  responseFormat: null,
};

export interface Conversation {
  /** The wire surface the request came in on, for logs and surface-specific fixtures. */
  api: string;
  model: string;
  messages: Message[];
  tools: ToolDefinition[];
  stream: boolean;
  params: GenerationParams;
  /**
   * Set by surfaces whose prompt is raw text: usage counts its tokens as they are, without the
   * chat formula's per-message framing. `messages` still holds it as one user message, for matching.
   */
  rawPrompt?: RawPrompt;
  /** The parsed wire body, as the client sent it (handed to fixture predicates). */
  body: Record<string, unknown>;
}

/** The text of the last message with the given role, or undefined when there is none. */
export function lastMessageOf(conversation: Conversation, role: Role): Message | undefined {
  const { messages } = conversation;
  for (let i = messages.length - 1; i >= 0; i--) {
    if (messages[i].role === role) return messages[i];
  }
  return undefined;
}
