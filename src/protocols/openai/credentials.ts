// How OpenAI requests carry their API key: `Authorization: Bearer <key>`, the scheme in any case, and
// with the header repeated a request is let in when any one of them carries a key.
import { bearerToken } from "../bearer.js";
import type { KeyAdmission, Credentials, RequestHead } from "../types.js";

/**
 * node keeps only the first of repeated Authorization headers in req.headers. When a later one carries
 * a key that is let in, that header then stands in req.headers, so the rate limiter counts the request
 * against the key that let it in. Otherwise the first non-empty Bearer key of them all, for the 401.
 */
function admit(req: RequestHead, accepts: (key: string) => boolean): KeyAdmission {
  const values = req.headersDistinct.authorization;
  let presented = bearerToken(req.headers.authorization) || undefined;
  if (values === undefined || values.length < 2) return { ok: false, presented };
  for (let i = 1; i < values.length; i++) {
    const token = bearerToken(values[i]);
    if (token !== undefined && accepts(token)) {
      req.headers.authorization = values[i];
      return { ok: true };
    }
    presented ||= token || undefined;
  }
  return { ok: false, presented };
}

export const bearerCredentials: Credentials = {
  key: (req) => bearerToken(req.headers.authorization),
  admit,
};
