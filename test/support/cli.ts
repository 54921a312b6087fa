// Runs the built `understudy` command (dist/cli/main.js) in child processes, as a user would.
import { spawn, spawnSync, type ChildProcessWithoutNullStreams, type SpawnSyncReturns } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll } from "vitest";

export const root = fileURLToPath(new URL("../..", import.meta.url));
export const cliPath = join(root, "dist/cli/main.js");

const BANNER = "Understudy listening on ";

export interface RunningCli {
  /** The URL from the banner, e.g. http://127.0.0.1:53211. */
  url: string;
  /** Every stdout line so far; keeps collecting while the process runs. */
  lines: string[];
  child: ChildProcessWithoutNullStreams;
  /** Sends SIGTERM and waits for the process to exit. */
  stop(): Promise<void>;
}

const running = new Set<ChildProcessWithoutNullStreams>();

/**
 * Starts the CLI and resolves once it prints its URL. `-p 0` is added in front of `args` unless
 * `port: null` is passed (then the CLI picks its port itself: a flow file's `port`, else 4010).
 */
export function startCli(args: readonly string[], { port = "0" }: { port?: string | null } = {}): Promise<RunningCli> {
  const child = spawn(process.execPath, [cliPath, ...(port === null ? [] : ["-p", port]), ...args]);
  running.add(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => running.delete(child));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
  };
  const lines: string[] = [];
  let buffered = "";
  let stderr = "";
  return new Promise((resolve, reject) => {
    child.stderr.on("data", (data: Buffer) => (stderr += data.toString()));
    child.stdout.on("data", (data: Buffer) => {
      buffered += data.toString();
      const complete = buffered.split("\n");
      buffered = complete.pop() ?? "";
      lines.push(...complete);
      const banner = lines.find((line) => line.startsWith(BANNER));
      if (banner) resolve({ url: banner.slice(BANNER.length), lines, child, stop });
    });
    child.on("exit", (code) => reject(new Error(`understudy exited with ${code} before listening:\n${stderr}`)));
  });
}

/** Stops every CLI started by startCli that is still running (for afterEach/afterAll). */
export async function stopAllClis(): Promise<void> {
  await Promise.all(
    [...running].map(
      (child) =>
        new Promise<void>((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once("exit", () => resolve());
          child.kill("SIGTERM");
        }),
    ),
  );
}

/** Runs the CLI to completion (for invocations that exit: bad flags, broken fixture files). */
export function runCli(args: readonly string[]): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [cliPath, ...args], { encoding: "utf8", timeout: 10_000 });
}

/** Waits until a stdout line matches `pattern` (request log lines are printed after the response). */
export async function waitForLine(lines: readonly string[], pattern: RegExp): Promise<string> {
  for (let i = 0; i < 100; i++) {
    const found = lines.find((line) => pattern.test(line));
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`no line matching ${pattern} in:\n${lines.join("\n")}`);
}

/**
 * Starts the CLI with `args` before the enclosing describe block's tests and stops it after them.
 * The returned object is filled in by the time the tests run.
 */
export function serveCli(args: readonly string[] | (() => readonly string[])): RunningCli {
  const cli = {} as RunningCli;
  beforeAll(async () => {
    Object.assign(cli, await startCli(typeof args === "function" ? args() : args));
  });
  afterAll(() => cli.stop?.());
  return cli;
}
