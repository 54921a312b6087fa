// Renders a plan as a Chat Completions body or as its stream of `chat.completion.chunk` events.
// Everything but the id and timestamp depends only on the plan, so it is serialised once per
// fixture reply and plan shape (see RenderCache) and spliced around the per-request id.
import type { Conversation } from "../../../core/conversation.js";
import type { Plan, PlannedChoice } from "../../../core/plan.js";
import { ChoiceChunks, envelopedEvents, interleaveChoices, type ChunkParts } from "../../chunk-parts.js";
import { RenderCache } from "../../render-cache.js";
import { sizedText, spliceText, type SizedText } from "../../sized-text.js";
import type { RenderContext, RenderedStream, StreamEvent } from "../../types.js";

export function renderChatUsage(plan: Plan) {
  const { usage } = plan;
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.totalTokens,
    prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
    completion_tokens_details: {
      reasoning_tokens: usage.reasoningTokens,
      audio_tokens: 0,
      accepted_prediction_tokens: 0,
      rejected_prediction_tokens: 0,
    },
  };
}

/** The completion id as a JSON string: generated ids are alphanumeric, so only a fixture's own id needs escaping. */
const quotedChatId = (plan: Plan, context: RenderContext): string =>
  plan.responseId === null ? `"${context.ids.next("chatcmpl-", 29)}"` : JSON.stringify(`chatcmpl-${plan.responseId}`);
const unixSeconds = (context: RenderContext): number => Math.floor(context.clock.now() / 1000);

function renderMessage(choice: PlannedChoice) {
  const message: Record<string, unknown> = {
    role: "assistant",
    content: choice.content,
    refusal: null,
    annotations: [],
  };
  // Not part of OpenAI's schema: the field DeepSeek-style clients read reasoning text from.
  if (choice.reasoning !== null) message.reasoning_content = choice.reasoning;
  if (choice.toolCalls.length > 0) {
    message.tool_calls = choice.toolCalls.map((call) => ({
      id: call.id,
      type: "function",
      function: { name: call.name, arguments: call.arguments },
    }));
  }
  return message;
}

/** The body after `"created":N`, as JSON text. */
function renderBodyTail(plan: Plan): string {
  const choices = plan.choices.map((choice) => ({
    index: choice.index,
    message: renderMessage(choice),
    logprobs: choice.contentLogprobs ? { content: choice.contentLogprobs.flat(), refusal: null } : null,
    finish_reason: choice.finishReason,
  }));
  return `,"model":${JSON.stringify(plan.model)},"choices":${JSON.stringify(choices)},"usage":${JSON.stringify(renderChatUsage(plan))},"service_tier":"default"}`;
}

/** One choice's chunks, each the part of a chunk after its envelope head. */
function renderChoiceChunks(choice: PlannedChoice, tail: string): ChoiceChunks {
  const chunks = new ChoiceChunks();
  const chunk = (
    delta: unknown,
    token: boolean,
    finishReason: string | null = null,
    logprobs: unknown = null,
  ): void => {
    chunks.add(
      `{"index":${choice.index},"delta":${JSON.stringify(delta)},"logprobs":${JSON.stringify(logprobs)},"finish_reason":${JSON.stringify(finishReason)}}${tail}`,
      token,
    );
  };
  const textFollows = choice.content !== null || choice.toolCalls.length === 0;
  chunk({ role: "assistant", content: textFollows ? "" : null, refusal: null }, false);
  for (const piece of choice.reasoningChunks) chunk({ reasoning_content: piece }, true);
  choice.contentChunks.forEach((piece, i) => {
    const logprobs = choice.contentLogprobs ? { content: choice.contentLogprobs[i], refusal: null } : null;
    chunk({ content: piece }, true, null, logprobs);
  });
  choice.toolCalls.forEach((call, index) => {
    chunk(
      { tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }] },
      false,
    );
    for (const fragment of call.argumentChunks)
      chunk({ tool_calls: [{ index, function: { arguments: fragment } }] }, true);
  });
  chunk({}, false, choice.finishReason);
  return chunks;
}

/**
 * Every chunk of the stream after its envelope head (`{"id":...,"choices":[`). With n > 1 the
 * choices' chunks interleave, as the real API sends them, each chunk carrying one choice.
 */
function renderChunkParts(plan: Plan, includeUsage: boolean): ChunkParts {
  const tail = includeUsage ? `],"usage":null}` : "]}";
  const chunks = interleaveChoices(plan.choices.map((choice) => renderChoiceChunks(choice, tail)));
  if (!includeUsage) return chunks;
  return {
    parts: [...chunks.parts, `],"usage":${JSON.stringify(renderChatUsage(plan))}}`],
    tokens: [...chunks.tokens, false],
  };
}

/** The stream as SSE text cut at every chunk's envelope, and the size of those pieces together. */
interface SseSegments {
  segments: string[];
  bytes: number;
}

/**
 * The stream as SSE text cut at every chunk's envelope head, so that `segments.join(head)` is the
 * whole body: one flat string built in one pass, instead of an event object and a concatenation per chunk.
 */
function renderSseSegments(parts: readonly string[]): SseSegments {
  const segments: string[] = ["data: "];
  for (let i = 0; i < parts.length - 1; i++) segments.push(`${parts[i]}\n\ndata: `);
  segments.push(`${parts[parts.length - 1]}\n\ndata: [DONE]\n\n`);
  return { segments, bytes: segments.reduce((sum, segment) => sum + Buffer.byteLength(segment), 0) };
}

const streamHead = (plan: Plan, context: RenderContext): string =>
  `{"id":${quotedChatId(plan, context)},"object":"chat.completion.chunk","created":${unixSeconds(context)},"model":${JSON.stringify(plan.model)},"service_tier":"default","choices":[`;

export function createChatRenderer() {
  const bodies = new RenderCache<SizedText>();
  const streams = new RenderCache<StreamEvent[]>();
  const streamsWithUsage = new RenderCache<StreamEvent[]>();
  const texts = new RenderCache<SseSegments>();
  const textsWithUsage = new RenderCache<SseSegments>();

  return {
    renderBody(plan: Plan, _conversation: Conversation, context: RenderContext): SizedText {
      const tail = bodies.get(plan, (p) => sizedText(renderBodyTail(p)));
      const head = `{"id":${quotedChatId(plan, context)},"object":"chat.completion","created":${unixSeconds(context)}`;
      return spliceText(head, plan.responseId === null, tail);
    },
    renderStream(plan: Plan, conversation: Conversation, context: RenderContext): RenderedStream {
      const includeUsage = conversation.params.includeUsage;
      // Every chunk shares its envelope; only the part after it differs.
      const events = (includeUsage ? streamsWithUsage : streams).get(plan, (p) =>
        envelopedEvents(renderChunkParts(p, includeUsage)),
      );
      return { events, envelope: streamHead(plan, context) };
    },
    renderStreamText(plan: Plan, conversation: Conversation, context: RenderContext): SizedText {
      const includeUsage = conversation.params.includeUsage;
      const { segments, bytes } = (includeUsage ? textsWithUsage : texts).get(plan, (p) =>
        renderSseSegments(renderChunkParts(p, includeUsage).parts),
      );
      const head = streamHead(plan, context);
      return { text: segments.join(head), bytes: bytes + (segments.length - 1) * Buffer.byteLength(head) };
    },
  };
}
