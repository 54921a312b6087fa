// JSON Schemas for the config file and for fixture files (native fixtures and flows), generated from the
// zod schemas validation uses, so editors check a file exactly as the server will. `npm run schemas`
// writes them to schemas/ (shipped in the package); `understudy schema config|fixtures` prints them.
import { z } from "zod";
import { flowFileSchema } from "../fixtures/flows/schema.js";
import { fixtureFileSchema } from "../fixtures/schema.js";
import { configFileSchema } from "./schema.js";

type JsonSchema = Record<string, unknown>;

const DRAFT = "https://json-schema.org/draft/2020-12/schema";
/** Marks what a file cannot hold (a RegExp object, a predicate function); removed before publishing. */
const CODE_ONLY = "x-understudy-code-only";

/** Schemas of values only code can give (z.custom, z.instanceof) become markers, dropped below. */
function markCodeOnly(ctx: { zodSchema: z.core.$ZodTypes; jsonSchema: JsonSchema }): void {
  if (ctx.zodSchema._zod.def.type !== "custom") return;
  for (const key of Object.keys(ctx.jsonSchema)) delete ctx.jsonSchema[key];
  ctx.jsonSchema[CODE_ONLY] = true;
}

const isCodeOnly = (value: unknown): boolean => typeof value === "object" && value !== null && CODE_ONLY in value;

/** Drops code-only alternatives and properties, recursively. */
function withoutCodeOnly(value: unknown): unknown {
  if (Array.isArray(value)) return value.filter((item) => !isCodeOnly(item)).map(withoutCodeOnly);
  if (typeof value !== "object" || value === null) return value;
  const out: JsonSchema = {};
  for (const [key, item] of Object.entries(value)) if (!isCodeOnly(item)) out[key] = withoutCodeOnly(item);
  return out;
}

function toJsonSchema(schema: z.ZodType): JsonSchema {
  // "input": what a file holds, before transforms ({ regex } specs stay objects).
  const generated = z.toJSONSchema(schema, { io: "input", unrepresentable: "any", override: markCodeOnly });
  const { $schema: _draft, ...body } = withoutCodeOnly(generated) as JsonSchema;
  return body;
}

/** The schema of `understudy.config.{json,yaml,yml}`. */
export function configJsonSchema(): JsonSchema {
  return { $schema: DRAFT, title: "Understudy config file", ...toJsonSchema(configFileSchema) };
}

/** The schema of a fixture file: native fixtures (`fixtures:`) or conversation flows (`responses:`). */
export function fixturesJsonSchema(): JsonSchema {
  return {
    $schema: DRAFT,
    title: "Understudy fixture file",
    anyOf: [
      { title: "Native fixtures", ...toJsonSchema(fixtureFileSchema) },
      {
        title: "Conversation flows",
        ...toJsonSchema(z.strictObject({ $schema: z.string().optional(), ...flowFileSchema.shape })),
      },
    ],
  };
}

export const JSON_SCHEMAS = { config: configJsonSchema, fixtures: fixturesJsonSchema } as const;
export type JsonSchemaName = keyof typeof JSON_SCHEMAS;

/** A schema as the shipped file holds it: two-space JSON and a final newline. */
export function formatJsonSchema(name: JsonSchemaName): string {
  return `${JSON.stringify(JSON_SCHEMAS[name](), null, 2)}\n`;
}
