// Who may use the control API: anyone when the server has no keys at all; otherwise a request that
// presents one of the server's API keys or its controlKey, as `Authorization: Bearer` or `x-api-key`.
import type { IncomingHttpHeaders } from "node:http";

export interface ControlAccess {
  /** The keys that open the control routes; empty: they are open. */
  readonly keys: ReadonlySet<string>;
}

const firstHeader = (value: string | string[] | undefined): string | undefined =>
  Array.isArray(value) ? value[0] : value;

/** The key a request presents in either form, or undefined. */
function presentedKey(headers: IncomingHttpHeaders): string | undefined {
  const authorization = firstHeader(headers.authorization);
  if (authorization !== undefined) {
    const bearer = /^Bearer\s+(.+)$/i.exec(authorization.trim());
    if (bearer) return bearer[1];
  }
  return firstHeader(headers["x-api-key"]);
}

/** null when the request may use the control API; otherwise why not, for the 401. */
export function controlDenied(access: ControlAccess, fixtureKeys: ReadonlySet<string>, headers: IncomingHttpHeaders) {
  if (access.keys.size === 0 && fixtureKeys.size === 0) return null;
  const key = presentedKey(headers);
  if (key === undefined)
    return "The control API needs a key: send one of the server's API keys or its controlKey as `Authorization: Bearer <key>` or `x-api-key`.";
  if (access.keys.has(key) || fixtureKeys.has(key)) return null;
  return "The key presented is neither one of the server's API keys nor its controlKey.";
}
