#!/usr/bin/env node
// The `understudy` command: loads fixtures, starts the server, logs each request, stops on a signal.
import { readFileSync } from "node:fs";
import { FixtureSet, FixtureValidationError, loadFixturePaths } from "../fixtures/index.js";
import { startServer } from "../server.js";
import { parseCliArgs, UsageError, USAGE, type CliOptions } from "./args.js";
import { DEMO_FIXTURES } from "./demo-fixtures.js";
import { formatBanner, formatRequestLine } from "./log.js";

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as { version: string };
  return pkg.version;
}

async function run(options: CliOptions): Promise<void> {
  const fixtures = new FixtureSet();
  fixtures.add(options.fixturePaths.length ? loadFixturePaths(options.fixturePaths) : DEMO_FIXTURES);
  const source = options.fixturePaths.length ? options.fixturePaths.join(", ") : "the built-in demo set (use -f to load your own)";
  const instance = await startServer(fixtures, {
    port: options.port,
    host: options.host,
    chunkSize: options.chunkSize,
    latency: options.latency,
    seed: options.seed,
    onExchange: options.quiet ? undefined : (entry) => console.log(formatRequestLine(entry)),
  });
  console.log(formatBanner(instance.url, fixtures.size, source));
  const stop = (): void => {
    void instance.close().then(() => process.exit(0));
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
}

async function main(): Promise<number> {
  let options: CliOptions;
  try {
    options = parseCliArgs(process.argv.slice(2));
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    console.error(`understudy: ${err.message}\n\n${USAGE}`);
    return 2;
  }
  if (options.help) return console.log(USAGE), 0;
  if (options.version) return console.log(packageVersion()), 0;
  try {
    await run(options);
    return 0;
  } catch (err) {
    if (err instanceof FixtureValidationError) console.error(`understudy: ${err.message}`);
    else if ((err as NodeJS.ErrnoException).code === "EADDRINUSE") console.error(`understudy: port ${options.port} on ${options.host} is already in use (try -p 0)`);
    else console.error(`understudy: ${(err as Error).stack ?? String(err)}`);
    return 1;
  }
}

main().then((code) => {
  if (code !== 0) process.exit(code);
});
