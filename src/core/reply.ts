// What a fixture answers with, independent of any wire format: text, tool calls, reasoning, or an error.

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

export interface Reply {
  content?: string;
  toolCalls?: ReplyToolCall[];
  reasoning?: string;
  error?: ReplyError;
  finishReason?: FinishReason;
  usage?: UsageOverride;
  /** Fixes the response id's suffix (`chatcmpl-<id>`, `resp_<id>`) instead of a random one. */
  responseId?: string;
}
