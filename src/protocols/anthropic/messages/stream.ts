// Renders a plan as the Messages stream: message_start (the message with empty content, stop_reason null and
// input usage), then per block content_block_start / its deltas / content_block_stop, a `ping` after the
// first block starts (where the API sends it), message_delta (stop reason, stop sequence, output usage) and
// message_stop. Every `event:` name is its data's `type`. Only message_start holds the per-request message
// id, so it is the one enveloped event: the rest are shared by every answer of the same plan.
import type { Plan } from "../../../core/plan.js";
import type { SizedText } from "../../sized-text.js";
import type { StreamEvent } from "../../types.js";
import {
  type AnswerBlock,
  DIRECT_CALLER,
  answerBlocks,
  answerUsage,
  deltaUsage,
  messageUsage,
  stopReason,
} from "./blocks.js";
import type { ThinkingDisplay } from "./conversation.js";
import { messageHead } from "./render.js";

/** A stream's events after its envelope (`{"type":"message_start","message":{"model":...,"id":"`), which holds the id. */
export interface StreamTemplate {
  readonly events: readonly StreamEvent[];
  /** message_start's data before the message id. */
  readonly startHead: string;
}

const PING: StreamEvent = { event: "ping", data: '{"type":"ping"}' };
const MESSAGE_STOP: StreamEvent = { event: "message_stop", data: '{"type":"message_stop"}' };

const event = (type: string, data: string, token = false): StreamEvent =>
  token ? { event: type, data, token } : { event: type, data };

/** The content_block_start of a block: its empty self (a tool use with `input: {}`). */
function blockStart(block: AnswerBlock): Record<string, unknown> {
  switch (block.type) {
    case "thinking":
      return { type: "thinking", thinking: "", signature: "" };
    case "text":
      return { type: "text", text: "" };
    case "tool_use":
      return { type: "tool_use", id: block.id, name: block.name, input: {}, caller: DIRECT_CALLER };
  }
}

const deltaEvent = (index: number, delta: Record<string, unknown>, token: boolean): StreamEvent =>
  event(
    "content_block_delta",
    `{"type":"content_block_delta","index":${index},"delta":${JSON.stringify(delta)}}`,
    token,
  );

/** A block's deltas: its text, thinking or input JSON piece by piece; a thinking block ends with its signature. */
function pushDeltas(events: StreamEvent[], block: AnswerBlock, index: number): void {
  switch (block.type) {
    case "text":
      for (const text of block.chunks) events.push(deltaEvent(index, { type: "text_delta", text }, true));
      return;
    case "thinking":
      for (const thinking of block.chunks) events.push(deltaEvent(index, { type: "thinking_delta", thinking }, true));
      events.push(deltaEvent(index, { type: "signature_delta", signature: block.signature }, false));
      return;
    case "tool_use":
      // The API opens a tool's input with an empty fragment before the first piece of JSON.
      events.push(deltaEvent(index, { type: "input_json_delta", partial_json: "" }, false));
      for (const partial of block.chunks)
        events.push(deltaEvent(index, { type: "input_json_delta", partial_json: partial }, true));
      return;
  }
}

function pushBlock(events: StreamEvent[], block: AnswerBlock, index: number): void {
  const start = `{"type":"content_block_start","index":${index},"content_block":${JSON.stringify(blockStart(block))}}`;
  events.push(event("content_block_start", start));
  if (index === 0) events.push(PING);
  pushDeltas(events, block, index);
  events.push(event("content_block_stop", `{"type":"content_block_stop","index":${index}}`));
}

export function renderStreamTemplate(plan: Plan, display: ThinkingDisplay): StreamTemplate {
  const [choice] = plan.choices;
  const usage = answerUsage(plan, display);
  const startTail =
    `","type":"message","role":"assistant","content":[],"container":null,"stop_reason":null,"stop_sequence":null,` +
    `"stop_details":null,"usage":${JSON.stringify(messageUsage(usage, true))},"diagnostics":null}}`;
  const events: StreamEvent[] = [{ event: "message_start", data: startTail, enveloped: true }];
  const blocks = answerBlocks(choice, display);
  if (blocks.length === 0) events.push(PING);
  for (let index = 0; index < blocks.length; index++) pushBlock(events, blocks[index], index);
  const delta = {
    stop_reason: stopReason(choice),
    stop_sequence: choice.stopSequence,
    stop_details: null,
    container: null,
  };
  events.push(
    event(
      "message_delta",
      `{"type":"message_delta","delta":${JSON.stringify(delta)},"usage":${JSON.stringify(deltaUsage(usage))}}`,
    ),
    MESSAGE_STOP,
  );
  return { events, startHead: `{"type":"message_start","message":${messageHead(plan)}` };
}

/** The whole stream as SSE text cut at the message id: `before + id + after` is the body. */
export interface StreamTextParts {
  readonly before: SizedText;
  readonly after: SizedText;
}

export function renderStreamTextParts(template: StreamTemplate): StreamTextParts {
  const [start, ...rest] = template.events;
  let after = `${start.data}\n\n`;
  for (const next of rest) after += `event: ${next.event}\ndata: ${next.data}\n\n`;
  const before = `event: message_start\ndata: ${template.startHead}`;
  return {
    before: { text: before, bytes: Buffer.byteLength(before) },
    after: { text: after, bytes: Buffer.byteLength(after) },
  };
}
