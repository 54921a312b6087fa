// POST /v1/messages as a surface of the pipeline; one per server, owning its render caches (one per way of
// showing thinking, since the same plan renders differently for each).
import type { Plan } from "../../../core/plan.js";
import { RenderCache } from "../../render-cache.js";
import type { SizedText } from "../../sized-text.js";
import { wholeEvents } from "../../sse.js";
import type { ApiError, RenderContext, RenderedStream, RequestHead, Surface } from "../../types.js";
import { countAnthropicPrompt } from "../prompt-tokens.js";
import { ANTHROPIC_WIRE, TOOL_USE_IDS, versionMissing } from "../wire.js";
import type { AnthropicConversation, ThinkingDisplay } from "./conversation.js";
import { outputLimitError } from "./output-limit.js";
import { parseMessagesRequest } from "./parse.js";
import { messageId, renderBodyParts, spliceBody, type SplicedBody } from "./render.js";
import { renderStreamTemplate, renderStreamTextParts, type StreamTemplate, type StreamTextParts } from "./stream.js";

export type { AnthropicConversation } from "./conversation.js";

/**
 * One render cache per thinking display: the same plan renders differently for each, and the plan's key
 * does not tell them apart. The display is handed to the render, so no closure is made per request.
 */
class DisplayCaches<T> {
  private readonly caches: Record<ThinkingDisplay, RenderCache<T>> = {
    shown: new RenderCache<T>(),
    omitted: new RenderCache<T>(),
    off: new RenderCache<T>(),
  };

  constructor(private readonly render: (plan: Plan, display: ThinkingDisplay) => T) {}

  get(plan: Plan, display: ThinkingDisplay): T {
    return this.caches[display].get(plan, this.render, display);
  }
}

function textParts(plan: Plan, display: ThinkingDisplay): StreamTextParts {
  return renderStreamTextParts(renderStreamTemplate(plan, display));
}

/** A fixture's error on a stream, as the API reports an error once a stream has begun: one `error` event. */
function renderStreamError(error: ApiError): RenderedStream {
  const body = { type: "error", error: { type: error.type, message: error.message } };
  return wholeEvents([{ event: "error", data: JSON.stringify(body) }]);
}

/** The API streams only when the body says `stream: true`; an `Accept` header changes nothing. */
const asksForStream = (_req: RequestHead): boolean => false;
const negotiateStream = (_req: RequestHead, body: unknown): unknown => body;

export function createMessagesSurface(): Surface<AnthropicConversation> {
  const bodies = new DisplayCaches<SplicedBody>(renderBodyParts);
  const streams = new DisplayCaches<StreamTemplate>(renderStreamTemplate);
  const texts = new DisplayCaches<StreamTextParts>(textParts);
  return {
    ...ANTHROPIC_WIRE,
    api: "messages",
    asksForStream,
    negotiateStream,
    checkHead: versionMissing,
    memoizable: true,
    toolCallIds: TOOL_USE_IDS,
    promptTokens: countAnthropicPrompt,
    parse: parseMessagesRequest,
    checkModel: outputLimitError,
    renderBody(plan: Plan, conversation: AnthropicConversation, context: RenderContext): SizedText {
      return spliceBody(bodies.get(plan, conversation.thinking), messageId(plan, context));
    },
    renderStream(plan: Plan, conversation: AnthropicConversation, context: RenderContext): RenderedStream {
      const template = streams.get(plan, conversation.thinking);
      return { events: template.events, envelope: template.startHead + messageId(plan, context) };
    },
    renderStreamText(plan: Plan, conversation: AnthropicConversation, context: RenderContext): SizedText {
      const { before, after } = texts.get(plan, conversation.thinking);
      const id = messageId(plan, context);
      return { text: before.text + id + after.text, bytes: before.bytes + id.length + after.bytes };
    },
    renderStreamError,
  };
}
