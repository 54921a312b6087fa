// Parses a POST /v1/embeddings body into the texts to embed and the output options, or an OpenAI-shaped 400.
import { decodeTokenList, encodingForModel, type EncodingName } from "../../../core/tokenizer.js";
import type { ApiError } from "../../types.js";
import { shownValue } from "../content.js";
import { isRecord } from "../../json-values.js";
import { invalidRequest } from "../errors.js";
import { requireModel } from "../model-field.js";
import { TokenTally } from "./limits.js";

/** One input: its text, and for a token-array input the number of tokens sent (usage counts those). */
export interface EmbeddingInput {
  text: string;
  tokenCount?: number;
  /** Where it sits in the request, for error messages: `input` or `input[3]`. */
  param: string;
}

export type EncodingFormat = "float" | "base64";

export interface EmbeddingsRequest {
  model: string;
  encoding: EncodingName;
  inputs: EmbeddingInput[];
  encodingFormat: EncodingFormat;
  /** The `dimensions` the request asked for; undefined when it set none. */
  requestedDimensions?: number;
  /** The length of a derived vector: the requested dimensions, or the model's native size. */
  dimensions: number;
}

const MAX_INPUTS = 2048;
/** The size of vectors for models we do not know (a fixture's own names). */
const DEFAULT_DIMENSIONS = 1536;
/**
 * The most `dimensions` such a model accepts: 3,072, the largest OpenAI model's size. Without a
 * ceiling, 2,048 inputs x 16,384 dimensions (15 KB of request) asked for a body past V8's string limit.
 */
const MAX_UNKNOWN_DIMENSIONS = 3072;

// OpenAI's own answer to an input of the wrong shape, an empty string, or an empty token list.
const INVALID_INPUT =
  "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference.";

interface ModelDimensions {
  native: number;
  /** The most `dimensions` the model accepts; 0 when it does not accept the parameter at all. */
  max: number;
}

function modelDimensions(model: string): ModelDimensions {
  const name = model.toLowerCase();
  if (name.includes("text-embedding-ada-002")) return { native: 1536, max: 0 };
  if (name.includes("text-embedding-3-large")) return { native: 3072, max: 3072 };
  if (name.includes("text-embedding-3-small")) return { native: 1536, max: 1536 };
  return { native: DEFAULT_DIMENSIONS, max: MAX_UNKNOWN_DIMENSIONS };
}

const isTokenList = (value: unknown): value is number[] =>
  Array.isArray(value) && value.length > 0 && value.every((token) => Number.isInteger(token) && (token as number) >= 0);

function tokenInput(tokens: number[], encoding: EncodingName, param: string): EmbeddingInput | ApiError {
  const decoded = decodeTokenList(tokens, encoding);
  if ("text" in decoded) return { text: decoded.text, tokenCount: tokens.length, param };
  return invalidRequest(
    `Invalid '${param}': token ${decoded.unknownToken} is not in the ${encoding} vocabulary.`,
    param,
    "invalid_value",
  );
}

/**
 * A string, an array of strings, one token list (integers) or an array of token lists. Token lists
 * are decoded with the model's encoding, so `[tokens of "hello"]` embeds (and matches) as "hello".
 */
function parseInput(input: unknown, encoding: EncodingName): EmbeddingInput[] | ApiError {
  const invalid = invalidRequest(INVALID_INPUT, "input", "invalid_value");
  if (typeof input === "string") return input.length > 0 ? [{ text: input, param: "input" }] : invalid;
  if (!Array.isArray(input)) return invalid;
  if (input.length === 0) {
    return invalidRequest(
      "Invalid 'input': empty array. Expected an array with minimum length 1, but got an empty array instead.",
      "input",
      "empty_array",
    );
  }
  // One token list is one input, however long: the 2,048 limit counts inputs, and OpenAI's cookbook
  // embeds long texts as flat lists of 8,191 tokens (the 8,192-token limit applies instead).
  if (isTokenList(input)) {
    const tally = new TokenTally();
    tally.add(input.length);
    const one = tally.refusal() ?? tokenInput(input, encoding, "input");
    return "status" in one ? one : [one];
  }
  if (input.length > MAX_INPUTS) {
    return invalidRequest(
      `Invalid 'input': array too long. Expected an array with maximum length ${MAX_INPUTS}, but got an array with length ${input.length} instead.`,
      "input",
      "array_above_max_length",
    );
  }
  if (input.every((item) => typeof item === "string")) {
    return input.every((item) => item.length > 0)
      ? input.map((text: string, i) => ({ text, param: `input[${i}]` }))
      : invalid;
  }
  if (!input.every(isTokenList)) return invalid;
  // Token lists are measured before they are decoded, so a request over the limits costs no decoding.
  const tally = new TokenTally();
  for (const tokens of input as number[][]) tally.add(tokens.length);
  const refusal = tally.refusal();
  if (refusal) return refusal;
  const inputs: EmbeddingInput[] = [];
  for (let i = 0; i < input.length; i++) {
    const one = tokenInput(input[i] as number[], encoding, `input[${i}]`);
    if ("status" in one) return one;
    inputs.push(one);
  }
  return inputs;
}

function describeType(value: unknown): string {
  if (typeof value === "number") return "a decimal number";
  if (Array.isArray(value)) return "an array";
  return typeof value === "object" ? "an object" : `a ${typeof value}`;
}

function parseDimensions(
  body: Record<string, unknown>,
  model: string,
): { requested?: number; dimensions: number } | ApiError {
  const { native, max } = modelDimensions(model);
  // OpenAI refuses the parameter for ada-002 even when it names the native size, or is null; its
  // answer names neither a param nor a code.
  if (max === 0 && "dimensions" in body)
    return invalidRequest("This model does not support specifying dimensions.", null);
  const value = body.dimensions;
  if (value === undefined || value === null) return { dimensions: native };
  if (typeof value !== "number" || !Number.isInteger(value)) {
    return invalidRequest(
      `Invalid type for 'dimensions': expected an integer, but got ${describeType(value)} instead.`,
      "dimensions",
      "invalid_type",
    );
  }
  if (value < 1) {
    return invalidRequest(
      `Invalid 'dimensions': integer below minimum value. Expected a value >= 1, but got ${value} instead.`,
      "dimensions",
      "integer_below_min_value",
    );
  }
  if (value > max) {
    return invalidRequest(
      `Invalid 'dimensions': integer above maximum value. Expected a value <= ${max}, but got ${value} instead.`,
      "dimensions",
      "integer_above_max_value",
    );
  }
  return { requested: value, dimensions: value };
}

export function parseEmbeddingsRequest(body: unknown): EmbeddingsRequest | ApiError {
  if (!isRecord(body)) return invalidRequest("The request body must be a JSON object.", null, "invalid_type");
  const model = requireModel(body);
  if (typeof model !== "string") return model;
  if (body.input === undefined)
    return invalidRequest("Missing required parameter: 'input'.", "input", "missing_required_parameter");
  const format = body.encoding_format ?? "float";
  if (format !== "float" && format !== "base64") {
    return invalidRequest(
      `Invalid value: '${shownValue(format)}'. Supported values are: 'float' and 'base64'.`,
      "encoding_format",
      "invalid_value",
    );
  }
  if (body.user !== undefined && body.user !== null && typeof body.user !== "string") {
    return invalidRequest("Invalid type for 'user': expected a string.", "user", "invalid_type");
  }
  const dimensions = parseDimensions(body, model);
  if ("status" in dimensions) return dimensions;
  const encoding = encodingForModel(model);
  const inputs = parseInput(body.input, encoding);
  if ("status" in inputs) return inputs;
  return {
    model: model,
    encoding,
    inputs,
    encodingFormat: format,
    requestedDimensions: dimensions.requested,
    dimensions: dimensions.dimensions,
  };
}
