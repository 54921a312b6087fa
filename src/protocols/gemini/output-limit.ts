// The range of maxOutputTokens a model takes, checked once the request's model is resolved (an alias is
// held to the limit of the model it serves): 1 to the model's output limit (65,536 for the Gemini 2.5 and
// 3 models, 8,192 for 2.0 Flash), refused in Google's words. A model the catalogue does not know (a
// fixture's own) takes any positive number.
import type { GoogleApiError } from "./errors.js";
import { outOfRange } from "./errors.js";
import type { GeminiConversation } from "./conversation.js";
import { GEMINI_MODELS } from "./model-catalogue.js";

/** The output limit Google's refusals name for a model they do not know: today's common one. */
const USUAL_OUTPUT_LIMIT = 65_536;

export function checkOutputLimit(conversation: GeminiConversation): GoogleApiError | null {
  const asked = conversation.params.maxOutputTokens;
  if (asked === undefined) return null;
  const known = GEMINI_MODELS.get(conversation.model)?.outputTokenLimit;
  if (asked >= 1 && (known === undefined || asked <= known)) return null;
  const range = `from 1 (inclusive) to ${(known ?? USUAL_OUTPUT_LIMIT) + 1} (exclusive)`;
  return outOfRange("maxOutputTokens", asked, range);
}
