// What the HTTP transport reads from a request before the pipeline sees it: the declared content
// type, the JSON body, the API key that rate limits are kept per, and whether it asks for SSE.
import type { IncomingMessage } from "node:http";
import { invalidRequest } from "../protocols/openai/errors.js";
import { bearerToken } from "./auth.js";
import type { ApiError } from "../protocols/types.js";

export const INVALID_JSON =
  "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. " +
  "The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)";

export function wantsEventStream(req: IncomingMessage): boolean {
  const accept = req.headers.accept;
  return accept !== undefined && accept.includes("text/event-stream");
}

/** The API key a request authenticated with, which rate limits are kept per ("" without one). */
export function clientKey(req: IncomingMessage): string {
  return bearerToken(req.headers.authorization) ?? "";
}

/**
 * A body declared as something other than JSON is refused as OpenAI refuses it. A request with no
 * Content-Type at all is read as JSON, which is what raw HTTP clients mean by it.
 */
export function unsupportedContentType(req: IncomingMessage): ApiError | null {
  const type = req.headers["content-type"];
  if (type === undefined || type === "application/json" || /^\s*application\/([\w.+-]*\+)?json\s*(;|$)/i.test(type)) return null;
  const shown = type.split(";")[0].trim();
  return invalidRequest(
    `Unsupported content type: '${shown}'. This API method only accepts 'application/json' requests, but you specified the header 'Content-Type: ${shown}'. Please try again with a supported content type.`,
    null,
    "unsupported_content_type",
  );
}

export function parseJson(text: string): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}
