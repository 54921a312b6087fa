// Renders the embeddings list body, each vector as a float array or as base64 of little-endian float32 bytes.
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

export function renderEmbeddings(model: string, vectors: readonly (readonly number[])[], format: EncodingFormat, promptTokens: number): EmbeddingsBody {
  const data = vectors.map((vector, index) => ({
    object: "embedding" as const,
    index,
    embedding: format === "base64" ? float32Base64(vector) : vector,
  }));
  return { object: "list", data, model, usage: { prompt_tokens: promptTokens, total_tokens: promptTokens } };
}
