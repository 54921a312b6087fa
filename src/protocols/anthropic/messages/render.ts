// Renders a plan as a Messages JSON body. Everything but the message id depends only on the plan and how
// the request shows thinking, so it is serialised once per fixture reply and plan shape (see RenderCache)
// and spliced around the per-request id: `{"model":...,"id":"` + id + `","type":"message",...}`.
import type { Plan } from "../../../core/plan.js";
import type { SizedText } from "../../sized-text.js";
import { sizedText } from "../../sized-text.js";
import type { RenderContext } from "../../types.js";
import { MESSAGE_IDS } from "../wire.js";
import { answerBlocks, answerUsage, blockJson, messageUsage, stopReason } from "./blocks.js";
import type { ThinkingDisplay } from "./conversation.js";

/** A body cut around its message id. */
export interface SplicedBody {
  readonly head: SizedText;
  readonly tail: SizedText;
}

/** The message id: a fixture's fixed one (`msg_<responseId>`, letters, digits, `_.-` only), or a fresh one. */
export const messageId = (plan: Plan, context: RenderContext): string =>
  plan.responseId === null ? context.ids.next(MESSAGE_IDS.prefix, MESSAGE_IDS.length) : `msg_${plan.responseId}`;

/** `{"model":...,"id":"`: the part of a message before its id, as the API orders a message's fields. */
export const messageHead = (plan: Plan): string => `{"model":${JSON.stringify(plan.model)},"id":"`;

export function renderBodyParts(plan: Plan, display: ThinkingDisplay): SplicedBody {
  const [choice] = plan.choices;
  const content = answerBlocks(choice, display).map(blockJson);
  const usage = messageUsage(answerUsage(plan, display));
  const tail =
    `","type":"message","role":"assistant","content":${JSON.stringify(content)},"container":null,` +
    `"stop_reason":"${stopReason(choice)}","stop_sequence":${JSON.stringify(choice.stopSequence)},"stop_details":null,` +
    `"usage":${JSON.stringify(usage)},"diagnostics":null}`;
  return { head: sizedText(messageHead(plan)), tail: sizedText(tail) };
}

/** The body for one answer: its parts around a message id (ASCII: a generated id, or a fixture's checked one). */
export function spliceBody(parts: SplicedBody, id: string): SizedText {
  return { text: parts.head.text + id + parts.tail.text, bytes: parts.head.bytes + id.length + parts.tail.bytes };
}
