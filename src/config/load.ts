// Finds, reads and validates the config file: `--config <file>`, else `understudy.config.{json,yaml,yml}`
// in the working directory when one is there. Fixture paths in it are relative to the file.
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, extname, isAbsolute, join, relative } from "node:path";
import { resolveTimeouts } from "../transport/timeouts.js";
import { describeIssues } from "./issues.js";
import { configFileSchema, type ConfigFile } from "./schema.js";

// As in fixtures/load.ts: the YAML parser loads with the first YAML file, not with the command.
const load = createRequire(import.meta.url);
let yaml: typeof import("yaml") | undefined;
const parseYaml = (text: string): unknown => (yaml ??= load("yaml") as typeof import("yaml")).parse(text);

/** The names looked for in the working directory, in this order. */
export const DEFAULT_CONFIG_NAMES = ["understudy.config.json", "understudy.config.yaml", "understudy.config.yml"];

/** A config file that cannot be used: `file` as the user named it, each issue `field: what was expected`. */
export class ConfigError extends Error {
  constructor(
    readonly file: string,
    readonly issues: string[],
  ) {
    super(`${file}:\n${issues.map((issue) => `  ${issue}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

export interface LoadedConfig {
  /** The file as named (`--config`'s argument, or the default name found), for the banner and messages. */
  file: string;
  config: ConfigFile;
}

function parseText(file: string, text: string): unknown {
  const json = extname(file) === ".json";
  try {
    return json ? JSON.parse(text) : parseYaml(text);
  } catch (err) {
    throw new ConfigError(file, [`not valid ${json ? "JSON" : "YAML"}: ${(err as Error).message}`]);
  }
}

/** Validates a config file's parsed contents; `file` names it in messages and anchors its fixture paths. */
export function validateConfig(data: unknown, file: string): ConfigFile {
  // An empty YAML file parses to null: a file that sets nothing.
  if (data === null || data === undefined) return {};
  if (typeof data !== "object" || Array.isArray(data))
    throw new ConfigError(file, ["(root): expected an object of options"]);
  const result = configFileSchema.safeParse(data, { reportInput: true });
  if (!result.success) throw new ConfigError(file, describeIssues(configFileSchema, result.error.issues));
  const config = result.data;
  try {
    resolveTimeouts(config, (name) => name);
  } catch (err) {
    throw new ConfigError(file, [(err as Error).message]);
  }
  if (config.fixtures !== undefined) {
    const base = dirname(file);
    const paths = typeof config.fixtures === "string" ? [config.fixtures] : config.fixtures;
    // Relative to the config file: a file named by an absolute path gives absolute fixture paths.
    config.fixtures = paths.map((path) => (isAbsolute(path) ? path : join(base, path)));
  }
  return config;
}

/** Reads and validates one config file. */
export function loadConfigFile(file: string): LoadedConfig {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new ConfigError(file, [code === "ENOENT" ? "no such file" : `cannot be read (${code ?? String(err)})`]);
  }
  if (![".json", ".yaml", ".yml"].includes(extname(file)))
    throw new ConfigError(file, ["expected a .json, .yaml or .yml file"]);
  return { file, config: validateConfig(parseText(file, text), file) };
}

/** The config to run with: the named file, else the first default name in `cwd`, else none. */
export function findConfig(explicit: string | undefined, cwd = process.cwd()): LoadedConfig | undefined {
  if (explicit !== undefined) return loadConfigFile(explicit);
  const found = DEFAULT_CONFIG_NAMES.find((name) => existsSync(join(cwd, name)));
  return found === undefined ? undefined : loadConfigFile(relative(".", join(cwd, found)));
}
