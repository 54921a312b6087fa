// The answer of generateContent: a GenerateContentResponse, pretty-printed as Google writes it, with every
// candidate whole. All but its response id (and Vertex AI's createTime) depends only on the plan, so that
// part is rendered once per plan shape (see RenderCache) and the id appended per answer.
import type { Plan } from "../../core/plan.js";
import type { RenderContext } from "../types.js";
import type { SizedText } from "../sized-text.js";
import type { GeminiConversation, GeminiFlavor } from "./conversation.js";
import { prettyJson } from "./json.js";
import { candidate, candidateParts, finishReasonOf, usageMetadata, usageOf } from "./render-candidates.js";

/** The body up to its per-answer fields, ending where `"createTime"` or `"responseId"` starts. */
export function renderBodyHead(plan: Plan, conversation: GeminiConversation, flavor: GeminiFlavor): SizedText {
  const body = {
    candidates: plan.choices.map((choice) =>
      candidate(candidateParts(choice, conversation), choice.index, finishReasonOf(choice), flavor),
    ),
    usageMetadata: usageMetadata(usageOf(plan, conversation), conversation, flavor),
    modelVersion: plan.model,
  };
  // `{...\n}`: reopened after its last field for the fields that follow.
  const pretty = prettyJson(body);
  const text = `${pretty.slice(0, -2)},\n  `;
  return { text, bytes: Buffer.byteLength(text) };
}

/** The response id as a JSON string: a fixture's own, or a fresh one of the real API's length. */
export const responseIdOf = (plan: Plan, context: RenderContext): string => plan.responseId ?? context.ids.next("", 23);

/** Vertex AI's createTime: the answer's time with microseconds, as it writes it. */
export const createTimeOf = (context: RenderContext): string =>
  new Date(context.clock.now()).toISOString().replace("Z", "000Z");

/** The per-answer end of a pretty-printed body (`indent`: the two spaces before a top-level field). */
export function bodyTail(plan: Plan, context: RenderContext, flavor: GeminiFlavor): string {
  const id = `"responseId": "${responseIdOf(plan, context)}"\n}`;
  return flavor === "vertex" ? `"createTime": "${createTimeOf(context)}",\n  ${id}` : id;
}
