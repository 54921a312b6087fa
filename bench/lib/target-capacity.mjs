// Paced-stream capacity: the largest number of concurrent paced streams at which Understudy still meets the 5k
// target's timing thresholds, and the same for the bare paced server (the floor), step by step.
import { errorResult, renderGrid } from "./report.mjs";
import {
  BARE,
  count,
  fileLimitProblem,
  meetsTiming,
  startBare,
  startUnderstudy,
  timedRun,
  warnings,
} from "./target-streams.mjs";

const CLEAN_FAILURES = 2; // failing runs (not noisy) after which a step counts as failed
const MAX_RUNS = 4; // runs of one step at most (a step whose runs all fail counts as failed, noisy or not)
const NOISY = 0.2; // cores taken by other processes and the hypervisor that make a run noisy
const isNoisy = (d) => (d.cpu?.others ?? 0) + Math.max(0, d.cpu?.steal ?? 0) >= NOISY;

const ms = (n) => (n === undefined ? "-" : n.toFixed(1));

/**
 * Starts Understudy (and captures its stream) and the bare paced server, both on the server core (only one
 * streams at a time), then runs the steps in increasing order, Understudy and bare alternating, each server until
 * its first failing step (one that fails in two clean runs). Returns { rows, notes, data }.
 */
export async function measureCapacity(s, pace, env) {
  const top = s.steps.at(-1);
  const limited = fileLimitProblem(s.title, top);
  if (limited) return limited;
  const servers = {};
  try {
    try {
      const started = await startUnderstudy(pace, env, `${s.title} (Understudy)`);
      servers.understudy = started.server;
      servers.bare = await startBare(started.capture, pace, env, `${s.title} (${BARE})`);
    } catch (err) {
      return errorResult(s.title, err.message);
    }
    const scan = {
      understudy: { name: "Understudy", capacity: 0, runs: [], stopped: false },
      bare: { name: BARE, capacity: 0, runs: [], stopped: false },
    };
    // Connections open evenly over one stream's length (or a whole multiple of it, at rampMsPer1000 at most), so
    // that the streams' phases are spread evenly around the cycle: a steady load, not bursts of requests at once.
    const cycle = pace.ttft + ((pace.tokens - 1) * 1000) / pace.tps;
    for (const streams of s.steps) {
      const rampMs = cycle * Math.max(1, Math.ceil((streams * s.rampMsPer1000) / 1000 / cycle));
      const run = { streams, batch: s.batch, rampMs, durationS: s.durationS };
      for (const who of ["understudy", "bare"]) {
        const state = scan[who];
        if (state.stopped) continue;
        let d, ok;
        // A step near a server's limit passes or fails by a few ms: it is held if any run meets the thresholds, and
        // failed after two clean failing runs (the same for both servers; the notes list every run). A failing run
        // during which other processes or the hypervisor took CPU is not counted, and the step is run again.
        let failures = 0;
        for (let attempt = 1; attempt <= MAX_RUNS && failures < CLEAN_FAILURES; attempt++) {
          d = await timedRun(
            servers[who],
            run,
            pace,
            env,
            `${s.title}, ${state.name}, ${count(streams)} streams${attempt > 1 ? ` (run ${attempt})` : ""}`,
          );
          ok = meetsTiming(d, s);
          const noisy = isNoisy(d);
          state.runs.push({ server: state.name, streams, attempt, ok, noisy, ...d });
          if (ok) break;
          if (!noisy) failures++;
        }
        if (ok) state.capacity = streams;
        else state.stopped = true;
      }
      if (scan.understudy.stopped && scan.bare.stopped) break;
    }
    return report(s, pace, scan);
  } finally {
    await Promise.all(Object.values(servers).map((server) => server.stop()));
  }
}

function report(s, pace, scan) {
  const cycle = pace.ttft + ((pace.tokens - 1) * 1000) / pace.tps;
  const top = s.steps.at(-1);
  const atTop = (state) => state.capacity === top && !state.stopped;
  const capacity = (state) =>
    state.capacity === 0
      ? `fewer than ${count(s.steps[0])}`
      : atTop(state)
        ? `${count(top)} or more`
        : count(state.capacity);
  const measured = (state) => `${capacity(state)} streams${atTop(state) ? " (the largest step passed)" : ""}`;
  const u = scan.understudy,
    b = scan.bare;
  const ratio = u.capacity && b.capacity ? u.capacity / b.capacity : undefined;
  // A capacity under the first step or at the largest one is a bound, and so is the ratio then.
  const ratioText = !b.capacity
    ? "-"
    : !u.capacity
      ? `under ${(s.steps[0] / b.capacity).toFixed(2)} x`
      : atTop(b) && atTop(u)
        ? "- (both passed the largest step)"
        : `${atTop(b) ? "at most " : atTop(u) ? "at least " : ""}${ratio.toFixed(2)} x`;
  const threshold = `ttft p99 ${s.ttftP99.ms} ± ${s.ttftP99.within} ms, median gap ${s.itlMedian.ms} ms ± ${s.itlMedian.within * 100}%, no failures`;
  const rows = [
    {
      target: `${s.title}: Understudy`,
      measured: measured(u),
      threshold: `largest step meeting ${threshold}`,
      result: "info",
    },
    { target: `${s.title}: ${BARE}`, measured: measured(b), threshold: "the same, for the floor", result: "info" },
    { target: `${s.title}: Understudy vs bare`, measured: ratioText, threshold: "none", result: "info" },
  ];
  const header = [
    "streams",
    "server",
    "run",
    "ttft p50",
    "ttft p99",
    "median gap",
    "gap p99",
    "coalesced",
    "tokens/s",
    "server cores",
    "stolen",
    "µs/token",
    "failed",
    "meets",
  ];
  const runs = [...u.runs, ...b.runs].sort(
    (x, y) => x.streams - y.streams || (x.server === y.server ? x.attempt - y.attempt : x.server === u.name ? -1 : 1),
  );
  const body = runs.map((r) => [
    count(r.streams),
    r.server,
    String(r.attempt),
    ms(r.ttftMs.p50),
    ms(r.ttftMs.p99),
    ms(r.gapMs.p50),
    ms(r.gapMs.p99),
    `${(r.burstShare * 100).toFixed(1)}%`,
    r.tokensPerS === undefined ? "-" : count(Math.round(r.tokensPerS)),
    r.cpu ? r.cpu.server.toFixed(2) : "-",
    r.cpu ? r.cpu.steal.toFixed(2) : "-",
    r.usPerToken === undefined ? "-" : r.usPerToken.toFixed(1),
    count(r.failed),
    r.ok ? "yes" : r.noisy ? "no (noisy)" : "no",
  ]);
  const notes = [
    `${s.title} (ttft ${pace.ttft} ms, ${pace.tps} tokens/s, ${pace.tokens} tokens): steps of ${s.steps.map(count).join(", ")} concurrent streams, the connections opened over one stream's length (${cycle} ms; whole multiples of it above ${count(Math.floor((cycle * 1000) / s.rampMsPer1000))} streams) and then streaming back to back for ${s.durationS} s; Understudy and ${BARE} alternate on the server core, each until its first failing step (one that fails in two runs during which other processes and the hypervisor took under ${NOISY} cores; latencies in ms; tokens/s read by the client, and server CPU and the machine's cores stolen by the hypervisor, over the steady phase):`,
    ...renderGrid(header, body, (i) => i !== 1 && i !== 13)
      .split("\n")
      .map((l) => `    ${l}`),
    `  one process holds ${capacity(u)} paced streams at ${pace.tps} tokens/s on this machine; bare node:http holds ${capacity(b)}${ratioText.startsWith("-") ? "" : ` (Understudy ${ratioText} bare)`}`,
  ];
  for (const r of runs) {
    const which = `  ${count(r.streams)} streams, ${r.server}: `;
    if (r.failed)
      notes.push(
        `${which}failed streams: ${Object.entries(r.errors)
          .map(([why, n]) => `${count(n)} × ${why}`)
          .join("; ")}`,
      );
    // A saturated server is expected at the failing steps; only the warnings about the figures' validity are kept.
    notes.push(...warnings(r, which).filter((w) => w.includes("warning:")));
  }
  return {
    rows,
    notes,
    data: { understudy: { capacity: u.capacity, runs: u.runs }, bare: { capacity: b.capacity, runs: b.runs }, ratio },
  };
}
