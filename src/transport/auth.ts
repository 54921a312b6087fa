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

export function authenticate(req: IncomingMessage, keys: AuthKeys): ApiError | null {
  if (keys.configured.size === 0 && keys.fromFixtures.size === 0) return null;
  const header = req.headers.authorization;
  const token = header?.startsWith("Bearer ") ? header.slice(7).trim() : undefined;
  if (token === undefined || token === "") {
    return openAIError(
      401,
      "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).",
      { type: "invalid_request_error", code: "invalid_api_key" },
    );
  }
  if (keys.configured.has(token) || keys.fromFixtures.has(token)) return null;
  return openAIError(
    401,
    `Incorrect API key provided: ${maskKey(token)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
    { type: "invalid_request_error", code: "invalid_api_key" },
  );
}
