// The contract's cases, each written once in the suite's own terms (a request for a user message; the
// choices, usage and error read back) and run by every surface through its ContractSpec.
import { decode, encode } from "gpt-tokenizer/encoding/o200k_base";
import { describe, expect, it } from "vitest";
import { runPipeline } from "../../src/pipeline.js";
import { renderContext, testState } from "../support/pipeline-state.js";
import { countTokens } from "../support/tokens.js";
import {
  ALTERNATIVES,
  CL100K_MODEL,
  CONTRACT_FIXTURES,
  LONG,
  MODEL,
  STOPPED,
  UNKNOWN_MODEL,
  USAGE_REPLY,
} from "./fixtures.js";
import type { CaseName, ContractSpec, Mode, RequestInput } from "./spec.js";
import type { Answer } from "./wire.js";

/** A case, or its skip with the reason in its title. */
export function contractCase(spec: ContractSpec, name: CaseName, title: string, run: () => Promise<void> | void): void {
  const reason = spec.skip?.[name];
  if (reason) it.skip(`${title} (skipped: ${reason})`, () => undefined);
  else it(title, run);
}

/** One run of the cases: a surface, as JSON or streamed, against one server. */
export interface Run {
  spec: ContractSpec;
  mode: Mode;
  stream: boolean;
  /** Sends the body (twice; see runContract) and returns the answer, recorded under `key`. */
  send(key: string, body: Record<string, unknown>): Promise<Answer>;
  /** The surface's request for a user message, with the run's stream setting. */
  request(text: string, extra?: Partial<RequestInput>): Record<string, unknown>;
}

export function defineParseCases({ spec, mode, send, request }: Run): void {
  const { param, min } = spec.maxTokens;
  describe("parse errors name param and code", () => {
    const refused = async (key: string, body: Record<string, unknown>) =>
      spec.error(await send(`parse ${key} ${mode}`, body));
    contractCase(spec, "parse", "a missing model", async () => {
      const body = request("contract: usage");
      delete body.model;
      expect(await refused("model", body)).toEqual({
        inBand: false,
        status: 400,
        type: "invalid_request_error",
        param: "model",
        code: "missing_required_parameter",
        message: "Missing required parameter: 'model'.",
      });
    });
    contractCase(spec, "parse", `a wrong type (${param} as a string)`, async () => {
      expect(await refused("type", { ...request("contract: usage"), [param]: "16" })).toEqual({
        inBand: false,
        status: 400,
        type: "invalid_request_error",
        param,
        code: "invalid_type",
        message: `Invalid type for '${param}': expected an integer, but got a string instead.`,
      });
    });
    contractCase(spec, "parse", `a value below the minimum (${param} ${min - 1})`, async () => {
      expect(await refused("min", { ...request("contract: usage"), [param]: min - 1 })).toEqual({
        inBand: false,
        status: 400,
        type: "invalid_request_error",
        param,
        code: "integer_below_min_value",
        message: `Invalid '${param}': integer below minimum value. Expected a value >= ${min}, but got ${min - 1} instead.`,
      });
    });
    contractCase(spec, "parse", "a value above the maximum (temperature 3)", async () => {
      expect(await refused("max", { ...request("contract: usage"), temperature: 3 })).toEqual({
        inBand: false,
        status: 400,
        type: "invalid_request_error",
        param: "temperature",
        code: "decimal_above_max_value",
        message: "Invalid 'temperature': decimal above maximum value. Expected a value <= 2, but got 3 instead.",
      });
    });
  });
}

export function defineShapeCases({ spec, mode, stream, send, request }: Run): void {
  const { min } = spec.maxTokens;
  contractCase(spec, "stop", "a stop sequence cuts the reply before it", async () => {
    // The same reply without the stop sequence first: a cached rendering of it must not answer the second.
    const whole = await send(`stop none ${mode}`, request("contract: stop"));
    expect(spec.choices(whole)).toMatchObject([{ text: STOPPED, finish: spec.finish.stop }]);
    const answer = await send(`stop ${mode}`, request("contract: stop", { stop: ["STOP"] }));
    expect(answer.status).toBe(200);
    const [choice, ...more] = spec.choices(answer);
    expect(more).toEqual([]);
    expect(choice).toMatchObject({ text: "Hello there. ", finish: spec.finish.stop });
    if (stream) expect(choice.deltas?.join("")).toBe("Hello there. ");
    expect(spec.usage(answer).completion).toBe(countTokens(MODEL, "Hello there. "));
  });

  contractCase(
    spec,
    "maxTokens",
    "max tokens cuts the reply on a token boundary, with the surface's finish reason",
    async () => {
      const whole = await send(`max none ${mode}`, request("contract: long"));
      expect(spec.choices(whole)).toMatchObject([{ text: LONG, finish: spec.finish.stop }]);
      // Two limits in a row on one reply: each answer is cut at its own.
      for (const limit of [Math.max(min, 16), Math.max(min, 16) + 1]) {
        const kept = encode(LONG).slice(0, limit);
        const answer = await send(`max ${limit} ${mode}`, request("contract: long", { maxTokens: limit }));
        expect(answer.status).toBe(200);
        const [choice] = spec.choices(answer);
        expect(choice).toMatchObject({ text: decode(kept), finish: spec.finish.length });
        // One token per streamed delta (no chunkSize), each the text of exactly one token.
        if (stream) expect(choice.deltas).toEqual(kept.map((token) => decode([token])));
        expect(spec.usage(answer)).toMatchObject({ completion: limit });
      }
    },
  );

  contractCase(spec, "n", "n answers with that many choices, the reply's alternatives in turn", async () => {
    const answer = await send(`n ${mode}`, request("contract: choices", { n: 3 }));
    expect(answer.status).toBe(200);
    const choices = spec.choices(answer);
    const expected = [ALTERNATIVES[0], ALTERNATIVES[1], ALTERNATIVES[0]];
    expect(choices.map((choice) => choice.text)).toEqual(expected);
    expect(choices.map((choice) => choice.finish)).toEqual(expected.map(() => spec.finish.stop));
    if (stream) expect(choices.map((choice) => choice.deltas?.join(""))).toEqual(expected);
    expect(spec.usage(answer).completion).toBe(expected.reduce((sum, text) => sum + countTokens(MODEL, text), 0));
  });
}

export function defineUsageCases({ spec, mode, send, request }: Run): void {
  for (const model of [MODEL, CL100K_MODEL]) {
    contractCase(spec, "usage", `usage counts prompt and completion exactly (${model})`, async () => {
      const text = "contract: usage, counted with the model's own encoding";
      const answer = await send(`usage ${model} ${mode}`, request(text, { model }));
      expect(answer.status).toBe(200);
      const prompt = spec.promptTokens(model, text);
      const completion = countTokens(model, USAGE_REPLY);
      expect(spec.usage(answer)).toEqual({ prompt, completion, total: prompt + completion });
    });
  }
}

export function defineErrorCases({ spec, mode, stream, send, request }: Run): void {
  describe("errors in the surface's shape", () => {
    contractCase(spec, "noMatch", "no matching fixture: 400 no_match naming the nearest fixtures", async () => {
      const error = spec.error(await send(`no match ${mode}`, request("nothing here is known")));
      expect(error).toMatchObject({
        inBand: false,
        status: 400,
        type: "invalid_request_error",
        param: null,
        code: "no_match",
      });
      expect(error.message).toMatch(
        /^No matching response found for the given conversation\. Closest fixtures: #0 userMessage="contract: stop": last user message "nothing here is known" does not contain "contract: stop" \| #1 /,
      );
    });
    contractCase(
      spec,
      "fixtureError",
      `a fixture's error${stream && spec.inBandErrors ? ", in-band once the stream has begun" : ""}`,
      async () => {
        const inBand = stream && spec.inBandErrors;
        expect(spec.error(await send(`fixture error ${mode}`, request("contract: failure")))).toEqual({
          inBand,
          status: inBand ? 200 : 503,
          type: "server_error",
          param: null,
          code: "engine_overloaded",
          message: "The engine is overloaded.",
        });
      },
    );
    contractCase(spec, "fixtureError", "a fixture's 429 is refused before any stream begins", async () => {
      const answer = await send(`429 ${mode}`, request("contract: throttled"));
      expect(spec.error(answer)).toEqual({
        inBand: false,
        status: 429,
        type: "requests",
        param: null,
        code: "rate_limit_exceeded",
        message: "Slow down.",
      });
      if (spec.headers) expect(answer.headers["retry-after"]).toBe("7");
    });
    contractCase(spec, "modelNotFound", "a model the server does not serve: 404 model_not_found", async () => {
      expect(spec.error(await send(`model ${mode}`, request("contract: usage", { model: UNKNOWN_MODEL })))).toEqual({
        inBand: false,
        status: 404,
        type: "invalid_request_error",
        param: "model",
        code: "model_not_found",
        message: `The model \`${UNKNOWN_MODEL}\` does not exist or you do not have access to it.`,
      });
    });
  });
}

/** The surface's stream events without a socket: which of them the timing model paces as tokens. */
export function defineTokenFlagCases(spec: ContractSpec): void {
  const rendered = (text: string, n?: number) => {
    const state = testState({ fixtures: CONTRACT_FIXTURES });
    const surface = spec.surface(state);
    const outcome = runPipeline(state, surface, spec.request({ model: MODEL, text, stream: true, n }));
    if (outcome.kind !== "reply") throw new Error(`expected a reply, got ${JSON.stringify(outcome)}`);
    const stream = surface.renderStream(outcome.plan, outcome.conversation, renderContext(state));
    return stream.events.map((event) => {
      const data = event.enveloped ? stream.envelope + event.data : event.data;
      return { token: event.token === true, data: data === "[DONE]" ? data : JSON.parse(data) };
    });
  };
  contractCase(spec, "tokenFlags", "marks the events that carry a generated token, and no others", () => {
    const events = rendered("contract: flags");
    expect(events.filter((event) => event.token).length).toBeGreaterThanOrEqual(3);
    for (const event of events) expect(event.token, JSON.stringify(event.data)).toBe(spec.carriesToken(event.data));
  });
  if (spec.skip?.n === undefined) {
    contractCase(
      spec,
      "tokenFlags",
      "with n choices generated side by side, marks one event per generation step",
      () => {
        const events = rendered("contract: choices", 2);
        const steps = Math.max(...ALTERNATIVES.map((text) => encode(text).length));
        expect(events.filter((event) => event.token).length).toBe(steps);
        expect(events.filter((event) => event.data !== "[DONE]" && spec.carriesToken(event.data)).length).toBe(
          ALTERNATIVES.reduce((sum, text) => sum + encode(text).length, 0),
        );
      },
    );
  }
}
