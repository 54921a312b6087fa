// Gemini's embedding methods as resource routes: embedContent and batchEmbedContents on the Gemini API,
// predict (text embedding models) and embedContent on Vertex AI. Each input gets the vector a fixture pins
// for it, or the vector derived from the model and text (core/embedding-vectors.ts), OpenAI's the same way.
import { derivedVector } from "../../core/embedding-vectors.js";
import { modelNotFound } from "../../core/errors.js";
import { embeddingInputConversation, pinnedVector } from "../../fixtures/pinned-embedding.js";
import type { RouteDeps } from "../../routes.js";
import type { ResourceAnswer, ResourceRoute, SurfaceWire } from "../types.js";
import { modelName } from "./conversation.js";
import { type EmbedInput, parseBatchEmbed, parseEmbedContent, parsePredict } from "./embed-parse.js";
import { type GoogleApiError, invalidArgument } from "./errors.js";
import { isRecord } from "../json-values.js";
import { GEMINI_ENCODING } from "./prompt-tokens.js";

type Deps = Pick<RouteDeps, "fixtures" | "models" | "tokens">;

/** The size of a model's vectors: gemini-embedding models' 3,072, the text-embedding models' (and others') 768. */
const nativeDimensions = (model: string): number => (model.includes("gemini-embedding") ? 3072 : 768);

interface Embedded {
  vectors: number[][];
  fixture: string | null;
}

/** Each input's vector: pinned by a fixture, else derived at the size asked for (at most the model's). */
function embed(
  deps: Deps,
  api: string,
  model: string,
  inputs: readonly EmbedInput[],
  body: unknown,
): Embedded | GoogleApiError {
  const native = nativeDimensions(model);
  const wire = isRecord(body) ? body : {};
  const labels = new Set<string>();
  const vectors: number[][] = [];
  for (const input of inputs) {
    const hit = pinnedVector(deps.fixtures, embeddingInputConversation(api, model, input.text, wire));
    if (hit) {
      labels.add(hit.label);
      if (input.dimensions !== undefined && hit.vector.length !== input.dimensions)
        return invalidArgument(
          `Fixture ${hit.label} pins a vector of ${hit.vector.length} dimensions for ${input.path}, but the request asked for output_dimensionality ${input.dimensions}. Leave it out, or pin a vector of that length.`,
          "output_dimensionality",
        );
      vectors.push(hit.vector);
      continue;
    }
    if (input.dimensions !== undefined && input.dimensions > native)
      return invalidArgument(
        `* ${input.path}.output_dimensionality: output_dimensionality must be at most ${native} for models/${model}\n`,
        "output_dimensionality",
      );
    vectors.push(derivedVector(model, input.text, input.dimensions ?? native));
  }
  return { vectors, fixture: labels.size > 0 ? [...labels].join(", ") : null };
}

/** Text without whitespace, which Vertex AI bills by. */
const billable = (text: string): number => text.replace(/\s+/g, "").length;

type Shape = (embedded: Embedded, inputs: readonly EmbedInput[], count: (text: string) => number) => unknown;

const SHAPES: Record<string, Shape> = {
  embedContent: ({ vectors }) => ({ embedding: { values: vectors[0] } }),
  batchEmbedContents: ({ vectors }) => ({ embeddings: vectors.map((values) => ({ values })) }),
  vertexEmbedContent: ({ vectors }, inputs, count) => ({
    embedding: { values: vectors[0] },
    usageMetadata: { promptTokenCount: count(inputs[0].text) },
  }),
  predict: ({ vectors }, inputs, count) => ({
    predictions: vectors.map((values, i) => ({
      embeddings: { statistics: { truncated: false, token_count: count(inputs[i].text) }, values },
    })),
    metadata: { billableCharacterCount: inputs.reduce((sum, input) => sum + billable(input.text), 0) },
  }),
};

interface EmbedMethod {
  /** The API name, as the journal shows it and fixtures' predicates see it. */
  api: string;
  shape: keyof typeof SHAPES;
  parse(body: unknown): EmbedInput | EmbedInput[] | GoogleApiError;
}

const METHODS = {
  embedContent: { api: "embedContent", shape: "embedContent", parse: parseEmbedContent },
  batchEmbedContents: { api: "batchEmbedContents", shape: "batchEmbedContents", parse: parseBatchEmbed },
  vertexEmbedContent: { api: "embedContent", shape: "vertexEmbedContent", parse: parseEmbedContent },
  predict: { api: "predict", shape: "predict", parse: parsePredict },
} as const satisfies Record<string, EmbedMethod>;

export function embedRoute(
  deps: Deps,
  method: keyof typeof METHODS,
  pattern: RegExp,
  wire: SurfaceWire,
): ResourceRoute {
  const { api, shape, parse } = METHODS[method];
  return {
    method: "POST",
    pattern,
    api,
    surface: wire,
    handle([resource], _query, body): ResourceAnswer {
      const named = modelName(resource);
      const model = deps.models.resolve(named);
      if (model === undefined) return { error: wire.describeError(modelNotFound(named)), model: named };
      const parsed = parse(body);
      if ("status" in parsed) return { error: parsed, model };
      const inputs = Array.isArray(parsed) ? parsed : [parsed];
      const embedded = embed(deps, api, model, inputs, body);
      if ("status" in embedded) return { error: embedded, model };
      const count = deps.tokens.counter(GEMINI_ENCODING);
      return { status: 200, body: SHAPES[shape](embedded, inputs, count), model, fixture: embedded.fixture };
    },
  };
}
