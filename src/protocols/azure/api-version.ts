// The `api-version` query parameter, checked from the request's head before its body is read. The dated
// API (/openai/deployments/..., /openai/responses) requires one: without it Azure answers 404 "Resource
// not found", and a version it does not know is a 400. The v1 API (/openai/v1/...) needs none and refuses
// a dated one, as Azure does.
import type { ApiError, RequestHead } from "../types.js";
import { API_VERSION_NOT_SUPPORTED, RESOURCE_NOT_FOUND } from "./errors.js";

const PARAM = "api-version=";

/**
 * The api-version of a URL's query, or undefined without one; decoded only when escaped. Read without
 * building a URLSearchParams, as every Azure request asks it.
 */
function apiVersionOf(url: string | undefined): string | undefined {
  if (url === undefined) return undefined;
  const query = url.indexOf("?");
  if (query === -1) return undefined;
  let at = url.indexOf(PARAM, query + 1);
  while (at !== -1 && url[at - 1] !== "?" && url[at - 1] !== "&") at = url.indexOf(PARAM, at + 1);
  if (at === -1) return undefined;
  const start = at + PARAM.length;
  const end = url.indexOf("&", start);
  const value = url.slice(start, end === -1 ? undefined : end);
  if (!value.includes("%") && !value.includes("+")) return value;
  try {
    return decodeURIComponent(value.replaceAll("+", " "));
  } catch {
    return value;
  }
}

/**
 * A dated version as Azure names them: GA releases `2024-10-21`, previews `2025-04-01-preview`. Any date of
 * that form is taken, so versions released after this was written are too.
 */
const DATED_VERSION = /^\d{4}-\d{2}-\d{2}(-preview)?$/;

/** The dated API's check: a version is required, and must be a dated one. */
export function checkDatedVersion(req: RequestHead): ApiError | null {
  const version = apiVersionOf(req.url);
  if (version === undefined) return RESOURCE_NOT_FOUND;
  return DATED_VERSION.test(version) ? null : API_VERSION_NOT_SUPPORTED;
}

/** What the v1 API takes as its api-version, when one is given at all. */
const V1_VERSIONS: ReadonlySet<string> = new Set(["v1", "preview", "latest"]);

/** The v1 API's check: no version, or one of its own (`v1`, `preview`, `latest`); a dated one is refused. */
export function checkV1Version(req: RequestHead): ApiError | null {
  const version = apiVersionOf(req.url);
  return version === undefined || V1_VERSIONS.has(version) ? null : API_VERSION_NOT_SUPPORTED;
}
