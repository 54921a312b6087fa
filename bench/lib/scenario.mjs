// One scenario: verify both servers' answers, then load Understudy and the bare server(s) at the same
// time on the same core, and judge the target on the median of the per-round ratios.
import { existsSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { snapshot, usage, waitForQuiet } from "./cpu.mjs";
import { headerBlock, send, toReplay } from "./http.mjs";
import { drive, runProblems } from "./load.mjs";
import { median } from "./stats.mjs";

const log = (msg) => process.stderr.write(`${msg}\n`);

/**
 * env: { understudy, startBare(captureFile, label), scratch, opts, scenarios }. Returns the row for the report.
 * A row whose target names another scenario (`target.base`) is judged against that scenario's bare server,
 * which then runs alongside; the bare server replaying this row's own bytes always runs too (for the notes).
 */
export async function runScenario(scenario, env) {
  const row = {
    id: scenario.id,
    title: scenario.title,
    path: scenario.path,
    request: scenario.body,
    target: scenario.target,
  };
  const body = JSON.stringify(scenario.body);
  const probe = await send(env.understudy.url, scenario.path, body, scenario.headers);
  if (probe.status === 404 && scenario.optional)
    return { ...row, result: "SKIPPED", note: `not available (Understudy answers 404 for ${scenario.path})` };
  const problem =
    probe.status !== 200
      ? `Understudy answered ${probe.status}: ${probe.body.toString("utf8").slice(0, 200)}`
      : scenario.check(probe);
  if (problem) return { ...row, result: "ERROR", note: `Understudy's answer failed verification: ${problem}` };
  const baseId = scenario.target.base ?? scenario.id;
  const baseScenario = env.scenarios.find((s) => s.id === baseId);
  const baseCapture = join(env.scratch, `${baseId}.json`);
  if (baseId !== scenario.id && !existsSync(baseCapture))
    return { ...row, result: "ERROR", note: `its target is relative to ${baseId}, which was not measured first` };

  const captured = join(env.scratch, `${scenario.id}.json`);
  writeFileSync(captured, JSON.stringify(toReplay(probe)));
  const bare = await env.startBare(captured, scenario.id);
  const base = baseId === scenario.id ? null : await env.startBare(baseCapture, baseId);
  try {
    const replayed = await send(bare.url, scenario.path, body, scenario.headers);
    const bareProblem =
      replayed.status !== 200
        ? `status ${replayed.status}`
        : !replayed.body.equals(probe.body)
          ? "bytes differ from the capture"
          : headerBlock(replayed) !== headerBlock(probe)
            ? `headers differ: ${headerBlock(replayed)} vs ${headerBlock(probe)}`
            : scenario.check(replayed);
    if (bareProblem) return { ...row, result: "ERROR", note: `bare server failed verification: ${bareProblem}` };
    row.responseBytes = probe.body.length;
    const parts = [
      { who: "understudy", server: env.understudy, scenario },
      { who: "bare", server: bare, scenario },
    ];
    if (base) parts.push({ who: "base", server: base, scenario: baseScenario });
    row.runs = Object.fromEntries(parts.map((p) => [p.who, []]));
    for (let round = 0; round < env.opts.rounds; round++) {
      const results = await measureTogether(parts, scenario.id, round, env.opts);
      parts.forEach((p, i) => {
        row.runs[p.who].push(results[i]);
      });
    }
  } finally {
    await bare.stop();
    await base?.stop();
  }
  const problems = Object.entries(row.runs).flatMap(([who, runs]) =>
    runs
      .map(runProblems)
      .filter(Boolean)
      .map((p) => `${who}: ${p}`),
  );
  if (problems.length) return { ...row, result: "ERROR", note: problems.join("; ") };
  const judgedBare = row.runs.base ?? row.runs.bare;
  row.rounds = row.runs.understudy.map((u, i) => ({
    bare: perCore(judgedBare[i]),
    understudy: perCore(u),
    ownBare: perCore(row.runs.bare[i]),
    ratio: perCore(u) / perCore(judgedBare[i]),
  }));
  row.median = {
    bare: median(row.rounds.map((r) => r.bare)),
    understudy: median(row.rounds.map((r) => r.understudy)),
    ownBare: median(row.rounds.map((r) => r.ownBare)),
    ratio: median(row.rounds.map((r) => r.ratio)),
  };
  row.understudy = typical(row.runs.understudy);
  return { ...row, result: "measured" };
}

/**
 * Requests per second of CPU the server spent: its throughput on one core of its own. The servers share a
 * core during a run, each getting part of it; without per-process CPU figures (not Linux) the plain rate
 * stands in, which the scheduler's fair share makes comparable.
 */
export const perCore = (run) => (run.cpu?.seconds ? run.requests / run.cpu.seconds : run.reqPerSec);

/** The run whose rate is nearest the median: its latency and CPU figures stand for the series in the notes. */
const typical = (runs) => {
  const m = median(runs.map(perCore));
  return runs.reduce((a, b) => (Math.abs(perCore(b) - m) < Math.abs(perCore(a) - m) ? b : a));
};

export const NOISY = 0.2; // cores used by other processes, or stolen by the hypervisor, that make a run suspect
const ATTEMPTS = 3;
/** Cores taken from the run by other processes and by the hypervisor (a VM's steal slows a run as much). */
export const noise = (run) => (run.cpu?.others ?? 0) + Math.max(0, run.cpu?.steal ?? 0);

/**
 * One round: every server under its own load generator at once, for the same seconds, on the servers'
 * core. Whatever slows the machine during the round (a VM's slow spell, a noisy neighbour) slows them
 * all alike, which measuring them one after another cannot promise. Repeated (up to ATTEMPTS) while
 * other processes or the hypervisor skew it, keeping the cleanest.
 */
export async function measureTogether(parts, id, round, opts) {
  if (round === 0 && opts.warmup > 0)
    await Promise.all(parts.map((p) => drive(p.server.url, p.scenario, { ...opts, duration: opts.warmup })));
  const pids = parts.map((p) => p.server.pid);
  let cleanest;
  for (let attempt = 1; attempt <= ATTEMPTS; attempt++) {
    if (!(await waitForQuiet(15_000))) log(`${id}: the machine stays busy with other work; measuring anyway`);
    log(
      `${id}: ${parts.map((p) => p.who).join(" + ")} together${opts.rounds > 1 ? `, round ${round + 1}` : ""}, ${opts.duration} s${attempt > 1 ? ` (attempt ${attempt})` : ""}`,
    );
    const before = snapshot(pids);
    const runs = await Promise.all(parts.map((p) => drive(p.server.url, p.scenario, opts)));
    const cpu = usage(before, snapshot(pids));
    const results = runs.map((run, i) => ({ ...run, attempt, cpu: cpu && { ...cpu, seconds: cpu.eachSeconds[i] } }));
    if (!cleanest || noise(results[0]) < noise(cleanest[0])) cleanest = results;
    if (noise(results[0]) < NOISY) break;
    log(
      `${id}: other processes used ${cpu.others} cores and the hypervisor stole ${cpu.steal} during that round; retrying`,
    );
  }
  return cleanest;
}

/** Fills in the target's text and PASS/FAIL for a row from the median of its per-round ratios. */
export function judge(row, all) {
  const { ratio: wanted, base = row.id } = row.target;
  const baseTitle = all.find((r) => r.id === base)?.title ?? base;
  row.targetText = base === row.id ? `>= ${wanted.toFixed(2)} x bare` : `>= ${wanted.toFixed(2)} x bare ${baseTitle}`;
  if (row.result !== "measured") return;
  row.ratio = row.median.ratio;
  row.result = row.ratio >= wanted ? "PASS" : "FAIL";
  if (
    Object.values(row.runs)
      .flat()
      .some((run) => noise(run) >= NOISY)
  )
    row.result += " (noisy)";
}
