// The ESM entry points the package exports (dist/bundle): dist/'s modules and zod bundled by esbuild into
// a few files, with the code the entries share split into common chunks, so `understudy` and
// `understudy-llm/server` are one instance. Why: Node's ESM loader pays per module (resolve, read, link),
// and dist/ is some 190 files plus zod's 95, most of a fresh process's import time (~120 ms bundled
// away; see the README's cold-start figures). gpt-tokenizer, ws and yaml stay outside: they load on
// first use. The unbundled dist/ stays for the CLI and dist/cjs for require(). Run after tsc.
import { cpSync, readdirSync, rmSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;
const dist = join(root, "dist");
const out = join(dist, "bundle");
const src = join(root, "src");

/** Data files modules read beside themselves (the tokenizer's table): every chunk sits in one folder. */
function dataFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return dataFiles(path);
    return name.endsWith(".bin") ? [path] : [];
  });
}

rmSync(out, { recursive: true, force: true });
await build({
  entryPoints: {
    index: join(dist, "index.js"),
    server: join(dist, "server.js"),
    "testing/vitest": join(dist, "testing/vitest.js"),
    "testing/jest": join(dist, "testing/jest.js"),
  },
  outdir: out,
  bundle: true,
  splitting: true,
  format: "esm",
  platform: "node",
  target: "node20",
  sourcemap: true,
  logLevel: "warning",
  external: ["gpt-tokenizer", "gpt-tokenizer/*", "ws", "yaml", "vitest"],
});
for (const path of dataFiles(src)) cpSync(path, join(out, relative(join(src, "core"), path)));
