// Seeded hostile request lines for every route: malformed percent-escapes, `//`, dot segments,
// paths near and over node's header size limit, odd or lowercase methods and queries with odd bytes.
import { METHODS } from "node:http";
import type { Rng } from "./fuzz-rng.js";

/** Each route as a client would call it; `{id}` is filled in per case. */
const ROUTES: readonly (readonly [string, string])[] = [
  ["POST", "/v1/chat/completions"],
  ["POST", "/chat/completions"],
  ["POST", "/v1/completions"],
  ["POST", "/v1/responses"],
  ["GET", "/v1/responses/{id}"],
  ["DELETE", "/v1/responses/{id}"],
  ["GET", "/v1/responses/{id}/input_items"],
  ["GET", "/v1/models"],
  ["GET", "/v1/models/{id}"],
  ["POST", "/v1/embeddings"],
  ["GET", "/health"],
  ["HEAD", "/health"],
  ["GET", "/metrics"],
  ["GET", "/v1"],
  ["GET", "/"],
];
const BODIES: Record<string, string> = {
  "/v1/chat/completions": '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"fuzz"}]}',
  "/v1/completions": '{"model":"gpt-3.5-turbo-instruct","prompt":"fuzz"}',
  "/v1/responses": '{"model":"gpt-4o-mini","input":"fuzz"}',
  "/v1/embeddings": '{"model":"text-embedding-3-small","input":"fuzz"}',
};
export const URL_IDS: readonly string[] = [
  "resp_0123456789abcdef",
  "gpt-4o-mini",
  "%ZZ",
  "%",
  "%C0%AF",
  "%E0%A4%A",
  "%00",
  "%2F..%2F",
  "..",
  ".",
  "a%2Fb",
  "x".repeat(300),
  "__proto__",
  "constructor",
  "%F0%9F%98",
  "%ED%A0%80",
  "%%41",
  "%u0041",
];
export const ESCAPES = [
  "%ZZ",
  "%",
  "%C0%AF",
  "%E0%A4%A",
  "%0",
  "%00",
  "%G1",
  "%%",
  "%2e%2e",
  "%2F",
  "%5C",
  "%FF",
  "%F4%90%80%80",
  "%EF%BF%BE",
  "%u2028",
];
const QUERIES = [
  "a=%ZZ",
  "%",
  "x=%E0%A4%A",
  "&&&",
  "=",
  "a=1&a=2",
  "limit=-1",
  "limit=1e308",
  "after=%00",
  "order=%C0%AF",
  "?",
  "a=b#frag",
  `q=${"b".repeat(5000)}`,
  "__proto__=1",
  "a[b]=c",
  "q=%F0%9F%98%80",
];
/** Bytes node's parser refuses in a request target (it answers 400 and closes). */
const ODD_BYTES = ["\x7f", "\x80", "\xff", "\x01", "\xc3\xa9", "\xed\xa0\x80", "\\", "|", "{", "^", "`", '"', "<"];
const METHOD_CHOICES = [
  "PATCH",
  "PUT",
  "OPTIONS",
  "TRACE",
  "get",
  "post",
  "Get",
  "DELETE",
  "HEAD",
  "POST",
  "GET",
  "PROPFIND",
  "PURGE",
  "SEARCH",
  "BREW",
  "M-SEARCH",
  "delete",
  "OPTIONS ",
];
/** Node's default limit on the request line and headers together (--max-http-header-size). */
export const HEADER_LIMIT = 16 * 1024;

export interface UrlCase {
  index: number;
  method: string;
  /** The request target, one char per byte (latin1). */
  target: string;
  body?: Buffer;
  /** Node's parser may refuse this request itself (400 or 431, then the connection closes). */
  mayRefuse: boolean;
}

const insertAt = (text: string, at: number, piece: string): string => text.slice(0, at) + piece + text.slice(at);
const slashes = (path: string): number[] => [...path].flatMap((ch, i) => (ch === "/" ? [i] : []));

/** One hostile change to a path (before any query). */
function mutate(rng: Rng, path: string): string {
  const at = 1 + rng.int(Math.max(1, path.length));
  const slash = rng.pick(slashes(path).length ? slashes(path) : [0]);
  switch (rng.int(9)) {
    case 0:
      return insertAt(path, at, rng.pick(ESCAPES));
    case 1:
      return rng.int(2) ? `/${path}` : insertAt(path, slash, "/");
    case 2:
      return insertAt(path, slash, rng.pick(["/.", "/..", "/./", "/../", "/%2e", "/.%2e"]));
    case 3:
      return path + rng.pick(["/", "//", "/.", "/..", "%20", "%2F"]);
    case 4:
      return rng.int(2) ? path.toUpperCase() : path.replace("/v1", rng.pick(["/V1", "/v2", "/v1/v1", "/v"]));
    case 5:
      return insertAt(path, at, rng.pick(ODD_BYTES));
    case 6:
      return rng.int(2)
        ? `http://127.0.0.1${path}`
        : rng.pick(["*", "http://[::1]:1/", "//127.0.0.1/health", "", "/\\/health"]) + (rng.int(2) ? path : "");
    case 7:
      return path + rng.pick(["#", "#x", "%23", ";a=b", ":x", "@", "~"]);
    default:
      return insertAt(path, slash, `/${"s".repeat(rng.int(2000))}`);
  }
}

/** A path near node's header size limit (answered) or over it (refused with 431). */
function longPath(rng: Rng, path: string): string {
  const over = rng.int(2) === 0;
  const length = over ? rng.pick([HEADER_LIMIT + 500, 20_000, 66_000]) : HEADER_LIMIT - 1500 + rng.int(800);
  const filler =
    rng.int(3) === 0 ? "/x".repeat(length / 2) : rng.int(2) ? "%ZZ".repeat(length / 3) : `/${"a".repeat(length)}`;
  return (path + filler).slice(0, length);
}

/** One case; `ids` fill the routes' `{id}` (pass a stored response's id so its routes are reached too). */
export function makeUrlCase(rng: Rng, index: number, ids: readonly string[] = URL_IDS): UrlCase {
  const [routeMethod, template] = rng.pick(ROUTES);
  let path = template.replace("{id}", rng.pick(ids));
  const roll = rng.int(100);
  if (roll < 8) path = longPath(rng, path);
  else for (let i = 0, n = rng.int(3); i < n; i++) path = mutate(rng, path);
  if (rng.int(3) === 0) path += `?${rng.pick(QUERIES)}${rng.int(4) === 0 ? rng.pick(ODD_BYTES) : ""}`;
  const method = rng.int(10) < 7 ? routeMethod : rng.pick(METHOD_CHOICES);
  const routeBody = BODIES[template.replace(/^\/chat/, "/v1/chat")];
  const withBody = ["POST", "PUT", "PATCH"].includes(method.toUpperCase()) ? rng.int(4) !== 0 : rng.int(20) === 0;
  const body = withBody ? Buffer.from(routeBody ?? rng.pick(['{"a":1}', "hello", "", "%ZZ"])) : undefined;
  const mayRefuse =
    !METHODS.includes(method) || /[^\x21-\x7e]/.test(path) || path === "" || path.length > HEADER_LIMIT - 200;
  return { index, method, target: path, body, mayRefuse };
}
