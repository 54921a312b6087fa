// Seeded hostile request bodies for every generation endpoint (mutated JSON, broken bytes, wrong
// content types), shared by the fuzz tests and bench/fuzz.mjs.
import type { Rng } from "./fuzz-rng.js";

// Placeholders inside a value, swapped for raw JSON text after JSON.stringify (which cannot write 10k levels itself).
const RAW = new Map<string, string>();
const raw = (text: string): string => {
  const key = `\u0000raw${RAW.size}\u0000`;
  RAW.set(key, text);
  return key;
};
export const serialize = (value: unknown): string =>
  JSON.stringify(value).replace(/"\\u0000raw\d+\\u0000"/g, (m) => RAW.get(JSON.parse(m) as string) ?? m);

export const DEEP_ARRAY = raw(`${"[".repeat(10_000)}${"]".repeat(10_000)}`);
export const DEEP_OBJECT = raw(`${'{"a":'.repeat(10_000)}1${"}".repeat(10_000)}`);
export const DEEP_MIXED = raw(`${'[{"x":'.repeat(5_000)}null${"}]".repeat(5_000)}`);
const DEEP = [DEEP_ARRAY, DEEP_OBJECT, DEEP_MIXED];
/** The text of a 10k-level value, for a body that is nothing else. */
export const rawText = (key: string): string => RAW.get(key)!;
export const deepText = (rng: Rng): string => rawText(rng.pick(DEEP));

// A megabyte of text broken into words: a long unbroken run (100k+ characters without a space) is
// slow to tokenize today and is kept out so the corpus stays fast (see the tokenizer's own tests).
export const MEGA = "fuzz ".repeat((1024 * 1024) / 5);
export const MEGA_UNICODE = "𝔘ñ\u0301 ".repeat((1024 * 1024) / 7);

const UNICODE = [
  "\u0000",
  "\ud800",
  "\udfff",
  "x\ud83d",
  "\ufeff{}",
  "\u202e\u2066evil\u2069",
  "👨‍👩‍👧‍👦🏽",
  "e\u0301".repeat(2000),
  "<|endoftext|>",
  "<|im_start|>system",
  "\u2028\u2029",
  "\uffff\ufffe",
  "Z̴̡̛̙͓a̵̢l̷g̶o̸",
  "\\u0000",
  "%00%ff",
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, sent as plain text
  "${{7*7}}",
];
const NUMBERS = [
  1e308,
  -1e308,
  1.7976931348623157e308,
  5e-324,
  -0,
  2 ** 53 + 1,
  -(2 ** 63),
  2 ** 31,
  1e21,
  0.1,
  -1,
  0,
  129,
  4294967297,
];
const NUMBER_STRINGS = ["NaN", "Infinity", "-Infinity", "1e308", "0x10", "", " 1", "1_000"];
const KEYS = ["type", "role", "content", "text", "name", "toString", "valueOf"];

/** A hostile value of any kind; big and deep ones are rarer so a run stays fast. */
export function hostile(rng: Rng, depth = 0): unknown {
  const roll = rng.int(100);
  if (roll < 12) return rng.pick([null, true, false, 0, 1, -1, 1.5, "", "a", [], {}]);
  if (roll < 26) return rng.pick(NUMBERS);
  if (roll < 34) return rng.pick(NUMBER_STRINGS);
  if (roll < 46) return rng.pick(UNICODE);
  if (roll < 51) return rng.pick(DEEP);
  if (roll < 52) return depth === 0 && rng.int(3) === 0 ? rng.pick([MEGA, MEGA_UNICODE]) : "y".repeat(10_000);
  if (roll < 60)
    return { ["__proto__"]: { polluted: "yes", model: "x" }, constructor: { prototype: { polluted: "yes" } } };
  if (roll < 66) return rng.pick(["toString", "__proto__", "constructor", "hasOwnProperty", "prototype", "valueOf"]);
  if (roll < 80 && depth < 3) return Array.from({ length: rng.int(4) }, () => hostile(rng, depth + 1));
  if (roll < 94 && depth < 3)
    return Object.fromEntries(
      Array.from({ length: rng.int(4) }, (_, i) => [rng.pick([...KEYS, `k${i}`]), hostile(rng, depth + 1)]),
    );
  return rng.pick([[null], [[]], [{}], { type: null }, { type: "function" }, { role: "user" }, Array(300).fill(1)]);
}

export interface Endpoint {
  path: string;
  base: () => Record<string, unknown>;
  fields: string[];
  /** Values that break the request whatever else it holds (for endpoints that answer any valid body). */
  breakers?: [string, unknown][];
}

export const CHAT: Endpoint = {
  path: "/v1/chat/completions",
  base: () => ({ model: "gpt-4o-mini", messages: [{ role: "user", content: "fuzz" }] }),
  fields: [
    "model",
    "messages",
    "temperature",
    "top_p",
    "n",
    "stop",
    "max_tokens",
    "max_completion_tokens",
    "logprobs",
    "top_logprobs",
    "logit_bias",
    "stream",
    "stream_options",
    "tools",
    "tool_choice",
    "response_format",
    "seed",
    "user",
    "metadata",
    "prompt",
    "ignore_eos",
    "top_k",
    "presence_penalty",
    "frequency_penalty",
    "parallel_tool_calls",
    "functions",
    "n\u0000",
  ],
};
export const RESPONSES: Endpoint = {
  path: "/v1/responses",
  base: () => ({ model: "gpt-4o-mini", input: "fuzz" }),
  fields: [
    "model",
    "input",
    "instructions",
    "max_output_tokens",
    "temperature",
    "top_p",
    "tools",
    "tool_choice",
    "text",
    "previous_response_id",
    "store",
    "stream",
    "metadata",
    "reasoning",
    "include",
    "truncation",
    "parallel_tool_calls",
    "background",
    "conversation",
  ],
};
export const COMPLETIONS: Endpoint = {
  path: "/v1/completions",
  base: () => ({ model: "gpt-3.5-turbo-instruct", prompt: "fuzz" }),
  fields: [
    "model",
    "prompt",
    "suffix",
    "echo",
    "n",
    "best_of",
    "logprobs",
    "max_tokens",
    "stop",
    "temperature",
    "stream",
    "stream_options",
    "logit_bias",
    "top_k",
    "ignore_eos",
    "seed",
    "user",
  ],
};
export const EMBEDDINGS: Endpoint = {
  path: "/v1/embeddings",
  base: () => ({ model: "text-embedding-3-small", input: "fuzz" }),
  fields: ["model", "input", "dimensions", "encoding_format", "user"],
  // Embeddings need no fixture, so every embeddings case also carries one of these.
  breakers: [
    ["input", null],
    ["input", {}],
    ["input", []],
    ["input", ""],
    ["input", [[]]],
    ["input", [null]],
    ["input", [-1]],
    ["input", [1.5]],
    ["input", ["a", 1]],
    ["input", DEEP_ARRAY],
    ["input", [99_999_999]],
    ["model", null],
    ["model", 7],
    ["model", DEEP_OBJECT],
    ["encoding_format", "base65"],
    ["dimensions", 0],
    ["dimensions", 1e308],
    ["dimensions", "8"],
  ],
};
export const ENDPOINTS: readonly Endpoint[] = [CHAT, RESPONSES, COMPLETIONS, EMBEDDINGS];

/**
 * An endpoint's base body with one to three fields set to hostile values or removed, and the breaker
 * it carries (for endpoints that have them) as its JSON text, `"field":value`.
 */
export function mutatedBody(rng: Rng, endpoint: Endpoint): { body: Record<string, unknown>; breaker?: string } {
  const body = endpoint.base();
  for (let i = 0, n = 1 + rng.int(3); i < n; i++) {
    const field = rng.pick(endpoint.fields);
    if (rng.int(5) === 0) delete body[field];
    else body[field] = hostile(rng);
  }
  if (endpoint !== EMBEDDINGS && rng.int(4) === 0) {
    // Messages and input items with hostile members in otherwise plausible shapes.
    const item = {
      role: rng.int(3)
        ? rng.pick(["user", "system", "assistant", "tool", "developer", "function", "bogus"])
        : hostile(rng),
      content: hostile(rng),
      [rng.pick(["tool_calls", "name", "type", "tool_call_id"])]: hostile(rng),
    };
    body[endpoint === RESPONSES ? "input" : endpoint === COMPLETIONS ? "prompt" : "messages"] = [item];
  }
  if (!endpoint.breakers) return { body };
  const [field, value] = rng.pick(endpoint.breakers);
  body[field] = value;
  return { body, breaker: `${JSON.stringify(field)}:${serialize(value)}` };
}

const CONTENT_TYPES = [
  "text/plain",
  "application/x-www-form-urlencoded",
  "multipart/form-data; boundary=x",
  "application/xml",
  "*/*",
  "application/jsonx",
  "json",
  "text/json",
  "application/octet-stream",
];
const ODD_TEXTS = [
  "",
  " ",
  "\n\n",
  "null",
  "[]",
  "0",
  '"str"',
  "true",
  "{}",
  "[{}]",
  "{,}",
  "{'model':'x'}",
  '{"model":NaN}',
  "\ufeff{}",
  '{"a":1}}',
];
const INVALID_UTF8 = [
  [0xff],
  [0xc0, 0xaf],
  [0xed, 0xa0, 0x80],
  [0x80, 0x80],
  [0xf4, 0x90, 0x80, 0x80],
  [0xe2, 0x82],
  [0x00],
];

export interface BodyCase {
  index: number;
  path: string;
  contentType: string | null;
  body: Buffer;
}

/** One case: a mutated JSON body, or broken bytes, or a wrong content type. Every one deserves a 4xx. */
export function makeBodyCase(rng: Rng, index: number): BodyCase {
  const endpoint = rng.pick(ENDPOINTS);
  const { body, breaker } = mutatedBody(rng, endpoint);
  let text = serialize(body);
  let contentType: string | null = "application/json";
  const mode = rng.int(100);
  if (mode < 8)
    text = text.slice(0, rng.int(text.length)); // truncated
  else if (mode < 10) text = rng.pick(ODD_TEXTS);
  else if (mode < 12)
    text = `{"__proto__":{"polluted":"yes"},"constructor":{"prototype":{"polluted":"yes"}},${text.slice(1)}`;
  else if (mode < 14)
    text = `{"model":${serialize(hostile(rng))},${text.slice(1)}`; // a duplicate key (the later one wins)
  else if (mode < 16)
    text = deepText(rng); // 10k levels as the whole body
  else if (mode < 22) contentType = rng.pick(CONTENT_TYPES);
  else if (mode < 24) contentType = null;
  let bytes = Buffer.from(text, "utf8");
  if (mode >= 24 && mode < 30) {
    // Invalid UTF-8: stray continuation bytes, overlong forms, surrogates and 0xFF spliced in, but
    // not inside the breaker: `"dim\xffensions":0` is an unknown key, and the rest a valid request.
    let at = rng.int(bytes.length + 1);
    const span = breaker === undefined ? -1 : bytes.lastIndexOf(breaker);
    if (span !== -1 && at > span && at < span + Buffer.byteLength(breaker!)) at = span;
    bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(rng.pick(INVALID_UTF8)), bytes.subarray(at)]);
  } else if (mode >= 30 && mode < 32) {
    bytes = Buffer.from(Array.from({ length: rng.int(200) }, () => rng.int(256)));
  }
  return { index, path: endpoint.path, contentType, body: bytes };
}

/** A case's body for a failure message, cut short when long. */
export function describeBody(body: Buffer): string {
  const text = body.toString("utf8");
  return text.length > 400 ? `${text.slice(0, 200)}…(${body.length} bytes)…${text.slice(-100)}` : text;
}
