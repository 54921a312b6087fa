// The contract's error cases: no matching fixture, a fixture's error (in the stream once it has begun,
// on surfaces that send it there), a fixture's 429 before any stream, and a model the server does not
// serve, each in the words the spec declares for its surface.
import { describe, expect } from "vitest";
import { contractCase, type Run } from "./cases.js";

/**
 * Understudy's own account of a request no fixture matched, which every surface sends as its message:
 * the nearest fixtures, each with what differed.
 */
export const NO_MATCH_DETAIL =
  /^No matching response found for the given conversation\. Closest fixtures: #0 userMessage="contract: stop": last user message "nothing here is known" does not contain "contract: stop" \| #1 /;

export function defineErrorCases({ spec, mode, stream, models, send, request }: Run): void {
  const { errors } = spec;
  describe("errors in the surface's shape", () => {
    contractCase(spec, "noMatch", "no matching fixture: the surface's 400, naming the nearest fixtures", async () => {
      const error = spec.error(await send(`no match ${mode}`, request("nothing here is known")));
      const { message: pattern, ...fields } = errors.noMatch;
      expect(error).toMatchObject({ inBand: false, ...fields });
      expect(error.message).toMatch(pattern ?? NO_MATCH_DETAIL);
    });
    const inBand = stream && spec.inBandErrors;
    contractCase(
      spec,
      "fixtureError",
      `a fixture's error${inBand ? ", in-band once the stream has begun" : ""}`,
      async () => {
        const expected = inBand
          ? (errors.fixtureErrorInBand ?? { ...errors.fixtureError, status: 200 })
          : errors.fixtureError;
        expect(spec.error(await send(`fixture error ${mode}`, request("contract: failure")))).toEqual({
          inBand,
          ...expected,
        });
      },
    );
    contractCase(spec, "fixtureError", "a fixture's 429 is refused before any stream begins", async () => {
      const answer = await send(`429 ${mode}`, request("contract: throttled"));
      expect(spec.error(answer)).toEqual({ inBand: false, ...errors.fixtureRateLimit });
      if (spec.headers) expect(spec.retryAfter?.(answer) ?? Number(answer.headers["retry-after"])).toBe(7);
    });
    contractCase(spec, "modelNotFound", "a model the server does not serve: the surface's 404", async () => {
      const answer = await send(`model ${mode}`, request("contract: usage", { model: models.unknown }));
      expect(spec.error(answer)).toEqual({ inBand: false, ...errors.modelNotFound(models.unknown, mode) });
    });
  });
}
