// The generic request-parameter checkers both validators are built from, each failing with OpenAI's own wording.
import type { ApiError } from "../../types.js";
import { isRecord } from "../../json-values.js";
import { invalidRequest } from "../errors.js";

/** The whole request body, for checks that depend on another parameter. */
export interface Context {
  body: Record<string, unknown>;
}

/** Checks one value found at `path` (e.g. `tools[0].function.name`); null when it is acceptable. */
export type Check = (value: unknown, path: string, context: Context) => ApiError | null;

/** One top-level parameter and its check. Absent and null values are not checked: OpenAI reads null as "not given". */
export interface Rule {
  param: string;
  check: Check;
}

/** The first failure among `rules`, in order, or null. */
export function firstFailure(rules: readonly Rule[], body: Record<string, unknown>): ApiError | null {
  const context: Context = { body };
  for (const { param, check } of rules) {
    const value = body[param];
    if (value === undefined || value === null) continue;
    const error = check(value, param, context);
    if (error) return error;
  }
  return null;
}

// ---- OpenAI's message forms ----

/** How OpenAI names a received value's type: "a string", "an integer", "a decimal number", … */
export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  switch (typeof value) {
    case "string":
      return "a string";
    case "boolean":
      return "a boolean";
    case "number":
      return Number.isInteger(value) ? "an integer" : "a decimal number";
    case "object":
      return "an object";
    default:
      return `a ${typeof value}`;
  }
}

/** `'a'`, `'a' and 'b'`, `'a', 'b', and 'c'`, as OpenAI lists supported values. */
export function listValues(values: readonly string[], conjunction = "and"): string {
  const quoted = values.map((v) => `'${v}'`);
  if (quoted.length <= 2) return quoted.join(` ${conjunction} `);
  return `${quoted.slice(0, -1).join(", ")}, ${conjunction} ${quoted.at(-1)}`;
}

export const typeError = (path: string, expected: string, value: unknown): ApiError =>
  invalidRequest(
    `Invalid type for '${path}': expected ${expected}, but got ${describe(value)} instead.`,
    path,
    "invalid_type",
  );

export const missing = (path: string): ApiError =>
  invalidRequest(`Missing required parameter: '${path}'.`, path, "missing_required_parameter");

export const invalidValue = (path: string, value: string, supported: readonly string[]): ApiError =>
  invalidRequest(`Invalid value: '${value}'. Supported values are: ${listValues(supported)}.`, path, "invalid_value");

function outOfRange(
  path: string,
  kind: "decimal" | "integer",
  value: number,
  min?: number,
  max?: number,
): ApiError | null {
  if (min !== undefined && value < min) {
    return invalidRequest(
      `Invalid '${path}': ${kind} below minimum value. Expected a value >= ${min}, but got ${value} instead.`,
      path,
      `${kind}_below_min_value`,
    );
  }
  if (max !== undefined && value > max) {
    return invalidRequest(
      `Invalid '${path}': ${kind} above maximum value. Expected a value <= ${max}, but got ${value} instead.`,
      path,
      `${kind}_above_max_value`,
    );
  }
  return null;
}

// ---- Checkers ----

/** Any JSON number ("decimal" in OpenAI's words) within [min, max]. */
export const decimal =
  (min?: number, max?: number): Check =>
  (value, path) =>
    typeof value !== "number" ? typeError(path, "a decimal", value) : outOfRange(path, "decimal", value, min, max);

/** A whole number within [min, max]; a fractional one is a type error. */
export const integer =
  (min?: number, max?: number): Check =>
  (value, path) =>
    typeof value !== "number" || !Number.isInteger(value)
      ? typeError(path, "an integer", value)
      : outOfRange(path, "integer", value, min, max);

export const boolean: Check = (value, path) =>
  typeof value === "boolean" ? null : typeError(path, "a boolean", value);

export interface StringLimits {
  maxLength?: number;
  /** The pattern as OpenAI prints it, e.g. `^[a-zA-Z0-9_-]+$`. */
  pattern?: string;
}

export const string =
  (limits: StringLimits = {}): Check =>
  (value, path) => {
    if (typeof value !== "string") return typeError(path, "a string", value);
    if (limits.pattern !== undefined && !new RegExp(limits.pattern).test(value)) {
      return invalidRequest(
        `Invalid '${path}': string does not match pattern. Expected a string that matches the pattern '${limits.pattern}'.`,
        path,
        "invalid_value",
      );
    }
    if (limits.maxLength !== undefined && value.length > limits.maxLength) {
      return invalidRequest(
        `Invalid '${path}': string too long. Expected a string with maximum length ${limits.maxLength}, but got a string with length ${value.length} instead.`,
        path,
        "string_above_max_length",
      );
    }
    return null;
  };

/** One of a fixed set of strings, listed in the order OpenAI prints them. */
export const oneOf =
  (values: readonly string[]): Check =>
  (value, path) => {
    if (typeof value !== "string") return typeError(path, `one of ${listValues(values, "or")}`, value);
    return values.includes(value) ? null : invalidValue(path, value, values);
  };

/** A JSON object with no constraints on its members (JSON Schemas, `parameters`). */
export const anyObject: Check = (value, path) => (isRecord(value) ? null : typeError(path, "an object", value));

export interface Field {
  check: Check;
  required?: boolean;
  /** A null member counts as absent; otherwise null is checked like any other value. */
  nullable?: boolean;
}

/** An object whose listed members are checked in order, at `path.member`; other members are not checked. */
export const object =
  (fields: Record<string, Field>): Check =>
  (value, path, context) => {
    if (!isRecord(value)) return typeError(path, "an object", value);
    for (const [key, field] of Object.entries(fields)) {
      const member = value[key];
      const at = `${path}.${key}`;
      if (member === undefined || (member === null && field.nullable)) {
        if (field.required) return missing(at);
        continue;
      }
      const error = field.check(member, at, context);
      if (error) return error;
    }
    return null;
  };

/**
 * An object told apart by a required `key` (usually `type`): the key must be one of the variants,
 * then that variant's check runs on the whole object. OpenAI lists a union's tags alphabetically
 * (`'json_object', 'json_schema', and 'text'`), unlike a plain enum's values.
 */
export const tagged =
  (key: string, variants: Record<string, Check>, listed: readonly string[] = Object.keys(variants).sort()): Check =>
  (value, path, context) => {
    if (!isRecord(value)) return typeError(path, "an object", value);
    const tag = value[key];
    if (tag === undefined || tag === null) return missing(`${path}.${key}`);
    const error = oneOf(listed)(tag, `${path}.${key}`, context);
    if (error) return error;
    return variants[tag as string](value, path, context);
  };

export interface ArrayLimits {
  minItems?: number;
  maxItems?: number;
  /** How the type error names the expected array, e.g. "an array of objects". */
  expected?: string;
}

/** An array whose items are each checked at `path[i]`. */
export const arrayOf =
  (item: Check, limits: ArrayLimits = {}): Check =>
  (value, path, context) => {
    if (!Array.isArray(value)) return typeError(path, limits.expected ?? "an array", value);
    if (limits.minItems !== undefined && value.length < limits.minItems) {
      return value.length === 0
        ? invalidRequest(
            `Invalid '${path}': empty array. Expected an array with minimum length ${limits.minItems}, but got an empty array instead.`,
            path,
            "empty_array",
          )
        : invalidRequest(
            `Invalid '${path}': array too short. Expected an array with minimum length ${limits.minItems}, but got an array with length ${value.length} instead.`,
            path,
            "array_below_min_length",
          );
    }
    if (limits.maxItems !== undefined && value.length > limits.maxItems) {
      return invalidRequest(
        `Invalid '${path}': array too long. Expected an array with maximum length ${limits.maxItems}, but got an array with length ${value.length} instead.`,
        path,
        "array_above_max_length",
      );
    }
    for (let i = 0; i < value.length; i++) {
      const error = item(value[i], `${path}[${i}]`, context);
      if (error) return error;
    }
    return null;
  };

export interface MapLimits {
  maxProperties?: number;
  /** Checks each key; its own message, since OpenAI words key faults per parameter. */
  key?: (key: string, path: string) => ApiError | null;
}

/** An object used as a map: every value checked at `path.key`. */
export const mapOf =
  (entry: Check, limits: MapLimits = {}): Check =>
  (value, path, context) => {
    if (!isRecord(value)) return typeError(path, "an object", value);
    const keys = Object.keys(value);
    if (limits.maxProperties !== undefined && keys.length > limits.maxProperties) {
      return invalidRequest(
        `Invalid '${path}': too many properties. Expected an object with at most ${limits.maxProperties} properties, but got an object with ${keys.length} properties instead.`,
        path,
        "object_above_max_properties",
      );
    }
    for (const key of keys) {
      const error = limits.key?.(key, path) ?? entry(value[key], `${path}.${key}`, context);
      if (error) return error;
    }
    return null;
  };

/** Runs checks in order and returns the first failure. */
export const all =
  (...checks: Check[]): Check =>
  (value, path, context) => {
    for (const check of checks) {
      const error = check(value, path, context);
      if (error) return error;
    }
    return null;
  };

/** Fails unless the boolean parameter `flag` is true, the way OpenAI words it for `stream_options` and `top_logprobs`. */
export const onlyWhenEnabled =
  (flag: string): Check =>
  (_value, path, context) =>
    context.body[flag] === true
      ? null
      : invalidRequest(`The '${path}' parameter is only allowed when '${flag}' is enabled.`, path, null);

// ---- Shared by both surfaces ----

/** Function, tool and response-format names: "a-z, A-Z, 0-9, or contain underscores and dashes, with a maximum length of 64". */
export const name = string({ pattern: "^[a-zA-Z0-9_-]+$", maxLength: 64 });

/** `metadata`: at most 16 string values of at most 512 characters (OAS `Metadata`). */
export const metadata = mapOf(string({ maxLength: 512 }), { maxProperties: 16 });

/** Whether `text` mentions JSON, as json_object mode requires. */
export const mentionsJson = (text: string): boolean => /json/i.test(text);
