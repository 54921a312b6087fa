// One scenario: verify both servers' answers, measure bare and Understudy alike, and judge the target on medians.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { snapshot, usage, waitForQuiet } from "./cpu.mjs";
import { headerBlock, send, toReplay } from "./http.mjs";
import { drive, runProblems } from "./load.mjs";
import { median } from "./stats.mjs";

const log = (msg) => process.stderr.write(`${msg}\n`);

/** env: { understudy, startBare(captureFile), scratch, opts }. Returns the row for the report. */
export async function runScenario(scenario, env) {
  const row = { id: scenario.id, title: scenario.title, path: scenario.path, request: scenario.body, target: scenario.target };
  const body = JSON.stringify(scenario.body);
  const probe = await send(env.understudy.url, scenario.path, body);
  if (probe.status === 404 && scenario.optional) return { ...row, result: "SKIPPED", note: `not available (Understudy answers 404 for ${scenario.path})` };
  const problem = probe.status !== 200 ? `Understudy answered ${probe.status}: ${probe.body.toString("utf8").slice(0, 200)}` : scenario.check(probe);
  if (problem) return { ...row, result: "ERROR", note: `Understudy's answer failed verification: ${problem}` };

  const captured = join(env.scratch, `${scenario.id}.json`);
  writeFileSync(captured, JSON.stringify(toReplay(probe)));
  const bare = await env.startBare(captured, scenario.id);
  try {
    const replayed = await send(bare.url, scenario.path, body);
    const bareProblem = replayed.status !== 200 ? `status ${replayed.status}`
      : !replayed.body.equals(probe.body) ? "bytes differ from the capture"
      : headerBlock(replayed) !== headerBlock(probe) ? `headers differ: ${headerBlock(replayed)} vs ${headerBlock(probe)}`
      : scenario.check(replayed);
    if (bareProblem) return { ...row, result: "ERROR", note: `bare server failed verification: ${bareProblem}` };
    row.responseBytes = probe.body.length;
    row.runs = { bare: [], understudy: [] };
    // Rounds alternate bare and Understudy, so slow drift in the machine's load hits both alike.
    for (let round = 0; round < env.opts.rounds; round++) {
      row.runs.bare.push(await measure(bare, scenario, "bare", round, env.opts));
      row.runs.understudy.push(await measure(env.understudy, scenario, "understudy", round, env.opts));
    }
  } finally {
    await bare.stop();
  }
  const problems = Object.entries(row.runs).flatMap(([who, runs]) => runs.map(runProblems).filter(Boolean).map((p) => `${who}: ${p}`));
  if (problems.length) return { ...row, result: "ERROR", note: problems.join("; ") };
  row.rounds = row.runs.bare.map((b, i) => ({ bare: b.reqPerSec, understudy: row.runs.understudy[i].reqPerSec, ratio: row.runs.understudy[i].reqPerSec / b.reqPerSec }));
  row.median = { bare: median(row.rounds.map((r) => r.bare)), understudy: median(row.rounds.map((r) => r.understudy)), ratio: median(row.rounds.map((r) => r.ratio)) };
  return { ...row, bare: typical(row.runs.bare), understudy: typical(row.runs.understudy), result: "measured" };
}

/** The run whose rate is nearest the median: its latency and CPU figures stand for the series in the notes. */
const typical = (runs) => {
  const m = median(runs.map((r) => r.reqPerSec));
  return runs.reduce((a, b) => (Math.abs(b.reqPerSec - m) < Math.abs(a.reqPerSec - m) ? b : a));
};

export const NOISY = 0.2; // cores used by other processes, or stolen by the hypervisor, that make a run suspect
const ATTEMPTS = 3;
/** Cores taken from the run by other processes and by the hypervisor (a VM's steal slows a run as much). */
const noise = (run) => (run.cpu?.others ?? 0) + Math.max(0, run.cpu?.steal ?? 0);

/** One measured run; repeated (up to ATTEMPTS) while other processes or the hypervisor skew it, keeping the cleanest. */
async function measure(server, scenario, who, round, opts) {
  if (round === 0 && opts.warmup > 0) await drive(server.url, scenario, { ...opts, duration: opts.warmup });
  let cleanest;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    if (!(await waitForQuiet(15_000))) log(`${scenario.id}: the machine stays busy with other work; measuring anyway`);
    log(`${scenario.id}: ${who}${opts.rounds > 1 ? ` round ${round + 1}` : ""}, ${opts.duration} s${attempt > 1 ? ` (attempt ${attempt})` : ""}`);
    const before = snapshot(server.pid);
    const run = await drive(server.url, scenario, opts);
    const result = { ...run, cpu: usage(before, snapshot(server.pid)), attempt };
    if (!cleanest || noise(result) < noise(cleanest)) cleanest = result;
    if (noise(result) < NOISY) break;
    log(`${scenario.id}: other processes used ${result.cpu.others} cores and the hypervisor stole ${result.cpu.steal} during that run; retrying`);
  }
  return cleanest;
}

/**
 * Fills in ratio, target and PASS/FAIL for a row, given all rows (a target may name another's bare rate).
 * Against its own bare server a row is judged by the median per-round ratio; against another row's, by the medians' ratio.
 */
export function judge(row, all) {
  const { ratio: wanted, base = row.id } = row.target;
  const baseRow = all.find((r) => r.id === base);
  row.targetText = base === row.id ? `>= ${wanted.toFixed(2)} x bare` : `>= ${wanted.toFixed(2)} x bare ${baseRow?.title ?? base}`;
  if (row.result !== "measured") return;
  row.ratio = row.median.ratio;
  if (!baseRow?.median) return Object.assign(row, { result: "ERROR", note: `no bare ${base} rate to compare with` });
  row.targetRatio = base === row.id ? row.ratio : row.median.understudy / baseRow.median.bare;
  if (base !== row.id) row.targetText += ` = ${Math.round(baseRow.median.bare)}/s; got ${row.targetRatio.toFixed(2)}`;
  row.result = row.targetRatio >= wanted ? "PASS" : "FAIL";
  const runs = [...row.runs.bare, ...row.runs.understudy, ...baseRow.runs.bare];
  if (runs.some((run) => noise(run) >= NOISY)) row.result += " (noisy)";
}
