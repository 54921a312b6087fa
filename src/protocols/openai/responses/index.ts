// The Responses API as a surface of the pipeline (POST /v1/responses, and WebSocket
// `response.create`), plus its stored-response endpoints.
import type { IdSource } from "../../../core/ids.js";
import { planReply, type Plan, type TokenCache } from "../../../core/plan.js";
import type { ApiError, RenderContext, RenderedStream, RenderedText, ResourceRoute, Surface } from "../../types.js";
import { openAIError } from "../errors.js";
import { responsesOutputLimit } from "../validate/output-limits.js";
import { OPENAI_SURFACE_WIRE } from "../wire.js";
import { renderErrorFrame } from "./error-frame.js";
import { redrawIds } from "./input.js";
import { parseResponsesRequest, type ResponsesConversation } from "./parse.js";
import { buildOutputItems, drawOutputIds, finalStatus, newResponseFrame, renderResponseObject } from "./render.js";
import { StoredResponse, type ResponseLookup, type ResponseStore } from "./store.js";
import { renderFailedStream, renderResponseStream } from "./stream.js";
import { formatSse } from "../../sse.js";
import { createResponsesStreamText } from "./stream-text.js";

export { ResponseStore, type StoredResponse, type ResponseLookup } from "./store.js";
export type { ResponsesConversation } from "./parse.js";

/** What a WebSocket connection remembers: its lanes' latest responses, found before the server store. */
export interface ConnectionMemory extends ResponseLookup {
  remember(conversation: ResponsesConversation, stored: StoredResponse): void;
  /** Drops a response, as the real API does with the parent of a continuation that failed. */
  forget(id: string): void;
}

/** A Responses answer's render hands its after-delivery step the response to store. */
export interface ResponsesSurface extends Surface<ResponsesConversation, StoredResponse> {
  /**
   * WebSocket `generate: false`: a response with no output that later turns can chain from, with
   * the input counted as prefill. No fixture is matched.
   */
  renderWarmup(conversation: ResponsesConversation, context: RenderContext): RenderedStream<StoredResponse>;
  /** An error as the WebSocket's `error` frame, echoing the request's lane when it named one. */
  renderErrorFrame(error: ApiError, streamId: string | undefined): string;
}

export interface ResponsesSurfaceDeps {
  store: ResponseStore;
  ids: IdSource;
  tokens: TokenCache;
  connection?: ConnectionMemory;
}

/** An error's fields as the stream's `error` event carries them, in OpenAI's order. */
function errorFields(error: ApiError) {
  const { message, type, code, param } = error;
  return { message, type, code, param };
}

const NO_OUTPUT = {};

/** A response to keep once it was sent, rendered by `response` when first read; a warm-up or failed one adds no assistant turn. */
function storedResponse(
  conversation: ResponsesConversation,
  id: string,
  response: () => Record<string, unknown>,
  plan: Plan | null,
): StoredResponse {
  const choice = plan?.choices[0];
  const replied = choice !== undefined && (choice.content !== null || choice.toolCalls.length > 0);
  return new StoredResponse(
    id,
    response,
    conversation.responses.inputItems,
    conversation.responses.history,
    replied ? choice : null,
  );
}

/** The event-by-event stream of a plan, and the response it ends with for the store. */
function renderStream(
  plan: Plan,
  conversation: ResponsesConversation,
  context: RenderContext,
): RenderedStream<StoredResponse> {
  const { events, response } = renderResponseStream(
    plan,
    conversation,
    context,
    newResponseFrame(context, plan.responseId),
  );
  return { events, envelope: "", delivery: storedResponse(conversation, response.id as string, () => response, plan) };
}

/**
 * The step after delivery: a sent response is stored (unless the request said `store: false`) and, on a
 * WebSocket, kept as its lane's latest; a continuation that fails evicts its parent from the connection,
 * as the real API does.
 */
function keepDelivered(
  store: ResponseStore,
  connection: ConnectionMemory | undefined,
): NonNullable<ResponsesSurface["delivered"]> {
  return (conversation, stored, failed) => {
    const parent = conversation.responses.previousResponseId;
    if (failed && connection && parent !== null) connection.forget(parent);
    if (stored === undefined) return;
    if (conversation.body.store !== false) store.save(stored);
    connection?.remember(conversation, stored);
  };
}

/** The JSON answer, and the response it stores once delivered. */
function renderResponseBody(
  plan: Plan,
  conversation: ResponsesConversation,
  context: RenderContext,
): RenderedText<StoredResponse> {
  const output = buildOutputItems(plan, drawOutputIds(plan, context));
  const response = renderResponseObject(conversation, newResponseFrame(context, plan.responseId), {
    status: finalStatus(plan),
    output,
    plan,
  });
  const text = JSON.stringify(response);
  return {
    text,
    bytes: Buffer.byteLength(text),
    delivery: storedResponse(conversation, response.id as string, () => response, plan),
  };
}

/** The whole stream as one SSE text, from the surface's template when the plan can reuse one. */
function renderResponseStreamText(
  streamText: ReturnType<typeof createResponsesStreamText>,
  plan: Plan,
  conversation: ResponsesConversation,
  context: RenderContext,
): RenderedText<StoredResponse> {
  if (plan.reuse === null) {
    const stream = renderStream(plan, conversation, context);
    const text = formatSse(stream);
    return { text, bytes: Buffer.byteLength(text), delivery: stream.delivery };
  }
  // The ids are drawn in renderStream's order (response, then items), so a seeded server sends the same ones.
  const frame = newResponseFrame(context, plan.responseId);
  const itemIds = drawOutputIds(plan, context);
  const completedAt = Math.floor(context.clock.now() / 1000);
  // What a read of the stored response needs, and no more: most are never read, and a server keeps
  // a thousand of them, each copied by the collector until it is old.
  const { id, createdAt } = frame;
  const render = () =>
    renderResponseObject(
      conversation,
      { id, createdAt },
      { status: finalStatus(plan), output: buildOutputItems(plan, itemIds), plan, completedAt },
    );
  return streamText(
    plan,
    plan.reuse,
    conversation,
    frame,
    itemIds,
    completedAt,
    storedResponse(conversation, id, render, plan),
  );
}

export function createResponsesSurface(deps: ResponsesSurfaceDeps): ResponsesSurface {
  const { store, ids, tokens, connection } = deps;
  const streamText = createResponsesStreamText();
  const lookup: ResponseLookup = connection ? { find: (id) => connection.find(id) ?? store.find(id) } : store;

  return {
    ...OPENAI_SURFACE_WIRE,
    api: "responses",
    // A request that continues a stored response is answered from the store as it is now, so only
    // one that starts a conversation may be answered again from a remembered outcome.
    memoizable: (conversation) => conversation.responses.previousResponseId === null,
    replay(conversation, replayIds) {
      const { responses } = conversation;
      if (responses.generatedIds.length === 0) return conversation;
      return {
        ...conversation,
        responses: { ...responses, inputItems: redrawIds(responses.inputItems, responses.generatedIds, replayIds) },
      };
    },
    parse: (body) => parseResponsesRequest(body, lookup, ids),
    // A known model's output limit. Nothing multiplies a Responses answer (one output, no n or ignore_eos,
    // no log probabilities), so it has no generation ceiling to check.
    checkModel: responsesOutputLimit,
    renderBody: renderResponseBody,
    renderStream,
    renderStreamText: (plan, conversation, context) =>
      renderResponseStreamText(streamText, plan, conversation, context),
    renderStreamError(error, conversation, context) {
      const { events, response } = renderFailedStream(conversation, newResponseFrame(context), errorFields(error));
      return {
        events,
        envelope: "",
        delivery: storedResponse(conversation, response.id as string, () => response, null),
      };
    },
    delivered: keepDelivered(store, connection),
    renderErrorFrame,
    renderWarmup(conversation, context) {
      const plan = planReply(conversation, NO_OUTPUT, { ids, wire: OPENAI_SURFACE_WIRE }, tokens);
      return renderStream(plan, conversation, context);
    },
  };
}

function notFound(id: string) {
  return {
    error: openAIError(404, `Response with id '${id}' not found.`, {
      type: "invalid_request_error",
      param: "response_id",
    }),
  };
}

/** GET and DELETE /v1/responses/{id}, GET /v1/responses/{id}/input_items. */
export function responsesResourceRoutes(store: ResponseStore): ResourceRoute[] {
  return [
    {
      method: "GET",
      pattern: /^\/responses\/([^/]+)$/,
      handle: ([id]) => {
        const stored = store.find(id);
        return stored ? { status: 200, body: stored.response } : notFound(id);
      },
    },
    {
      method: "DELETE",
      pattern: /^\/responses\/([^/]+)$/,
      handle: ([id]) =>
        store.delete(id) ? { status: 200, body: { id, object: "response", deleted: true } } : notFound(id),
    },
    {
      method: "GET",
      pattern: /^\/responses\/([^/]+)\/input_items$/,
      handle: ([id], query) => {
        const stored = store.find(id);
        if (!stored) return notFound(id);
        // The API lists newest first unless asked for `order=asc`.
        let items = query.get("order") === "asc" ? stored.inputItems.slice() : stored.inputItems.slice().reverse();
        const after = query.get("after");
        if (after) items = items.slice(items.findIndex((item) => item.id === after) + 1);
        const limit = Math.min(Math.max(Number(query.get("limit") ?? 20) || 20, 1), 100);
        const page = items.slice(0, limit);
        return {
          status: 200,
          body: {
            object: "list",
            data: page,
            first_id: page[0]?.id ?? null,
            last_id: page.at(-1)?.id ?? null,
            has_more: items.length > limit,
          },
        };
      },
    },
  ];
}
