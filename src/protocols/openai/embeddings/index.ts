// POST /v1/embeddings as a resource route: each input gets the vector a fixture pins for it, or a derived one.
import { DEFAULT_PARAMS, type Conversation } from "../../../core/conversation.js";
import type { TokenCache } from "../../../core/plan.js";
import type { FixtureSet } from "../../../fixtures/index.js";
import type { ResourceAnswer, ResourceRoute } from "../../types.js";
import { isRecord } from "../content.js";
import { invalidRequest } from "../errors.js";
import { parseEmbeddingsRequest, type EmbeddingInput, type EmbeddingsRequest } from "./parse.js";
import { renderEmbeddings } from "./render.js";
import { derivedVector } from "./vectors.js";

export { parseEmbeddingsRequest, type EmbeddingsRequest } from "./parse.js";
export { derivedVector } from "./vectors.js";
export { float32Base64 } from "./render.js";

export interface EmbeddingsRouteDeps {
  fixtures: FixtureSet;
  tokens: TokenCache;
}

/** An input as the conversation fixtures match: one user message, on the `embeddings` api. */
function inputConversation(request: EmbeddingsRequest, input: EmbeddingInput, body: Record<string, unknown>): Conversation {
  return { api: "embeddings", model: request.model, messages: [{ role: "user", content: input.text }], tools: [], stream: false, params: { ...DEFAULT_PARAMS }, body };
}

/**
 * The vector a fixture pins for this input, if the first fixture that matches it has one. A hit
 * without `embedding` (a chat fixture) is ignored, and an input no fixture matches is not an error:
 * both get the derived vector.
 */
function pinnedVector(fixtures: FixtureSet, conversation: Conversation): { vector: number[]; label: string } | null {
  const result = fixtures.match(conversation, (reply) => reply.embedding !== undefined);
  fixtures.commit(result.claim); // embeddings are neither rate limited nor queued: every input matched is answered
  const vector = result.hit?.reply.embedding;
  return result.hit && vector ? { vector, label: result.hit.label } : null;
}

export function createEmbeddingsRoute({ fixtures, tokens }: EmbeddingsRouteDeps): ResourceRoute {
  return {
    method: "POST",
    pattern: /^\/embeddings$/,
    api: "embeddings",
    handle(_params, _query, body): ResourceAnswer {
      const request = parseEmbeddingsRequest(body);
      const wire = isRecord(body) ? body : {};
      if ("status" in request) return typeof wire.model === "string" ? { ...request, model: wire.model } : request;
      const count = tokens.counter(request.encoding);
      const labels = new Set<string>();
      const vectors: number[][] = [];
      let promptTokens = 0;
      for (const input of request.inputs) {
        promptTokens += input.tokenCount ?? count(input.text);
        const pinned = pinnedVector(fixtures, inputConversation(request, input, wire));
        if (!pinned) {
          vectors.push(derivedVector(request.model, input.text, request.dimensions));
          continue;
        }
        labels.add(pinned.label);
        const wanted = request.requestedDimensions;
        // Without `dimensions` a pinned vector goes out as given; with it, the lengths must agree.
        if (wanted !== undefined && pinned.vector.length !== wanted) {
          const message =
            `Invalid 'dimensions': fixture ${pinned.label} pins a vector of ${pinned.vector.length} dimensions for '${input.param}', ` +
            `but the request asked for ${wanted}. Leave 'dimensions' out, or pin a vector of that length.`;
          return { ...invalidRequest(message, "dimensions", "invalid_value"), model: request.model, fixture: pinned.label };
        }
        vectors.push(pinned.vector);
      }
      return {
        status: 200,
        body: renderEmbeddings(request.model, vectors, request.encodingFormat, promptTokens),
        model: request.model,
        fixture: labels.size > 0 ? [...labels].join(", ") : null,
      };
    },
  };
}
