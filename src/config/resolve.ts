// The options the command runs with: each flag given, else the config file's value, else the default.
import type { TimingOptions } from "../core/timing.js";
import { parseFallback, type FallbackOption } from "../fixtures/fallback.js";
import type { RateLimitConfig } from "../policies/index.js";
import type { ModelConfig } from "../protocols/model-registry.js";
import { resolveTimeouts, type TimeoutName, type TimeoutOptions } from "../transport/timeouts.js";
import { UsageError, type CliFlags } from "../cli/args.js";
import { ConfigError, findConfig, type LoadedConfig } from "./load.js";
import type { ConfigFile } from "./schema.js";

export interface CliOptions extends TimeoutOptions {
  /** The config file read, as named (undefined: none). */
  configFile?: string;
  fixturePaths: string[];
  /** Undefined when not given: a flow file's `port`, else 4010. */
  port?: number;
  apiKeys: string[];
  host: string;
  chunkSize?: number;
  latency?: number;
  timing: TimingOptions;
  maxConcurrency?: number;
  fallback?: FallbackOption;
  /** Processes serving one port (node:cluster); 1 runs in this process. */
  workers: number;
  seed?: number;
  journalSize?: number;
  responseStoreSize?: number;
  models?: (string | ModelConfig)[];
  rateLimit?: RateLimitConfig;
  maxBodyBytes?: number;
  /** Allowed browser origins: true (any), false (no CORS), or a list. */
  cors?: boolean | string[];
  /** False: no control API. */
  control?: boolean;
  controlKey?: string;
  /** Re-read fixture files when they change. */
  watch: boolean;
  quiet: boolean;
  help: boolean;
  version: boolean;
}

/** Each timing field from the flag when given, else from the file. */
function mergeTiming(flags: TimingOptions, file: TimingOptions = {}): TimingOptions {
  const merged: TimingOptions = { ...file };
  for (const [name, value] of Object.entries(flags) as [keyof TimingOptions, number | undefined][])
    if (value !== undefined) merged[name] = value;
  return merged;
}

function mergeRateLimit(flags: RateLimitConfig, file: RateLimitConfig = {}): RateLimitConfig | undefined {
  const merged = { rpm: flags.rpm ?? file.rpm, tpm: flags.tpm ?? file.tpm };
  return merged.rpm === undefined && merged.tpm === undefined ? undefined : merged;
}

/** Timeouts from both sources, checked against each other; a message names each as its source spells it. */
function mergeTimeouts(flags: CliFlags, loaded: LoadedConfig | undefined): TimeoutOptions {
  const file = loaded?.config ?? {};
  const names: TimeoutName[] = ["headersTimeout", "requestTimeout", "keepAliveTimeout"];
  const merged: TimeoutOptions = {};
  for (const name of names) merged[name] = flags[name] ?? file[name];
  const flagName = (name: TimeoutName) => `--${name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  try {
    resolveTimeouts(merged, (name) => (flags[name] !== undefined ? flagName(name) : `${loaded?.file}: ${name}`));
  } catch (err) {
    const message = (err as Error).message;
    throw loaded ? new ConfigError(loaded.file, [message]) : new UsageError(message);
  }
  return merged;
}

/** The file may say "*" (any origin) or name one origin without a list. */
function corsOrigins(value: boolean | string | string[] | undefined): boolean | string[] | undefined {
  if (value === undefined || typeof value === "boolean") return value;
  const origins = typeof value === "string" ? [value] : value;
  return origins.includes("*") ? true : origins;
}

const asList = (value: string | string[] | undefined): string[] | undefined =>
  typeof value === "string" ? [value] : value;

/** Merges the flags over the config file (when there is one). */
export function resolveOptions(flags: CliFlags, loaded: LoadedConfig | undefined): CliOptions {
  const file: ConfigFile = loaded?.config ?? {};
  return {
    configFile: loaded?.file,
    fixturePaths: flags.fixturePaths ?? asList(file.fixtures) ?? [],
    port: flags.port ?? file.port,
    apiKeys: flags.apiKeys ?? file.apiKeys ?? [],
    host: flags.host ?? file.host ?? "127.0.0.1",
    chunkSize: flags.chunkSize ?? file.chunkSize,
    latency: flags.latency ?? file.latency,
    timing: mergeTiming(flags.timing, file.timing),
    maxConcurrency: flags.maxConcurrency ?? file.maxConcurrency,
    // The file's value was checked by the same parser when it was validated.
    fallback: flags.fallback ?? (file.fallback === undefined ? undefined : parseFallback(file.fallback)),
    workers: flags.workers ?? file.workers ?? 1,
    seed: flags.seed ?? file.seed,
    journalSize: flags.journalSize ?? file.journalSize,
    responseStoreSize: flags.responseStoreSize ?? file.responseStoreSize,
    ...mergeTimeouts(flags, loaded),
    models: flags.models ?? file.models,
    rateLimit: mergeRateLimit(flags.rateLimit, file.rateLimit),
    maxBodyBytes: flags.maxBodyBytes ?? file.maxBodyBytes,
    cors: flags.cors ?? corsOrigins(file.cors),
    control: flags.control ?? file.control,
    controlKey: flags.controlKey ?? file.controlKey,
    watch: flags.watch ?? file.watch ?? false,
    quiet: flags.quiet ?? file.quiet ?? false,
    help: flags.help,
    version: flags.version,
  };
}

/** The options for a command line: its config file found and read (unless --no-config), then merged. */
export function optionsFromFlags(flags: CliFlags, cwd = process.cwd()): CliOptions {
  if (flags.noConfig && flags.config !== undefined)
    throw new ConfigError(flags.config, ["--config and --no-config contradict each other: give one"]);
  const loaded = flags.noConfig ? undefined : findConfig(flags.config, cwd);
  return resolveOptions(flags, loaded);
}
