// The contract every generation surface keeps, written once and run by each surface's test file (as
// Hono's routers share one suite): parse errors, stop, max tokens, n, token flags, usage and errors in
// the surface's own shape. Every case runs on a server with its caches on and on one with them off,
// and the answers must be the same bytes apart from ids and timestamps.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createServer, type ServerInstance } from "../../src/server.js";
import { transcript } from "../support/transcript.js";
import {
  defineErrorCases,
  defineParseCases,
  defineShapeCases,
  defineTokenFlagCases,
  defineUsageCases,
  type Run,
} from "./cases.js";
import { CL100K_MODEL, CONTRACT_FIXTURES, MODEL } from "./fixtures.js";
import type { ContractSpec, RequestInput } from "./spec.js";

export type { ContractSpec } from "./spec.js";

/** What one run of the cases recorded: each request's two answers, as normalised transcripts. */
type Transcripts = Map<string, string[]>;

export function runContract(spec: ContractSpec): void {
  const recorded: Record<"on" | "off", Transcripts> = { on: new Map(), off: new Map() };
  for (const caches of [true, false]) {
    describe(`${spec.name} · caches ${caches ? "on" : "off"}`, () => {
      let server: ServerInstance;
      beforeAll(async () => {
        server = await createServer(CONTRACT_FIXTURES, { models: [MODEL, CL100K_MODEL], caches });
      });
      afterAll(() => server.close());
      const transcripts = recorded[caches ? "on" : "off"];
      // Each request goes twice: with caches on, the second answer comes from what the first one left.
      const send = async (key: string, body: Record<string, unknown>) => {
        const answers = [
          await spec.transport(server.url, spec.path, body),
          await spec.transport(server.url, spec.path, body),
        ];
        transcripts.set(
          key,
          answers.map((answer) => transcript(answer.status, answer.headers, answer.text)),
        );
        return answers[1];
      };
      for (const mode of spec.modes) {
        const stream = mode === "stream";
        const request = (text: string, extra: Partial<RequestInput> = {}) =>
          spec.request({ model: MODEL, text, stream, ...extra });
        const run: Run = { spec, mode, stream, send, request };
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
