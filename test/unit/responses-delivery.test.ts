// The Responses surface stores an answer in the step after delivery, never while rendering: its renders
// only hand the response to keep to `delivered`, which saves it (unless `store: false`) and, on a
// WebSocket, keeps it as its lane's latest; a continuation that fails evicts its parent from the connection.
import { describe, expect, it } from "vitest";
import { createIdSource } from "../../src/core/ids.js";
import { planReply, TokenCache } from "../../src/core/plan.js";
import {
  createResponsesSurface,
  ResponseStore,
  type ConnectionMemory,
  type ResponsesConversation,
  type StoredResponse,
} from "../../src/protocols/openai/responses/index.js";
import { isApiError } from "../../src/protocols/types.js";

const NOW = 1_700_000_000_000;

function setup(connection?: ConnectionMemory) {
  const ids = createIdSource(5);
  const tokens = new TokenCache();
  const store = new ResponseStore(10);
  const surface = createResponsesSurface({ store, ids, tokens, connection });
  const context = { ids, clock: { now: () => NOW } };
  const parse = (body: Record<string, unknown>): ResponsesConversation => {
    const parsed = surface.parse({ model: "gpt-4o", ...body });
    if (isApiError(parsed)) throw new Error(parsed.message);
    return parsed;
  };
  const plan = (conversation: ResponsesConversation, content: string) =>
    planReply(conversation, { content }, { ids, wire: surface }, tokens);
  return { surface, store, context, parse, plan };
}

/** A connection memory that records what it was told. */
function recordingMemory() {
  const remembered: string[] = [];
  const forgotten: string[] = [];
  const memory: ConnectionMemory = {
    find: () => undefined,
    remember: (_conversation, stored) => void remembered.push(stored.id),
    forget: (id) => void forgotten.push(id),
  };
  return { memory, remembered, forgotten };
}

describe("Responses after delivery", () => {
  it("every render leaves the store as it was, and hands over the response it rendered", () => {
    const { surface, store, context, parse, plan } = setup();
    const conversation = parse({ input: "hello" });
    const answered = plan(conversation, "Hi there.");
    const renders = [
      surface.renderBody(answered, conversation, context).delivery,
      surface.renderStream(answered, conversation, context).delivery,
      surface.renderStreamText!(answered, conversation, context).delivery,
      surface.renderStreamError!(
        { status: 500, type: "server_error", code: null, param: null, message: "boom" },
        conversation,
        context,
      ).delivery,
    ];
    expect(store.size).toBe(0);
    expect(new Set(renders.map((stored) => stored?.id)).size).toBe(4);
    for (const stored of renders) expect(stored?.id).toMatch(/^resp_[0-9a-f]{48}$/);
  });

  it("stores the delivered response: the body as sent, and the chain a follow-up continues", () => {
    const { surface, store, context, parse, plan } = setup();
    const conversation = parse({ input: "hello" });
    const rendered = surface.renderBody(plan(conversation, "Hi there."), conversation, context);
    surface.delivered!(conversation, rendered.delivery, false);
    const stored = store.find(JSON.parse(rendered.text).id)!;
    expect(stored.response).toEqual(JSON.parse(rendered.text));
    expect(stored.history.map((message) => [message.role, message.content])).toEqual([
      ["user", "hello"],
      ["assistant", "Hi there."],
    ]);
    const followUp = parse({ input: "and again", previous_response_id: stored.id });
    expect(followUp.messages.map((message) => message.content)).toEqual(["hello", "Hi there.", "and again"]);
  });

  it("keeps nothing of a request that said store: false, except on its connection", () => {
    const { memory, remembered } = recordingMemory();
    const { surface, store, context, parse, plan } = setup(memory);
    const conversation = parse({ input: "hello", store: false });
    const stream = surface.renderStream(plan(conversation, "Hi."), conversation, context);
    surface.delivered!(conversation, stream.delivery, false);
    expect(store.size).toBe(0);
    expect(remembered).toEqual([stream.delivery!.id]);
  });

  it("a warm-up is kept after delivery too, as a response later turns chain from", () => {
    const { surface, store, context, parse } = setup();
    const conversation = parse({ input: "prefill this" });
    const warmup = surface.renderWarmup(conversation, context);
    expect(store.size).toBe(0);
    surface.delivered!(conversation, warmup.delivery, false);
    const stored = store.find(warmup.delivery!.id) as StoredResponse;
    expect(stored.history.map((message) => message.content)).toEqual(["prefill this"]);
  });

  it("a continuation that fails evicts its parent from the connection, and its failed response is kept", () => {
    const { memory, remembered, forgotten } = recordingMemory();
    const { surface, store, context, parse, plan } = setup(memory);
    const first = parse({ input: "hello" });
    const firstStream = surface.renderStream(plan(first, "Hi."), first, context);
    surface.delivered!(first, firstStream.delivery, false);
    const parent = firstStream.delivery!.id;

    const failing = parse({ input: "again", previous_response_id: parent });
    const failed = surface.renderStreamError!(
      { status: 500, type: "server_error", code: null, param: null, message: "boom" },
      failing,
      context,
    );
    surface.delivered!(failing, failed.delivery, true);
    expect(forgotten).toEqual([parent]);
    expect(remembered).toEqual([parent, failed.delivery!.id]);
    expect(store.find(failed.delivery!.id)?.response).toMatchObject({ status: "failed", previous_response_id: parent });

    // An error sent as a frame (nothing rendered here) evicts the parent as well, and keeps nothing.
    surface.delivered!(failing, undefined, true);
    expect(forgotten).toEqual([parent, parent]);
    expect(store.size).toBe(2);
  });

  it("without a connection, a failed continuation leaves its parent in the store", () => {
    const { surface, store, context, parse, plan } = setup();
    const first = parse({ input: "hello" });
    const body = surface.renderBody(plan(first, "Hi."), first, context);
    surface.delivered!(first, body.delivery, false);
    surface.delivered!(parse({ input: "again", previous_response_id: body.delivery!.id }), undefined, true);
    expect(store.find(body.delivery!.id)).toBeDefined();
  });
});
