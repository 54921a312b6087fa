// What a fixture answers with, independent of any wire format: text, tool calls, reasoning, an error,
// or a pinned embedding vector.

export interface ReplyToolCall {
  name: string;
  /** JSON text, or an object that is serialised with JSON.stringify. */
  arguments: string | Record<string, unknown>;
  /** Defaults to a fresh `call_...` id per request. */
  id?: string;
}

export interface ReplyError {
  status: number;
  message: string;
  /** Defaults by status: invalid_request_error, authentication_error, rate_limit_exceeded, server_error... */
  type?: string;
  code?: string | null;
  param?: string | null;
  /** Seconds for the `retry-after` header of a 429 (default 1). */
  retryAfter?: number;
}

export interface UsageOverride {
  promptTokens?: number;
  completionTokens?: number;
  reasoningTokens?: number;
}

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter" | "function_call";

/** One alternative answer, for requests with `n` > 1. */
export interface ReplyChoice {
  content?: string;
  toolCalls?: ReplyToolCall[];
  reasoning?: string;
  finishReason?: FinishReason;
}

/** Whether a reply can answer a generation request (it is more than a pinned embedding). */
export function isGenerationReply(reply: Reply): boolean {
  return reply.content !== undefined || reply.toolCalls !== undefined || reply.reasoning !== undefined || reply.error !== undefined || reply.choices !== undefined;
}

export interface Reply {
  content?: string;
  toolCalls?: ReplyToolCall[];
  reasoning?: string;
  error?: ReplyError;
  finishReason?: FinishReason;
  usage?: UsageOverride;
  /** Fixes the response id's suffix (`chatcmpl-<id>`, `resp_<id>`) instead of a random one. */
  responseId?: string;
  /** The vector `POST /v1/embeddings` returns for a matching input, instead of a derived one. */
  embedding?: number[];
  /**
   * Alternatives for `n` > 1: choice i answers with choices[i % length]; without them every choice
   * repeats the reply. Fields a choice leaves out come from the reply.
   */
  choices?: ReplyChoice[];
}
