// Renders a plan as a legacy Completions body, or as its stream of `text_completion` chunks.
// Without echo or logprobs everything but the id and timestamp depends only on the plan, so it is
// serialised once per fixture reply and plan shape (see RenderCache) and spliced around the per-request id.
import type { RawPrompt } from "../../../core/conversation.js";
import { tokenLogprobs, type TokenLogprob } from "../../../core/logprobs.js";
import type { Plan, PlannedChoice } from "../../../core/plan.js";
import type { FinishReason } from "../../../core/reply.js";
import { encodingForModel, splitTokens, tokenPieces } from "../../../core/tokenizer.js";
import { ChoiceChunks, envelopedEvents, interleaveChoices, type ChunkParts } from "../../chunk-parts.js";
import { sizedText, spliceText, type SizedText } from "../../sized-text.js";
import { RenderCache } from "../../render-cache.js";
import type { RenderContext, RenderedStream, StreamEvent } from "../../types.js";
import type { CompletionsConversation } from "./parse.js";

/** The legacy `logprobs` object: parallel lists with one entry per token. */
interface LegacyLogprobs {
  tokens: string[];
  token_logprobs: (number | null)[];
  /** Per token, its `logprobs` most likely tokens; null for `logprobs: 0`, as OpenAI sends it. */
  top_logprobs: (Record<string, number> | null)[] | null;
  /** Where each token starts, in characters from the start of the prompt. */
  text_offset: number[];
}

/** A piece of text as it is streamed and the log probabilities of its tokens (a null logprob: the prompt's first token). */
interface Piece {
  text: string;
  entries: TokenLogprob[];
  unconditioned?: boolean;
}

/** What a choice renders from besides the plan: its prompt, and the request's echo and logprobs. */
interface ChoiceSetting {
  prompt: RawPrompt;
  echo: boolean;
  top: number | null;
  conversation: CompletionsConversation;
}

const characters = (text: string): number => {
  let count = 0;
  for (const _ of text) count++;
  return count;
};

/** The prompt's tokens as pieces with made-up logprobs; the first token has none, as nothing precedes it. */
function promptPieces(setting: ChoiceSetting, top: number): Piece[] {
  const encoding = encodingForModel(setting.conversation.model);
  const tokens = setting.prompt.tokens ?? splitTokens(setting.prompt.text, encoding).tokens;
  const entries = tokenLogprobs(tokens, encoding, top);
  let at = 0;
  return tokenPieces(tokens, encoding).map((piece, i) => ({
    text: piece.text,
    entries: entries.slice(at, (at += piece.count)),
    unconditioned: i === 0,
  }));
}

function completionPieces(choice: PlannedChoice): Piece[] {
  return choice.contentChunks.map((text, i) => ({ text, entries: choice.contentLogprobs?.[i] ?? [] }));
}

/** The legacy logprobs of consecutive pieces, the first starting at character `offset`. */
function legacyLogprobs(pieces: Piece[], top: number, offset: number): LegacyLogprobs {
  const result: LegacyLogprobs = { tokens: [], token_logprobs: [], top_logprobs: top > 0 ? [] : null, text_offset: [] };
  for (const piece of pieces) {
    piece.entries.forEach((entry, i) => {
      const unconditioned = piece.unconditioned === true && i === 0;
      result.tokens.push(entry.token);
      result.token_logprobs.push(unconditioned ? null : entry.logprob);
      result.top_logprobs?.push(
        unconditioned ? null : Object.fromEntries(entry.top_logprobs.map((alt) => [alt.token, alt.logprob])),
      );
      result.text_offset.push(offset);
    });
    offset += characters(piece.text);
  }
  return result;
}

/** Completions has no tool calls: a reply that ends in one simply stops. */
const legacyFinishReason = (reason: FinishReason): FinishReason =>
  reason === "tool_calls" || reason === "function_call" ? "stop" : reason;

function settingFor(choice: PlannedChoice, conversation: CompletionsConversation): ChoiceSetting {
  const { prompts, echo } = conversation.completions;
  const prompt = prompts[Math.floor(choice.index / Math.max(1, conversation.params.n))] ?? prompts[0];
  return { prompt, echo, top: conversation.params.topLogprobs, conversation };
}

function renderChoice(choice: PlannedChoice, setting: ChoiceSetting) {
  const { prompt, echo, top } = setting;
  const text = (echo ? prompt.text : "") + (choice.content ?? "");
  const pieces = top === null ? [] : [...(echo ? promptPieces(setting, top) : []), ...completionPieces(choice)];
  const logprobs = top === null ? null : legacyLogprobs(pieces, top, echo ? 0 : characters(prompt.text));
  return { text, index: choice.index, logprobs, finish_reason: legacyFinishReason(choice.finishReason) };
}

function renderUsage(plan: Plan) {
  const { usage } = plan;
  return {
    prompt_tokens: usage.promptTokens,
    completion_tokens: usage.completionTokens,
    total_tokens: usage.totalTokens,
  };
}

/** The body after `"created":N`, as JSON text. */
function renderBodyTail(plan: Plan, conversation: CompletionsConversation): string {
  const choices = plan.choices.map((choice) => renderChoice(choice, settingFor(choice, conversation)));
  return `,"model":${JSON.stringify(plan.model)},"choices":${JSON.stringify(choices)},"usage":${JSON.stringify(renderUsage(plan))}}`;
}

/** One choice's chunks, each the part of a chunk after its envelope head: the echoed prompt, the text, then the finish. */
function renderChoiceChunks(choice: PlannedChoice, setting: ChoiceSetting): ChoiceChunks {
  const { prompt, echo, top } = setting;
  const chunks = new ChoiceChunks();
  let offset = echo ? 0 : characters(prompt.text);
  const chunk = (text: string, pieces: Piece[], token: boolean): void => {
    const logprobs = top === null ? null : legacyLogprobs(pieces, top, offset);
    offset += characters(text);
    chunks.add(`${JSON.stringify({ text, index: choice.index, logprobs, finish_reason: null })}]}`, token);
  };
  // The echoed prompt is not generated: it goes out at once, before the first token.
  if (echo && prompt.text.length > 0) chunk(prompt.text, top === null ? [] : promptPieces(setting, top), false);
  for (const piece of completionPieces(choice)) chunk(piece.text, [piece], true);
  chunks.add(
    `${JSON.stringify({ text: "", index: choice.index, logprobs: null, finish_reason: legacyFinishReason(choice.finishReason) })}]}`,
    false,
  );
  return chunks;
}

/** Every chunk after its envelope head (`{"id":...,"choices":[`): choices interleaved, one per chunk, then the usage chunk. */
function renderChunkParts(plan: Plan, conversation: CompletionsConversation): ChunkParts {
  const chunks = interleaveChoices(
    plan.choices.map((choice) => renderChoiceChunks(choice, settingFor(choice, conversation))),
  );
  if (!conversation.params.includeUsage) return chunks;
  return {
    parts: [...chunks.parts, `],"usage":${JSON.stringify(renderUsage(plan))}}`],
    tokens: [...chunks.tokens, false],
  };
}

const completionId = (plan: Plan, context: RenderContext): string =>
  plan.responseId === null ? context.ids.next("cmpl-", 29) : `cmpl-${plan.responseId}`;
const unixSeconds = (context: RenderContext): number => Math.floor(context.clock.now() / 1000);

/** Echo and logprobs depend on the prompt's text, which the plan's reuse key does not cover. */
const reusable = (conversation: CompletionsConversation): boolean =>
  conversation.params.topLogprobs === null && !conversation.completions.echo;

export function createCompletionsRenderer() {
  const bodies = new RenderCache<SizedText>();
  const streams = new RenderCache<StreamEvent[]>();
  const streamsWithUsage = new RenderCache<StreamEvent[]>();

  return {
    renderBody(plan: Plan, conversation: CompletionsConversation, context: RenderContext): SizedText {
      const render = (p: Plan): SizedText => sizedText(renderBodyTail(p, conversation));
      const tail = reusable(conversation) ? bodies.get(plan, render) : render(plan);
      const head = `{"id":${JSON.stringify(completionId(plan, context))},"object":"text_completion","created":${unixSeconds(context)}`;
      return spliceText(head, plan.responseId === null, tail);
    },
    renderStream(plan: Plan, conversation: CompletionsConversation, context: RenderContext): RenderedStream {
      const render = (p: Plan): StreamEvent[] => envelopedEvents(renderChunkParts(p, conversation));
      const cache = conversation.params.includeUsage ? streamsWithUsage : streams;
      const events = reusable(conversation) ? cache.get(plan, render) : render(plan);
      // Every chunk shares its envelope, the same object as the non-streaming body; only the part after it differs.
      const envelope = `{"id":${JSON.stringify(completionId(plan, context))},"object":"text_completion","created":${unixSeconds(context)},"model":${JSON.stringify(plan.model)},"choices":[`;
      return { events, envelope };
    },
  };
}
