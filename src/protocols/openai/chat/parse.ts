// Parses a Chat Completions request body into the canonical conversation, or an OpenAI-shaped 400.
import type {
  Conversation,
  GenerationParams,
  Message,
  Role,
  ToolCall,
  ToolDefinition,
} from "../../../core/conversation.js";
import type { ResponseFormat } from "../../../core/format-check.js";
import type { ApiError } from "../../types.js";
import { contentText, shownValue } from "../content.js";
import { isRecord } from "../../json-values.js";
import { invalidRequest } from "../errors.js";
import { requireModel } from "../model-field.js";
import { validateChatParameters } from "../validate.js";

const ROLES = new Set<string>(["system", "developer", "user", "assistant", "tool", "function"]);

function parseToolCalls(value: unknown, param: string): ToolCall[] | ApiError {
  if (!Array.isArray(value))
    return invalidRequest(`Invalid type for '${param}': expected an array.`, param, "invalid_type");
  const calls: ToolCall[] = [];
  for (let i = 0; i < value.length; i++) {
    const call = value[i];
    const fn = isRecord(call) ? call.function : undefined;
    if (!isRecord(call) || !isRecord(fn) || typeof fn.name !== "string") {
      return invalidRequest(
        `Missing required parameter: '${param}[${i}].function.name'.`,
        `${param}[${i}].function.name`,
        "missing_required_parameter",
      );
    }
    if (typeof fn.arguments !== "string") {
      return invalidRequest(
        `Invalid type for '${param}[${i}].function.arguments': expected a string.`,
        `${param}[${i}].function.arguments`,
        "invalid_type",
      );
    }
    calls.push({ id: typeof call.id === "string" ? call.id : "", name: fn.name, arguments: fn.arguments });
  }
  return calls;
}

function parseMessage(raw: unknown, i: number): Message | ApiError {
  const param = `messages[${i}]`;
  if (!isRecord(raw)) return invalidRequest(`Invalid type for '${param}': expected an object.`, param, "invalid_type");
  if (typeof raw.role !== "string" || !ROLES.has(raw.role)) {
    return invalidRequest(
      `Invalid value: '${shownValue(raw.role)}'. Supported values are: 'system', 'assistant', 'user', 'function', 'tool', and 'developer'.`,
      `${param}.role`,
      "invalid_value",
    );
  }
  // The legacy `function` role is a tool result named by function rather than call id.
  const role: Role = raw.role === "function" ? "tool" : (raw.role as Role);
  const message: Message = { role, content: contentText(raw.content) };
  if (typeof raw.name === "string" && role !== "tool") message.name = raw.name;
  if (role === "tool")
    message.toolCallId =
      typeof raw.tool_call_id === "string" ? raw.tool_call_id : typeof raw.name === "string" ? raw.name : undefined;
  if (role === "assistant" && raw.tool_calls !== undefined && raw.tool_calls !== null) {
    const calls = parseToolCalls(raw.tool_calls, `${param}.tool_calls`);
    if (!Array.isArray(calls)) return calls;
    if (calls.length) message.toolCalls = calls;
  }
  return message;
}

function parseTools(body: Record<string, unknown>): ToolDefinition[] {
  const tools: ToolDefinition[] = [];
  if (Array.isArray(body.tools)) {
    for (const tool of body.tools) {
      if (!isRecord(tool)) continue;
      const spec = isRecord(tool.function) ? tool.function : isRecord(tool.custom) ? tool.custom : undefined;
      if (spec && typeof spec.name === "string") {
        tools.push({
          name: spec.name,
          description: typeof spec.description === "string" ? spec.description : undefined,
          parameters: spec.parameters,
        });
      }
    }
  }
  // The deprecated `functions` list names tools the same way.
  if (Array.isArray(body.functions)) {
    for (const fn of body.functions) {
      if (isRecord(fn) && typeof fn.name === "string") {
        tools.push({
          name: fn.name,
          description: typeof fn.description === "string" ? fn.description : undefined,
          parameters: fn.parameters,
        });
      }
    }
  }
  return tools;
}

export const outputLimit = (value: unknown): number | undefined =>
  typeof value === "number" && Number.isInteger(value) && value >= 0 ? value : undefined;

export function parseChatRequest(body: unknown): Conversation | ApiError {
  if (!isRecord(body)) return invalidRequest("The request body must be a JSON object.", null, "invalid_type");
  const model = requireModel(body);
  if (typeof model !== "string") return model;
  const messages = parseMessages(body);
  if (!Array.isArray(messages)) return messages;
  const invalid = validateChatParameters(body, messages.map((m) => m.content).join("\n"));
  if (invalid) return invalid;
  return {
    api: "chat.completions",
    model: model,
    messages,
    tools: parseTools(body),
    stream: body.stream === true,
    params: parseChatParams(body),
    body,
  };
}

/** `messages`, or (as inference servers such as Mini-SGLang accept) a raw `prompt` as one user message. */
function parseMessages(body: Record<string, unknown>): Message[] | ApiError {
  if (body.messages === undefined && typeof body.prompt === "string") return [{ role: "user", content: body.prompt }];
  if (body.messages === undefined)
    return invalidRequest("Missing required parameter: 'messages'.", "messages", "missing_required_parameter");
  if (!Array.isArray(body.messages))
    return invalidRequest("Invalid type for 'messages': expected an array.", "messages", "invalid_type");
  if (body.messages.length === 0) {
    return invalidRequest(
      "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      "messages",
      "empty_array",
    );
  }
  const messages: Message[] = [];
  for (let i = 0; i < body.messages.length; i++) {
    const message = parseMessage(body.messages[i], i);
    if ("status" in message) return message;
    messages.push(message);
  }
  return messages;
}

/** `stop` as a list: a string is one sequence; null or absent is none. */
export function stopSequences(stop: unknown): string[] {
  if (typeof stop === "string") return [stop];
  return Array.isArray(stop) ? stop.filter((s): s is string => typeof s === "string") : [];
}

/** Chat nests a schema under `json_schema`: `{type: "json_schema", json_schema: {name, schema}}`. */
function chatResponseFormat(format: unknown): ResponseFormat | null {
  if (!isRecord(format) || typeof format.type !== "string") return null;
  const spec = isRecord(format.json_schema) ? format.json_schema : {};
  return { type: format.type, name: typeof spec.name === "string" ? spec.name : undefined, schema: spec.schema };
}

function parseChatParams(body: Record<string, unknown>): GenerationParams {
  const streamOptions = isRecord(body.stream_options) ? body.stream_options : undefined;
  return {
    includeUsage: streamOptions?.include_usage === true,
    maxOutputTokens: outputLimit(body.max_completion_tokens ?? body.max_tokens),
    n: typeof body.n === "number" && Number.isInteger(body.n) && body.n > 1 ? body.n : 1,
    stop: stopSequences(body.stop),
    ignoreEos: body.ignore_eos === true,
    topLogprobs: body.logprobs === true ? (typeof body.top_logprobs === "number" ? body.top_logprobs : 0) : null,
    responseFormat: chatResponseFormat(body.response_format),
  };
}
