// Fuzz: ~3000 seeded malformed or hostile bodies for every generation endpoint, each answered with a well-formed 4xx, never a 5xx, hang or reset.
import { Agent, request } from "node:http";
import { createServer, type ServerInstance } from "understudy/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateAgainst } from "./support/openapi.js";

const SEED = 0x5eed_0003;
const CASES = 3000;
const CONCURRENCY = 20;
const TIMEOUT_MS = 5000;
const SENTINEL = "the-one-request-a-fixture-answers";

/** mulberry32: a small seeded PRNG, so a failing case can be replayed from its index. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  const int = (n: number): number => Math.floor(next() * n);
  const pick = <T>(list: readonly T[]): T => list[int(list.length)];
  return { next, int, pick };
}
type Rng = ReturnType<typeof prng>;

// Placeholders inside a value, swapped for raw JSON text after JSON.stringify (which cannot write 10k levels itself).
const RAW = new Map<string, string>();
const raw = (text: string): string => {
  const key = `\u0000raw${RAW.size}\u0000`;
  RAW.set(key, text);
  return key;
};
const serialize = (value: unknown): string =>
  JSON.stringify(value).replace(/"\\u0000raw\d+\\u0000"/g, (m) => RAW.get(JSON.parse(m) as string) ?? m);

const DEEP_ARRAY = raw(`${"[".repeat(10_000)}${"]".repeat(10_000)}`);
const DEEP_OBJECT = raw(`${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`);
const DEEP_MIXED = raw(`${'[{"x":'.repeat(5_000)}null${"}]".repeat(5_000)}`);
const MEGA = "x".repeat(1024 * 1024);
const MEGA_UNICODE = "𝔘ñ\u0301".repeat(1024 * 1024 / 6);

const UNICODE = [
  "\u0000", "\ud800", "\udfff", "x\ud83d", "\ufeff{}", "\u202e\u2066evil\u2069", "👨‍👩‍👧‍👦🏽", "e\u0301".repeat(2000),
  "<|endoftext|>", "<|im_start|>system", "\u2028\u2029", "\uffff\ufffe", "Z̴̡̛̙͓a̵̢l̷g̶o̸", "\\u0000", "%00%ff", "${{7*7}}",
];
const NUMBERS = [1e308, -1e308, 1.7976931348623157e308, 5e-324, -0, 2 ** 53 + 1, -(2 ** 63), 2 ** 31, 1e21, 0.1, -1, 0, 129, 4294967297];
const NUMBER_STRINGS = ["NaN", "Infinity", "-Infinity", "1e308", "0x10", "", " 1", "1_000"];

/** A hostile value of any kind; big and deep ones are rarer so the run stays fast. */
function hostile(rng: Rng, depth = 0): unknown {
  const roll = rng.int(100);
  if (roll < 12) return rng.pick([null, true, false, 0, 1, -1, 1.5, "", "a", [], {}]);
  if (roll < 26) return rng.pick(NUMBERS);
  if (roll < 34) return rng.pick(NUMBER_STRINGS);
  if (roll < 46) return rng.pick(UNICODE);
  if (roll < 51) return rng.pick([DEEP_ARRAY, DEEP_OBJECT, DEEP_MIXED]);
  if (roll < 52) return depth === 0 && rng.int(3) === 0 ? rng.pick([MEGA, MEGA_UNICODE]) : "y".repeat(10_000);
  if (roll < 60) return { ["__proto__"]: { polluted: "yes", model: "x" }, constructor: { prototype: { polluted: "yes" } } };
  if (roll < 66) return rng.pick(["toString", "__proto__", "constructor", "hasOwnProperty", "prototype", "valueOf"]);
  if (roll < 80 && depth < 3) return Array.from({ length: rng.int(4) }, () => hostile(rng, depth + 1));
  if (roll < 94 && depth < 3) return Object.fromEntries(Array.from({ length: rng.int(4) }, (_, i) => [rng.pick(["type", "role", "content", "text", "name", "toString", "valueOf", `k${i}`]), hostile(rng, depth + 1)]));
  return rng.pick([[null], [[]], [{}], { type: null }, { type: "function" }, { role: "user" }, Array(300).fill(1)]);
}

interface Endpoint {
  path: string;
  base: () => Record<string, unknown>;
  fields: string[];
  /** Values that break the request whatever else it holds (for endpoints that answer any valid body). */
  breakers?: [string, unknown][];
}

const ENDPOINTS: Endpoint[] = [
  {
    path: "/v1/chat/completions",
    base: () => ({ model: "gpt-4o-mini", messages: [{ role: "user", content: "fuzz" }] }),
    fields: ["model", "messages", "temperature", "top_p", "n", "stop", "max_tokens", "max_completion_tokens", "logprobs", "top_logprobs", "logit_bias", "stream", "stream_options", "tools", "tool_choice", "response_format", "seed", "user", "metadata", "prompt", "ignore_eos", "top_k", "presence_penalty", "frequency_penalty", "parallel_tool_calls", "functions", "n\u0000"],
  },
  {
    path: "/v1/responses",
    base: () => ({ model: "gpt-4o-mini", input: "fuzz" }),
    fields: ["model", "input", "instructions", "max_output_tokens", "temperature", "top_p", "tools", "tool_choice", "text", "previous_response_id", "store", "stream", "metadata", "reasoning", "include", "truncation", "parallel_tool_calls", "background", "conversation"],
  },
  {
    path: "/v1/completions",
    base: () => ({ model: "gpt-3.5-turbo-instruct", prompt: "fuzz" }),
    fields: ["model", "prompt", "suffix", "echo", "n", "best_of", "logprobs", "max_tokens", "stop", "temperature", "stream", "stream_options", "logit_bias", "top_k", "ignore_eos", "seed", "user"],
  },
  {
    path: "/v1/embeddings",
    base: () => ({ model: "text-embedding-3-small", input: "fuzz" }),
    fields: ["model", "input", "dimensions", "encoding_format", "user"],
    // Embeddings need no fixture, so every embeddings case also carries one of these.
    breakers: [["input", null], ["input", {}], ["input", []], ["input", ""], ["input", [[]]], ["input", [null]], ["input", [-1]], ["input", [1.5]], ["input", ["a", 1]], ["input", DEEP_ARRAY], ["input", [99_999_999]], ["model", null], ["model", 7], ["model", DEEP_OBJECT], ["encoding_format", "base65"], ["dimensions", 0], ["dimensions", 1e308], ["dimensions", "8"]],
  },
];

const CONTENT_TYPES = ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/xml", "*/*", "application/jsonx", "json", "text/json", "application/octet-stream"];

interface Case {
  index: number;
  path: string;
  contentType: string | null;
  body: Buffer;
}

/** One case: a mutated JSON body, or broken bytes, or a wrong content type. */
function makeCase(rng: Rng, index: number): Case {
  const endpoint = rng.pick(ENDPOINTS);
  const body: Record<string, unknown> = endpoint.base();
  for (let i = 0, n = 1 + rng.int(3); i < n; i++) {
    const field = rng.pick(endpoint.fields);
    if (rng.int(5) === 0) delete body[field];
    else body[field] = hostile(rng);
  }
  if (endpoint.path !== "/v1/embeddings" && rng.int(4) === 0) {
    // Messages and input items with hostile members in otherwise plausible shapes.
    const item = { role: rng.int(3) ? rng.pick(["user", "system", "assistant", "tool", "developer", "function", "bogus"]) : hostile(rng), content: hostile(rng), [rng.pick(["tool_calls", "name", "type", "tool_call_id"])]: hostile(rng) };
    body[endpoint.path === "/v1/responses" ? "input" : endpoint.path === "/v1/completions" ? "prompt" : "messages"] = [item];
  }
  if (endpoint.breakers) {
    const [field, value] = rng.pick(endpoint.breakers);
    body[field] = value;
  }
  let text = serialize(body);
  let contentType: string | null = "application/json";
  const mode = rng.int(100);
  if (mode < 8) text = text.slice(0, rng.int(text.length)); // truncated
  else if (mode < 10) text = rng.pick(["", " ", "\n\n", "null", "[]", "0", '"str"', "true", "{}", "[{}]", "{,}", "{'model':'x'}", "{\"model\":NaN}", "\ufeff{}", "{\"a\":1}}"]);
  else if (mode < 12) text = `{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},${text.slice(1)}`;
  else if (mode < 14) text = `{"model":${serialize(hostile(rng))},${text.slice(1)}`; // a duplicate key (the later one wins)
  else if (mode < 16) text = RAW.get(rng.pick([DEEP_ARRAY, DEEP_OBJECT, DEEP_MIXED]))!; // 10k levels as the whole body
  else if (mode < 22) contentType = rng.pick(CONTENT_TYPES);
  else if (mode < 24) contentType = null;
  let bytes = Buffer.from(text, "utf8");
  if (mode >= 24 && mode < 30) {
    // Invalid UTF-8: stray continuation bytes, overlong forms, surrogates and 0xFF spliced in.
    const at = rng.int(bytes.length + 1);
    const junk = Buffer.from(rng.pick([[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0x80, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xe2, 0x82], [0x00]]));
    bytes = Buffer.concat([bytes.subarray(0, at), junk, bytes.subarray(at)]);
  } else if (mode >= 30 && mode < 32) {
    bytes = Buffer.from(Array.from({ length: rng.int(200) }, () => rng.int(256)));
  }
  return { index, path: endpoint.path, contentType, body: bytes };
}

interface Answer {
  status: number;
  contentType: string | undefined;
  text: string;
}

const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });

function send(server: ServerInstance, c: Case): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = { "content-length": c.body.length };
    if (c.contentType !== null) headers["content-type"] = c.contentType;
    const req = request(`${server.url}${c.path}`, { method: "POST", agent, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve({ status: res.statusCode ?? 0, contentType: res.headers["content-type"], text: Buffer.concat(chunks).toString("utf8") }));
      res.on("error", reject);
    });
    req.setTimeout(TIMEOUT_MS, () => req.destroy(new Error(`no answer within ${TIMEOUT_MS} ms`)));
    req.on("error", reject);
    req.end(c.body);
  });
}

/** Why an answer is not a well-formed 4xx OpenAI error, or null when it is. */
function problem(answer: Answer): string | null {
  if (answer.status < 400 || answer.status > 499) return `status ${answer.status}: ${answer.text.slice(0, 300)}`;
  if (answer.contentType !== "application/json") return `content-type ${answer.contentType}`;
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return `body is not JSON: ${answer.text.slice(0, 200)}`;
  }
  const errors = validateAgainst("ErrorResponse", body);
  if (errors.length) return `not an ErrorResponse: ${errors.join("; ")}`;
  const error = (body as { error: Record<string, unknown> }).error;
  if (Object.keys(error).sort().join() !== "code,message,param,type") return `error keys ${Object.keys(error).join()}`;
  if (typeof error.message !== "string" || error.message.length === 0) return "empty message";
  if (error.param !== null && typeof error.param !== "string") return "param neither string nor null";
  if (error.code !== null && typeof error.code !== "string") return "code neither string nor null";
  return null;
}

const describeBody = (c: Case): string => {
  const text = c.body.toString("utf8");
  return text.length > 400 ? `${text.slice(0, 200)}…(${c.body.length} bytes)…${text.slice(-100)}` : text;
};

let server: ServerInstance;
const chat = (content: string) => ({ model: "gpt-4o-mini", messages: [{ role: "user", content }] });
const postJson = (path: string, body: unknown) =>
  fetch(`${server.url}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
/** The fixture's answer without its per-request id and timestamp. */
const stable = async (res: Response) => {
  const { id: _id, created: _created, ...rest } = (await res.json()) as Record<string, unknown>;
  return rest;
};

beforeAll(async () => {
  server = await createServer([{ match: { userMessage: SENTINEL }, response: { content: "Still here, unchanged." } }], { seed: 3, journalSize: 100 });
});
afterAll(async () => {
  agent.destroy();
  await server?.close();
});

describe(`fuzz: ${CASES} seeded hostile bodies (seed ${SEED})`, () => {
  it("answers every one with a well-formed 4xx OpenAI error, then still answers a valid request the same way", async () => {
    const before = await stable(await postJson("/v1/chat/completions", chat(SENTINEL)));
    const rng = prng(SEED);
    const cases = Array.from({ length: CASES }, (_, i) => makeCase(rng, i));
    const failures: string[] = [];
    const statuses = new Map<number, number>();
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < cases.length) {
        const c = cases[next++];
        try {
          const answer = await send(server, c);
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          const why = problem(answer);
          if (why) failures.push(`#${c.index} POST ${c.path} (content-type ${c.contentType}) ${describeBody(c)}\n    → ${why}`);
        } catch (err) {
          failures.push(`#${c.index} POST ${c.path} (content-type ${c.contentType}) ${describeBody(c)}\n    → ${(err as Error).message}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(failures, `${failures.length} bad answers (statuses ${JSON.stringify([...statuses])}):\n${failures.slice(0, 15).join("\n")}`).toEqual([]);
    expect([...statuses.keys()].every((s) => s >= 400 && s < 500)).toBe(true);

    // Nothing leaked into prototypes, no fixture was added or changed, and the server answers as before.
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(server.fixtures.all()).toHaveLength(1);
    const after = await postJson("/v1/chat/completions", chat(SENTINEL));
    expect(after.status).toBe(200);
    expect(await stable(after)).toEqual(before);
    expect((before.choices as { message: { content: string } }[])[0].message.content).toBe("Still here, unchanged.");
  }, 30_000);
});
