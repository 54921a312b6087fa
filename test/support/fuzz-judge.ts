// What a fuzz case's answer must be: a well-formed OpenAI error for a hostile body, and for a hostile
// URL never a 5xx, and the connection kept (and still serving) whenever Understudy answered.
import type { RawExchange, RawResponse } from "./raw-http.js";
import { rawRequest } from "./raw-http.js";
import type { UrlCase } from "./fuzz-urls.js";

export interface Answer {
  status: number;
  contentType: string | undefined;
  text: string;
}

/** Extra checks of an error body (the tests pass their OpenAPI schema validation). */
export type SchemaCheck = (body: unknown) => string[];

/** Why an answer is not a well-formed 4xx OpenAI error, or null when it is. */
export function errorProblem(answer: Answer, schema?: SchemaCheck): string | null {
  if (answer.status < 400 || answer.status > 499) return `status ${answer.status}: ${answer.text.slice(0, 300)}`;
  if (answer.contentType !== "application/json") return `content-type ${answer.contentType}`;
  let body: unknown;
  try {
    body = JSON.parse(answer.text);
  } catch {
    return `body is not JSON: ${answer.text.slice(0, 200)}`;
  }
  const errors = schema?.(body) ?? [];
  if (errors.length) return `not an ErrorResponse: ${errors.join("; ")}`;
  const error = (body as { error?: Record<string, unknown> }).error;
  if (typeof error !== "object" || error === null) return `no error object: ${answer.text.slice(0, 200)}`;
  if (Object.keys(error).sort().join() !== "code,message,param,type") return `error keys ${Object.keys(error).join()}`;
  if (typeof error.message !== "string" || error.message.length === 0) return "empty message";
  if (error.param !== null && typeof error.param !== "string") return "param neither string nor null";
  if (error.code !== null && typeof error.code !== "string") return "code neither string nor null";
  return null;
}

/** The case's request with a `GET /health` pipelined behind it on the same connection. */
export function urlCaseBytes(c: UrlCase): { bytes: Buffer; methods: string[] } {
  const headers: Record<string, string> = c.body === undefined ? {} : { "content-type": "application/json" };
  const bytes = Buffer.concat([rawRequest(c.method, c.target, c.body, headers), rawRequest("GET", "/health")]);
  return { bytes, methods: [c.method, "GET"] };
}

export type UrlVerdict =
  | { kind: "answered"; status: number }
  /** Node's parser refused the request line (400 or 431, no body, connection closed) before Understudy saw it. */
  | { kind: "refused"; status: number }
  | { kind: "failed"; status: number; why: string };

const isNodeRefusal = (r: RawResponse): boolean =>
  (r.status === 400 || r.status === 431) &&
  r.headers.connection === "close" &&
  r.headers["content-type"] === undefined &&
  r.body.length === 0;

function answerProblem(c: UrlCase, r: RawResponse, schema?: SchemaCheck): string | null {
  if (r.status >= 500) return `status ${r.status}: ${r.body.toString("utf8").slice(0, 300)}`;
  if (c.method.toUpperCase() === "HEAD") return null;
  const answer = { status: r.status, contentType: r.headers["content-type"], text: r.body.toString("utf8") };
  if (r.status >= 400) return errorProblem(answer, schema);
  if (answer.contentType === "application/json") {
    try {
      JSON.parse(answer.text);
    } catch {
      return `a ${r.status} whose body is not JSON: ${answer.text.slice(0, 200)}`;
    }
  }
  return null;
}

/** Judges one URL case's exchange (see urlCaseBytes): the case's answer, then the pipelined health check. */
export function judgeUrl(c: UrlCase, x: RawExchange, schema?: SchemaCheck): UrlVerdict {
  const [first, health] = x.responses;
  if (!first) {
    // A refusal's 400 can be lost to a reset when node closes with the rest of a long request unread.
    if (x.closed && c.mayRefuse) return { kind: "refused", status: 0 };
    return {
      kind: "failed",
      status: 0,
      why: x.closed ? `connection closed without an answer (${x.error ?? "FIN"})` : `no answer (${x.error})`,
    };
  }
  if (isNodeRefusal(first)) return { kind: "refused", status: first.status };
  const problem = answerProblem(c, first, schema);
  if (problem) return { kind: "failed", status: first.status, why: problem };
  if (!health)
    return {
      kind: "failed",
      status: first.status,
      why: `the connection ${x.closed ? "was closed" : "stopped answering"} after a ${first.status} (${x.error ?? "no error"})`,
    };
  if (health.status !== 200 || !health.body.toString("utf8").includes('"status":"ok"')) {
    return {
      kind: "failed",
      status: first.status,
      why: `the next request on the connection got ${health.status}: ${health.body.toString("utf8").slice(0, 200)}`,
    };
  }
  return { kind: "answered", status: first.status };
}

/** A case for a failure message: method and target, cut short when long. */
export function describeUrlCase(c: UrlCase): string {
  const target =
    c.target.length > 200 ? `${c.target.slice(0, 120)}…(${c.target.length} chars)…${c.target.slice(-40)}` : c.target;
  return `#${c.index} ${JSON.stringify(c.method)} ${JSON.stringify(target)}${c.body ? ` + ${c.body.length}-byte body` : ""}`;
}
