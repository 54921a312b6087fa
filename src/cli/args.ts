// Command-line arguments: parsed, checked, and turned into server options or a usage error.
import { parseArgs } from "node:util";
import type { TimingOptions } from "../core/timing.js";
import { parseFallback, type FallbackOption } from "../fixtures/fallback.js";
import type { RateLimitConfig } from "../policies/index.js";
import type { ModelConfig } from "../protocols/model-registry.js";
import { MAX_TIMEOUT_MS, type TimeoutName, type TimeoutOptions } from "../transport/timeouts.js";

/**
 * The flags as given: a field is undefined when its flag is absent, so the config file's value (or the
 * default) applies; see config/resolve.ts.
 */
export interface CliFlags extends TimeoutOptions {
  fixturePaths?: string[];
  port?: number;
  apiKeys?: string[];
  host?: string;
  chunkSize?: number;
  latency?: number;
  timing: TimingOptions;
  maxConcurrency?: number;
  fallback?: FallbackOption;
  workers?: number;
  seed?: number;
  journalSize?: number;
  responseStoreSize?: number;
  models?: ModelConfig[];
  rateLimit: RateLimitConfig;
  maxBodyBytes?: number;
  cors?: boolean | string[];
  /** False with --no-control. */
  control?: boolean;
  controlKey?: string;
  watch?: boolean;
  quiet?: boolean;
  /** `--config <file>`. */
  config?: string;
  /** `--no-config`: no config file, not even one in the working directory. */
  noConfig: boolean;
  help: boolean;
  version: boolean;
}

export const USAGE = `Usage: understudy [options]
       understudy schema config|fixtures   print the JSON Schema of the config file or of fixture files

Serves the OpenAI, Anthropic, Gemini (and Vertex AI) and Azure OpenAI APIs from fixtures.

Options (each also settable in the config file; a flag overrides the file):
  -c, --config <file>     config file (JSON or YAML; default: understudy.config.{json,yaml,yml} in the
                          working directory, when there is one)
      --no-config         read no config file
  -f, --fixtures <path>   fixture file (JSON or YAML) or folder of them; repeatable.
                          Without -f, a small built-in demo set is served.
  -p, --port <port>       port to listen on (default: a flow file's port, else 4010; 0 picks a free one)
      --api-key <key>     require the key (Bearer, x-api-key, x-goog-api-key or api-key); repeatable (also UNDERSTUDY_API_KEYS)
      --host <host>       interface to bind (default 127.0.0.1)
      --chunk-size <n>    characters per streamed chunk (default: one token per chunk)
      --latency <ms>      delay between streamed chunks (default 0; the same as --itl)
      --ttft <ms>         time to the first content token (default 0)
      --tps <n>           tokens per second after the first (or --itl <ms> between tokens)
      --itl <ms>          milliseconds between tokens
      --jitter <ms>       spread every gap by up to ± this much (deterministic with --seed)
      --prefill <ms>      milliseconds of prefill per prompt token, added to the ttft
      --max-concurrency <n>  answers generated at once; later requests queue
      --fallback <how>    answer unmatched requests: lorem:<tokens> or echo
      --workers <n>       processes serving the port (node:cluster; default 1)
      --seed <n>          seed for ids, for reproducible responses
      --journal-size <n>  exchanges the request journal keeps (default 100)
      --response-store-size <n>  Responses API answers kept for GET and previous_response_id
                          (default 1000; 0 keeps none, the fastest for load tests that never read them)
      --headers-timeout <ms>     time a request's headers may take (default 10000)
      --request-timeout <ms>     time a whole request, body included, may take (default 30000);
                          past either: 408 and the connection closed. Answers are never cut short
      --keep-alive-timeout <ms>  how long an idle keep-alive connection stays open (default 65000;
                          behind a gateway, set it above the gateway's idle-connection timeout)
                          0 turns any of the three off
      --model <id>        serve this model (repeatable); <alias>=<id> serves the alias as <id>.
                          With a list, other models get 404 unless a fixture names them
      --rpm <n>           requests per minute, per API key (then each provider's 429)
      --tpm <n>           tokens per minute, per API key
      --max-body-bytes <n>  largest accepted request body (default 16777216)
      --cors <origins>    allowed browser origins, comma-separated ("*": any, the default; "false": none)
      --no-control        do not serve the control API under /__understudy/
      --control-key <key> a key the control routes accept (besides the API keys)
      --watch             re-read fixture files when they change (also on SIGHUP)
  -q, --quiet             no per-request log lines
  -h, --help              show this help
  -v, --version           show the version`;

export class UsageError extends Error {}

function integer(
  name: string,
  value: string | undefined,
  min: number,
  max = Number.MAX_SAFE_INTEGER,
): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

/** A non-negative number (fractions allowed: 0.5 ms of prefill per token, 12.5 tokens per second). */
function milliseconds(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (value.trim() === "" || !Number.isFinite(n) || n < 0)
    throw new UsageError(`--${name} must be a number >= 0, got "${value}"`);
  return n;
}

function fallback(value: string | undefined): FallbackOption | undefined {
  if (value === undefined) return undefined;
  try {
    return parseFallback(value);
  } catch (err) {
    throw new UsageError(`--${(err as Error).message}`);
  }
}

export const TIMEOUT_FLAGS: Record<TimeoutName, string> = {
  headersTimeout: "headers-timeout",
  requestTimeout: "request-timeout",
  keepAliveTimeout: "keep-alive-timeout",
};

/** The timeout flags given, each checked (against each other once merged with the config file). */
function timeouts(values: Partial<Record<string, unknown>>): TimeoutOptions {
  const given: TimeoutOptions = {};
  for (const [name, flag] of Object.entries(TIMEOUT_FLAGS) as [TimeoutName, string][]) {
    const value = integer(flag, values[flag] as string | undefined, 0, MAX_TIMEOUT_MS);
    if (value !== undefined) given[name] = value;
  }
  return given;
}

/** `--model gpt-4o` serves gpt-4o; `--model fast=gpt-4o-mini` serves "fast" as gpt-4o-mini. */
function models(values: string[] | undefined): ModelConfig[] | undefined {
  return values?.map((value) => {
    const [id, aliasOf, ...rest] = value.split("=");
    if (!id || aliasOf === "" || rest.length)
      throw new UsageError(`--model must be <id> or <alias>=<id>, got "${value}"`);
    return aliasOf === undefined ? { id } : { id, aliasOf };
  });
}

/** `--cors "*"` (any origin), `--cors false` (none), or a comma-separated list of origins. */
function cors(value: string | undefined): boolean | string[] | undefined {
  if (value === undefined) return undefined;
  if (value === "*" || value === "true") return true;
  if (value === "false") return false;
  const origins = value.split(",").map((origin) => origin.trim());
  if (origins.some((origin) => origin === ""))
    throw new UsageError(`--cors must be "*", "false" or comma-separated origins, got "${value}"`);
  return origins;
}

/** The flags parseArgs reads; values are checked and converted in parseCliArgs. */
const FLAGS = {
  config: { type: "string", short: "c" },
  "no-config": { type: "boolean" },
  fixtures: { type: "string", short: "f", multiple: true },
  port: { type: "string", short: "p" },
  "api-key": { type: "string", multiple: true },
  host: { type: "string" },
  "chunk-size": { type: "string" },
  latency: { type: "string" },
  ttft: { type: "string" },
  tps: { type: "string" },
  itl: { type: "string" },
  jitter: { type: "string" },
  prefill: { type: "string" },
  "max-concurrency": { type: "string" },
  fallback: { type: "string" },
  workers: { type: "string" },
  seed: { type: "string" },
  "journal-size": { type: "string" },
  "response-store-size": { type: "string" },
  "headers-timeout": { type: "string" },
  "request-timeout": { type: "string" },
  "keep-alive-timeout": { type: "string" },
  model: { type: "string", multiple: true },
  rpm: { type: "string" },
  tpm: { type: "string" },
  "max-body-bytes": { type: "string" },
  cors: { type: "string" },
  "no-control": { type: "boolean" },
  "control-key": { type: "string" },
  watch: { type: "boolean" },
  quiet: { type: "boolean", short: "q" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
} as const;

type FlagValues = ReturnType<
  typeof parseArgs<{ args: string[]; strict: true; allowPositionals: false; options: typeof FLAGS }>
>["values"];

function readFlags(argv: string[]): FlagValues {
  try {
    return parseArgs({ args: argv, strict: true, allowPositionals: false, options: FLAGS }).values;
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
}

/** The flags given, checked; absent ones stay undefined (see CliFlags). */
export function parseCliArgs(argv: string[]): CliFlags {
  const values = readFlags(argv);
  const controlKey = values["control-key"];
  if (controlKey === "") throw new UsageError("--control-key must not be empty");
  return {
    fixturePaths: values.fixtures,
    port: integer("port", values.port, 0, 65535),
    apiKeys: values["api-key"],
    host: values.host,
    chunkSize: integer("chunk-size", values["chunk-size"], 1),
    latency: integer("latency", values.latency, 0),
    timing: {
      ttft: milliseconds("ttft", values.ttft),
      tps: milliseconds("tps", values.tps),
      itl: milliseconds("itl", values.itl),
      jitter: milliseconds("jitter", values.jitter),
      prefillPerToken: milliseconds("prefill", values.prefill),
    },
    maxConcurrency: integer("max-concurrency", values["max-concurrency"], 1),
    fallback: fallback(values.fallback),
    workers: integer("workers", values.workers, 1, 256),
    seed: integer("seed", values.seed, 0, 2 ** 32 - 1),
    journalSize: integer("journal-size", values["journal-size"], 0),
    responseStoreSize: integer("response-store-size", values["response-store-size"], 0),
    ...timeouts(values),
    models: models(values.model),
    rateLimit: { rpm: integer("rpm", values.rpm, 1), tpm: integer("tpm", values.tpm, 1) },
    maxBodyBytes: integer("max-body-bytes", values["max-body-bytes"], 1),
    cors: cors(values.cors),
    control: values["no-control"] ? false : undefined,
    controlKey,
    watch: values.watch,
    quiet: values.quiet,
    config: values.config,
    noConfig: values["no-config"] ?? false,
    help: values.help ?? false,
    version: values.version ?? false,
  };
}
