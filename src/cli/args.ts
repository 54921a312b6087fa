// Command-line arguments: parsed, checked, and turned into server options or a usage error.
import { parseArgs } from "node:util";
import type { TimingOptions } from "../core/timing.js";
import { parseFallback, type FallbackOption } from "../fixtures/fallback.js";
import { MAX_TIMEOUT_MS, resolveTimeouts, type TimeoutName, type TimeoutOptions } from "../transport/timeouts.js";

export interface CliOptions extends TimeoutOptions {
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
  quiet: boolean;
  help: boolean;
  version: boolean;
}

export const USAGE = `Usage: understudy [options]

Serves the OpenAI, Anthropic, Gemini (and Vertex AI) and Azure OpenAI APIs from fixtures.

Options:
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

const TIMEOUT_FLAGS: Record<TimeoutName, string> = {
  headersTimeout: "headers-timeout",
  requestTimeout: "request-timeout",
  keepAliveTimeout: "keep-alive-timeout",
};

/** The timeout flags given, each checked, and checked against each other (the server fills in the rest). */
function timeouts(values: Partial<Record<string, unknown>>): TimeoutOptions {
  const given: TimeoutOptions = {};
  for (const [name, flag] of Object.entries(TIMEOUT_FLAGS) as [TimeoutName, string][]) {
    const value = integer(flag, values[flag] as string | undefined, 0, MAX_TIMEOUT_MS);
    if (value !== undefined) given[name] = value;
  }
  try {
    resolveTimeouts(given, (name) => `--${TIMEOUT_FLAGS[name]}`);
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return given;
}

/** The flags parseArgs reads; values are checked and converted in parseCliArgs. */
const FLAGS = {
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
  quiet: { type: "boolean", short: "q" },
  help: { type: "boolean", short: "h" },
  version: { type: "boolean", short: "v" },
} as const;

export function parseCliArgs(argv: string[]): CliOptions {
  let values: ReturnType<
    typeof parseArgs<{ args: string[]; strict: true; allowPositionals: false; options: typeof FLAGS }>
  >["values"];
  try {
    ({ values } = parseArgs({ args: argv, strict: true, allowPositionals: false, options: FLAGS }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  return {
    fixturePaths: values.fixtures ?? [],
    port: integer("port", values.port, 0, 65535),
    apiKeys: values["api-key"] ?? [],
    host: values.host ?? "127.0.0.1",
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
    workers: integer("workers", values.workers, 1, 256) ?? 1,
    seed: integer("seed", values.seed, 0, 2 ** 32 - 1),
    journalSize: integer("journal-size", values["journal-size"], 0),
    responseStoreSize: integer("response-store-size", values["response-store-size"], 0),
    ...timeouts(values),
    quiet: values.quiet ?? false,
    help: values.help ?? false,
    version: values.version ?? false,
  };
}
