// `generationConfig` as the canonical generation parameters: maxOutputTokens, stopSequences, candidateCount
// (n), the structured output asked for (responseMimeType with responseSchema or responseJsonSchema), and
// thinkingConfig. Values are read as proto3's JSON parser reads them (an int32 may come as a numeric
// string) and refused with Google's "Invalid value at" 400 when they cannot be.
import type { GenerationParams } from "../../core/conversation.js";
import type { ResponseFormat } from "../../core/format-check.js";
import { type GoogleApiError, invalidArgument, invalidValue, outOfRange } from "./errors.js";
import { isRecord } from "../json-values.js";
import { field } from "./json.js";

const CONFIG_TYPE = "type.googleapis.com/google.ai.generativelanguage.v1beta.GenerationConfig";
const THINKING_TYPE = "type.googleapis.com/google.ai.generativelanguage.v1beta.ThinkingConfig";
const INT32_MAX = 2_147_483_647;

const MIME_TYPES = new Set(["text/plain", "application/json", "application/xml", "application/yaml", "text/x.enum"]);
const MIME_TYPE_REFUSAL =
  "* GenerateContentRequest.generation_config.response_mime_type: allowed mimetypes are `text/plain`, `application/json`, `application/xml`, `application/yaml` and `text/x.enum`.\n";

/** The most candidates a request may ask for (Gemini 2.x models answer with up to 8). */
const MAX_CANDIDATES = 8;

export interface GeminiGeneration {
  params: GenerationParams;
  includeThoughts: boolean;
  thinkingOff: boolean;
}

type Read<T> = T | undefined | GoogleApiError;
const refused = <T>(value: Read<T>): value is GoogleApiError =>
  typeof value === "object" && value !== null && "status" in value;

/** An int32 field, from a number or a numeric string as proto3 JSON allows. */
function int32(value: unknown, path: string): Read<number> {
  if (value === undefined || value === null) return undefined;
  const number = typeof value === "string" && /^-?\d+$/.test(value) ? Number(value) : value;
  if (typeof number === "number" && Number.isInteger(number) && Math.abs(number) <= INT32_MAX) return number;
  return invalidValue(path, "TYPE_INT32", value);
}

/** A float field (read only to refuse a value that is not one). */
function float(value: unknown, path: string): Read<number> {
  if (value === undefined || value === null) return undefined;
  const number = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  return typeof number === "number" && Number.isFinite(number) ? number : invalidValue(path, "TYPE_FLOAT", value);
}

function stopSequences(value: unknown): Read<string[]> {
  if (value === undefined || value === null) return undefined;
  const path = "generation_config.stop_sequences";
  if (typeof value === "string") return [value];
  if (!Array.isArray(value)) return invalidValue(path, "TYPE_STRING", value);
  for (let i = 0; i < value.length; i++)
    if (typeof value[i] !== "string") return invalidValue(`${path}[${i}]`, "TYPE_STRING", value[i]);
  return value as string[];
}

/** OpenAPI-style schemas name their types in capitals (`OBJECT`); the format check reads JSON Schema's. */
function jsonSchemaTypes(schema: unknown, depth = 0): unknown {
  if (!isRecord(schema) || depth > 32) return schema;
  const copy: Record<string, unknown> = { ...schema };
  if (typeof copy.type === "string") copy.type = copy.type.toLowerCase();
  // fromEntries defines each property, so a property named __proto__ stays a property.
  if (isRecord(copy.properties))
    copy.properties = Object.fromEntries(
      Object.entries(copy.properties).map(([name, property]) => [name, jsonSchemaTypes(property, depth + 1)]),
    );
  if (copy.items !== undefined) copy.items = jsonSchemaTypes(copy.items, depth + 1);
  return copy;
}

function responseFormat(config: Record<string, unknown>): Read<ResponseFormat | null> {
  const mimeType = field(config, "responseMimeType", "response_mime_type");
  if (mimeType === undefined || mimeType === null) return null;
  if (typeof mimeType !== "string" || !MIME_TYPES.has(mimeType))
    return invalidArgument(MIME_TYPE_REFUSAL, "generation_config.response_mime_type");
  if (mimeType !== "application/json") return null;
  const jsonSchema = field(config, "responseJsonSchema", "response_json_schema") ?? config._responseJsonSchema;
  if (jsonSchema !== undefined && jsonSchema !== null) return { type: "json_schema", schema: jsonSchema };
  const schema = field(config, "responseSchema", "response_schema");
  if (schema !== undefined && schema !== null) return { type: "json_schema", schema: jsonSchemaTypes(schema) };
  return { type: "json_object" };
}

function thinking(config: Record<string, unknown>): Read<{ includeThoughts: boolean; thinkingOff: boolean }> {
  const value = field(config, "thinkingConfig", "thinking_config");
  if (value === undefined || value === null) return { includeThoughts: false, thinkingOff: false };
  if (!isRecord(value)) return invalidValue("generation_config.thinking_config", THINKING_TYPE, value);
  const include = field(value, "includeThoughts", "include_thoughts");
  if (include !== undefined && include !== null && typeof include !== "boolean")
    return invalidValue("generation_config.thinking_config.include_thoughts", "TYPE_BOOL", include);
  const budget = int32(
    field(value, "thinkingBudget", "thinking_budget"),
    "generation_config.thinking_config.thinking_budget",
  );
  if (refused(budget)) return budget;
  return { includeThoughts: include === true, thinkingOff: budget === 0 };
}

const BASE_PARAMS = { includeUsage: false, ignoreEos: false, topLogprobs: null } as const;

/** A numeric field checked for its type and, where Google bounds it for every model, its range. */
interface NumericField {
  json: string;
  proto: string;
  read: typeof int32;
  /** [lowest, highest] taken; Google words the upper end as exclusive (2.0001 for 2, 9 for 8). */
  range?: readonly [number, number, string];
}

/** Sampling fields whose values are checked but do not change a fixture's answer, and candidateCount. */
const NUMERIC_FIELDS: readonly NumericField[] = [
  {
    json: "candidateCount",
    proto: "candidate_count",
    read: int32,
    range: [1, MAX_CANDIDATES, `${MAX_CANDIDATES + 1}`],
  },
  { json: "temperature", proto: "temperature", read: float, range: [0, 2, "2.0001"] },
  { json: "topP", proto: "top_p", read: float, range: [0, 1, "1.0001"] },
  { json: "topK", proto: "top_k", read: int32 },
  { json: "seed", proto: "seed", read: int32 },
  { json: "presencePenalty", proto: "presence_penalty", read: float },
  { json: "frequencyPenalty", proto: "frequency_penalty", read: float },
];

/** The numeric fields' values by JSON name, or the 400 for one of the wrong type or out of its range. */
function numericFields(config: Record<string, unknown>): Map<string, number> | GoogleApiError {
  const values = new Map<string, number>();
  for (const { json, proto, read, range } of NUMERIC_FIELDS) {
    const value = read(field(config, json, proto), `generation_config.${proto}`);
    if (refused(value)) return value;
    if (value === undefined) continue;
    if (range && (value < range[0] || value > range[1]))
      return outOfRange(json, value, `from ${range[0]} (inclusive) to ${range[2]} (exclusive)`);
    values.set(json, value);
  }
  return values;
}

/** The generation parameters of `generationConfig`, or the 400 for a value Google would refuse. */
export function parseGenerationConfig(value: unknown): GeminiGeneration | GoogleApiError {
  if (value === undefined || value === null)
    return {
      params: { ...BASE_PARAMS, n: 1, stop: [], responseFormat: null },
      includeThoughts: false,
      thinkingOff: false,
    };
  if (!isRecord(value)) return invalidValue("generation_config", CONFIG_TYPE, value);
  // Kept as asked, 0 and below too: the model's range is checked once the model is known (output-limit.ts).
  const maxOutputTokens = int32(
    field(value, "maxOutputTokens", "max_output_tokens"),
    "generation_config.max_output_tokens",
  );
  if (refused(maxOutputTokens)) return maxOutputTokens;
  const numbers = numericFields(value);
  if (!(numbers instanceof Map)) return numbers;
  const stop = stopSequences(field(value, "stopSequences", "stop_sequences"));
  if (refused(stop)) return stop;
  const format = responseFormat(value);
  if (refused(format)) return format;
  const thoughts = thinking(value);
  if (refused(thoughts)) return thoughts;
  return {
    params: {
      ...BASE_PARAMS,
      maxOutputTokens,
      n: numbers.get("candidateCount") ?? 1,
      stop: stop ?? [],
      responseFormat: format ?? null,
      // A budget of 0: the model thinks not at all, so a reply's reasoning is neither counted nor spent.
      omitReasoning: thoughts?.thinkingOff === true,
    },
    ...(thoughts ?? { includeThoughts: false, thinkingOff: false }),
  };
}
