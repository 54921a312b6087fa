// How Azure OpenAI requests carry their credential: an `api-key` header (what the AzureOpenAI client sends
// for an API key), or `Authorization: Bearer` (a Microsoft Entra ID token from azureADTokenProvider, or an
// API key as the v1 API takes it from the plain OpenAI client). Both are checked against the server's keys.
import { bearerToken } from "../bearer.js";
import type { Credentials, RequestHead } from "../types.js";

const API_KEY = "api-key";

/** The `api-key` header's value, or undefined without one (an empty one counts as none). */
function apiKeyOf(req: RequestHead): string | undefined {
  const value = req.headers[API_KEY];
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** The key a request presents: its `api-key` header first, as the AzureOpenAI client sends it, else its Bearer token. */
function key(req: RequestHead): string | undefined {
  return apiKeyOf(req) ?? bearerToken(req.headers.authorization);
}

/** Every key the request presents, in the order `key` reads them: repeated headers each count. */
function presentedKeys(req: RequestHead): string[] {
  const keys: string[] = [];
  for (const value of req.headersDistinct[API_KEY] ?? []) if (value !== "") keys.push(value);
  for (const value of req.headersDistinct.authorization ?? []) {
    const token = bearerToken(value);
    if (token) keys.push(token);
  }
  return keys;
}

/**
 * A request whose first key was refused is let in when another key it presents is accepted; that key is
 * then set as its `api-key`, so `key` (and the rate limiter) reads the key that let it in.
 */
function admit(
  req: RequestHead,
  accepts: (key: string) => boolean,
): { ok: true } | { ok: false; presented: string | undefined } {
  const keys = presentedKeys(req);
  for (const candidate of keys) {
    if (!accepts(candidate)) continue;
    req.headers[API_KEY] = candidate;
    return { ok: true };
  }
  return { ok: false, presented: keys[0] };
}

export const azureCredentials: Credentials = { key, admit };
