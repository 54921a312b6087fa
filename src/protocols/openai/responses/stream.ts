// The Responses API event stream for a plan, in the order the real API sends it, each event with
// its sequence_number, output_index, item_id and content_index.
import type { Plan, PlannedChoice } from "../../../core/plan.js";
import type { RenderContext, StreamEvent } from "../../types.js";
import type { ResponsesConversation } from "./parse.js";
import {
  buildOutputItems,
  drawOutputIds,
  finalStatus,
  outputTextPart,
  renderResponseObject,
  type OutputItem,
  type ResponseFrame,
} from "./render.js";

class EventList {
  readonly events: StreamEvent[] = [];
  private sequence = 0;

  push(type: string, payload: Record<string, unknown>): void {
    this.pushJson(type, JSON.stringify(payload));
  }

  /** `payloadJson` is a serialised object whose fields follow `type` and `sequence_number`; `token` marks a delta. */
  pushJson(type: string, payloadJson: string, token = false): void {
    const fields = payloadJson.length > 2 ? `,${payloadJson.slice(1)}` : "}";
    this.events.push({ event: type, data: `{"type":"${type}","sequence_number":${this.sequence++}${fields}`, token });
  }
}

/** Deltas are most of a stream's events; they are assembled around the JSON of the delta alone. */
function pushDeltas(
  list: EventList,
  type: string,
  at: Record<string, unknown>,
  deltas: readonly string[],
  suffix = "",
): void {
  const prefix = `${JSON.stringify(at).slice(0, -1)},"delta":`;
  for (const delta of deltas) list.pushJson(type, `${prefix}${JSON.stringify(delta)}${suffix}}`, true);
}

function pushReasoning(list: EventList, item: OutputItem, outputIndex: number, choice: PlannedChoice): void {
  const at = { item_id: item.id, output_index: outputIndex, summary_index: 0 };
  list.push("response.output_item.added", { output_index: outputIndex, item: { ...item, summary: [] } });
  list.push("response.reasoning_summary_part.added", { ...at, part: { type: "summary_text", text: "" } });
  pushDeltas(list, "response.reasoning_summary_text.delta", at, choice.reasoningChunks);
  list.push("response.reasoning_summary_text.done", { ...at, text: choice.reasoning });
  list.push("response.reasoning_summary_part.done", { ...at, part: { type: "summary_text", text: choice.reasoning } });
  list.push("response.output_item.done", { output_index: outputIndex, item });
}

function pushMessage(list: EventList, item: OutputItem, outputIndex: number, choice: PlannedChoice): void {
  const at = { item_id: item.id, output_index: outputIndex, content_index: 0 };
  const text = choice.content ?? "";
  list.push("response.output_item.added", {
    output_index: outputIndex,
    item: { ...item, status: "in_progress", content: [] },
  });
  list.push("response.content_part.added", { ...at, part: outputTextPart("") });
  pushDeltas(list, "response.output_text.delta", at, choice.contentChunks, ',"logprobs":[]');
  list.push("response.output_text.done", { ...at, text, logprobs: [] });
  list.push("response.content_part.done", { ...at, part: outputTextPart(text) });
  list.push("response.output_item.done", { output_index: outputIndex, item });
}

function pushFunctionCall(list: EventList, item: OutputItem, outputIndex: number, chunks: readonly string[]): void {
  const at = { item_id: item.id, output_index: outputIndex };
  list.push("response.output_item.added", {
    output_index: outputIndex,
    item: { ...item, status: "in_progress", arguments: "" },
  });
  pushDeltas(list, "response.function_call_arguments.delta", at, chunks);
  list.push("response.function_call_arguments.done", { ...at, name: item.name, arguments: item.arguments });
  list.push("response.output_item.done", { output_index: outputIndex, item });
}

function pushOpening(list: EventList, conversation: ResponsesConversation, frame: ResponseFrame): void {
  // Both opening events carry the same in-progress response: serialise it once.
  const opening = `{"response":${JSON.stringify(renderResponseObject(conversation, frame, { status: "in_progress", output: [], plan: null }))}}`;
  list.pushJson("response.created", opening);
  list.pushJson("response.in_progress", opening);
}

/**
 * The events and the final response object they end with (which the caller stores). `output` (the
 * items with their ids) and `completedAt` are made here unless the caller has them already.
 */
export function renderResponseStream(
  plan: Plan,
  conversation: ResponsesConversation,
  context: RenderContext,
  frame: ResponseFrame,
  output: OutputItem[] = buildOutputItems(plan, drawOutputIds(plan, context)),
  completedAt: number = Math.floor(context.clock.now() / 1000),
) {
  const list = new EventList();
  pushOpening(list, conversation, frame);
  // The Responses API has no `n`: one choice.
  const [choice] = plan.choices;
  let toolIndex = 0;
  output.forEach((item, outputIndex) => {
    if (item.type === "reasoning") pushReasoning(list, item, outputIndex, choice);
    else if (item.type === "message") pushMessage(list, item, outputIndex, choice);
    else pushFunctionCall(list, item, outputIndex, choice.toolCalls[toolIndex++].argumentChunks);
  });
  const status = finalStatus(plan);
  const response = renderResponseObject(conversation, frame, { status, output, plan, completedAt });
  list.push(status === "completed" ? "response.completed" : "response.incomplete", { response });
  return { events: list.events, response };
}

export interface StreamErrorFields {
  type: string;
  code: string | null;
  message: string;
  param: string | null;
}

/**
 * An error after the stream has begun: an `error` event, then `response.failed`. The error is sent
 * both flat (as the OpenAPI schema has it) and nested (as first-party servers send it, per the SDK),
 * so readers of either shape find it.
 */
export function renderFailedStream(
  conversation: ResponsesConversation,
  frame: ResponseFrame,
  error: StreamErrorFields,
  extra: Record<string, unknown> = {},
) {
  const list = new EventList();
  pushOpening(list, conversation, frame);
  list.push("error", { code: error.code, message: error.message, param: error.param, error, ...extra });
  const response = renderResponseObject(conversation, frame, {
    status: "failed",
    output: [],
    plan: null,
    error: { code: error.code ?? "server_error", message: error.message },
  });
  list.push("response.failed", { response });
  return { events: list.events, response };
}
