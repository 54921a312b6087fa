// Parses a Responses API request (HTTP body or WebSocket `response.create`) into the canonical
// conversation, resolving previous_response_id against the stored chain.
import { DEFAULT_PARAMS, type Conversation, type Message, type ToolDefinition } from "../../../core/conversation.js";
import type { ResponseFormat } from "../../../core/format-check.js";
import type { IdSource } from "../../../core/ids.js";
import type { ApiError } from "../../types.js";
import { isRecord } from "../../json-values.js";
import { invalidRequest } from "../errors.js";
import { requireModel } from "../model-field.js";
import { validateResponsesParameters } from "../validate.js";
import { outputLimit } from "../chat/parse.js";
import { findUnansweredOutput, parseInput, type GeneratedId } from "./input.js";
import type { ResponseLookup } from "./store.js";

export interface ResponsesConversation extends Conversation {
  responses: {
    /** This request's input items, with ids. */
    inputItems: Record<string, unknown>[];
    /** Which input items got generated ids (see redrawIds). */
    generatedIds: GeneratedId[];
    /** The chain so far plus this input, without instructions: what a follow-up continues from. */
    history: Message[];
    previousResponseId: string | null;
  };
}

export function previousResponseNotFound(id: string): ApiError {
  return invalidRequest(
    `Previous response with id '${id}' not found.`,
    "previous_response_id",
    "previous_response_not_found",
  );
}

function parseTools(tools: unknown): ToolDefinition[] {
  if (!Array.isArray(tools)) return [];
  const parsed: ToolDefinition[] = [];
  for (const tool of tools) {
    // Responses function tools are flat; Chat-style nested ones are accepted too.
    const spec = isRecord(tool) && isRecord(tool.function) ? tool.function : tool;
    if (isRecord(spec) && typeof spec.name === "string") {
      parsed.push({
        name: spec.name,
        description: typeof spec.description === "string" ? spec.description : undefined,
        parameters: spec.parameters,
      });
    }
  }
  return parsed;
}

/** Responses keeps the schema flat: `text: {format: {type: "json_schema", name, schema}}`. */
function textFormat(text: unknown): ResponseFormat | null {
  const format = isRecord(text) ? text.format : undefined;
  if (!isRecord(format) || typeof format.type !== "string") return null;
  return { type: format.type, name: typeof format.name === "string" ? format.name : undefined, schema: format.schema };
}

export function parseResponsesRequest(
  body: unknown,
  lookup: ResponseLookup,
  ids: IdSource,
): ResponsesConversation | ApiError {
  if (!isRecord(body)) return invalidRequest("The request body must be a JSON object.", null, "invalid_type");
  const model = requireModel(body);
  if (typeof model !== "string") return model;
  if (body.input === undefined && body.previous_response_id === undefined) {
    return invalidRequest("Missing required parameter: 'input'.", "input", "missing_required_parameter");
  }
  const input = parseInput(body.input ?? [], ids);
  if ("status" in input) return input;

  let prior: Message[] = [];
  const previousResponseId = typeof body.previous_response_id === "string" ? body.previous_response_id : null;
  if (previousResponseId !== null) {
    const previous = lookup.find(previousResponseId);
    if (!previous) return previousResponseNotFound(previousResponseId);
    prior = previous.history;
  }
  const history = [...prior, ...input.messages];
  const unanswered = findUnansweredOutput(history);
  if (unanswered) return unanswered;
  const invalid = validateResponsesParameters(body, history.map((m) => m.content).join("\n"));
  if (invalid) return invalid;

  // Instructions apply to this response only; a follow-up does not inherit them.
  const instructions = typeof body.instructions === "string" && body.instructions.length > 0 ? body.instructions : null;
  const messages: Message[] = instructions === null ? history : [{ role: "system", content: instructions }, ...history];
  return {
    api: "responses",
    model: model,
    messages,
    tools: parseTools(body.tools),
    stream: body.stream === true,
    params: {
      ...DEFAULT_PARAMS,
      includeUsage: true,
      maxOutputTokens: outputLimit(body.max_output_tokens),
      responseFormat: textFormat(body.text),
    },
    body,
    responses: { inputItems: input.items, generatedIds: input.generatedIds, history, previousResponseId },
  };
}
