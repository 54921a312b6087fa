// Authentication: when API keys are configured (server option, CLI flag, environment, or a flow file's
// `apiKey`), every API request and WebSocket upgrade must present one of them, carried as its surface's
// credentials say (OpenAI: `Authorization: Bearer`; Anthropic: `x-api-key`; Gemini: `x-goog-api-key`).
import { unauthorized } from "../core/errors.js";
import type { Credentials, RequestHead } from "../protocols/types.js";
import type { CredentialsPolicy } from "./types.js";

export interface AuthKeys {
  /** Keys from options; flow files add theirs to `fromFixtures` as they load. */
  configured: ReadonlySet<string>;
  fromFixtures: ReadonlySet<string>;
}

function isKey(token: string | undefined, keys: AuthKeys): boolean {
  return token !== undefined && (keys.configured.has(token) || keys.fromFixtures.has(token));
}

/**
 * Lets in a request that presents one of `keys`; refuses any other with the catalogue's 401, naming the
 * key it presented (masked). With no keys at all (none configured, none from flow files yet) every
 * request is let in. Deterministic: the same head gets the same answer while the keys stay the same.
 *
 * @example
 * const auth = authentication({ configured: new Set(["sk-test"]), fromFixtures: fixtures.apiKeys });
 * auth.check(req, surface.credentials); // null, or the unauthorized error
 */
export function authentication(keys: AuthKeys): CredentialsPolicy {
  const { configured, fromFixtures } = keys;
  return {
    name: "authentication",
    stage: "before-parse",
    deterministic: true,
    engaged: () => configured.size > 0 || fromFixtures.size > 0,
    check(req: RequestHead, credentials: Credentials) {
      // Every request asks this first, so it reads the two sets itself rather than calling engaged().
      if ((configured.size === 0 && fromFixtures.size === 0) || isKey(credentials.key(req), keys)) return null;
      const admitted = credentials.admit(req, (key) => isKey(key, keys));
      return admitted.ok ? null : unauthorized(admitted.presented);
    },
  };
}
