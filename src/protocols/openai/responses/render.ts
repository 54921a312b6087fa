// Renders a plan as a Responses API `response` object: output items (reasoning, message,
// function calls) with their ids, usage, and the request's settings echoed back.
import type { Plan } from "../../../core/plan.js";
import type { RenderContext } from "../../types.js";
import { isRecord } from "../../json-values.js";
import type { ResponsesConversation } from "./parse.js";

export type OutputItem = Record<string, unknown> & { id: string; type: string };
export type ResponseStatus = "in_progress" | "completed" | "incomplete" | "failed";

export interface ResponseFrame {
  id: string;
  createdAt: number;
}

export function newResponseFrame(context: RenderContext, responseId: string | null = null): ResponseFrame {
  const id = responseId === null ? context.ids.next("resp_", 48, "hex") : `resp_${responseId}`;
  return { id, createdAt: Math.floor(context.clock.now() / 1000) };
}

export const outputTextPart = (text: string) => ({ type: "output_text", text, annotations: [], logprobs: [] });

/** The ids of a plan's output items, drawn in the items' order: reasoning, message, function calls. */
export function drawOutputIds(plan: Plan, context: RenderContext): string[] {
  const [choice] = plan.choices;
  const itemIds: string[] = [];
  if (choice.reasoning !== null) itemIds.push(context.ids.next("rs_", 48, "hex"));
  if (choice.content !== null) itemIds.push(context.ids.next("msg_", 48, "hex"));
  for (let i = 0; i < choice.toolCalls.length; i++) itemIds.push(context.ids.next("fc_", 48, "hex"));
  return itemIds;
}

/** The reply's output items, finished, in the order a model produces them, with the ids `drawOutputIds` drew. */
export function buildOutputItems(plan: Plan, itemIds: readonly string[]): OutputItem[] {
  const items: OutputItem[] = [];
  const [choice] = plan.choices;
  let next = 0;
  if (choice.reasoning !== null) {
    items.push({ id: itemIds[next++], type: "reasoning", summary: [{ type: "summary_text", text: choice.reasoning }] });
  }
  if (choice.content !== null) {
    items.push({
      id: itemIds[next++],
      type: "message",
      status: choice.truncated ? "incomplete" : "completed",
      role: "assistant",
      content: [outputTextPart(choice.content)],
    });
  }
  for (const call of choice.toolCalls) {
    items.push({
      id: itemIds[next++],
      type: "function_call",
      status: "completed",
      call_id: call.id,
      name: call.name,
      arguments: call.arguments,
    });
  }
  return items;
}

export function renderResponsesUsage(plan: Plan) {
  const { usage } = plan;
  return {
    input_tokens: usage.promptTokens,
    input_tokens_details: { cached_tokens: 0, cache_write_tokens: 0 },
    output_tokens: usage.completionTokens,
    output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
    total_tokens: usage.totalTokens,
  };
}

export interface ResponseState {
  status: ResponseStatus;
  output: OutputItem[];
  plan: Plan | null;
  error?: { code: string; message: string } | null;
  completedAt?: number | null;
}

/** The request fields renderResponseObject echoes back (a test keeps this list complete). */
export const ECHOED_FIELDS = [
  "instructions",
  "max_output_tokens",
  "max_tool_calls",
  "parallel_tool_calls",
  "reasoning",
  "store",
  "temperature",
  "text",
  "tool_choice",
  "tools",
  "top_p",
  "truncation",
  "user",
  "metadata",
] as const;

/**
 * Everything besides the plan and the per-request ids that a response object depends on: the model, the
 * previous response and the echoed fields. Two conversations with the same key render the same response.
 */
export function echoKey(conversation: ResponsesConversation): string {
  const body = conversation.body;
  let key = `${conversation.model}\u0000${conversation.responses.previousResponseId ?? ""}`;
  for (const field of ECHOED_FIELDS) {
    const value = body[field];
    if (value !== undefined) key += `\u0000${field}=${JSON.stringify(value)}`;
  }
  return key;
}

/**
 * The request's tools as the API echoes them: a function tool with `parameters` (null when unset) and
 * `strict` (true unless the request says otherwise: Responses makes function tools strict by default),
 * both of which the SDK's FunctionTool requires.
 */
function echoTools(tools: unknown): unknown[] {
  if (!Array.isArray(tools)) return [];
  return tools.map((tool) =>
    isRecord(tool) && tool.type === "function"
      ? { ...tool, parameters: tool.parameters ?? null, strict: tool.strict ?? true }
      : tool,
  );
}

/** The full `response` object, echoing the request's settings as the real API does. */
export function renderResponseObject(
  conversation: ResponsesConversation,
  frame: ResponseFrame,
  state: ResponseState,
): Record<string, unknown> {
  const body = conversation.body;
  const reasoning = isRecord(body.reasoning) ? body.reasoning : {};
  const text = isRecord(body.text) ? body.text : {};
  const finished = state.status !== "in_progress";
  return {
    id: frame.id,
    object: "response",
    created_at: frame.createdAt,
    status: state.status,
    background: false,
    completed_at: state.status === "completed" ? (state.completedAt ?? frame.createdAt) : null,
    error: state.error ?? null,
    incomplete_details: state.status === "incomplete" ? { reason: "max_output_tokens" } : null,
    instructions: body.instructions ?? null,
    max_output_tokens: body.max_output_tokens ?? null,
    max_tool_calls: body.max_tool_calls ?? null,
    model: conversation.model,
    output: state.output,
    parallel_tool_calls: body.parallel_tool_calls ?? true,
    previous_response_id: conversation.responses.previousResponseId,
    reasoning: { effort: reasoning.effort ?? null, summary: reasoning.summary ?? null },
    service_tier: "default",
    store: body.store ?? true,
    temperature: body.temperature ?? 1,
    text: { format: text.format ?? { type: "text" }, verbosity: text.verbosity ?? "medium" },
    tool_choice: body.tool_choice ?? "auto",
    tools: echoTools(body.tools),
    top_p: body.top_p ?? 1,
    truncation: body.truncation ?? "disabled",
    usage: finished && state.plan ? renderResponsesUsage(state.plan) : null,
    user: typeof body.user === "string" ? body.user : null,
    metadata: isRecord(body.metadata) ? body.metadata : {},
  };
}

export function finalStatus(plan: Plan): ResponseStatus {
  return plan.choices[0].truncated ? "incomplete" : "completed";
}
