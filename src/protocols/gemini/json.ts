// JSON as Google's front ends read and write it. Read: a field may be spelled by its JSON name or its
// proto name (`generationConfig` or `generation_config`), as proto3's JSON parser accepts both. Written:
// bodies pretty-printed with two spaces, stream chunks on one line with a space after each colon and
// none after commas, and `<` and `>` escaped as \u003c and \u003e (as in every captured answer).
import { isRecord } from "../json-values.js";

/** A field of a request object by its JSON name, else by its proto name. */
export function field(record: Record<string, unknown>, jsonName: string, protoName: string): unknown {
  const value = record[jsonName];
  return value !== undefined ? value : record[protoName];
}

const HTML_CHARS = /[<>]/;
const HTML_CHARS_EVERYWHERE = /[<>]/g;
const escapeHtmlChar = (char: string): string => (char === "<" ? "\\u003c" : "\\u003e");

/**
 * `<` and `>` escaped the way Google writes them. They only ever stand inside JSON strings (never in
 * JSON's own syntax), so escaping them across a whole JSON text is the same as escaping each string.
 */
const escapeHtmlChars = (json: string): string =>
  HTML_CHARS.test(json) ? json.replace(HTML_CHARS_EVERYWHERE, escapeHtmlChar) : json;

/** A value as a pretty-printed body (two spaces, as the non-streaming answers are written). */
export const prettyJson = (value: unknown): string => escapeHtmlChars(JSON.stringify(value, null, 2));

/** The one-line form of stream chunks: `{"key": value,"key": value}`, `[a,b]`. */
export const compactJson = (value: unknown): string => escapeHtmlChars(compactText(value));

function compactText(value: unknown): string {
  if (Array.isArray(value)) {
    let text = "[";
    for (let i = 0; i < value.length; i++) text += (i > 0 ? "," : "") + compactText(value[i]);
    return `${text}]`;
  }
  if (!isRecord(value)) return JSON.stringify(value) ?? "null";
  let text = "{";
  let first = true;
  for (const key of Object.keys(value)) {
    const item = value[key];
    // As JSON.stringify: a field without a JSON value is left out.
    if (item === undefined || typeof item === "function" || typeof item === "symbol") continue;
    text += `${first ? "" : ","}${JSON.stringify(key)}: ${compactText(item)}`;
    first = false;
  }
  return `${text}}`;
}
