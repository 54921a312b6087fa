// Installs the package the way a user would, in throwaway folders: from a path, a git URL or a packed
// tarball, into a fresh project; then imports it there, answers one request and runs its command.
import { spawnSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { root } from "./cli.js";

type ExportTarget = string | { default?: ExportTarget; import?: ExportTarget };
const manifest = JSON.parse(readFileSync(join(root, "package.json"), "utf8")) as {
  name: string;
  version: string;
  bin: Record<string, string>;
  exports: Record<string, ExportTarget>;
};
/** Read from package.json so these tests follow a rename of the package. */
export const packageName = manifest.name;
export const packageVersion = manifest.version;
/** The file `understudy` runs, relative to the package (e.g. dist/cli/main.js). */
export const binFile = manifest.bin.understudy.replace(/^\.\//, "");

/** The file `import "<package>"` loads, relative to the package, as its `exports` say. */
export function importedFile(): string {
  let target = manifest.exports["."];
  while (typeof target !== "string") target = target?.import ?? target?.default ?? "";
  return target.replace(/^\.\//, "");
}

/**
 * Per npm step. A git install (npm's clone gets every dev dependency from the npm cache, then builds)
 * takes ~90 s alone on 2 cores; beside the rest of the suite, twice that.
 */
const NPM_STEP_TIMEOUT_MS = 300_000;
/** Whole-test budget: copy, install (build included), check. */
export const INSTALL_TEST_TIMEOUT_MS = 480_000;

// What a test runner launched through `npm test` passes down (npm_config_*, npm_package_*, …) would
// steer the nested installs; keep only the settings that say where packages come from.
const KEPT_NPM_SETTINGS =
  /^npm_config_(registry|cache|userconfig|globalconfig|https?_proxy|proxy|noproxy|cafile|strict_ssl)$/i;
const env = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) || KEPT_NPM_SETTINGS.test(key)),
);

function run(command: string, args: readonly string[], cwd: string, timeout = NPM_STEP_TIMEOUT_MS): string {
  const result = spawnSync(command, args, { cwd, env, encoding: "utf8", timeout, maxBuffer: 64 * 1024 * 1024 });
  if (result.status !== 0)
    throw new Error(
      `\`${command} ${args.join(" ")}\` in ${cwd} failed (${result.error?.message ?? `exit ${result.status}`}):\n` +
        `${result.stdout}\n${result.stderr}`,
    );
  return result.stdout;
}

export function npm(args: readonly string[], cwd: string): string {
  return run("npm", [...args, "--prefer-offline", "--no-audit", "--no-fund"], cwd);
}

/** Why the npm registry cannot be reached (then installs from a fresh folder cannot work), or null. */
export function registryProblem(): string | null {
  const ping = spawnSync("npm", ["ping"], { env, encoding: "utf8", timeout: 20_000 });
  if (ping.status === 0) return null;
  return `the npm registry is unreachable (npm ping: ${ping.error?.message ?? ping.stderr.trim().split("\n").pop()})`;
}

/** A scratch folder for one test; `remove()` deletes it with everything installed in it. */
export function scratch(label: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `understudy-install-${label}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * Copies what a fresh clone of this checkout would hold: the files git tracks or would track
 * (untracked but not ignored, so work not yet committed is tested too), without node_modules or dist/.
 */
export function copySources(dest: string): string {
  const listed = run("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], root);
  for (const file of listed.split("\0")) {
    if (!file || !existsSync(join(root, file))) continue; // deleted in the working tree, not yet in git
    mkdirSync(dirname(join(dest, file)), { recursive: true });
    cpSync(join(root, file), join(dest, file));
  }
  return dest;
}

/** Turns a folder into a one-commit git repository, so it can be installed by a git+file:// URL. */
export function commitAll(dir: string): void {
  const identity = ["-c", "user.name=Understudy tests", "-c", "user.email=tests@understudy.invalid"];
  run("git", ["init", "-q"], dir);
  run("git", ["add", "."], dir);
  run("git", [...identity, "commit", "-q", "--no-gpg-sign", "-m", "sources"], dir);
}

/** An empty project, as `npm init -y` leaves it. */
export function freshProject(dir: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), `${JSON.stringify({ name: "app", version: "1.0.0", private: true })}\n`);
  return dir;
}

export interface InstalledCheck {
  /** What the installed package answered to one chat completion. */
  status: number;
  object: string;
  model: string;
  content: string;
  /** Where Node found the package, as a file path. */
  resolved: string;
  /** What `require()` (a CommonJS project, Jest's default) gets for LLMock and createServer. */
  required: string;
  /** The first line of `npx understudy --help` and the output of `--version`. */
  helpFirstLine: string;
  version: string;
}

// Imports the package by name from the project, as its own code would; one mock, one request.
const CHECK_SCRIPT = (name: string) => `
const { LLMock } = await import(${JSON.stringify(name)});
const mock = new LLMock();
mock.on({ userMessage: "ping" }, { content: "pong from the installed package" });
const url = await mock.start();
const res = await fetch(url + "/v1/chat/completions", {
  method: "POST",
  headers: { "content-type": "application/json", authorization: "Bearer test" },
  body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "ping" }] }),
});
const body = await res.json();
await mock.stop();
const resolved = new URL(import.meta.resolve(${JSON.stringify(name)})).pathname;
console.log(JSON.stringify({ status: res.status, object: body.object, model: body.model, content: body.choices[0].message.content, resolved }));
`;

export function checkInstalled(project: string): InstalledCheck {
  const answer = JSON.parse(run(process.execPath, ["--input-type=module", "-e", CHECK_SCRIPT(packageName)], project));
  const requireScript = `const m = require(${JSON.stringify(packageName)}); console.log(typeof m.LLMock, typeof m.createServer)`;
  const required = run(process.execPath, ["-e", requireScript], project).trim();
  // --no: use the project's own bin, never download one.
  const help = run("npx", ["--no", "--", "understudy", "--help"], project, 30_000);
  const version = run("npx", ["--no", "--", "understudy", "--version"], project, 30_000).trim();
  return { ...answer, required, helpFirstLine: help.split("\n")[0], version };
}

/** What every install path must give: the package answers and its command runs. */
export const EXPECTED_CHECK = {
  status: 200,
  object: "chat.completion",
  model: "gpt-4o",
  content: "pong from the installed package",
  required: "function function",
  helpFirstLine: "Usage: understudy [options]",
  version: packageVersion,
};
