// The internal `caches: false` option the contract suite compares against: with it, every request is
// planned and rendered afresh. Shown by changing a fixture's reply in place between two identical
// requests, which only an answer built anew can see (no public API changes a reply in place).
import { afterEach, describe, expect, it } from "vitest";
import type { Reply } from "../../src/core/reply.js";
import { createServer, type ServerInstance, type ServerOptions } from "../../src/server.js";
import { http } from "./wire.js";

/** What the fixture's usage override says after the change; before it, usage is counted from the reply. */
const OVERRIDDEN = 99;
const COUNTED = 6;

let server: ServerInstance | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

/** The completion tokens an answer reports (in a JSON body or a stream's last usage), whatever the surface. */
function completionTokens(answer: Awaited<ReturnType<typeof http>>): number {
  const usages = answer.json
    ? [answer.json.usage]
    : (answer.events ?? []).map(({ data }) => data.usage ?? data.response?.usage);
  const usage = usages.filter(Boolean).at(-1);
  return usage.completion_tokens ?? usage.output_tokens;
}

/** The completion tokens reported for one request sent before and after the reply's usage override is changed in place. */
async function beforeAndAfter(
  options: ServerOptions,
  path: string,
  body: Record<string, unknown>,
): Promise<[number, number]> {
  server = await createServer(
    [{ match: { userMessage: "switch" }, response: { content: "The reply, counted exactly." } }],
    options,
  );
  const first = await http(server.url, path, body);
  (server.fixtures.all()[0].response as Reply).usage = { completionTokens: OVERRIDDEN };
  const second = await http(server.url, path, body);
  expect([first.status, second.status]).toEqual([200, 200]);
  return [completionTokens(first), completionTokens(second)];
}

const CHAT = { model: "gpt-4o-mini", messages: [{ role: "user", content: "switch" }] };
const COMPLETIONS = { model: "gpt-4o-mini", prompt: "switch" };
const WITH_USAGE = { stream: true, stream_options: { include_usage: true } };
const ROUTES: [string, string, Record<string, unknown>][] = [
  ["chat", "/v1/chat/completions", CHAT],
  ["chat, streamed", "/v1/chat/completions", { ...CHAT, ...WITH_USAGE }],
  ["completions", "/v1/completions", COMPLETIONS],
  ["completions, streamed", "/v1/completions", { ...COMPLETIONS, ...WITH_USAGE }],
  ["responses, streamed", "/v1/responses", { model: "gpt-4o-mini", input: "switch", stream: true }],
];

describe("caches on (the default)", () => {
  it.each(ROUTES)("%s: a repeated request is answered from the pipeline memo", async (_name, path, body) => {
    expect(await beforeAndAfter({}, path, body)).toEqual([COUNTED, COUNTED]);
  });

  // A rate limit keeps the memo out of it (its answers depend on more than the request); renderings stay cached.
  it.each(ROUTES)("%s: a repeated plan is rendered from the rendering cache", async (_name, path, body) => {
    expect(await beforeAndAfter({ rateLimit: { rpm: 1000 } }, path, body)).toEqual([COUNTED, COUNTED]);
  });
});

describe("caches: false", () => {
  it.each(ROUTES)("%s: every request is planned and rendered afresh", async (_name, path, body) => {
    expect(await beforeAndAfter({ caches: false }, path, body)).toEqual([COUNTED, OVERRIDDEN]);
    expect(await beforeAndAfter({ caches: false, rateLimit: { rpm: 1000 } }, path, body)).toEqual([
      COUNTED,
      OVERRIDDEN,
    ]);
  });
});
