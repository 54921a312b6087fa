// How Google's clients carry their credential: the Gemini API's key in `x-goog-api-key` (what @google/genai
// and @ai-sdk/google send) or in the `key` query parameter (curl examples, older clients), and Vertex AI's
// OAuth access token as `Authorization: Bearer`. Any of them lets a request in.
import { bearerToken } from "../bearer.js";
import { admitAnyPresented } from "../presented-keys.js";
import type { KeyAdmission, Credentials, RequestHead } from "../types.js";

const KEY_HEADER = "x-goog-api-key";

/** The `key` query parameters of a URL, in order; none without a query that names one. */
function queryKeys(url: string | undefined): string[] {
  const query = url === undefined ? -1 : url.indexOf("?");
  // Most requests carry no key in their URL: this is one search, not a URLSearchParams.
  if (query === -1 || url === undefined || !url.includes("key=", query)) return [];
  return new URLSearchParams(url.slice(query + 1)).getAll("key");
}

/** The key a request presents: the header, else the query parameter, else a Bearer token. */
function key(req: RequestHead): string | undefined {
  const header = req.headers[KEY_HEADER];
  if (typeof header === "string" && header !== "") return header;
  return queryKeys(req.url)[0] || bearerToken(req.headers.authorization) || undefined;
}

/** Every credential the request presents, the header's first (a client may repeat it, or send several forms). */
function presentedKeys(req: RequestHead): string[] {
  const keys = [...(req.headersDistinct[KEY_HEADER] ?? []), ...queryKeys(req.url)];
  for (const value of req.headersDistinct.authorization ?? []) {
    const token = bearerToken(value);
    if (token !== undefined) keys.push(token);
  }
  return keys.filter((one) => one !== "");
}

/** The credential let in stands in the key header, so `key` (and the rate limits kept per key) reads it from then on. */
function adopt(req: RequestHead, accepted: string): void {
  req.headers[KEY_HEADER] = accepted;
}

const admit = (req: RequestHead, accepts: (key: string) => boolean): KeyAdmission =>
  admitAnyPresented(req, presentedKeys(req), accepts, adopt);

export const googleCredentials: Credentials = { key, admit };

/** Whether a request's head carries a Gemini API key (a header or a `key` parameter): its client is Google's. */
export function presentsGoogleKey(req: RequestHead): boolean {
  return req.headers[KEY_HEADER] !== undefined || queryKeys(req.url).length > 0;
}
