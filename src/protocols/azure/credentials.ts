// How Azure OpenAI requests carry their credential: an `api-key` header (what the AzureOpenAI client sends
// for an API key), or `Authorization: Bearer` (a Microsoft Entra ID token from azureADTokenProvider, or an
// API key as the v1 API takes it from the plain OpenAI client). Both are checked against the server's keys.
import { bearerToken } from "../bearer.js";
import { admitAnyPresented } from "../presented-keys.js";
import type { KeyAdmission, Credentials, RequestHead } from "../types.js";

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

/** The key let in stands as the request's `api-key`, so `key` (and the rate limiter) reads the key that let it in. */
function adopt(req: RequestHead, accepted: string): void {
  req.headers[API_KEY] = accepted;
}

const admit = (req: RequestHead, accepts: (key: string) => boolean): KeyAdmission =>
  admitAnyPresented(req, presentedKeys(req), accepts, adopt);

export const azureCredentials: Credentials = { key, admit };
