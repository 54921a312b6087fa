// The canonical conversation of a Messages request, with what only Anthropic's answer needs.
import type { Conversation } from "../../../core/conversation.js";

/**
 * How the answer shows a fixture's `reasoning`: as a thinking block (`shown`), as a thinking block whose
 * text is redacted but whose signature is kept (`omitted`, the request's `display: "omitted"`), or not at
 * all (`off`: the request leaves thinking unset or disabled, and the reasoning's tokens are not billed).
 */
export type ThinkingDisplay = "shown" | "omitted" | "off";

export interface AnthropicConversation extends Conversation {
  readonly thinking: ThinkingDisplay;
}
