// The CommonJS build (dist/cjs), so `require("understudy-llm")` works from Jest's default CommonJS and from
// any CommonJS project. esbuild turns each compiled-from-TypeScript source file into a CommonJS file of
// its own (no bundle: one copy of each module, the same layout as dist/); a package.json there with
// "type": "commonjs" makes Node (and TypeScript) read those files, and the declarations copied beside
// them, as CommonJS. Data files of the sources (the tokenizer's table, *.bin) are copied beside the
// modules that read them, in both builds. Run after tsc (npm run build does both).
import { cpSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { build } from "esbuild";

const root = new URL("..", import.meta.url).pathname;
const src = join(root, "src");
const out = join(root, "dist/cjs");
const esmOut = join(root, "dist");

/** Every source file but the CLI's, which runs as the ESM bin and is never required. */
function sources(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return relative(src, path) === "cli" ? [] : sources(path);
    return name.endsWith(".ts") && !name.endsWith(".d.ts") ? [path] : [];
  });
}

/** The data files modules read at run time, beside them. */
function dataFiles(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return dataFiles(path);
    return name.endsWith(".bin") ? [path] : [];
  });
}

/** The declarations tsc wrote for the same files, beside their CommonJS code. */
function copyDeclarations(dir) {
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    const rel = relative(esmOut, path);
    if (rel === "cjs" || rel === "cli") continue;
    if (statSync(path).isDirectory()) copyDeclarations(path);
    else if (name.endsWith(".d.ts")) cpSync(path, join(out, rel));
  }
}

rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
await build({
  entryPoints: sources(src),
  outdir: out,
  outbase: src,
  format: "cjs",
  platform: "node",
  target: "node20",
  logLevel: "warning",
  // createRequire(import.meta.url) is how the ESM build loads CommonJS-only parts; in CommonJS the
  // module's own file URL stands in for import.meta.url.
  define: { "import.meta.url": "__moduleUrl" },
  banner: { js: 'const __moduleUrl = require("node:url").pathToFileURL(__filename).href;' },
});
copyDeclarations(esmOut);
for (const path of dataFiles(src)) {
  cpSync(path, join(esmOut, relative(src, path)));
  cpSync(path, join(out, relative(src, path)));
}
writeFileSync(join(out, "package.json"), `${JSON.stringify({ type: "commonjs" }, null, 2)}\n`);
