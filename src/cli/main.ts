#!/usr/bin/env node
// The `understudy` command: loads fixtures, starts the server, logs each request, stops on a signal.
import cluster from "node:cluster";
import { readFileSync } from "node:fs";
import { formatFallback } from "../fixtures/fallback.js";
import {
  FixtureSet,
  FixtureValidationError,
  FlowGroup,
  loadFixturePaths,
  type FixtureEntry,
} from "../fixtures/index.js";
import { type ServerOptions, startServer } from "../server.js";
import { ConfigError } from "../config/load.js";
import { formatJsonSchema, JSON_SCHEMAS, type JsonSchemaName } from "../config/json-schemas.js";
import { optionsFromFlags, resolveOptions, type CliOptions } from "../config/resolve.js";
import { parseCliArgs, UsageError, USAGE } from "./args.js";
import { DEMO_FIXTURES } from "./demo-fixtures.js";
import { formatBanner, logRequests } from "./log.js";
import { reportListening, runWorkers } from "./workers.js";

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

const DEFAULT_PORT = 4010;

/** -p wins; otherwise the first flow file that names a port; otherwise 4010. */
function choosePort(options: CliOptions, entries: readonly FixtureEntry[]): number {
  if (options.port !== undefined) return options.port;
  for (const entry of entries)
    if (entry instanceof FlowGroup && entry.settings.port !== undefined) return entry.settings.port;
  return DEFAULT_PORT;
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? "" : "s"}`;
const formatCounts = (counts: { fixtures: number; flows: number }): string =>
  `${plural(counts.fixtures, "fixture")}, ${plural(counts.flows, "flow")}`;

/** The server's options as the command's options set them. */
function serverOptions(options: CliOptions): ServerOptions {
  return {
    port: options.port,
    host: options.host,
    apiKeys: options.apiKeys,
    chunkSize: options.chunkSize,
    latency: options.latency,
    timing: options.timing,
    maxConcurrency: options.maxConcurrency,
    fallback: options.fallback,
    seed: options.seed,
    journalSize: options.journalSize,
    responseStoreSize: options.responseStoreSize,
    headersTimeout: options.headersTimeout,
    requestTimeout: options.requestTimeout,
    keepAliveTimeout: options.keepAliveTimeout,
    models: options.models,
    rateLimit: options.rateLimit,
    maxBodyBytes: options.maxBodyBytes,
    cors: options.cors,
    control: options.control,
    controlKey: options.controlKey,
    fixturePaths: options.fixturePaths,
    watch: options.watch,
  };
}

async function run(options: CliOptions): Promise<void> {
  const fixtures = new FixtureSet();
  // The demo set ends in a catch-all, which would leave a fallback nothing to answer.
  const entries = options.fixturePaths.length
    ? loadFixturePaths(options.fixturePaths)
    : options.fallback
      ? []
      : DEMO_FIXTURES;
  fixtures.add(entries);
  options.port = choosePort(options, entries);
  const source = options.fixturePaths.length
    ? options.fixturePaths.join(", ")
    : options.fallback
      ? "no files"
      : "the built-in demo set (use -f to load your own)";
  const banner = (url: string): string => {
    const authenticated =
      options.apiKeys.length > 0 || fixtures.apiKeys.size > 0 || Boolean(process.env.UNDERSTUDY_API_KEYS);
    const fallback = options.fallback
      ? `\n  requests no fixture matches get --fallback ${formatFallback(options.fallback)}`
      : "";
    return formatBanner(url, fixtures.counts(), source, authenticated, options.configFile) + fallback;
  };
  // With --workers the fixtures are checked here first; then the workers run this command again.
  if (options.workers > 1 && cluster.isPrimary) return runWorkers(options, banner);
  const instance = await startServer(fixtures, serverOptions(options));
  // Attached before the first request can be read: the listen callback's continuation runs first.
  if (!options.quiet) logRequests(instance);
  // A worker's primary prints the one banner once every worker listens.
  if (cluster.isWorker) reportListening(instance.url);
  else console.log(banner(instance.url));
  const stop = (): void => {
    void instance.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  // SIGHUP re-reads the fixture files (a broken one keeps the old set; the reloader says why on stderr).
  process.on("SIGHUP", () => {
    const reloaded = instance.reload();
    if (reloaded.ok && !options.quiet) console.log(`fixtures reloaded: ${formatCounts(reloaded)}`);
  });
}

/** `understudy schema config|fixtures`: prints a JSON Schema (the one shipped in schemas/). */
function printSchema(name: string | undefined): number {
  if (name === undefined || !(name in JSON_SCHEMAS)) {
    console.error(`understudy: schema takes ${Object.keys(JSON_SCHEMAS).join(" or ")}, got ${name ?? "nothing"}`);
    return 2;
  }
  process.stdout.write(formatJsonSchema(name as JsonSchemaName));
  return 0;
}

/** The options from the flags and the config file; null (after saying why) when they cannot be used. */
function readOptions(argv: string[]): CliOptions | null {
  try {
    const flags = parseCliArgs(argv);
    // --help and --version answer even beside a broken config file.
    return flags.help || flags.version ? resolveOptions(flags, undefined) : optionsFromFlags(flags);
  } catch (err) {
    if (err instanceof UsageError) console.error(`understudy: ${err.message}\n\n${USAGE}`);
    else if (err instanceof ConfigError) console.error(`understudy: ${err.message}`);
    else throw err;
    return null;
  }
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv[0] === "schema") return printSchema(argv.slice(1).join(" ") || undefined);
  const options = readOptions(argv);
  if (options === null) return 2;
  if (options.help) return (console.log(USAGE), 0);
  if (options.version) return (console.log(packageVersion()), 0);
  try {
    await run(options);
    return 0;
  } catch (err) {
    if (err instanceof FixtureValidationError) console.error(`understudy: ${err.message}`);
    else if ((err as NodeJS.ErrnoException).code === "EADDRINUSE")
      console.error(`understudy: port ${options.port} on ${options.host} is already in use (try -p 0)`);
    else if ((err as NodeJS.ErrnoException).code === "EACCES")
      console.error(`understudy: no permission to listen on port ${options.port} (try a port above 1023)`);
    else console.error(`understudy: ${(err as Error).stack ?? String(err)}`);
    return 1;
  }
}

main().then((code) => {
  if (code !== 0) process.exit(code);
});
