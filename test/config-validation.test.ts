// The config file's validation and its merge with the flags: messages that name the file, the field and
// what was expected; unknown keys with a suggestion; flags over the file over the defaults.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from "vitest";
import { parseCliArgs } from "../src/cli/args.js";
import { closestKey } from "../src/config/issues.js";
import { ConfigError, findConfig, loadConfigFile, validateConfig } from "../src/config/load.js";
import { optionsFromFlags, resolveOptions } from "../src/config/resolve.js";
import type { ConfigFile } from "../src/config/schema.js";
import type { ServerOptions } from "../src/server.js";

function issuesOf(data: unknown, file = "understudy.config.yaml"): string[] {
  try {
    validateConfig(data, file);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).file).toBe(file);
    return (err as ConfigError).issues;
  }
  throw new Error("expected the config to be refused");
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "understudy-config-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("config file validation", () => {
  it("has a field for every createServer option a file can hold (checked by tsc)", () => {
    // Functions, the clock and an internal switch exist only in code; fixturePaths is `fixtures` in the file.
    type CodeOnly = "caches" | "now" | "onExchange" | "fixturePaths";
    expectTypeOf<Exclude<keyof ServerOptions, CodeOnly>>().toExtend<keyof ConfigFile>();
    expectTypeOf<"fixtures" | "workers" | "quiet" | "$schema">().toExtend<keyof ConfigFile>();
    expect(validateConfig({ workers: 2, quiet: true }, "f.json")).toEqual({ workers: 2, quiet: true });
  });

  it("names each field, what was expected and what was given", () => {
    expect(
      issuesOf({
        port: 70000,
        workers: 0,
        rateLimit: { rpm: "ten" },
        timing: { ttft: -1 },
        fallback: "lorem:0",
        cors: 5,
        fixtures: 3,
      }),
    ).toEqual([
      "fixtures: expected a path or a list of paths, got 3",
      "port: expected an integer from 0 to 65535, got 70000",
      'rateLimit.rpm: expected an integer >= 1, got "ten"',
      "timing.ttft: expected a number of milliseconds >= 0, got -1",
      'fallback: expected "echo" or "lorem:<tokens>" with 1 to 128000 tokens, got "lorem:0"',
      "workers: expected an integer from 1 to 256, got 0",
      'cors: expected true, false, an origin or a list of origins ("*": any), got 5',
    ]);
  });

  it("refuses unknown keys, at any depth, suggesting the field meant", () => {
    expect(issuesOf({ ratelimit: { rpm: 1 }, maxbodybytes: 10, frobnicate: true })).toEqual([
      'ratelimit: unknown field (did you mean "rateLimit"?)',
      'maxbodybytes: unknown field (did you mean "maxBodyBytes"?)',
      "frobnicate: unknown field",
    ]);
    expect(issuesOf({ rateLimit: { rmp: 5 }, models: ["gpt-4o", { id: "fast", alias: "gpt-4o" }] })).toEqual([
      'models[1].alias: unknown field (did you mean "aliasOf"?)',
      'rateLimit.rmp: unknown field (did you mean "rpm"?)',
    ]);
    expect(closestKey("jurnalSize", ["journalSize", "seed"])).toBe("journalSize");
    expect(closestKey("zzzzzz", ["journalSize", "seed"])).toBeUndefined();
  });

  it("checks the timeouts against each other, and the root's shape", () => {
    expect(issuesOf({ headersTimeout: 5000, requestTimeout: 1000 })).toEqual([
      "headersTimeout (5000) must not exceed requestTimeout (1000): a request's time includes its headers'",
    ]);
    expect(issuesOf(["port", 1])).toEqual(["(root): expected an object of options"]);
  });

  it("accepts $schema, an empty file, and resolves fixture paths against the file's folder", () => {
    expect(validateConfig(null, "empty.yaml")).toEqual({});
    const config = validateConfig(
      { $schema: "./node_modules/understudy-llm/schemas/config.schema.json", fixtures: "fx", models: ["a"] },
      join("conf", "understudy.config.json"),
    );
    expect(config.fixtures).toEqual([join("conf", "fx")]);
    expect(config.models).toEqual(["a"]);
  });

  it("reports a file that is missing, not parseable, or of another kind", () => {
    const missing = join(dir, "nope.yaml");
    expect(() => loadConfigFile(missing)).toThrow(`${missing}:\n  no such file`);
    const broken = join(dir, "broken.json");
    writeFileSync(broken, "{ port: 1");
    expect(() => loadConfigFile(broken)).toThrow(/broken\.json:\n {2}not valid JSON: /);
    const toml = join(dir, "config.toml");
    writeFileSync(toml, "port = 1");
    expect(() => loadConfigFile(toml)).toThrow(`${toml}:\n  expected a .json, .yaml or .yml file`);
  });
});

describe("flags over the config file", () => {
  it("takes each flag given over the file's value, and the file's over the default", () => {
    const file = join(dir, "merge.yaml");
    writeFileSync(
      file,
      [
        "port: 5000",
        "host: 0.0.0.0",
        "seed: 7",
        "rateLimit: { rpm: 60, tpm: 1000 }",
        "timing: { ttft: 100, tps: 50 }",
        "fallback: echo",
        "models: [gpt-4o, { id: fast, aliasOf: gpt-4o-mini }]",
        "cors: ['http://localhost:3000']",
        "control: false",
        "watch: true",
      ].join("\n"),
    );
    const options = optionsFromFlags(parseCliArgs(["--config", file, "-p", "0", "--rpm", "5", "--ttft", "10"]));
    expect(options).toMatchObject({
      configFile: file,
      port: 0,
      host: "0.0.0.0",
      seed: 7,
      rateLimit: { rpm: 5, tpm: 1000 },
      timing: { ttft: 10, tps: 50 },
      fallback: { kind: "echo" },
      models: ["gpt-4o", { id: "fast", aliasOf: "gpt-4o-mini" }],
      cors: ["http://localhost:3000"],
      control: false,
      watch: true,
      workers: 1,
      apiKeys: [],
    });
  });

  it("reads the flags for options the file also sets: models, CORS, control", () => {
    const flags = parseCliArgs(["--model", "gpt-4o", "--model", "fast=gpt-4o-mini", "--cors", "a.test,b.test"]);
    const options = resolveOptions({ ...flags, control: parseCliArgs(["--no-control"]).control }, undefined);
    expect(options.models).toEqual([{ id: "gpt-4o" }, { id: "fast", aliasOf: "gpt-4o-mini" }]);
    expect(options.cors).toEqual(["a.test", "b.test"]);
    expect(options.control).toBe(false);
    expect(options.host).toBe("127.0.0.1");
    expect(() => parseCliArgs(["--model", "a=b=c"])).toThrow('--model must be <id> or <alias>=<id>, got "a=b=c"');
  });

  it("finds understudy.config.* in the working directory unless --no-config", () => {
    const cwd = mkdtempSync(join(dir, "cwd-"));
    expect(findConfig(undefined, cwd)).toBeUndefined();
    writeFileSync(join(cwd, "understudy.config.yml"), "journalSize: 3\n");
    expect(findConfig(undefined, cwd)?.config).toEqual({ journalSize: 3 });
    expect(optionsFromFlags(parseCliArgs([]), cwd).journalSize).toBe(3);
    expect(optionsFromFlags(parseCliArgs(["--no-config"]), cwd).journalSize).toBeUndefined();
  });
});
