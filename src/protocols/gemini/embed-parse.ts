// The inputs of Gemini's embedding methods: embedContent's `content`, batchEmbedContents' `requests`, and
// Vertex AI's predict `instances`, each as the text to embed and the dimensions asked for, or the 400
// Google answers for them. A content's text parts are joined; its media parts are not embedded as text.
import { type GoogleApiError, invalidArgument, invalidValue } from "./errors.js";
import { isRecord } from "../json-values.js";
import { field } from "./json.js";

export interface EmbedInput {
  text: string;
  /** `outputDimensionality` asked for this input; undefined for the model's own. */
  dimensions?: number;
  /** Where the input sits in the request, for error messages (`content`, `requests[2]`). */
  path: string;
}

/** The most requests one batchEmbedContents call may hold. */
const MAX_BATCH = 100;
const INT32_MAX = 2_147_483_647;

const oneofRefusal = (request: string, path: string): GoogleApiError =>
  invalidArgument(`* ${request}.${path}.data: required oneof field 'data' must have one initialized field\n`, path);

/** A content's text parts joined, or the 400 for a content with no parts or a part with no data. */
function contentText(content: unknown, path: string, request: string): string | GoogleApiError {
  if (!isRecord(content)) return invalidArgument(`* ${request}.${path}: content is not specified\n`, path);
  const { parts } = content;
  if (!Array.isArray(parts) || parts.length === 0)
    return invalidArgument(`* ${request}.${path}.parts: contents.parts must not be empty.\n`, `${path}.parts`);
  const texts: string[] = [];
  for (let j = 0; j < parts.length; j++) {
    const part = parts[j];
    if (isRecord(part) && typeof part.text === "string" && part.text !== "") texts.push(part.text);
    else if (
      !isRecord(part) ||
      (field(part, "inlineData", "inline_data") ?? field(part, "fileData", "file_data")) === undefined
    )
      return oneofRefusal(request, `${path}.parts[${j}]`);
  }
  return texts.join("\n");
}

/** `outputDimensionality` (or its proto name), or the 400 for a value that is not an int32. */
function dimensionsOf(config: Record<string, unknown>, path: string): number | undefined | GoogleApiError {
  const value = field(config, "outputDimensionality", "output_dimensionality");
  if (value === undefined || value === null) return undefined;
  const number = typeof value === "string" && /^\d+$/.test(value) ? Number(value) : value;
  if (typeof number !== "number" || !Number.isInteger(number) || number < 0 || number > INT32_MAX)
    return invalidValue(`${path}output_dimensionality`, "TYPE_INT32", value);
  return number > 0 ? number : undefined;
}

/** One embedContent request (alone, or one of a batch at `path`), its dimensions where the request sets them. */
function readRequest(request: unknown, path: string, name: string): EmbedInput | GoogleApiError {
  if (!isRecord(request)) return invalidArgument(`* ${name}.${path}: content is not specified\n`, path);
  const text = contentText(request.content, path === "" ? "content" : `${path}.content`, name);
  if (typeof text !== "string") return text;
  // Vertex AI puts the options in embedContentConfig; the Gemini API beside the content.
  const config = field(request, "embedContentConfig", "embed_content_config");
  const dimensions = dimensionsOf(isRecord(config) ? config : request, path === "" ? "" : `${path}.`);
  if (typeof dimensions === "object") return dimensions;
  return { text, dimensions, path: path === "" ? "content" : path };
}

export const parseEmbedContent = (body: unknown): EmbedInput | GoogleApiError =>
  readRequest(body, "", "EmbedContentRequest");

export function parseBatchEmbed(body: unknown): EmbedInput[] | GoogleApiError {
  const name = "BatchEmbedContentsRequest";
  const requests = isRecord(body) ? body.requests : undefined;
  if (!Array.isArray(requests) || requests.length === 0)
    return invalidArgument(`* ${name}.requests: requests is not specified\n`, "requests");
  if (requests.length > MAX_BATCH)
    return invalidArgument(`* ${name}.requests: at most ${MAX_BATCH} requests can be in one batch\n`, "requests");
  const inputs: EmbedInput[] = [];
  for (let i = 0; i < requests.length; i++) {
    const input = readRequest(requests[i], `requests[${i}]`, name);
    if ("status" in input) return input;
    inputs.push(input);
  }
  return inputs;
}

/** Vertex AI's predict for text embedding models: `instances[].content` strings, `parameters.outputDimensionality`. */
export function parsePredict(body: unknown): EmbedInput[] | GoogleApiError {
  const instances = isRecord(body) ? body.instances : undefined;
  if (!Array.isArray(instances) || instances.length === 0)
    return invalidArgument("instances must be a non-empty list.", "instances");
  const parameters = isRecord(body) && isRecord(body.parameters) ? body.parameters : {};
  const dimensions = dimensionsOf(parameters, "parameters.");
  if (typeof dimensions === "object") return dimensions;
  const inputs: EmbedInput[] = [];
  for (let i = 0; i < instances.length; i++) {
    const instance = instances[i];
    const content = isRecord(instance) ? instance.content : undefined;
    if (typeof content !== "string") return invalidValue(`instances[${i}].content`, "TYPE_STRING", content);
    inputs.push({ text: content, dimensions, path: `instances[${i}]` });
  }
  return inputs;
}
