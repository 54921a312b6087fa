// Command-line arguments: parsed, checked, and turned into server options or a usage error.
import { parseArgs } from "node:util";

export interface CliOptions {
  fixturePaths: string[];
  /** Undefined when not given: a flow file's `port`, else 4010. */
  port?: number;
  apiKeys: string[];
  host: string;
  chunkSize?: number;
  latency?: number;
  seed?: number;
  quiet: boolean;
  help: boolean;
  version: boolean;
}

export const USAGE = `Usage: understudy [options]

Serves OpenAI-compatible APIs from fixtures.

Options:
  -f, --fixtures <path>   fixture file (JSON or YAML) or folder of them; repeatable.
                          Without -f, a small built-in demo set is served.
  -p, --port <port>       port to listen on (default: a flow file's port, else 4010; 0 picks a free one)
      --api-key <key>     require "Authorization: Bearer <key>"; repeatable (also UNDERSTUDY_API_KEYS)
      --host <host>       interface to bind (default 127.0.0.1)
      --chunk-size <n>    characters per streamed chunk (default: one token per chunk)
      --latency <ms>      delay between streamed chunks (default 0)
      --seed <n>          seed for ids, for reproducible responses
  -q, --quiet             no per-request log lines
  -h, --help              show this help
  -v, --version           show the version`;

export class UsageError extends Error {}

function integer(name: string, value: string | undefined, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) {
    throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got "${value}"`);
  }
  return n;
}

export function parseCliArgs(argv: string[]): CliOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: {
        fixtures: { type: "string", short: "f", multiple: true },
        port: { type: "string", short: "p" },
        "api-key": { type: "string", multiple: true },
        host: { type: "string" },
        "chunk-size": { type: "string" },
        latency: { type: "string" },
        seed: { type: "string" },
        quiet: { type: "boolean", short: "q" },
        help: { type: "boolean", short: "h" },
        version: { type: "boolean", short: "v" },
      },
    }));
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
    seed: integer("seed", values.seed, 0, 2 ** 32 - 1),
    quiet: values.quiet ?? false,
    help: values.help ?? false,
    version: values.version ?? false,
  };
}
