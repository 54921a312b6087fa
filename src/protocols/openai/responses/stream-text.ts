// The Responses stream as one SSE text, for answers sent in one write. A stream is some thirty events
// of JSON; serialising them for every request cost more than everything else a request does. So each
// stream is rendered once per fixture reply, plan shape and request settings, with markers where the
// per-request values go (the response id, the item ids, the timestamps), cut at the markers, and
// joined around this request's values.
import { randomBytes } from "node:crypto";
import { BoundedCache } from "../../../core/bounded-cache.js";
import type { Plan } from "../../../core/plan.js";
import type { Reply } from "../../../core/reply.js";
import { formatSse, wholeEvents } from "../../sse.js";
import type { RenderContext, RenderedText } from "../../types.js";
import type { ResponsesConversation } from "./parse.js";
import { buildOutputItems, drawOutputIds, echoKey, type ResponseFrame } from "./render.js";
import { renderResponseStream } from "./stream.js";

/** Random per process, so no fixture text contains a marker by chance. */
const NONCE = `u${randomBytes(12).toString("hex")}`;
const RESPONSE_ID = `${NONCE}R`;
const CREATED_AT = `${NONCE}C`;
const COMPLETED_AT = `${NONCE}D`;
const itemId = (index: number): string => `${NONCE}I${index}`;
/** Timestamps are numbers on the wire: their markers are cut out with the quotes JSON put around them. */
const MARKER = new RegExp(`"${NONCE}([CD])"|${NONCE}(R|I\\d+)`, "g");

/** Hole kinds: the response id, created_at, completed_at, then item k's id at ITEM + k. */
const HOLE = { R: 0, C: 1, D: 2 } as const;
const ITEM = 3;

/** segments[i], then the value of holes[i], then segments[i + 1], and so on. */
interface Template {
  segments: string[];
  holes: number[];
  /** The segments' size together. */
  bytes: number;
}

// A reply asked in many shapes keeps its newest ones (as the render cache does).
const TEMPLATES_PER_REPLY = 64;

function cut(text: string): Template {
  const segments: string[] = [];
  const holes: number[] = [];
  let at = 0;
  for (const found of text.matchAll(MARKER)) {
    segments.push(text.slice(at, found.index));
    const name = found[1] ?? found[2];
    holes.push(name[0] === "I" ? ITEM + Number(name.slice(1)) : HOLE[name as "R" | "C" | "D"]);
    at = found.index + found[0].length;
  }
  segments.push(text.slice(at));
  return { segments, holes, bytes: segments.reduce((sum, segment) => sum + Buffer.byteLength(segment), 0) };
}

/** The stream with markers for its per-request values. */
function renderTemplate(plan: Plan, conversation: ResponsesConversation, markerFrame: ResponseFrame): Template {
  let next = 0;
  const markerContext: RenderContext = { ids: { next: () => itemId(next++) }, clock: { now: () => 0 } };
  const output = buildOutputItems(plan, drawOutputIds(plan, markerContext));
  const { events } = renderResponseStream(
    plan,
    conversation,
    markerContext,
    markerFrame,
    output,
    COMPLETED_AT as unknown as number,
  );
  return cut(formatSse(wholeEvents(events)));
}

export function createResponsesStreamText() {
  const templates = new WeakMap<Reply, BoundedCache<string, Template>>();
  const markerFrame = { id: RESPONSE_ID, createdAt: CREATED_AT as unknown as number };
  // The latest request's template, checked first: repeats of one request (answered from the pipeline
  // memo) share its plan and body, and comparing those is cheaper than building and hashing the key.
  let latest: { plan: Plan; body: unknown; template: Template } | null = null;

  function templateFor(plan: Plan, reuse: NonNullable<Plan["reuse"]>, conversation: ResponsesConversation): Template {
    if (latest !== null && latest.plan === plan && latest.body === conversation.body) return latest.template;
    const key = `${reuse.key}\u0000${echoKey(conversation)}`;
    let byKey = templates.get(reuse.reply);
    if (!byKey) templates.set(reuse.reply, (byKey = new BoundedCache(TEMPLATES_PER_REPLY)));
    let template = byKey.get(key);
    if (template === undefined) byKey.set(key, (template = renderTemplate(plan, conversation, markerFrame)));
    latest = { plan, body: conversation.body, template };
    return template;
  }

  /**
   * The SSE text of the stream whose final response carries `frame`, `output` and `completedAt`, for a
   * plan that holds no ids generated for this request (`reuse`, its plan.reuse), handing on `delivery`.
   */
  return function renderStreamText<D>(
    plan: Plan,
    reuse: NonNullable<Plan["reuse"]>,
    conversation: ResponsesConversation,
    frame: ResponseFrame,
    itemIds: readonly string[],
    completedAt: number,
    delivery: D,
  ): RenderedText<D> {
    const template = templateFor(plan, reuse, conversation);
    const values = [frame.id, String(frame.createdAt), String(completedAt)];
    values.push(...itemIds);
    const { segments, holes } = template;
    // Each value fills many holes (an item's id is in every one of its events): each is measured once.
    const sizes = values.map((value) => Buffer.byteLength(value));
    let text = segments[0];
    let bytes = template.bytes;
    for (let i = 0; i < holes.length; i++) {
      text += values[holes[i]] + segments[i + 1];
      bytes += sizes[holes[i]];
    }
    return { text, bytes, delivery };
  };
}
