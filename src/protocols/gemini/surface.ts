// generateContent and streamGenerateContent as surfaces of the pipeline: one per host (the Gemini API,
// Vertex AI) and answer form (a whole body, an SSE stream, a JSON-array stream), each owning its render
// caches. The model comes from the route's path: negotiateStream folds it into the body as `model`, the
// field GenerateContentRequest binds the path to, so parse reads the body alone and the memo can keep it.
import type { Plan } from "../../core/plan.js";
import { RenderCache } from "../render-cache.js";
import type { SizedText } from "../sized-text.js";
import type { RenderContext, RenderedStream, RenderedText, RequestHead, Surface } from "../types.js";
import type { GeminiConversation, GeminiFlavor } from "./conversation.js";
import { isRecord } from "../json-values.js";
import { checkOutputLimit } from "./output-limit.js";
import { generateContentParser } from "./parse.js";
import { countGeminiPrompt } from "./prompt-tokens.js";
import { showsThoughts } from "./render-candidates.js";
import { bodyTail, renderBodyHead } from "./render-body.js";
import {
  renderStreamTemplate,
  type StreamFraming,
  type StreamTemplate,
  streamEvents,
  streamTail,
  streamText,
} from "./render-stream.js";
import { geminiWire } from "./wire.js";

export type AnswerForm = "body" | StreamFraming;

/**
 * The path's model folded into the parsed body. The body is this request's own, freshly parsed, so it is
 * completed in place rather than copied; the path's model wins over one the body names, as Google binds it.
 */
function foldModel(_req: RequestHead, body: unknown, params: readonly string[]): unknown {
  if (isRecord(body) && params.length > 0) body.model = params[0];
  return body;
}

/**
 * The render caches of one surface, by how its conversations show thoughts (the plan's key does not
 * hold it). A prompt with media parts is rendered afresh: its usage details split the prompt by modality,
 * which the key does not hold either.
 */
class Renderings<T> {
  private readonly byThoughts = [new RenderCache<T>(), new RenderCache<T>(), new RenderCache<T>()];

  /** `render` is made once per surface: the conversation is handed to it, not captured per request. */
  get(plan: Plan, conversation: GeminiConversation, render: (plan: Plan, conversation: GeminiConversation) => T): T {
    if (conversation.media.length > 0) return render(plan, conversation);
    const at = conversation.thinkingOff ? 2 : showsThoughts(conversation) ? 1 : 0;
    return this.byThoughts[at].get(plan, render, conversation);
  }
}

function bodyRenderer(flavor: GeminiFlavor) {
  const heads = new Renderings<SizedText>();
  const renderHead = (plan: Plan, conversation: GeminiConversation): SizedText =>
    renderBodyHead(plan, conversation, flavor);
  return (plan: Plan, conversation: GeminiConversation, context: RenderContext): RenderedText => {
    const head = heads.get(plan, conversation, renderHead);
    const tail = `${bodyTail(plan, context, flavor)}\n`;
    return { text: head.text + tail, bytes: head.bytes + tail.length };
  };
}

function streamRenderers(flavor: GeminiFlavor, framing: StreamFraming) {
  const templates = new Renderings<StreamTemplate>();
  const renderTemplate = (plan: Plan, conversation: GeminiConversation): StreamTemplate =>
    renderStreamTemplate(plan, conversation, flavor, framing);
  return {
    renderStream(plan: Plan, conversation: GeminiConversation, context: RenderContext): RenderedStream {
      const template = templates.get(plan, conversation, renderTemplate);
      return streamEvents(template, streamTail(plan, context, flavor, framing), framing);
    },
    renderStreamText(plan: Plan, conversation: GeminiConversation, context: RenderContext): RenderedText {
      const template = templates.get(plan, conversation, renderTemplate);
      return streamText(template, streamTail(plan, context, flavor, framing), framing);
    },
  };
}

/** The method a route serves, as the journal and its 404s name it. */
const methodOf = (form: AnswerForm): string => (form === "body" ? "generateContent" : "streamGenerateContent");

export function createGenerateSurface(flavor: GeminiFlavor, form: AnswerForm): Surface<GeminiConversation> {
  const method = methodOf(form);
  // A body route's conversations never stream; its stream renders are those of its SSE twin.
  const streams = streamRenderers(flavor, form === "body" ? "sse" : form);
  return {
    ...geminiWire({ flavor, method }, form === "array"),
    api: method,
    asksForStream: () => form !== "body",
    negotiateStream: foldModel,
    memoizable: true,
    parse: generateContentParser(method, form !== "body"),
    // Not in parse: the range is the model's, and an alias is held to the one of the model it serves.
    checkModel: checkOutputLimit,
    // Gemini's calls have no id unless the fixture pins one (see functionCallPart).
    toolCallIds: { prefix: "", length: 0 },
    promptTokens: countGeminiPrompt,
    renderBody: bodyRenderer(flavor),
    renderStream: streams.renderStream,
    renderStreamText: streams.renderStreamText,
  };
}
