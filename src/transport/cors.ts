// CORS for browser apps under test (Playwright, Cypress) that call the mock directly: preflights are
// answered here, before any route, and answers to an allowed origin carry Access-Control-Allow-Origin.
// A request without an Origin header (every SDK, curl, a load generator) never reaches this file.
import type { IncomingMessage, ServerResponse } from "node:http";

/** `true` (the default): any origin; `false`: no CORS headers; a list: only these origins. */
export type CorsOption = boolean | readonly string[];

/** The allowed origins, or null when CORS is off; "any" admits every origin. */
export type CorsPolicy = { any: true } | { any: false; origins: ReadonlySet<string> } | null;

const METHODS = "GET, POST, DELETE, OPTIONS";
/** A preflight's answer is cached by the browser for a day, so a test suite sends one per URL. */
const MAX_AGE = "86400";

export function corsPolicy(option: CorsOption | undefined): CorsPolicy {
  if (option === undefined || option === true) return { any: true };
  if (option === false) return null;
  return { any: false, origins: new Set(option) };
}

function allows(policy: Exclude<CorsPolicy, null>, origin: string): boolean {
  return policy.any || policy.origins.has(origin);
}

/**
 * Adds the CORS headers for a request that has an Origin; answers it whole when it is a preflight
 * (OPTIONS with Access-Control-Request-Method): 204 with the allowed methods and the headers asked for.
 * Returns whether the request was answered here. An origin not allowed gets no CORS headers, so the
 * browser refuses the answer, as it would a real API's.
 */
export function applyCors(policy: CorsPolicy, origin: string, req: IncomingMessage, res: ServerResponse): boolean {
  if (policy === null) return false;
  const preflight = req.method === "OPTIONS" && req.headers["access-control-request-method"] !== undefined;
  const allowed = allows(policy, origin);
  if (allowed) {
    // The origin itself rather than "*", so that credentialed requests (cookies) are admitted too.
    res.setHeader("access-control-allow-origin", origin);
    res.setHeader("access-control-allow-credentials", "true");
    res.setHeader("vary", "Origin");
  }
  if (!preflight) {
    // Lets the app read x-request-id, retry-after and the rate-limit headers, as SDKs in browsers do.
    if (allowed) res.setHeader("access-control-expose-headers", "*");
    return false;
  }
  if (allowed) {
    res.setHeader("access-control-allow-methods", METHODS);
    const asked = req.headers["access-control-request-headers"];
    if (asked !== undefined) res.setHeader("access-control-allow-headers", asked);
    res.setHeader("access-control-max-age", MAX_AGE);
  }
  res.writeHead(204, { "content-length": 0 });
  res.end();
  return true;
}
