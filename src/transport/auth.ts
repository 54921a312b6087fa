// Bearer authentication: when keys are configured (server option, CLI flag, environment, or a flow
// file's `apiKey`), every API request and WebSocket upgrade must present one of them.
import type { IncomingMessage } from "node:http";
import { openAIError } from "../protocols/openai/errors.js";
import type { ApiError } from "../protocols/types.js";

export interface AuthKeys {
  /** Keys from options; flow files add theirs to `fromFixtures` as they load. */
  configured: ReadonlySet<string>;
  fromFixtures: ReadonlySet<string>;
}

/** Shows a key as OpenAI does in its 401 message: the start and the end, the middle starred. */
function maskKey(key: string): string {
  if (key.length <= 8) return "*".repeat(key.length);
  return `${key.slice(0, 3)}${"*".repeat(Math.min(key.length - 7, 40))}${key.slice(-4)}`;
}

/**
 * The key of a Bearer credential, or undefined for another scheme or none. The scheme is matched in
 * any case (RFC 7235) and any spaces may follow it; the exact-case "Bearer " is tested first as the
 * one form nearly every client sends.
 */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined;
  if (header.startsWith("Bearer ") || (header.charCodeAt(6) === 32 && header.slice(0, 6).toLowerCase() === "bearer")) return header.slice(7).trim();
  return undefined;
}

function isKey(token: string | undefined, keys: AuthKeys): boolean {
  return token !== undefined && (keys.configured.has(token) || keys.fromFixtures.has(token));
}

/**
 * node keeps only the first of repeated Authorization headers in req.headers. A request is let in
 * when any of them carries a key; that header then stands in req.headers, so the rate limiter counts
 * the request against the key that let it in. Returns the first Bearer key of all of them otherwise,
 * for the 401's message.
 */
function checkRepeatedHeaders(req: IncomingMessage, keys: AuthKeys, first: string | undefined): { ok: boolean; shown: string | undefined } {
  const values = req.headersDistinct.authorization;
  let shown = first || undefined;
  if (values === undefined || values.length < 2) return { ok: false, shown };
  for (let i = 1; i < values.length; i++) {
    const token = bearerToken(values[i]);
    if (isKey(token, keys)) {
      req.headers.authorization = values[i];
      return { ok: true, shown };
    }
    shown ||= token || undefined;
  }
  return { ok: false, shown };
}

export function authenticate(req: IncomingMessage, keys: AuthKeys): ApiError | null {
  if (keys.configured.size === 0 && keys.fromFixtures.size === 0) return null;
  const token = bearerToken(req.headers.authorization);
  if (isKey(token, keys)) return null;
  const { ok, shown } = checkRepeatedHeaders(req, keys, token);
  if (ok) return null;
  if (shown === undefined) {
    return openAIError(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
      { type: "invalid_request_error", code: "invalid_api_key" },
    );
  }
  return openAIError(
    401,
    `Incorrect API key provided: ${maskKey(shown)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    { type: "invalid_request_error", code: "invalid_api_key" },
  );
}
