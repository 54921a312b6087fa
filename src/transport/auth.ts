// API-key authentication: when keys are configured (server option, CLI flag, environment, or a flow
// file's `apiKey`), every API request and WebSocket upgrade must present one of them, carried as its
// surface's credentials say.
import { unauthorized, type Unauthorized } from "../core/errors.js";
import type { Credentials, RequestHead } from "../protocols/types.js";

export interface AuthKeys {
  /** Keys from options; flow files add theirs to `fromFixtures` as they load. */
  configured: ReadonlySet<string>;
  fromFixtures: ReadonlySet<string>;
}

function isKey(token: string | undefined, keys: AuthKeys): boolean {
  return token !== undefined && (keys.configured.has(token) || keys.fromFixtures.has(token));
}

/** Null when the request may go on; otherwise the 401, naming the key it presented (masked). */
export function authenticate(req: RequestHead, keys: AuthKeys, credentials: Credentials): Unauthorized | null {
  if (keys.configured.size === 0 && keys.fromFixtures.size === 0) return null;
  if (isKey(credentials.key(req), keys)) return null;
  const admitted = credentials.admit(req, (key) => isKey(key, keys));
  return admitted.ok ? null : unauthorized(admitted.presented);
}
