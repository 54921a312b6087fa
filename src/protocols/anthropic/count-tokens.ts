// POST /v1/messages/count_tokens: a Messages body (max_tokens not needed) answered with the input tokens
// a Messages request with it would report, {"input_tokens": n}, counted by the same formula.
import type { ApiError } from "../../core/errors.js";
import { modelNotFound } from "../../core/errors.js";
import type { RouteDeps } from "../../routes.js";
import type { ResourceAnswer, ResourceRoute } from "../types.js";
import { isApiError } from "../types.js";
import { parseCountTokensRequest } from "./messages/parse.js";
import { countAnthropicPrompt } from "./prompt-tokens.js";
import { ANTHROPIC_WIRE, versionMissing } from "./wire.js";

function countTokens(deps: Pick<RouteDeps, "models" | "tokens">, body: unknown): ResourceAnswer {
  const conversation = parseCountTokensRequest(body);
  if (isApiError(conversation)) return { error: conversation };
  const model = deps.models.resolve(conversation.model);
  if (model === undefined) {
    const error: ApiError = ANTHROPIC_WIRE.describeError(modelNotFound(conversation.model));
    return { error, model: conversation.model };
  }
  const count = deps.tokens.counter(deps.tokens.encodingFor(model));
  return { status: 200, body: { input_tokens: countAnthropicPrompt(conversation, count) }, model: conversation.model };
}

export function countTokensRoute(deps: Pick<RouteDeps, "models" | "tokens">): ResourceRoute {
  return {
    method: "POST",
    pattern: /^\/messages\/count_tokens$/,
    api: "messages.count_tokens",
    surface: ANTHROPIC_WIRE,
    checkHead: versionMissing,
    handle: (_params, _query, body) => countTokens(deps, body),
  };
}
