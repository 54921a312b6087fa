// The API's refusal of a max_tokens past what the model can answer with (a model the catalogue knows).
import type { ApiError } from "../../types.js";
import { invalidRequest } from "../errors.js";
import { catalogueModel } from "../model-catalogue.js";
import type { AnthropicConversation } from "./conversation.js";

export function outputLimitError(conversation: AnthropicConversation): ApiError | null {
  const limit = catalogueModel(conversation.model)?.maxTokens;
  const asked = conversation.params.maxOutputTokens;
  if (limit === undefined || asked === undefined || asked <= limit) return null;
  return invalidRequest(
    `max_tokens: ${asked} > ${limit}, which is the maximum allowed number of output tokens for ${conversation.model}`,
  );
}
