// Renders the embeddings list body, each vector as a float array or as base64 of little-endian float32
// bytes: as one object for an ordinary answer, or as JSON text in parts for a large one.
import { JsonInParts } from "../../json-parts.js";
import type { EncodingFormat } from "./parse.js";

/** Base64 of the vector as little-endian float32, what the openai SDK asks for by default and decodes. */
export function float32Base64(vector: readonly number[]): string {
  const bytes = Buffer.allocUnsafe(vector.length * 4);
  for (let i = 0; i < vector.length; i++) bytes.writeFloatLE(vector[i], i * 4);
  return bytes.toString("base64");
}

export interface EmbeddingsBody {
  object: "list";
  data: { object: "embedding"; index: number; embedding: readonly number[] | string }[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
}

export function renderEmbeddings(
  model: string,
  vectors: readonly (readonly number[])[],
  format: EncodingFormat,
  promptTokens: number,
): EmbeddingsBody {
  const data = vectors.map((vector, index) => ({
    object: "embedding" as const,
    index,
    embedding: format === "base64" ? float32Base64(vector) : vector,
  }));
  return { object: "list", data, model, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } };
}

/**
 * About this many vector components go into one part (ten vectors of 3,072): ~5 ms of deriving and
 * formatting floats on one core (measured: ~0.16 µs a component; base64 is cheaper), so other
 * clients wait about that long between parts.
 */
const PART_COMPONENTS = 32_768;

export interface PartedEmbeddings {
  model: string;
  /** How many vectors the body holds. */
  count: number;
  /** Vector i, made when its part is produced (derived vectors are computed only then). */
  vector(index: number): readonly number[];
  format: EncodingFormat;
  promptTokens: number;
}

/** Yields the text JSON.stringify(renderEmbeddings(...)) would give, byte for byte, a few vectors at a time. */
function* embeddingsText({
  model,
  count,
  vector,
  format,
  promptTokens,
}: PartedEmbeddings): Generator<string, void, undefined> {
  const tail = `],"model":${JSON.stringify(model)},"usage":{"prompt_tokens":${promptTokens},"total_tokens":${promptTokens}}}`;
  let index = 0;
  let head = `{"object":"list","data":[`;
  while (index < count) {
    const items: string[] = [];
    for (let components = 0; index < count && components < PART_COMPONENTS; index++) {
      const values = vector(index);
      components += values.length;
      // Base64's alphabet needs no escaping in JSON; numbers format as JSON.stringify formats them in an object.
      const embedding = format === "base64" ? `"${float32Base64(values)}"` : JSON.stringify(values);
      items.push(`{"object":"embedding","index":${index},"embedding":${embedding}}`);
    }
    yield head + items.join(",") + (index === count ? tail : "");
    head = ",";
  }
}

export function renderEmbeddingsInParts(body: PartedEmbeddings): JsonInParts {
  return new JsonInParts({ [Symbol.iterator]: () => embeddingsText(body) });
}
