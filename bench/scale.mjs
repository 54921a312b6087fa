// `npm run bench:scale`: the issue-6 scale targets, each with its figure, threshold and PASS/FAIL; see bench/README.md.
import { mkdtempSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { ensureBuild } from "./lib/build.mjs";
import { childGroup, setUpPinning } from "./lib/children.mjs";
import { closeAgent } from "./lib/http.mjs";
import { errorResult, renderGrid, writeJson } from "./lib/report.mjs";
import { readScaleOptions, SCALE_USAGE } from "./lib/scale-options.mjs";
import { measureCapacity } from "./lib/target-capacity.mjs";
import { measureMemory } from "./lib/target-memory.mjs";
import { measurePaused } from "./lib/target-paused.mjs";
import { measureStreams } from "./lib/target-streams.mjs";
import { measureWorkers } from "./lib/target-workers.mjs";
import { PACE, settingsFor } from "./scale-targets.mjs";

const MEASURE = {
  "streams-5k": (settings, env) => measureStreams(settings, PACE, "latency", env),
  "streams-10k": (settings, env) => measureStreams(settings, PACE, "completion", env),
  capacity: (settings, env) => measureCapacity(settings, PACE, env),
  workers: measureWorkers,
  memory: measureMemory,
  paused: measurePaused,
};

const root = new URL("..", import.meta.url);
const opts = (() => {
  try {
    return readScaleOptions();
  } catch (err) {
    console.error(`${err.message}\n${SCALE_USAGE}`);
    process.exit(2);
  }
})();
if (opts.help) {
  console.log(SCALE_USAGE);
  process.exit(0);
}
ensureBuild(root);

const pinning = setUpPinning(opts.pin);
const machine = {
  node: process.version,
  cpu: cpus()[0]?.model ?? "unknown",
  cores: cpus().length,
  memoryGiB: Math.round(totalmem() / 2 ** 30),
  pinning,
  loadAtStart: loadavg().map((n) => Number(n.toFixed(2))),
};
const children = childGroup(root, pinning);
const scratch = mkdtempSync(join(tmpdir(), "understudy-scale-"));
const cleanUp = async () => {
  closeAgent();
  await children.stopAll();
  rmSync(scratch, { recursive: true, force: true });
};
process.once("SIGINT", () => cleanUp().finally(() => process.exit(130)));
const log = (msg) => process.stderr.write(`${msg}\n`);
const env = { start: children.start, pinning, scratch, log, quick: opts.quick };

const results = [];
try {
  for (const id of opts.only) {
    const settings = settingsFor(id, opts.quick);
    log(`== ${settings.title}${opts.quick ? " (quick)" : ""}`);
    let result;
    try {
      result = await MEASURE[id](settings, env);
    } catch (err) {
      result = errorResult(settings.title, err.stack ?? String(err));
    }
    if (opts.quick) for (const row of result.rows) row.result += " (quick)";
    results.push({ id, settings, ...result });
  }
} finally {
  await cleanUp();
}

const rows = results.flatMap((r) => r.rows);
const where = pinning
  ? `server pinned to core ${pinning.serverCore}, client to ${pinning.clientCores} (except where a note says otherwise)`
  : "not pinned";
console.log(`\nNode ${machine.node} | ${machine.cpu} | ${machine.cores} cores | ${machine.memoryGiB} GiB | ${where}`);
console.log(
  `load average at the start: ${machine.loadAtStart.join(", ")}${opts.quick ? " | --quick: smoke-run sizes, not the targets' (figures are indicative only)" : ""}\n`,
);
console.log(
  renderGrid(
    ["target", "measured", "threshold", "result"],
    rows.map((r) => [r.target, r.measured, r.threshold, r.result]),
  ),
);
const notes = results.flatMap((r) => r.notes ?? []);
if (notes.length) console.log(`\n${notes.join("\n")}`);
writeJson(new URL("bench/results/scale.json", root), {
  date: new Date().toISOString(),
  machine,
  options: opts,
  targets: results,
});
console.log("\nresults written to bench/results/scale.json");
process.exitCode = rows.some((r) => /^(FAIL|ERROR)/.test(r.result)) ? 1 : 0;
