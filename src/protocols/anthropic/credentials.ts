// How Anthropic's clients carry their key: `x-api-key` (the SDK's apiKey), or `Authorization: Bearer` (its
// authToken, as OAuth clients send it). With a header repeated, a request is let in when any value carries a key.
import { bearerToken as bearer } from "../bearer.js";
import type { Credentials, RequestHead } from "../types.js";

/** A Bearer credential's token; an empty one presents no key. */
const bearerToken = (header: string | undefined): string | undefined => bearer(header) || undefined;

/** The key the request presents: its x-api-key, else its Bearer token. */
function key(req: RequestHead): string | undefined {
  const apiKey = req.headers["x-api-key"];
  if (typeof apiKey === "string" && apiKey !== "") return apiKey;
  return bearerToken(req.headers.authorization);
}

/** Every key the request presents, in the order `key` prefers them, with the header each came in. */
function presentedKeys(req: RequestHead): { header: "x-api-key" | "authorization"; value: string; key: string }[] {
  const keys: { header: "x-api-key" | "authorization"; value: string; key: string }[] = [];
  for (const value of req.headersDistinct["x-api-key"] ?? [])
    if (value !== "") keys.push({ header: "x-api-key", value, key: value });
  for (const value of req.headersDistinct.authorization ?? []) {
    const token = bearerToken(value);
    if (token !== undefined) keys.push({ header: "authorization", value, key: token });
  }
  return keys;
}

/**
 * node joins a repeated x-api-key into one value and keeps the first Authorization only; the values one by
 * one are in headersDistinct. The key that is let in then stands alone in req.headers, so rate limits count
 * the request against it (`key` reads x-api-key first, so it is removed when a Bearer token is the one).
 */
function admit(
  req: RequestHead,
  accepts: (key: string) => boolean,
): { ok: true } | { ok: false; presented: string | undefined } {
  const keys = presentedKeys(req);
  for (const presented of keys) {
    if (!accepts(presented.key)) continue;
    if (presented.header === "x-api-key") req.headers["x-api-key"] = presented.value;
    else {
      delete req.headers["x-api-key"];
      req.headers.authorization = presented.value;
    }
    return { ok: true };
  }
  return { ok: false, presented: keys[0]?.key };
}

export const anthropicCredentials: Credentials = { key, admit };
