// The contract's cases, each written once in the suite's own terms (a request for a user message; the
// choices, usage and error read back) and run by every surface through its ContractSpec: parse errors,
// stop, max tokens, n and usage here; errors in error-cases.ts, token flags in token-flag-cases.ts.
import { describe, expect, it } from "vitest";
import { type Encoding, tokenCount } from "./encodings.js";
import { ALTERNATIVES, LONG, STOPPED, USAGE_REPLY } from "./fixtures.js";
import type { CaseName, ContractModels, ContractSpec, ExpectedError, Mode, RequestInput, SentRequest } from "./spec.js";
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
  models: ContractModels;
  encoding(model: string): Encoding;
  /** Sends the request (twice; see runContract) and returns the answer, recorded under `key`. */
  send(key: string, request: SentRequest): Promise<Answer>;
  /** The surface's request for a user message to the run's model, with the run's stream setting. */
  request(text: string, extra?: Partial<RequestInput>): SentRequest;
}

/** The request with fields of its body replaced (or added). */
export const withBody = (request: SentRequest, fields: Record<string, unknown>): SentRequest => ({
  path: request.path,
  body: { ...request.body, ...fields },
});

/** An error as an out-of-band answer: the expected fields, not inside a stream. */
const outOfBand = (error: ExpectedError) => ({ inBand: false, ...error });

export function defineParseCases({ spec, mode, send, request }: Run): void {
  const { param, min } = spec.maxTokens;
  const { errors } = spec;
  describe("parse errors in the surface's words", () => {
    const refused = async (key: string, sent: SentRequest) => spec.error(await send(`parse ${key} ${mode}`, sent));
    contractCase(spec, spec.skip?.parse ? "parse" : "missingModel", "a missing model", async () => {
      const sent = request("contract: usage");
      delete sent.body.model;
      expect(await refused("model", sent)).toEqual(outOfBand(errors.missingModel));
    });
    const wrong = spec.maxTokens.wrongType ?? "16";
    contractCase(spec, "parse", `a wrong type (${param} as the string ${JSON.stringify(wrong)})`, async () => {
      expect(await refused("type", withParam(spec, request("contract: usage"), param, wrong))).toEqual(
        outOfBand(errors.wrongType(param)),
      );
    });
    contractCase(
      spec,
      spec.skip?.parse ? "parse" : "belowMin",
      `a value below the minimum (${param} ${min - 1})`,
      async () => {
        expect(await refused("min", withParam(spec, request("contract: usage"), param, min - 1))).toEqual(
          outOfBand(errors.belowMin(param, min)),
        );
      },
    );
    const { max, error } = errors.aboveMax;
    contractCase(
      spec,
      spec.skip?.parse ? "parse" : "aboveMax",
      `a value above the maximum (temperature ${max + 1})`,
      async () => {
        expect(await refused("max", withParam(spec, request("contract: usage"), "temperature", max + 1))).toEqual(
          outOfBand(error),
        );
      },
    );
  });
}

/** The request with a sampling parameter set where the surface keeps it (top level, or Gemini's generationConfig). */
function withParam(spec: ContractSpec, request: SentRequest, param: string, value: unknown): SentRequest {
  if (spec.setParam) return { path: request.path, body: spec.setParam(request.body, param, value) };
  return withBody(request, { [param]: value });
}

export function defineShapeCases({ spec, mode, stream, models, encoding, send, request }: Run): void {
  const { min } = spec.maxTokens;
  const counted = (text: string) => tokenCount(encoding(models.main), text);
  contractCase(spec, "stop", "a stop sequence cuts the reply before it", async () => {
    // The same reply without the stop sequence first: a cached rendering of it must not answer the second.
    const whole = await send(`stop none ${mode}`, request("contract: stop"));
    expect(spec.choices(whole)).toMatchObject([{ text: STOPPED, finish: spec.finish.stop }]);
    const answer = await send(`stop ${mode}`, request("contract: stop", { stop: ["STOP"] }));
    expect(answer.status).toBe(200);
    const [choice, ...more] = spec.choices(answer);
    expect(more).toEqual([]);
    expect(choice).toMatchObject({ text: "Hello there. ", finish: spec.finish.stopSequence ?? spec.finish.stop });
    if (stream) expect(choice.deltas?.join("")).toBe("Hello there. ");
    expect(spec.usage(answer).completion).toBe(counted("Hello there. "));
  });

  contractCase(
    spec,
    "maxTokens",
    "max tokens cuts the reply on a token boundary, with the surface's finish reason",
    async () => {
      const whole = await send(`max none ${mode}`, request("contract: long"));
      expect(spec.choices(whole)).toMatchObject([{ text: LONG, finish: spec.finish.stop }]);
      const { encode, decode } = encoding(models.main);
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
    expect(spec.usage(answer).completion).toBe(expected.reduce((sum, text) => sum + counted(text), 0));
  });
}

export function defineUsageCases({ spec, mode, models, encoding, send, request }: Run): void {
  for (const model of [models.main, models.second]) {
    if (model === null) continue;
    contractCase(spec, "usage", `usage counts prompt and completion exactly (${model})`, async () => {
      const text = "contract: usage, counted with the model's own encoding";
      const answer = await send(`usage ${model} ${mode}`, request(text, { model }));
      expect(answer.status).toBe(200);
      const prompt = spec.promptTokens(model, text);
      const completion = tokenCount(encoding(model), USAGE_REPLY);
      expect(spec.usage(answer)).toEqual({ prompt, completion, total: prompt + completion });
    });
  }
}
