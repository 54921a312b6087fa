// The contract every generation surface keeps, written once and run by each surface's test file (as
// Hono's routers share one suite): parse errors, stop, max tokens, n, token flags, usage and errors in
// the surface's own shape. Every case runs on a server with its caches on and on one with them off,
// and the answers must be the same bytes apart from ids, timestamps and per-request headers.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type ServerInstance } from "../../src/server.js";
import { transcript } from "../support/transcript.js";
import { defineParseCases, defineShapeCases, defineUsageCases, type Run } from "./cases.js";
import { openaiEncoding } from "./encodings.js";
import { defineErrorCases } from "./error-cases.js";
import { CL100K_MODEL, CONTRACT_FIXTURES, MODEL, UNKNOWN_MODEL } from "./fixtures.js";
import type { ContractModels, ContractSpec, RequestInput, SentRequest } from "./spec.js";
import { defineTokenFlagCases } from "./token-flag-cases.js";
import type { Answer } from "./wire.js";

export type { ContractSpec } from "./spec.js";

/** What one run of the cases recorded: each request's two answers, as normalised transcripts. */
type Transcripts = Map<string, string[]>;

const OPENAI_MODELS: ContractModels = { main: MODEL, second: CL100K_MODEL, unknown: UNKNOWN_MODEL };

/** Checks the answer carries the surface's request-id header; the answer's transcript, without what differs by design. */
function transcriptOf(spec: ContractSpec, answer: Answer): string {
  const headers = { ...answer.headers };
  if (spec.headers) {
    const { requestId, perRequest = [] } = spec.headers;
    if (requestId) {
      expect(headers[requestId.header], `the ${requestId.header} header`).toMatch(requestId.pattern);
      delete headers[requestId.header];
    }
    for (const name of perRequest) delete headers[name];
  }
  const text = transcript(answer.status, headers, answer.text);
  return spec.normalise ? spec.normalise(text) : text;
}

/** The request for `input` as the spec writes it, at the spec's path for it. */
const sentFor = (spec: ContractSpec, input: RequestInput): SentRequest => ({
  path: spec.pathFor?.(input) ?? spec.path,
  body: spec.request(input),
});

export function runContract(spec: ContractSpec): void {
  const models = spec.models ?? OPENAI_MODELS;
  const encoding = spec.encoding ?? openaiEncoding;
  const served = models.second === null ? [models.main] : [models.main, models.second];
  const recorded: Record<"on" | "off", Transcripts> = { on: new Map(), off: new Map() };
  for (const caches of [true, false]) {
    describe(`${spec.name} · caches ${caches ? "on" : "off"}`, () => {
      let server: ServerInstance;
      beforeAll(async () => {
        server = await createServer(CONTRACT_FIXTURES, { models: served, caches });
      });
      afterAll(() => server.close());
      const transcripts = recorded[caches ? "on" : "off"];
      // Each request goes twice: with caches on, the second answer comes from what the first one left.
      const send = async (key: string, { path, body }: SentRequest) => {
        const answers = [
          await spec.transport(server.url, path, body, spec.requestHeaders),
          await spec.transport(server.url, path, body, spec.requestHeaders),
        ];
        transcripts.set(
          key,
          answers.map((answer) => transcriptOf(spec, answer)),
        );
        return answers[1];
      };
      for (const mode of spec.modes) {
        const stream = mode === "stream";
        const request = (text: string, extra: Partial<RequestInput> = {}) =>
          sentFor(spec, { model: models.main, text, stream, ...extra });
        const run: Run = { spec, mode, stream, models, encoding, send, request };
        describe(stream ? "streamed" : "as JSON", () => {
          defineParseCases(run);
          defineShapeCases(run);
          defineUsageCases(run);
          defineErrorCases(run);
        });
      }
    });
  }
  describe(`${spec.name} · stream events`, () => defineTokenFlagCases(spec));
  describe(`${spec.name} · caches change no byte`, () => {
    it("every answer is the same with caches on or off, and the same the second time, apart from ids and timestamps", () => {
      expect(recorded.on.size).toBeGreaterThanOrEqual(10);
      expect([...recorded.off.keys()]).toEqual([...recorded.on.keys()]);
      for (const [key, [first, again]] of recorded.on) {
        expect(again, `${key}, sent again`).toBe(first);
        expect(recorded.off.get(key), `${key}, caches off`).toEqual([first, first]);
      }
    });
  });
}
