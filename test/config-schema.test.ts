// The JSON Schemas shipped in schemas/: generated from the zod schemas (the files are what the generator
// writes), and they accept the repo's fixture files and a config, and refuse what validation refuses.
import { readdirSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { join } from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { parse as parseYaml } from "yaml";
import { formatJsonSchema } from "../src/config/json-schemas.js";

const root = join(import.meta.dirname, "..");
const shipped = (name: string): string => readFileSync(join(root, "schemas", `${name}.schema.json`), "utf8");
const ajv = new Ajv2020({ allErrors: true, strict: true });
const checkConfig = ajv.compile(JSON.parse(shipped("config")));
const checkFixtures = ajv.compile(JSON.parse(shipped("fixtures")));

function readData(path: string): unknown {
  const text = readFileSync(path, "utf8");
  return path.endsWith(".json") ? JSON.parse(text) : parseYaml(text);
}

describe("the shipped JSON Schemas", () => {
  it("are exactly what the zod schemas generate (run `npm run schemas` after changing one)", () => {
    expect(shipped("config")).toBe(formatJsonSchema("config"));
    expect(shipped("fixtures")).toBe(formatJsonSchema("fixtures"));
  });

  it("are exported by the package, so a tool can resolve them by name", () => {
    const resolve = createRequire(import.meta.url).resolve;
    expect(resolve("understudy-llm/schemas/config.schema.json")).toBe(join(root, "schemas/config.schema.json"));
    expect(resolve("understudy-llm/schemas/fixtures.schema.json")).toBe(join(root, "schemas/fixtures.schema.json"));
  });

  it("accept every fixture and flow file in the repo, with a $schema key", () => {
    const flows = readdirSync(join(root, "test/fixtures/seed-002")).map((name) => `test/fixtures/seed-002/${name}`);
    const files = ["test/fixtures/seed-000-chat.json", ...flows];
    expect(files.length).toBeGreaterThan(5);
    for (const file of files) {
      const data = readData(join(root, file)) as Record<string, unknown>;
      expect({ file, valid: checkFixtures(data), errors: checkFixtures.errors }).toEqual({
        file,
        valid: true,
        errors: null,
      });
      expect(checkFixtures({ $schema: "../schemas/fixtures.schema.json", ...data })).toBe(true);
    }
  });

  it("refuse fixture files validation refuses: an unknown field, a RegExp-only matcher, no reply", () => {
    expect(checkFixtures({ fixtures: [{ match: { usrMessage: "hi" }, response: { content: "x" } }] })).toBe(false);
    expect(checkFixtures({ fixtures: [{ match: { userMessage: 5 }, response: { content: "x" } }] })).toBe(false);
    expect(checkFixtures({ fixtures: [{ match: { predicate: "x" }, response: { content: "x" } }] })).toBe(false);
    expect(checkFixtures({ responses: [{ id: "a", messages: [] }] })).toBe(false);
    expect(
      checkFixtures({
        fixtures: [{ match: { userMessage: { regex: "^hi", flags: "i" } }, response: { content: "x" } }],
      }),
    ).toBe(true);
  });

  it("accept a full config and refuse one with a misspelt key or a value out of range", () => {
    const config = {
      $schema: "./node_modules/understudy-llm/schemas/config.schema.json",
      fixtures: ["fixtures/"],
      port: 4010,
      host: "0.0.0.0",
      apiKeys: ["sk-test"],
      models: ["gpt-4o", { id: "fast", aliasOf: "gpt-4o-mini", ownedBy: "acme" }],
      rateLimit: { rpm: 60, tpm: 100000 },
      timing: { ttft: 200, tps: 40, jitter: 5, prefillPerToken: 0.1 },
      maxConcurrency: 8,
      fallback: "lorem:50",
      workers: 2,
      seed: 42,
      journalSize: 500,
      responseStoreSize: 0,
      maxBodyBytes: 1048576,
      chunkSize: 4,
      headersTimeout: 5000,
      requestTimeout: 20000,
      keepAliveTimeout: 70000,
      cors: ["http://localhost:5173"],
      control: true,
      controlKey: "ctl",
      watch: true,
      quiet: false,
    };
    expect(checkConfig(config)).toBe(true);
    expect(checkConfig({ ratelimit: { rpm: 60 } })).toBe(false);
    expect(checkConfig({ workers: 0 })).toBe(false);
    expect(checkConfig({ rateLimit: { rpm: 1.5 } })).toBe(false);
    expect(JSON.parse(shipped("config")).properties.rateLimit.properties.rpm).toEqual({
      description: "Requests per minute, per API key.",
      type: "integer",
      minimum: 1,
      maximum: Number.MAX_SAFE_INTEGER,
    });
  });
});
