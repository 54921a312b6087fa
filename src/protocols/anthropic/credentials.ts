// How Anthropic's clients carry their key: `x-api-key` (the SDK's apiKey), or `Authorization: Bearer` (its
// authToken, as OAuth clients send it). With a header repeated, a request is let in when any value carries a key.
import { bearerToken as bearer } from "../bearer.js";
import { admitAnyPresented } from "../presented-keys.js";
import type { KeyAdmission, Credentials, RequestHead } from "../types.js";

/** A Bearer credential's token; an empty one presents no key. */
const bearerToken = (header: string | undefined): string | undefined => bearer(header) || undefined;

/** The key the request presents: its x-api-key, else its Bearer token. */
function key(req: RequestHead): string | undefined {
  const apiKey = req.headers["x-api-key"];
  if (typeof apiKey === "string" && apiKey !== "") return apiKey;
  return bearerToken(req.headers.authorization);
}

/** Every key the request presents, in the order `key` prefers them: its x-api-key values, then its Bearer tokens. */
function presentedKeys(req: RequestHead): string[] {
  const keys: string[] = [];
  for (const value of req.headersDistinct["x-api-key"] ?? []) if (value !== "") keys.push(value);
  for (const value of req.headersDistinct.authorization ?? []) {
    const token = bearerToken(value);
    if (token !== undefined) keys.push(token);
  }
  return keys;
}

/**
 * node joins a repeated x-api-key into one value and keeps the first Authorization only; the values one by
 * one are in headersDistinct. The key let in then stands alone in req.headers: as the x-api-key when it came
 * as one, else as the Bearer token with x-api-key removed (`key` reads x-api-key first).
 */
function adopt(req: RequestHead, accepted: string): void {
  if (req.headersDistinct["x-api-key"]?.includes(accepted)) {
    req.headers["x-api-key"] = accepted;
    return;
  }
  delete req.headers["x-api-key"];
  req.headers.authorization = `Bearer ${accepted}`;
}

const admit = (req: RequestHead, accepts: (key: string) => boolean): KeyAdmission =>
  admitAnyPresented(req, presentedKeys(req), accepts, adopt);

export const anthropicCredentials: Credentials = { key, admit };
