// Fuzz: seeded hostile request lines against every route (bad escapes, `//`, dot segments, paths near
// and over node's header limit, odd methods, odd query bytes): never a 5xx, never a dropped connection.
import { createServer, type ServerInstance } from "understudy-llm/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runProbes, urlProbe } from "./support/fuzz-run.js";
import { prng } from "./support/fuzz-rng.js";
import { HEADER_LIMIT, makeUrlCase, URL_IDS } from "./support/fuzz-urls.js";
import { validateAgainst } from "./support/openapi.js";
import { watchProcessErrors } from "./support/process-errors.js";
import { RawConnection, rawRequest } from "./support/raw-http.js";

const SEED = 0x5eed_0104;
const CASES = 3000;

let server: ServerInstance;
let storedId: string;

beforeAll(async () => {
  server = await createServer([{ match: {}, response: { content: "ok" } }], { seed: 4, journalSize: 10 });
  const res = await fetch(`${server.url}/v1/responses`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o-mini", input: "keep me" }),
  });
  storedId = ((await res.json()) as { id: string }).id;
});
afterAll(() => server?.close());

const schema = (body: unknown) => validateAgainst("ErrorResponse", body);

/** One request alone on a fresh connection: its answer, and whether the server then closed the connection. */
async function once(method: string, target: string) {
  const conn = await RawConnection.open(server.port);
  const x = await conn.exchange(
    Buffer.concat([rawRequest(method, target), rawRequest("GET", "/health")]),
    [method, "GET"],
    3000,
  );
  conn.close();
  const [first, health] = x.responses;
  const body =
    first?.body.length && first.headers["content-type"] === "application/json"
      ? JSON.parse(first.body.toString("utf8"))
      : null;
  return { status: first?.status, body, connection: first?.headers.connection, nextStatus: health?.status };
}

describe("hostile URLs", () => {
  it("answers malformed escapes, `//`, dot segments and odd methods on each route with the route's own answer, keeping the connection", async () => {
    const invalid = (method: string, path: string) => ({
      status: 404,
      body: {
        error: { message: `Invalid URL (${method} ${path})`, type: "invalid_request_error", param: null, code: null },
      },
      connection: "keep-alive",
      nextStatus: 200,
    });
    const missing = (id: string) => ({
      status: 404,
      body: {
        error: {
          message: `Response with id '${id}' not found.`,
          type: "invalid_request_error",
          param: "response_id",
          code: null,
        },
      },
      connection: "keep-alive",
      nextStatus: 200,
    });
    expect(await once("GET", "/v1/responses/%ZZ")).toEqual(missing("%ZZ"));
    expect(await once("DELETE", "/v1/responses/%E0%A4%A")).toEqual(missing("%E0%A4%A"));
    // %C0%AF is an overlong '/': not valid UTF-8, so the id stays as sent.
    expect(await once("GET", "/v1/responses/%C0%AF/input_items")).toEqual(missing("%C0%AF"));
    expect(await once("GET", "/v1/responses/%")).toEqual(missing("%"));
    expect(
      await once("GET", `/v1/responses/${storedId}/input_items?limit=%ZZ&after=%E0%A4%A&order=%C0%AF`),
    ).toMatchObject({
      status: 200,
      body: { object: "list", data: [{ type: "message", role: "user" }] },
      nextStatus: 200,
    });
    expect(await once("GET", "//health")).toEqual(invalid("GET", "//health"));
    expect(await once("GET", "/v1/./models")).toEqual(invalid("GET", "/v1/./models"));
    expect(await once("GET", "/v1/../health")).toEqual(invalid("GET", "/v1/../health"));
    expect(await once("PATCH", "/v1/chat/completions")).toEqual(invalid("PATCH", "/v1/chat/completions"));
    expect(await once("PUT", "/v1/responses")).toEqual(invalid("PUT", "/v1/responses"));
    expect(await once("TRACE", "/health")).toEqual(invalid("TRACE", "/health"));
    expect(await once("OPTIONS", "*")).toEqual(invalid("OPTIONS", "*"));
    expect(await once("GET", "/metrics?%ZZ")).toMatchObject({ status: 200, nextStatus: 200 });
  });

  it("leaves to node what node refuses: a lowercase method or odd bytes get 400, a path over the header limit 431", async () => {
    const refused = (status: number) => ({ status, body: null, connection: "close", nextStatus: undefined });
    expect(await once("get", "/health")).toEqual(refused(400));
    expect(await once("GET", "/health?q=\x7f")).toEqual(refused(400));
    expect(await once("GET", "/v1/models/\xc3\xa9")).toEqual(refused(400));
    expect(await once("GET", `/v1/models/${"a".repeat(HEADER_LIMIT + 500)}`)).toEqual(refused(431));
    // Just under the limit is an ordinary request, answered in full.
    const near = `/v1/${"a".repeat(HEADER_LIMIT - 1000)}`;
    expect(await once("GET", near)).toEqual({
      status: 404,
      body: { error: expect.objectContaining({ message: `Invalid URL (GET ${near})` }) },
      connection: "keep-alive",
      nextStatus: 200,
    });
  });
});

describe(`fuzz: ${CASES} seeded hostile URLs (seed ${SEED})`, () => {
  it("never answers 5xx, never drops a connection it answered on, and keeps serving", async () => {
    const rng = prng(SEED);
    const probes = Array.from({ length: CASES }, (_, i) =>
      urlProbe(makeUrlCase(rng, i, [...URL_IDS, storedId]), schema),
    );
    const watch = watchProcessErrors();
    const tally = await runProbes(server.port, probes, { concurrency: 8, timeoutMs: 3000 }).finally(() => watch.stop());
    const summary = `statuses ${JSON.stringify(tally.statuses)}, ${tally.answered} answered, ${tally.refused} refused by node`;
    expect(
      tally.failures,
      `${tally.failures.length} bad answers (${summary}):\n${tally.failures.slice(0, 15).join("\n")}`,
    ).toEqual([]);
    expect(watch.errors).toEqual([]);
    expect(tally.ran).toBe(CASES);
    expect(
      Object.keys(tally.statuses)
        .map(Number)
        .filter((s) => s >= 500),
    ).toEqual([]);
    // Both kinds are exercised: requests Understudy routes, and requests node refuses before it.
    expect(tally.answered).toBeGreaterThan(CASES / 2);
    expect(tally.refused).toBeGreaterThan(CASES / 20);
    expect(tally.statuses[200]).toBeGreaterThan(0);
    expect(tally.statuses[404]).toBeGreaterThan(0);

    const health = await fetch(`${server.url}/health`);
    expect([health.status, await health.json()]).toEqual([200, { status: "ok" }]);
    const chat = await fetch(`${server.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"hi"}]}',
    });
    expect(((await chat.json()) as { choices: { message: { content: string } }[] }).choices[0].message.content).toBe(
      "ok",
    );
  }, 30_000);
});
