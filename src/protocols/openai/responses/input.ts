// Reads Responses API `input` (a string or a list of items) into canonical messages and the
// input items that `input_items` lists back.
import type { Message, Role, ToolCall } from "../../../core/conversation.js";
import type { IdSource } from "../../../core/ids.js";
import type { ApiError } from "../../types.js";
import { contentText, shownValue } from "../content.js";
import { isRecord } from "../../json-values.js";
import { invalidRequest } from "../errors.js";

const MESSAGE_ROLES = new Set<string>(["user", "system", "developer", "assistant"]);

export interface ParsedInput {
  messages: Message[];
  items: Record<string, unknown>[];
  /** The items whose ids were generated here (a client's own ids are kept), for drawing them afresh (redrawIds). */
  generatedIds: GeneratedId[];
}

/** Item `index` of the input got a generated id with this prefix. */
export interface GeneratedId {
  index: number;
  prefix: string;
}

const ID_LENGTH = 48;

function textItem(role: string, text: string, id: string): Record<string, unknown> {
  const partType = role === "assistant" ? "output_text" : "input_text";
  return { id, type: "message", role, status: "completed", content: [{ type: partType, text }] };
}

/** The items with their generated ids drawn again, in the order parseInput drew them; the rest shared. */
export function redrawIds(
  items: readonly Record<string, unknown>[],
  generated: readonly GeneratedId[],
  ids: IdSource,
): Record<string, unknown>[] {
  const redrawn = items.slice();
  for (const { index, prefix } of generated)
    redrawn[index] = { ...items[index], id: ids.next(prefix, ID_LENGTH, "hex") };
  return redrawn;
}

function appendToolCall(messages: Message[], call: ToolCall): void {
  // Parallel calls (and a call after the assistant's text) belong to one assistant turn.
  const last = messages.at(-1);
  if (last?.role === "assistant") (last.toolCalls ??= []).push(call);
  else messages.push({ role: "assistant", content: "", toolCalls: [call] });
}

export function parseInput(input: unknown, ids: IdSource): ParsedInput | ApiError {
  if (typeof input === "string") {
    return {
      messages: [{ role: "user", content: input }],
      items: [textItem("user", input, ids.next("msg_", ID_LENGTH, "hex"))],
      generatedIds: [{ index: 0, prefix: "msg_" }],
    };
  }
  if (!Array.isArray(input))
    return invalidRequest(
      "Invalid type for 'input': expected a string or an array of input items.",
      "input",
      "invalid_type",
    );
  const parsed = new InputItems(ids);
  for (let i = 0; i < input.length; i++) {
    const failed = parsed.add(input[i], `input[${i}]`);
    if (failed) return failed;
  }
  return { messages: parsed.messages, items: parsed.items, generatedIds: parsed.generatedIds };
}

/** The conversation and the input items of an input list, one item at a time. */
class InputItems {
  readonly messages: Message[] = [];
  readonly items: Record<string, unknown>[] = [];
  readonly generatedIds: GeneratedId[] = [];

  constructor(private readonly ids: IdSource) {}

  /** An id for the item about to be pushed: the client's own, or a generated one (recorded). A null id is none. */
  private idFor(given: unknown, prefix: string): unknown {
    if (given !== undefined && given !== null) return given;
    this.generatedIds.push({ index: this.items.length, prefix });
    return this.ids.next(prefix, ID_LENGTH, "hex");
  }

  /** The item with its id first, as the API lists items; the client's other fields are kept as sent. */
  private withId(id: unknown, fields: Record<string, unknown>): Record<string, unknown> {
    return Object.assign({ id }, fields, { id });
  }

  /** Adds one item, or returns the 400 it gets. */
  add(item: unknown, param: string): ApiError | null {
    if (!isRecord(item))
      return invalidRequest(`Invalid type for '${param}': expected an object.`, param, "invalid_type");
    const type = item.type ?? (item.role !== undefined ? "message" : undefined);
    if (type === "message") return this.addMessage(item, param);
    if (type === "function_call") return this.addCall(item, param);
    if (type === "function_call_output") return this.addOutput(item, param);
    if (type === "reasoning" || type === "item_reference") {
      // Earlier reasoning is context for the model, not a turn of the conversation.
      this.items.push({ ...item });
      return null;
    }
    return invalidRequest(
      `Invalid value: '${shownValue(type)}'. Supported input item types are 'message', 'function_call', 'function_call_output' and 'reasoning'.`,
      `${param}.type`,
      "invalid_value",
    );
  }

  private addMessage(item: Record<string, unknown>, param: string): ApiError | null {
    if (typeof item.role !== "string" || !MESSAGE_ROLES.has(item.role)) {
      return invalidRequest(
        `Invalid value: '${shownValue(item.role)}'. Supported values are: 'assistant', 'system', 'developer', and 'user'.`,
        `${param}.role`,
        "invalid_value",
      );
    }
    const content = typeof item.content === "string" ? item.content : contentText(item.content);
    this.messages.push({ role: item.role as Role, content });
    this.items.push(
      typeof item.content === "string"
        ? textItem(item.role, content, this.idFor(undefined, "msg_") as string)
        : this.withId(this.idFor(item.id, "msg_"), { status: "completed", ...item, type: "message" }),
    );
    return null;
  }

  private addCall(item: Record<string, unknown>, param: string): ApiError | null {
    if (typeof item.call_id !== "string" || typeof item.name !== "string") {
      return invalidRequest(
        `Missing required parameter: '${param}.${typeof item.call_id !== "string" ? "call_id" : "name"}'.`,
        param,
        "missing_required_parameter",
      );
    }
    const args = typeof item.arguments === "string" ? item.arguments : JSON.stringify(item.arguments ?? {});
    appendToolCall(this.messages, { id: item.call_id, name: item.name, arguments: args });
    this.items.push(this.withId(this.idFor(item.id, "fc_"), { status: "completed", ...item }));
    return null;
  }

  private addOutput(item: Record<string, unknown>, param: string): ApiError | null {
    if (typeof item.call_id !== "string")
      return invalidRequest(
        `Missing required parameter: '${param}.call_id'.`,
        `${param}.call_id`,
        "missing_required_parameter",
      );
    const output = typeof item.output === "string" ? item.output : contentText(item.output);
    this.messages.push({ role: "tool", content: output, toolCallId: item.call_id });
    this.items.push(this.withId(this.idFor(item.id, "fco_"), { status: "completed", ...item }));
    return null;
  }
}

/** A `function_call_output` must answer a call made earlier in the conversation, as the real API checks. */
export function findUnansweredOutput(messages: readonly Message[]): ApiError | null {
  const calls = new Set<string>();
  for (const message of messages) {
    for (const call of message.toolCalls ?? []) calls.add(call.id);
    if (message.role === "tool" && message.toolCallId !== undefined && !calls.has(message.toolCallId)) {
      return invalidRequest(
        `No tool call found for function call output with call_id ${message.toolCallId}.`,
        "input",
        null,
      );
    }
  }
  return null;
}
