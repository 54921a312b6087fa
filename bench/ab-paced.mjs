// `node bench/ab-paced.mjs [--a REV] [--b REV] [--streams N] [--rounds N] [--duration S]`: measures one change
// to the paced path. Two builds of Understudy (A: a git revision, HEAD by default; B: another revision, or by
// default this checkout's dist/) and the bare paced server (servers/bare-paced.mjs, replaying A's stream) each
// serve N paced streams (the scale bench's pace: ttft 200 ms, 50 tokens/s, 30 tokens) at the same time, on the
// servers' core, from one client. Each is judged by its server CPU per token the client read in the steady phase.
// Prints B / A per round and its median. Keep the three servers' cores together under ~0.9 (printed per
// round): a saturated core stretches the streams, and the figures then compare overload, not cost.
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { send } from "./lib/http.mjs";
import { abSession } from "./lib/revisions.mjs";
import { median, quantiles } from "./lib/stats.mjs";
import { runStreams } from "./lib/streams.mjs";
import { PATH, REQUEST, startBare } from "./lib/target-streams.mjs";

const root = new URL("..", import.meta.url);
const { values: flags } = parseArgs({
  options: {
    a: { type: "string", default: "HEAD" },
    b: { type: "string" },
    streams: { type: "string", default: "300" },
    rounds: { type: "string", default: "5" },
    duration: { type: "string", default: "6" },
  },
});
const pace = { ttft: 200, tps: 50, tokens: 30 };
const streams = Number(flags.streams),
  rounds = Number(flags.rounds),
  durationMs = Number(flags.duration) * 1000;
const cycleMs = pace.ttft + ((pace.tokens - 1) * 1000) / pace.tps;
const { log, revisions, children, cleanUp } = abSession(root);

/** utime + stime of a process in clock ticks (1/100 s). */
const ticks = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ");
  return Number(f[11]) + Number(f[12]);
};

/** One run of `streams` paced streams against `server`, returning its CPU per token over the steady phase. */
async function measure(server) {
  const counters = { tokens: 0 };
  const marks = [];
  const mark = () => marks.push({ at: performance.now(), cpu: ticks(server.pid), tokens: counters.tokens });
  const timers = [setTimeout(mark, cycleMs * 2), setTimeout(mark, cycleMs * 2 + durationMs)];
  const run = await runStreams(
    server.url,
    PATH,
    REQUEST,
    {},
    { streams, batch: 100, rampMs: cycleMs * 2, durationMs, expectedTokens: pace.tokens, counters },
  );
  timers.forEach(clearTimeout);
  // The run can end a moment before the timer marking its end: the end is then now.
  while (marks.length < 2) mark();
  const [before, after] = marks;
  const failed = Object.values(run.errors).reduce((a, b) => a + b, 0);
  return {
    usPerToken: ((after.cpu - before.cpu) * 1e4) / (after.tokens - before.tokens),
    cores: ((after.cpu - before.cpu) * 10) / (after.at - before.at),
    gapMs: quantiles(run.gaps, { p50: 0.5 }).p50,
    ttftP99: quantiles(run.ttfts, { p99: 0.99 }).p99,
    failed,
  };
}

try {
  const builds = { A: revisions.build(flags.a, "a"), B: revisions.build(flags.b, "b") };
  const options = { timing: { ttft: pace.ttft, tps: pace.tps }, fallback: `lorem:${pace.tokens}` };
  const start = (dist, label) =>
    children.start("bench/servers/understudy.mjs", [JSON.stringify({ fixtures: [], options, dist })], label);
  const a = await start(builds.A, `A (${flags.a})`);
  const b = await start(builds.B, `B (${flags.b ?? "this checkout"})`);
  const capture = await send(a.url, PATH, JSON.stringify(REQUEST));
  const bare = await startBare(capture, pace, { scratch: revisions.scratch, start: children.start }, "bare paced");
  const results = [];
  for (let round = 1; round <= rounds; round++) {
    log(
      `round ${round}: ${streams} paced streams on each of bare, A and B at once, ${flags.duration} s after a ${((cycleMs * 2) / 1000).toFixed(1)} s ramp`,
    );
    const [r0, ra, rb] = await Promise.all([bare, a, b].map(measure));
    results.push({ bare: r0.usPerToken, a: ra.usPerToken, b: rb.usPerToken });
    const show = (name, r) =>
      `${name} ${r.usPerToken.toFixed(1)} µs (gap ${r.gapMs.toFixed(1)} ms, ttft p99 ${r.ttftP99.toFixed(0)} ms${r.failed ? `, ${r.failed} failed` : ""})`;
    log(
      `  CPU per token: ${show("bare", r0)}, ${show("A", ra)}, ${show("B", rb)}; servers' cores ${(r0.cores + ra.cores + rb.cores).toFixed(2)}; B / A ${(rb.usPerToken / ra.usPerToken).toFixed(3)}`,
    );
  }
  const m = (f) => median(results.map(f)).toFixed(3);
  console.log(
    `paced streams (${streams} each): CPU per token, A (${flags.a}) ${m((r) => r.a / r.bare)} x bare, B (${flags.b ?? "this checkout"}) ${m((r) => r.b / r.bare)} x bare; B / A ${m((r) => r.b / r.a)} (medians of ${rounds} rounds; under 1 is cheaper)`,
  );
} finally {
  await cleanUp();
}
