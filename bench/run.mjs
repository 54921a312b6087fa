// `npm run bench`: Understudy against a bare node:http server replaying its exact bytes; see bench/README.md.
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBuild } from "./lib/build.mjs";
import { childGroup, setUpPinning } from "./lib/children.mjs";
import { closeAgent } from "./lib/http.mjs";
import { readOptions, USAGE } from "./lib/options.mjs";
import { renderNotes, renderTable, writeJson } from "./lib/report.mjs";
import { judge, runScenario } from "./lib/scenario.mjs";
import { FIXTURES, SCENARIOS } from "./scenarios.mjs";

const root = new URL("..", import.meta.url);
const opts = (() => {
  try {
    return readOptions();
  } catch (err) {
    console.error(`${err.message}\n${USAGE}`);
    process.exit(2);
  }
})();
if (opts.help) {
  console.log(USAGE);
  process.exit(0);
}
ensureBuild(root);
if (opts.clientNote) process.stderr.write(`note: ${opts.clientNote}\n`);

const pinning = setUpPinning(opts.pin);
const machine = { node: process.version, cpu: cpus()[0]?.model ?? "unknown", cores: cpus().length, pinning };
const children = childGroup(root, pinning);
const scratch = mkdtempSync(join(tmpdir(), "understudy-bench-"));
const cleanUp = async () => {
  closeAgent();
  await children.stopAll();
  rmSync(scratch, { recursive: true, force: true });
};
process.once("SIGINT", () => cleanUp().finally(() => process.exit(130)));
const start = (script, args, label) => children.start(script, args, label);

const rows = [];
try {
  const understudy = await start(
    "bench/servers/understudy.mjs",
    [JSON.stringify({ fixtures: FIXTURES, options: opts.understudyOptions })],
    "understudy",
  );
  const startBare = (file, id) => start("bench/servers/bare.mjs", [file], `bare ${id}`);
  for (const scenario of SCENARIOS)
    rows.push(await runScenario(scenario, { understudy, startBare, scratch, opts, scenarios: SCENARIOS }));
} finally {
  await cleanUp();
}
for (const row of rows) judge(row, rows);

const where = pinning
  ? `servers pinned to core ${pinning.serverCore}, load generator to ${pinning.clientCores}`
  : "not pinned";
console.log(`\nNode ${machine.node} | ${machine.cpu} | ${machine.cores} cores | ${where}`);
const extra = Object.keys(opts.understudyOptions).length
  ? `, Understudy options ${JSON.stringify(opts.understudyOptions)}`
  : "";
console.log(
  `load generator ${opts.client}, ${opts.connections} connections, ${opts.duration} s per run after ${opts.warmup} s warm-up${extra}`,
);
console.log(
  `${opts.rounds} round(s), Understudy and the bare server(s) loaded at the same time on one core: req/s per core are requests per CPU-second of each server, medians of the rounds; ratio is the median of the per-round ratios\n`,
);
console.log(renderTable(rows));
const notes = renderNotes(rows);
if (notes) console.log(`\n${notes}`);
if (opts.clientNote) console.log(`\nnote: ${opts.clientNote}`);
writeJson(new URL("bench/results/latest.json", root), {
  date: new Date().toISOString(),
  machine,
  options: opts,
  scenarios: rows,
});
console.log("\nresults written to bench/results/latest.json");
process.exitCode = rows.some((r) => /^(FAIL|ERROR)/.test(r.result)) ? 1 : 0;
