// The surface's stream events without a socket: which of them the timing model paces as tokens. The
// request goes through the surface's stream negotiation first, with its route's path parameters as the
// server's route table finds them, as a request over HTTP does.
import { expect } from "vitest";
import { runPipeline } from "../../src/pipeline.js";
import type { RenderedStream, RequestHead } from "../../src/protocols/types.js";
import { httpRoutes } from "../../src/routes.js";
import { routePath } from "../../src/transport/route-path.js";
import { renderContext, type TestState, testState } from "../support/pipeline-state.js";
import { contractCase } from "./cases.js";
import { openaiEncoding } from "./encodings.js";
import { requestHead, routeDeps } from "./provider-surface.js";
import { ALTERNATIVES, CONTRACT_FIXTURES, MODEL } from "./fixtures.js";
import type { ContractSpec, RequestInput } from "./spec.js";
import { parseSse } from "./wire.js";

/** The path parameters the server's route table gives a POST to `path`, checked to reach the spec's surface. */
function routeParams(state: TestState, path: string, head: RequestHead, api: string) {
  const table = httpRoutes(routeDeps(state));
  const found = table.find("POST", routePath(path), head);
  expect(found?.route.api, `the route of POST ${path}`).toBe(api);
  return found?.params ?? [];
}

/**
 * An event's data as a spec's carriesToken reads it: parsed JSON, `[DONE]` as is, and for a raw stream
 * (one JSON array written piece by piece) the element a piece holds, or null for one that holds none.
 */
function eventData(stream: RenderedStream, data: string): unknown {
  if (data === "[DONE]") return data;
  if (stream.framing !== "raw") return JSON.parse(data);
  // A raw stream that is SSE all the same (Gemini's with alt=sse writes each event whole): its data field.
  if (stream.contentType?.startsWith("text/event-stream")) return parseSse(data)[0]?.data ?? null;
  const element = data.replace(/^\s*[[,]\s*/, "").replace(/\s*\]\s*$/, "");
  return element === "" ? null : JSON.parse(element);
}

function renderedEvents(spec: ContractSpec, text: string, n?: number) {
  const state = testState({ fixtures: CONTRACT_FIXTURES });
  const surface = spec.surface(state);
  const input: RequestInput = { model: spec.models?.main ?? MODEL, text, stream: true, n };
  const path = spec.pathFor?.(input) ?? spec.path;
  const head = requestHead(path, spec.requestHeaders);
  const params = routeParams(state, path, head, surface.api);
  const body = surface.negotiateStream(head, spec.request(input), params);
  const outcome = runPipeline(state, surface, body);
  if (outcome.kind !== "reply") throw new Error(`expected a reply, got ${JSON.stringify(outcome)}`);
  const stream = surface.renderStream(outcome.plan, outcome.conversation, renderContext(state));
  return stream.events.map((event) => {
    const data = event.enveloped ? stream.envelope + event.data : event.data;
    return { token: event.token === true, data: eventData(stream, data) };
  });
}

export function defineTokenFlagCases(spec: ContractSpec): void {
  contractCase(spec, "tokenFlags", "marks the events that carry a generated token, and no others", () => {
    const events = renderedEvents(spec, "contract: flags");
    expect(events.filter((event) => event.token).length).toBeGreaterThanOrEqual(3);
    for (const event of events) expect(event.token, JSON.stringify(event.data)).toBe(spec.carriesToken(event.data));
  });
  if (spec.skip?.n !== undefined) return;
  contractCase(spec, "tokenFlags", "with n choices generated side by side, marks one event per generation step", () => {
    const events = renderedEvents(spec, "contract: choices", 2);
    const { encode } = (spec.encoding ?? openaiEncoding)(spec.models?.main ?? MODEL);
    const steps = Math.max(...ALTERNATIVES.map((text) => encode(text).length));
    expect(events.filter((event) => event.token).length).toBe(steps);
    expect(events.filter((event) => event.data !== "[DONE]" && spec.carriesToken(event.data)).length).toBe(
      ALTERNATIVES.reduce((sum, text) => sum + encode(text).length, 0),
    );
  });
}
