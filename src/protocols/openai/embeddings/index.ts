// POST /v1/embeddings as a resource route: each input gets the vector a fixture pins for it, or a derived one.
import type { TokenCache } from "../../../core/plan.js";
import { SLICED_TEXT_CHARS } from "../../../core/token-cache.js";
import type { FixtureSet } from "../../../fixtures/index.js";
import { embeddingInputConversation, pinnedVector } from "../../../fixtures/pinned-embedding.js";
import type { ResourceAnswer, ResourceRefusal, ResourceRoute } from "../../types.js";
import { isRecord } from "../../json-values.js";
import { invalidRequest } from "../errors.js";
import { embeddingsPromptTokens } from "./limits.js";
import { parseEmbeddingsRequest, type EmbeddingsRequest } from "./parse.js";
import { renderEmbeddings, renderEmbeddingsInParts } from "./render.js";
import { derivedVector } from "../../../core/embedding-vectors.js";

/**
 * Answers with up to this many vector components (e.g. 85 vectors of 1,536) are built and sent at
 * once, as before: ~30 ms of work. Larger ones are produced and written in parts (see render.ts), so
 * the largest OpenAI allows (2,048 x 3,072, a 135 MB float body) neither freezes the server nor
 * holds the whole body in memory.
 */
const ONE_WRITE_COMPONENTS = 131_072;

export interface EmbeddingsRouteDeps {
  fixtures: FixtureSet;
  tokens: TokenCache;
}

/** Each input's pinned vector, or null where it gets a derived one; or the 400 for a pinned vector of the wrong length. */
function pinnedVectors(
  fixtures: FixtureSet,
  request: EmbeddingsRequest,
  wire: Record<string, unknown>,
): { pinned: (number[] | null)[]; labels: Set<string> } | ResourceRefusal {
  const labels = new Set<string>();
  const pinned: (number[] | null)[] = [];
  for (const input of request.inputs) {
    const hit = pinnedVector(fixtures, embeddingInputConversation("embeddings", request.model, input.text, wire));
    pinned.push(hit?.vector ?? null);
    if (!hit) continue;
    labels.add(hit.label);
    const wanted = request.requestedDimensions;
    // Without `dimensions` a pinned vector goes out as given; with it, the lengths must agree.
    if (wanted !== undefined && hit.vector.length !== wanted) {
      const message =
        `Invalid 'dimensions': fixture ${hit.label} pins a vector of ${hit.vector.length} dimensions for '${input.param}', ` +
        `but the request asked for ${wanted}. Leave 'dimensions' out, or pin a vector of that length.`;
      return {
        error: invalidRequest(message, "dimensions", "invalid_value"),
        model: request.model,
        fixture: hit.label,
      };
    }
  }
  return { pinned, labels };
}

export function createEmbeddingsRoute({ fixtures, tokens }: EmbeddingsRouteDeps): ResourceRoute {
  return {
    method: "POST",
    pattern: /^\/embeddings$/,
    api: "embeddings",
    handle(_params, _query, body): ResourceAnswer | Promise<ResourceAnswer> {
      const request = parseEmbeddingsRequest(body);
      const wire = isRecord(body) ? body : {};
      if ("status" in request)
        return typeof wire.model === "string" ? { error: request, model: wire.model } : { error: request };
      const texts = request.inputs
        .filter((input) => input.tokenCount === undefined)
        .map((input) => [request.encoding, input.text] as const);
      let length = 0;
      for (const [, text] of texts) length += text.length;
      if (length <= SLICED_TEXT_CHARS) return answer(request, wire);
      // Megabytes of input text: counted a slice at a time first, so other clients are answered meanwhile.
      return tokens
        .prepareTexts(texts, () => false)
        .then((prepared) => tokens.withPrepared(prepared ?? new Map(), () => answer(request, wire)));
    },
  };

  function answer(request: EmbeddingsRequest, wire: Record<string, unknown>): ResourceAnswer {
    const promptTokens = embeddingsPromptTokens(request.inputs, tokens.counter(request.encoding));
    if (typeof promptTokens !== "number") return { error: promptTokens, model: request.model };
    const matched = pinnedVectors(fixtures, request, wire);
    if ("error" in matched) return matched;
    const { pinned, labels } = matched;
    const { model, inputs, dimensions, encodingFormat } = request;
    const vector = (i: number): number[] => pinned[i] ?? derivedVector(model, inputs[i].text, dimensions);
    let components = 0;
    for (const one of pinned) components += one ? one.length : dimensions;
    const answer =
      components <= ONE_WRITE_COMPONENTS
        ? renderEmbeddings(
            model,
            inputs.map((_input, i) => vector(i)),
            encodingFormat,
            promptTokens,
          )
        : renderEmbeddingsInParts({ model, count: inputs.length, vector, format: encodingFormat, promptTokens });
    return { status: 200, body: answer, model, fixture: labels.size > 0 ? [...labels].join(", ") : null };
  }
}
