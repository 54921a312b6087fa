#!/usr/bin/env node
// npm's `prepare` hook: makes sure dist/ is built whenever the package is installed from its sources.
//
// npm runs `prepare` in three source installs, each with different tools at hand:
// - `npm install` in a clone (a developer): every dependency is there; build.
// - `npm install git+https://…` (a git URL): npm installs the dev dependencies in its temporary
//   clone before `prepare`, then packs the result; build.
// - `npm install /path/to/clone` (a path): npm only symlinks the folder and runs `prepare` in it,
//   installing nothing there, so a fresh clone has neither TypeScript nor the runtime dependencies
//   (the old `prepare: tsc` failed with "tsc: not found", and the link could not have loaded zod
//   anyway). Here we run the same install npm runs for a git URL, from the lockfile, then build.
// A tarball (`npm pack`, the registry) ships dist/ and never runs `prepare`.
// Nothing generated is committed: dist/ stays out of git.
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const packageDir = dirname(dirname(fileURLToPath(import.meta.url)));
const manifestPath = join(packageDir, "package.json");
const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));

// Settings of the install that triggered us, which npm passes down as npm_config_* variables. They
// are about the installing project (a global install, --omit=dev, --save…), not about this folder,
// and would make the nested install go elsewhere or skip the build tools.
const INHERITED_INSTALL_SETTINGS =
  /^npm_config_(global|location|prefix|omit|include|production|only|dry_run|save.*|package_lock.*|install_links|workspaces?|ignore_scripts)$/i;

const PACKING = new Set(["pack", "publish"]);

/** Whether Node would find the package from this folder: in its node_modules or a parent's. */
function resolvable(name) {
  for (let dir = packageDir; ; dir = dirname(dir)) {
    if (existsSync(join(dir, "node_modules", name, "package.json"))) return true;
    if (dirname(dir) === dir) return false;
  }
}

function npm(args) {
  // npm_execpath is the npm that runs this hook; use the same one (PATH may hold another, or none).
  const npmCli = process.env.npm_execpath;
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !INHERITED_INSTALL_SETTINGS.test(key)));
  const [command, commandArgs] = npmCli ? [process.execPath, [npmCli, ...args]] : ["npm", args];
  const result = spawnSync(command, commandArgs, { cwd: packageDir, env, stdio: "inherit" });
  if (result.status !== 0) {
    console.error(`understudy: \`npm ${args.join(" ")}\` failed in ${packageDir}`);
    process.exit(result.status ?? 1);
  }
}

const runtimeMissing = Object.keys(manifest.dependencies ?? {}).filter((name) => !resolvable(name));
const built = existsSync(join(packageDir, "dist/index.js"));
if (runtimeMissing.length > 0 || (!resolvable("typescript") && !built)) {
  console.error(`understudy: installing this folder's dependencies to build it (${packageDir})`);
  // --ignore-scripts: that install would run this hook again. --include=dev: the build tools.
  npm(["install", "--include=dev", "--ignore-scripts", "--no-audit", "--no-fund"]);
}
if (resolvable("typescript")) {
  // A tarball holds only what today's sources build: files left in dist/ by sources since deleted or
  // moved would ship too. Only for a pack, so `npm install` never takes dist/ away from a running test.
  if (PACKING.has(process.env.npm_command)) rmSync(join(packageDir, "dist"), { recursive: true, force: true });
  npm(["run", "build"]);
}
// Only without TypeScript and with dist/ already built (`npm ci --omit=dev` in a built clone): keep it.
else console.error("understudy: TypeScript is not installed; keeping the dist/ already built");
