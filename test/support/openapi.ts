// Validates wire bodies against OpenAI's own OpenAPI spec (the vendored copy in test/spec/openai).
import { readFileSync } from "node:fs";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { expect } from "vitest";

export const SPEC_URL = new URL("../spec/openai/openapi.json", import.meta.url);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);

// Keys that describe a schema without constraining it; they stay on the outside when a node is wrapped.
const ANNOTATIONS = new Set([
  "description",
  "title",
  "default",
  "example",
  "examples",
  "deprecated",
  "readOnly",
  "writeOnly",
]);
// Values under these keys are data, not schemas: an example that happens to hold `nullable: true` must stay as it is.
const DATA_KEYS = new Set(["example", "examples", "default", "enum", "const"]);

/**
 * OpenAPI 3.1 dropped `nullable`, but the spec still has OpenAPI 3.0 leftovers (109 in `components`).
 * Ajv rejects them ("nullable cannot be used without type") or ignores them, and either way a real
 * `null` on the wire would fail, so each `{…, nullable: true}` becomes `{anyOf: [{…}, {type: "null"}]}`.
 * Mutates `node` in place and returns how many it rewrote.
 */
export function rewriteNullable(node: unknown): number {
  if (Array.isArray(node)) return node.reduce((n: number, item) => n + rewriteNullable(item), 0);
  if (!isObject(node)) return 0;
  let count = 0;
  for (const [key, value] of Object.entries(node)) {
    if (!DATA_KEYS.has(key) && !key.startsWith("x-")) count += rewriteNullable(value);
  }
  if (!("nullable" in node) || typeof node.nullable !== "boolean") return count;
  const nullable = node.nullable;
  delete node.nullable;
  if (!nullable) return count;
  const inner: Json = {};
  for (const key of Object.keys(node)) {
    if (ANNOTATIONS.has(key) || key.startsWith("x-")) continue;
    inner[key] = node[key];
    delete node[key];
  }
  // A bare `{nullable: true}` (plus annotations) already accepts anything, null included.
  if (Object.keys(inner).length > 0) node.anyOf = [inner, { type: "null" }];
  return count + 1;
}

/**
 * Places where the spec and the real wire (or the official SDK) disagree. Each one patches the value
 * into the shape the spec wants, only for the schemas listed and only when the wire shape is present,
 * so everything else is still checked strictly. test/conformance/openapi-harness.test.ts proves
 * every entry is still needed, so one the spec fixes shows up as a failing test.
 */
export interface Quirk {
  id: string;
  schemas: readonly string[];
  why: string;
  /** Returns the patched value (a copy), or undefined when the quirk does not apply to this value. */
  patch(value: unknown): unknown;
}

const clone = <T>(value: T): T => structuredClone(value);

/** Drops `field: null` from a body, or from the Response an event wraps; undefined when absent. */
function dropNullField(value: unknown, field: string): unknown {
  const target = isObject(value) && isObject(value.response) ? value.response : value;
  if (!isObject(target) || target[field] !== null) return undefined;
  const copy = clone(value) as Json;
  delete (target === value ? copy : (copy.response as Json))[field];
  return copy;
}

/** Whether any output_text part lacks `logprobs`; with `fix`, adds `logprobs: []` to each such part. */
function bareOutputText(node: unknown, fix: boolean): boolean {
  if (Array.isArray(node)) return node.reduce((found: boolean, item) => bareOutputText(item, fix) || found, false);
  if (!isObject(node)) return false;
  let found = Object.values(node).reduce((acc: boolean, item) => bareOutputText(item, fix) || acc, false);
  if (node.type === "output_text" && typeof node.text === "string" && !("logprobs" in node)) {
    if (fix) node.logprobs = [];
    found = true;
  }
  return found;
}

/** A legacy Completions body with its logprobs' nulls filled in; undefined when it has none. */
function fillCompletionLogprobNulls(value: unknown): unknown {
  const choices = isObject(value) && Array.isArray(value.choices) ? value.choices : [];
  const hasNull = (lp: Json): boolean =>
    lp.top_logprobs === null ||
    [lp.token_logprobs, lp.top_logprobs].some((list) => Array.isArray(list) && list.includes(null));
  if (!choices.some((c) => isObject(c) && isObject(c.logprobs) && hasNull(c.logprobs))) return undefined;
  const copy = clone(value) as { choices: { logprobs: Json | null }[] };
  for (const { logprobs: lp } of copy.choices) {
    if (!lp) continue;
    if (Array.isArray(lp.token_logprobs)) lp.token_logprobs = lp.token_logprobs.map((x) => x ?? 0);
    if (lp.top_logprobs === null) delete lp.top_logprobs;
    else if (Array.isArray(lp.top_logprobs)) lp.top_logprobs = lp.top_logprobs.map((x) => x ?? {});
  }
  return copy;
}

export const QUIRKS: readonly Quirk[] = [
  {
    id: "response-usage-null",
    schemas: ["Response", "ResponseStreamEvent", "ResponsesServerEvent"],
    // The real API sends `usage: null` on the in-progress Response inside response.created and
    // response.in_progress (WIRE.md §3), but the spec types `usage` as a non-nullable ResponseUsage.
    why: "usage is null until the response completes; the spec does not allow null",
    patch: (value) => dropNullField(value, "usage"),
  },
  {
    id: "output-text-logprobs",
    schemas: ["Response", "ResponseStreamEvent", "ResponsesServerEvent"],
    // OutputTextContent requires `logprobs`, yet the spec's own Response example (and older
    // captures) leave it out; clients never require it.
    why: "output_text parts may omit logprobs; the spec requires it",
    patch(value) {
      // Scan before cloning: most values have nothing to patch, and events are validated by the hundred.
      if (!bareOutputText(value, false)) return undefined;
      const copy = clone(value);
      bareOutputText(copy, true);
      return copy;
    },
  },
  {
    id: "nested-error-event",
    schemas: ["ResponseStreamEvent"],
    // The spec's ResponseErrorEvent is flat, but the SDK notes that first-party providers nest the
    // payload as `{type:"error", error:{type, code, message, param}}`; the SDK and VAI accept both.
    why: "the error stream event nests its payload under `error`; the spec has it flat",
    patch(value) {
      if (!isObject(value) || value.type !== "error" || !isObject(value.error)) return undefined;
      const { error, ...rest } = value;
      return { ...rest, code: error.code ?? null, message: error.message, param: error.param ?? null };
    },
  },
  {
    id: "completion-logprobs-null",
    schemas: ["CreateCompletionResponse"],
    // Legacy Completions logprobs carry nulls the spec types as numbers and objects: with `echo`, the
    // prompt's first token has no logprob (token_logprobs[0] and top_logprobs[0] are null), and with
    // `logprobs: 0` top_logprobs itself is null (a captured stream: community.openai.com/t/90526).
    why: "echo's first prompt token has a null logprob, and logprobs:0 sends top_logprobs:null; the spec allows neither",
    patch: fillCompletionLogprobNulls,
  },
  {
    id: "completion-chunk-finish-null",
    schemas: ["CreateCompletionResponse"],
    // The spec says streamed and non-streamed completions share this shape, yet types finish_reason as a
    // non-null enum; every chunk but a choice's last has finish_reason null (WIRE.md §2, and the capture above).
    why: "stream chunks carry finish_reason:null until a choice ends; the spec does not allow null",
    patch(value) {
      const choices = isObject(value) && Array.isArray(value.choices) ? value.choices : [];
      if (!choices.some((c) => isObject(c) && c.finish_reason === null)) return undefined;
      const copy = clone(value) as { choices: Json[] };
      for (const choice of copy.choices) if (choice.finish_reason === null) choice.finish_reason = "stop";
      return copy;
    },
  },
  {
    id: "user-null",
    schemas: [
      "CreateChatCompletionRequest",
      "CreateResponse",
      "Response",
      "ResponseStreamEvent",
      "ResponsesServerEvent",
    ],
    // `user` is typed as a plain string, yet the spec's own Response example carries `user: null`
    // (WIRE.md §8); Response and CreateResponse share that property, so both sides hit it.
    why: "the spec's examples send user:null; the spec types user as a string",
    patch: (value) => dropNullField(value, "user"),
  },
];

/** Applies the quirks for `schemaName`; returns the (possibly patched) value and which quirks fired. */
export function applyQuirks(schemaName: string, value: unknown): { value: unknown; applied: string[] } {
  const applied: string[] = [];
  for (const quirk of QUIRKS) {
    if (!quirk.schemas.includes(schemaName)) continue;
    const patched = quirk.patch(value);
    if (patched !== undefined) {
      value = patched;
      applied.push(quirk.id);
    }
  }
  return { value, applied };
}

// Loading and rewriting the 3.4 MB spec is done once per test file, and only when first needed.
let ajv: Ajv2020 | undefined;
let schemas: Record<string, Json> = {};
const validators = new Map<string, ValidateFunction>();
let nullableRewrites = 0;

function getAjv(): Ajv2020 {
  if (ajv) return ajv;
  const spec = JSON.parse(readFileSync(SPEC_URL, "utf8")) as { components: { schemas: Record<string, Json> } };
  nullableRewrites = rewriteNullable(spec.components);
  schemas = spec.components.schemas;
  // strict:false because the spec carries OpenAPI keywords (discriminator, x-oai*, example) ajv does not know;
  // validateSchema:false because checking 3.4 MB against the meta-schema would cost more than every compile.
  // code.optimize:false: eight schemas compiled in 0.8–2.2 s without ajv's codegen optimiser against 1.3–3.0 s
  // with it (noisy machine), and validation speed did not change measurably. allErrors stays off, so ajv
  // reports the first failure per branch, which keeps the big unions fast.
  const instance = new Ajv2020({
    code: { optimize: false },
    strict: false,
    validateSchema: false,
    allowUnionTypes: true,
  });
  addFormats.default(instance);
  // OpenAPI's own formats (and the numeric ones, which ajv-formats would range-check) are labels here, not rules.
  for (const format of ["unixtime", "float", "double", "int32", "int64", "binary", "byte", "password", "decimal"]) {
    instance.addFormat(format, true);
  }
  instance.addSchema({ $id: "oai", components: spec.components });
  return (ajv = instance);
}

/** How many `nullable` leftovers the loader rewrote (loads the spec if needed). */
export function nullableRewriteCount(): number {
  getAjv();
  return nullableRewrites;
}

/** A schema as loaded (after the nullable rewrite; examples are untouched), for tests that need its examples. */
export function schemaNamed(name: string): Json {
  getAjv();
  const schema = schemas[name];
  if (!schema) throw new Error(`No schema named ${JSON.stringify(name)} in components.schemas`);
  return schema;
}

/** The compiled validator for a pointer under `#/components/schemas/`, compiled on first use. */
function compiled(pointer: string): ValidateFunction {
  let validate = validators.get(pointer);
  if (!validate) {
    const instance = getAjv();
    const name = pointer.split("/")[0];
    if (!(name in schemas))
      throw new Error(`No schema named ${JSON.stringify(name)} in components.schemas of ${SPEC_URL.pathname}`);
    validate = instance.compile({ $ref: `oai#/components/schemas/${pointer}` });
    validators.set(pointer, validate);
  }
  return validate;
}

/** The compiled validator for `#/components/schemas/<schemaName>`. */
export const validatorFor = (schemaName: string): ValidateFunction => compiled(schemaName);

/** The `type` values a schema pins (through $ref and allOf), as event unions discriminate on it. */
function typeValues(schema: unknown): unknown[] {
  if (!isObject(schema)) return [];
  if (typeof schema.$ref === "string") return typeValues(schemas[schema.$ref.replace("#/components/schemas/", "")]);
  const type = isObject(schema.properties) && isObject(schema.properties.type) ? schema.properties.type : undefined;
  if (type && Array.isArray(type.enum)) return type.enum;
  if (type && "const" in type) return [type.const];
  return Array.isArray(schema.allOf) ? schema.allOf.flatMap(typeValues) : [];
}

/**
 * A failed event union (ResponseStreamEvent has 58 members) reports every member's errors. When the
 * value's `type` picks one member, its errors alone say what is wrong, so those are reported instead.
 */
function unionErrors(schemaName: string, value: unknown): string[] | undefined {
  const union = schemas[schemaName];
  const members = union && (Array.isArray(union.anyOf) ? "anyOf" : Array.isArray(union.oneOf) ? "oneOf" : undefined);
  if (!members || !isObject(value) || typeof value.type !== "string") return undefined;
  const type = value.type;
  const list = union[members] as unknown[];
  const matching = list.flatMap((member, index) => (typeValues(member).includes(type) ? [index] : []));
  if (matching.length === 0) {
    const known = list.flatMap(typeValues).filter((t) => typeof t === "string");
    return known.length
      ? [`/type: ${JSON.stringify(type)} is none of the ${known.length} types in ${schemaName}`]
      : undefined;
  }
  // No two members share a type in this copy of the spec, but if a later one does, report each one's errors.
  return matching.flatMap((index) => {
    const validate = compiled(`${schemaName}/${members}/${index}`);
    return validate(value)
      ? []
      : (validate.errors ?? []).map(
          (e) => `${formatError(e)} [${schemaName}/${members}/${index}, type ${JSON.stringify(type)}]`,
        );
  });
}

function formatError(error: ErrorObject): string {
  const at = error.instancePath || "(root)";
  const params =
    error.keyword === "enum"
      ? ` ${JSON.stringify(error.params.allowedValues)}`
      : error.keyword === "additionalProperties"
        ? ` "${String(error.params.additionalProperty)}"`
        : "";
  return `${at}: ${error.message ?? error.keyword}${params} (${error.schemaPath})`;
}

/**
 * Validates `value` against `#/components/schemas/<schemaName>`. Returns readable errors, or an empty
 * array when it conforms. Known spec-vs-wire quirks are patched first unless `quirks: false`.
 */
export function validateAgainst(schemaName: string, value: unknown, options: { quirks?: boolean } = {}): string[] {
  const validate = validatorFor(schemaName);
  const input = options.quirks === false ? value : applyQuirks(schemaName, value).value;
  if (validate(input)) return [];
  const errors = (validate.errors ?? []).map(formatError);
  const narrowed = unionErrors(schemaName, input);
  return narrowed && narrowed.length > 0 ? narrowed : errors;
}

/** Fails the current test with the violations found (and the value), unless `value` conforms to the schema. */
export function expectConforms(schemaName: string, value: unknown, label = schemaName): void {
  const errors = validateAgainst(schemaName, value);
  expect(
    errors,
    `${label} does not conform to ${schemaName}:\n  ${errors.join("\n  ")}\nvalue: ${JSON.stringify(value)}`,
  ).toEqual([]);
}
