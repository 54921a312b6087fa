// `npm run bench`: Understudy against a bare node:http server replaying its exact bytes; see bench/README.md.
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setUpPinning, startChild } from "./lib/children.mjs";
import { closeAgent } from "./lib/http.mjs";
import { readOptions, USAGE } from "./lib/options.mjs";
import { renderNotes, renderTable, writeJson } from "./lib/report.mjs";
import { judge, runScenario } from "./lib/scenario.mjs";
import { FIXTURES, SCENARIOS } from "./scenarios.mjs";

const root = new URL("..", import.meta.url);
const opts = (() => {
  try { return readOptions(); } catch (err) { console.error(`${err.message}\n${USAGE}`); process.exit(2); }
})();
if (opts.help) { console.log(USAGE); process.exit(0); }
ensureBuild();
if (opts.clientNote) process.stderr.write(`note: ${opts.clientNote}\n`);

const pinning = setUpPinning(opts.pin);
const machine = { node: process.version, cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, pinning };
const children = new Set();
const scratch = mkdtempSync(join(tmpdir(), "understudy-bench-"));
const cleanUp = async () => { closeAgent(); await Promise.all([...children].map((c) => c.stop())); rmSync(scratch, { recursive: true, force: true }); };
process.once("SIGINT", () => cleanUp().finally(() => process.exit(130)));

async function start(script, args, label) {
  const child = await startChild(fileURLToPath(new URL(script, root)), args, pinning, label);
  children.add(child);
  return { ...child, stop: () => { children.delete(child); return child.stop(); } };
}

const rows = [];
try {
  const understudy = await start("bench/servers/understudy.mjs", [JSON.stringify({ fixtures: FIXTURES, options: opts.understudyOptions })], "understudy");
  const startBare = (file, id) => start("bench/servers/bare.mjs", [file], `bare ${id}`);
  for (const scenario of SCENARIOS) rows.push(await runScenario(scenario, { understudy, startBare, scratch, opts }));
} finally {
  await cleanUp();
}
for (const row of rows) judge(row, rows);

const where = pinning ? `servers pinned to core ${pinning.serverCore}, load generator to ${pinning.clientCores}` : "not pinned";
console.log(`\nNode ${machine.node} | ${machine.cpu} | ${machine.cores} cores | ${where}`);
const extra = Object.keys(opts.understudyOptions).length ? `, Understudy options ${JSON.stringify(opts.understudyOptions)}` : "";
console.log(`load generator ${opts.client}, ${opts.connections} connections, ${opts.duration} s per run after ${opts.warmup} s warm-up${extra}`);
console.log(`${opts.rounds} round(s), bare and Understudy alternating: req/s are medians of the rounds, ratio is the median of the per-round ratios\n`);
console.log(renderTable(rows));
const notes = renderNotes(rows);
if (notes) console.log(`\n${notes}`);
if (opts.clientNote) console.log(`\nnote: ${opts.clientNote}`);
writeJson(new URL("bench/results/latest.json", root), { date: new Date().toISOString(), machine, options: opts, scenarios: rows });
console.log("\nresults written to bench/results/latest.json");
process.exitCode = rows.some((r) => /^(FAIL|ERROR)/.test(r.result)) ? 1 : 0;

/** Builds dist/ when it is missing; warns (without rebuilding) when src/ has changed since. */
function ensureBuild() {
  const server = new URL("dist/server.js", root);
  if (!existsSync(server)) {
    process.stderr.write("dist/server.js is missing: running npm run build\n");
    const built = spawnSync("npm", ["run", "build"], { cwd: root, stdio: "inherit" });
    if (built.status !== 0) process.exit(built.status ?? 1);
    return;
  }
  const src = fileURLToPath(new URL("src", root));
  const newest = readdirSync(src, { recursive: true }).reduce((m, f) => Math.max(m, statSync(join(src, f)).mtimeMs), 0);
  if (newest > statSync(server).mtimeMs) process.stderr.write("warning: src/ is newer than dist/; run `npm run build` to bench the current code\n");
}
