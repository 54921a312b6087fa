// A request's `contents` (and `systemInstruction`) as canonical messages: a user turn's text parts are one
// user message and each functionResponse part a tool message, a model turn is one assistant message with
// its functionCall parts as tool calls. Thought parts a client sends back are the model's reasoning, not
// its answer, so they are left out; inlineData and fileData parts are counted by modality, not as text.
import type { Message, ToolCall } from "../../core/conversation.js";
import { type Modality, modalityOf } from "./conversation.js";
import { type GoogleApiError, invalidArgument, invalidValue } from "./errors.js";
import { isRecord } from "../json-values.js";
import { field } from "./json.js";

const CONTENT_TYPE = "type.googleapis.com/google.ai.generativelanguage.v1beta.Content";
const PART_TYPE = "type.googleapis.com/google.ai.generativelanguage.v1beta.Part";

export interface ParsedContents {
  messages: Message[];
  media: Modality[];
}

/** What one part holds, once read. */
type PartData =
  | { kind: "text"; text: string; thought: boolean }
  | { kind: "call"; call: ToolCall }
  | { kind: "response"; message: Message }
  | { kind: "media"; modality: Modality }
  | { kind: "other" };

/** The JSON text of a value sent as a protobuf Struct (functionCall.args, functionResponse.response). */
const structText = (value: unknown): string => (value === undefined ? "{}" : JSON.stringify(value));

const stringOr = (value: unknown, fallback: string): string => (typeof value === "string" ? value : fallback);

function functionCallOf(call: Record<string, unknown>): ToolCall {
  return { id: stringOr(call.id, ""), name: stringOr(call.name, ""), arguments: structText(call.args) };
}

/**
 * A tool result answers the call of the same id when the client sends one (current SDKs echo it), else
 * the call of the same name: Gemini's calls carry no id of their own, so a fixture's `toolCallId` is the
 * function's name unless the fixture pins an id (which the answer then carries).
 */
function functionResponseOf(response: Record<string, unknown>): Message {
  const name = stringOr(response.name, "");
  return { role: "tool", content: structText(response.response), name, toolCallId: stringOr(response.id, name) };
}

/** The data of part `path`, or the 400 Google answers for a part with none (or an empty text). */
function readPart(part: unknown, path: string, request: string): PartData | GoogleApiError {
  if (!isRecord(part)) return invalidValue(path, PART_TYPE, part);
  const { text } = part;
  if (text !== undefined && typeof text !== "string") return invalidValue(`${path}.text`, "TYPE_STRING", text);
  if (typeof text === "string" && (text !== "" || field(part, "thoughtSignature", "thought_signature") !== undefined))
    return { kind: "text", text, thought: part.thought === true };
  const call = field(part, "functionCall", "function_call");
  if (isRecord(call)) return { kind: "call", call: functionCallOf(call) };
  const response = field(part, "functionResponse", "function_response");
  if (isRecord(response)) return { kind: "response", message: functionResponseOf(response) };
  const media = field(part, "inlineData", "inline_data") ?? field(part, "fileData", "file_data");
  if (isRecord(media)) return { kind: "media", modality: modalityOf(field(media, "mimeType", "mime_type")) };
  if (field(part, "executableCode", "executable_code") ?? field(part, "codeExecutionResult", "code_execution_result"))
    return { kind: "other" };
  return invalidArgument(
    `* ${request}.${path}.data: required oneof field 'data' must have one initialized field\n`,
    `${path}.data`,
  );
}

/** The parts of content `path`, or the 400 for a content without any. */
function partsOf(content: Record<string, unknown>, path: string, request: string): unknown[] | GoogleApiError {
  const { parts } = content;
  if (parts !== undefined && !Array.isArray(parts)) return invalidValue(`${path}.parts`, PART_TYPE, parts);
  if (parts === undefined || parts.length === 0)
    return invalidArgument(`* ${request}.${path}.parts: contents.parts must not be empty.\n`, `${path}.parts`);
  return parts;
}

/** One content's messages, appended to `into`: its role's message, with tool results where they fall. */
function readContent(content: unknown, i: number, request: string, into: ParsedContents): GoogleApiError | null {
  const path = `contents[${i}]`;
  if (!isRecord(content)) return invalidValue(path, CONTENT_TYPE, content);
  const parts = partsOf(content, path, request);
  if (!Array.isArray(parts)) return parts;
  const { role } = content;
  if (role !== undefined && role !== "" && role !== "user" && role !== "model")
    return invalidArgument("Please use a valid role: user, model.", `${path}.role`);
  const fromModel = role === "model";
  let texts: string[] = [];
  const calls: ToolCall[] = [];
  const flush = (): void => {
    if (texts.length > 0) into.messages.push({ role: "user", content: texts.join("\n") });
    texts = [];
  };
  for (let j = 0; j < parts.length; j++) {
    const data = readPart(parts[j], `${path}.parts[${j}]`, request);
    if ("status" in data) return data;
    if (data.kind === "text" && !data.thought) texts.push(data.text);
    else if (data.kind === "call") calls.push(data.call);
    else if (data.kind === "media") into.media.push(data.modality);
    else if (data.kind === "response" && !fromModel) {
      flush();
      into.messages.push(data.message);
    }
  }
  if (!fromModel) flush();
  else {
    const message: Message = { role: "assistant", content: texts.join("\n") };
    if (calls.length > 0) message.toolCalls = calls;
    into.messages.push(message);
  }
  return null;
}

/** `contents` as messages, or the 400 Google answers for a request without any. */
export function parseContents(contents: unknown, request: string, into: ParsedContents): GoogleApiError | null {
  if (contents !== undefined && !Array.isArray(contents)) return invalidValue("contents", CONTENT_TYPE, contents);
  if (contents === undefined || contents.length === 0)
    return invalidArgument(`* ${request}.contents: contents is not specified\n`, "contents");
  for (let i = 0; i < contents.length; i++) {
    const refused = readContent(contents[i], i, request, into);
    if (refused) return refused;
  }
  return null;
}

/** `systemInstruction` (a Content, or a plain string as some clients send it) as the system message's text. */
export function systemText(instruction: unknown): string | undefined {
  if (typeof instruction === "string") return instruction;
  if (!isRecord(instruction) || !Array.isArray(instruction.parts)) return undefined;
  const texts: string[] = [];
  for (const part of instruction.parts) if (isRecord(part) && typeof part.text === "string") texts.push(part.text);
  return texts.length > 0 ? texts.join("\n") : undefined;
}
