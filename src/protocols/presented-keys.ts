// Letting in a request that presents more than one key: a repeated header, or a key in several forms
// (Anthropic's x-api-key and Bearer, Gemini's header, query and Bearer, Azure's api-key and Bearer).
import type { KeyAdmission, RequestHead } from "./types.js";

/**
 * Credentials.admit over every key a request presents, in the order its wire's `key` reads them: the
 * first one `accepts` lets in is handed to `adopt`, which makes it the key `key` reads from then on (so
 * rate limits count the request against the key that let it in). None accepted: the first presented.
 */
export function admitAnyPresented(
  req: RequestHead,
  presented: readonly string[],
  accepts: (key: string) => boolean,
  adopt: (req: RequestHead, key: string) => void,
): KeyAdmission {
  for (const key of presented) {
    if (!accepts(key)) continue;
    adopt(req, key);
    return { ok: true };
  }
  return { ok: false, presented: presented[0] };
}
