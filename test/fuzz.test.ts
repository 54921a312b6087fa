// Fuzz: 3000 seeded malformed or hostile bodies for every generation endpoint, each answered with a
// well-formed 4xx, never a 5xx, hang or reset, on a connection that keeps serving.
import { createServer, type ServerInstance } from "understudy-llm/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeBodyCase } from "./support/fuzz-bodies.js";
import { prng } from "./support/fuzz-rng.js";
import { bodyProbe, runProbes } from "./support/fuzz-run.js";
import { validateAgainst } from "./support/openapi.js";
import { watchProcessErrors } from "./support/process-errors.js";

const SEED = 0x5eed_0003;
const CASES = 3000;
const CONCURRENCY = 20;
const SENTINEL = "the-one-request-a-fixture-answers";

let server: ServerInstance;
const chat = (content: string) => ({ model: "gpt-4o-mini", messages: [{ role: "user", content }] });
const postJson = (path: string, body: unknown) =>
  fetch(`${server.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });
/** The fixture's answer without its per-request id and timestamp. */
const stable = async (res: Response) => {
  const { id: _id, created: _created, ...rest } = (await res.json()) as Record<string, unknown>;
  return rest;
};

beforeAll(async () => {
  server = await createServer([{ match: { userMessage: SENTINEL }, response: { content: "Still here, unchanged." } }], {
    seed: 3,
    journalSize: 100,
  });
});
afterAll(() => server?.close());

describe(`fuzz: ${CASES} seeded hostile bodies (seed ${SEED})`, () => {
  it("answers every one with a well-formed 4xx OpenAI error, then still answers a valid request the same way", async () => {
    const before = await stable(await postJson("/v1/chat/completions", chat(SENTINEL)));
    const rng = prng(SEED);
    const schema = (body: unknown) => validateAgainst("ErrorResponse", body);
    const probes = Array.from({ length: CASES }, (_, i) => bodyProbe(makeBodyCase(rng, i), schema));
    const watch = watchProcessErrors();
    const tally = await runProbes(server.port, probes, { concurrency: CONCURRENCY, timeoutMs: 5000 }).finally(() =>
      watch.stop(),
    );
    expect(
      tally.failures,
      `${tally.failures.length} bad answers (statuses ${JSON.stringify(tally.statuses)}):\n${tally.failures.slice(0, 15).join("\n")}`,
    ).toEqual([]);
    expect(watch.errors).toEqual([]);
    expect(tally.answered).toBe(CASES);
    expect(
      Object.keys(tally.statuses)
        .map(Number)
        .every((s) => s >= 400 && s < 500),
    ).toBe(true);

    // Nothing leaked into prototypes, no fixture was added or changed, and the server answers as before.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(server.fixtures.all()).toHaveLength(1);
    const after = await postJson("/v1/chat/completions", chat(SENTINEL));
    expect(after.status).toBe(200);
    expect(await stable(after)).toEqual(before);
    expect((before.choices as { message: { content: string } }[])[0].message.content).toBe("Still here, unchanged.");
  }, 30_000);
});
