// Checks a reply against the JSON format a request asked for (`response_format`, `text.format`), so
// a fixture that would break a client's JSON parsing is reported in the log rather than found later.
// A shallow check, on purpose: valid JSON, the top-level type, required properties and their
// primitive types; it is a warning, never a change to the reply.

export interface ResponseFormat {
  type: string;
  name?: string;
  schema?: unknown;
}

type Schema = { type?: unknown; required?: unknown; properties?: unknown };

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  if (typeof value === "number") return Number.isInteger(value) ? "integer" : "number";
  return typeof value;
}

function fitsType(value: unknown, expected: unknown): boolean {
  const types = Array.isArray(expected) ? expected : [expected];
  const actual = typeOf(value);
  return types.some((t) => t === actual || (t === "number" && actual === "integer"));
}

/** Null when the content fits the format, else what is wrong with it. */
export function checkReplyFormat(content: string, format: ResponseFormat): string | null {
  if (format.type !== "json_object" && format.type !== "json_schema") return null;
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch {
    return `the reply is not valid JSON, but the request asked for ${format.type}`;
  }
  if (format.type === "json_object")
    return typeOf(value) === "object" ? null : `the reply is JSON ${typeOf(value)}, not an object (json_object)`;
  const schema = (format.schema ?? {}) as Schema;
  const name = format.name ? ` "${format.name}"` : "";
  if (schema.type !== undefined && !fitsType(value, schema.type))
    return `the reply is JSON ${typeOf(value)}, but schema${name} wants ${String(schema.type)}`;
  if (typeOf(value) !== "object") return null;
  const record = value as Record<string, unknown>;
  for (const key of Array.isArray(schema.required) ? schema.required : []) {
    if (!(key in record)) return `the reply lacks property "${String(key)}" that schema${name} requires`;
  }
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  for (const [key, property] of Object.entries(properties)) {
    if (key in record && property?.type !== undefined && !fitsType(record[key], property.type)) {
      return `property "${key}" is ${typeOf(record[key])}, but schema${name} wants ${String(property.type)}`;
    }
  }
  return null;
}
