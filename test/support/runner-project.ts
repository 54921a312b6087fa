// Sample projects for the test-runner helpers: a temporary folder that installs this package by name
// (node_modules/understudy links to the repository, as `npm install <path>` does) and the runner from
// the repository's own node_modules, with one test file copied in. Runs the runner for real, bounded in
// time, and reads its JSON report.
import { spawnSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const REPO = join(import.meta.dirname, "../..");
const SAMPLES = join(import.meta.dirname, "runner-project");

/** One test's outcome in either runner's JSON report (both follow Jest's format). */
export interface TestOutcome {
  title: string;
  status: string;
  failureMessages: string[];
}

/** A folder whose node_modules holds this package (by name) and the named runner. */
export function sampleProject(runner: "vitest" | "jest", files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), `understudy-${runner}-`));
  mkdirSync(join(dir, "node_modules"));
  symlinkSync(REPO, join(dir, "node_modules/understudy-llm"), "dir");
  symlinkSync(join(REPO, "node_modules", runner), join(dir, "node_modules", runner), "dir");
  for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content);
  return dir;
}

export function copySample(sample: string, dir: string, as: string): void {
  copyFileSync(join(SAMPLES, sample), join(dir, as));
}

/** Runs a runner's CLI in the project (at most 60 s) and returns its report's tests, in file order. */
export function runReport(
  dir: string,
  args: string[],
): { exitCode: number | null; tests: TestOutcome[]; output: string } {
  const run = spawnSync(process.execPath, args, {
    cwd: dir,
    encoding: "utf8",
    timeout: 60_000,
    env: { ...process.env, CI: "true" },
  });
  const report = JSON.parse(readFileSync(join(dir, "report.json"), "utf8")) as {
    testResults: { assertionResults: TestOutcome[] }[];
  };
  const tests = report.testResults.flatMap((file) => file.assertionResults);
  return { exitCode: run.status, tests, output: `${run.stdout}\n${run.stderr}` };
}
