// What the HTTP transport reads from a request before the pipeline sees it: the declared content
// type, and the API key that rate limits are kept per.
import type { IncomingMessage } from "node:http";
import { unsupportedMediaType, type UnsupportedMediaType } from "../core/errors.js";
import type { Credentials, RequestHead } from "../protocols/types.js";

/** The API key a request authenticated with, as its surface reads it: rate limits are kept per key ("" without one). */
export function clientKey(req: RequestHead, credentials: Credentials): string {
  return credentials.key(req) ?? "";
}

/**
 * A body declared as something other than JSON is refused. A request with no Content-Type at all is
 * read as JSON, which is what raw HTTP clients mean by it.
 */
export function unsupportedContentType(req: IncomingMessage): UnsupportedMediaType | null {
  const type = req.headers["content-type"];
  if (type === undefined || type === "application/json" || /^\s*application\/([\w.+-]*\+)?json\s*(;|$)/i.test(type))
    return null;
  return unsupportedMediaType(type.split(";")[0].trim());
}
