// countTokens: the prompt's tokens by the same formula generateContent reports as promptTokenCount, so the
// two agree for the same contents. The Gemini API takes `contents` or a whole `generateContentRequest`;
// Vertex AI takes contents with systemInstruction, tools and generationConfig beside them.
import { modelNotFound } from "../../core/errors.js";
import type { RouteDeps } from "../../routes.js";
import type { ResourceAnswer, ResourceRoute, SurfaceWire } from "../types.js";
import type { GeminiFlavor } from "./conversation.js";
import { invalidArgument } from "./errors.js";
import { isRecord } from "../json-values.js";
import { field } from "./json.js";
import { NOT_AN_OBJECT, parseGenerateBody } from "./parse.js";
import { countGeminiPrompt, GEMINI_ENCODING, promptDetails } from "./prompt-tokens.js";

/** The request countTokens counts: its generateContentRequest, or the body itself, with the path's model. */
function countedRequest(body: Record<string, unknown>, model: string): Record<string, unknown> {
  const inner = field(body, "generateContentRequest", "generate_content_request");
  return { ...(isRecord(inner) ? inner : body), model };
}

/** Vertex AI's billable characters: the prompt's text without its whitespace. */
function billableCharacters(texts: readonly string[]): number {
  let count = 0;
  for (const text of texts) count += text.replace(/\s+/g, "").length;
  return count;
}

export function countTokensRoute(
  deps: Pick<RouteDeps, "models" | "tokens">,
  flavor: GeminiFlavor,
  pattern: RegExp,
  wire: SurfaceWire,
): ResourceRoute {
  return {
    method: "POST",
    pattern,
    api: "countTokens",
    surface: wire,
    handle([resource], _query, body): ResourceAnswer {
      if (!isRecord(body)) return { error: invalidArgument(NOT_AN_OBJECT) };
      const parsed = parseGenerateBody(countedRequest(body, resource), "CountTokensRequest", "countTokens", false);
      if ("status" in parsed) return { error: parsed };
      const model = deps.models.resolve(parsed.model);
      if (model === undefined) return { error: wire.describeError(modelNotFound(parsed.model)), model: parsed.model };
      const totalTokens = countGeminiPrompt(parsed, deps.tokens.counter(GEMINI_ENCODING));
      const promptTokensDetails = promptDetails(totalTokens, parsed.media);
      const answer =
        flavor === "vertex"
          ? {
              totalTokens,
              totalBillableCharacters: billableCharacters(parsed.messages.map((message) => message.content)),
              promptTokensDetails,
            }
          : { totalTokens, promptTokensDetails };
      return { status: 200, body: answer, model };
    },
  };
}
