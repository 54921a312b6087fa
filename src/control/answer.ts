// How control routes answer: JSON with the route's wire headers (the request id), errors as
// `{ "error": { "message", "code" } }` in Understudy's own words (no provider's shape: no SDK reads these).
import type { HttpExchange } from "../transport/http-exchange.js";
import { writeJson } from "../transport/writer.js";

export function answer(exchange: HttpExchange, status: number, body: unknown): void {
  exchange.status = status;
  exchange.headers["cache-control"] = "no-store";
  writeJson(exchange.res, status, body, exchange.headers);
}

export function answerError(exchange: HttpExchange, status: number, code: string, message: string, issues?: string[]) {
  answer(exchange, status, { error: { message, code, ...(issues === undefined ? {} : { issues }) } });
}

/** The JSON body of a POST, or undefined after answering 400 for one that is not JSON. */
export function jsonOf(exchange: HttpExchange, text: string): unknown {
  if (text.trim() === "") return {};
  try {
    return JSON.parse(text);
  } catch (err) {
    answerError(exchange, 400, "invalid_json", `The body is not valid JSON: ${(err as Error).message}`);
    return undefined;
  }
}
