// Paced-stream targets: thousands of concurrent streams against one Understudy process, each token timed by the
// client, and then the same run against a bare node:http server writing the same bytes at the same times (the
// floor: what any Node server pays for those writes), so Understudy's overhead over the floor is visible.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { snapshot, usage, waitForQuiet } from "./cpu.mjs";
import { headerBlock, send, toReplay } from "./http.mjs";
import { acceptQueue, MB, openFileLimit, rss, sampleRss, tcpCounters } from "./proc.mjs";
import { errorResult, renderGrid } from "./report.mjs";
import { median, quantiles } from "./stats.mjs";
import { runStreams } from "./streams.mjs";

export const PATH = "/v1/chat/completions";
export const REQUEST = {
  model: "gpt-4o-mini",
  messages: [{ role: "user", content: "stream thirty tokens, please" }],
  stream: true,
};
/** Connections the client and the server each need besides the streams (stdio, pipes, the listener, libuv). */
const FD_SPARE = 200;
export const BARE = "bare node:http";

const ms = (n) => (n === undefined ? "-" : `${n.toFixed(1)} ms`);
export const count = (n) => n.toLocaleString("en-US");
const totalOf = (errors) => Object.values(errors).reduce((a, b) => a + b, 0);
const us = (n) => (n === undefined ? "-" : `${n.toFixed(1)} µs`);
const pct = (x) => `${(x * 100).toFixed(1)}%`;

/** An ERROR result when the open-file limit is too low for `streams` connections, else null. */
export function fileLimitProblem(title, streams) {
  const need = streams + FD_SPARE;
  const limit = openFileLimit();
  if (limit === null || limit >= need) return null;
  return errorResult(
    title,
    `the open-file limit (ulimit -n) is ${limit}, but ${count(streams)} streams need ${need} open files in the client and as many in the server: run \`ulimit -n ${Math.max(need, 20000)}\` first (raise the hard limit in /etc/security/limits.conf or with prlimit if that is refused)`,
  );
}

/**
 * Understudy with timing {ttft, tps} and fallback lorem:<tokens>, on the server core, checked with one stream;
 * resolves with { server, capture }: one stream's status, headers and bytes, for the bare server to replay.
 */
export async function startUnderstudy(pace, env, label) {
  const options = { timing: { ttft: pace.ttft, tps: pace.tps }, fallback: `lorem:${pace.tokens}` };
  const server = await env.start("bench/servers/understudy.mjs", [JSON.stringify({ fixtures: [], options })], label);
  try {
    const probe = await runStreams(
      server.url,
      PATH,
      REQUEST,
      {},
      { streams: 1, expectedTokens: pace.tokens, graceMs: 10_000 },
    );
    if (probe.completed !== 1)
      throw new Error(
        `the probe stream failed (${JSON.stringify(probe.errors)}); does dist/ have the timing and fallback options? (npm run build)`,
      );
    const captured = await send(server.url, PATH, JSON.stringify(REQUEST));
    if (captured.status !== 200 || !/^text\/event-stream/.test(captured.headers["content-type"] ?? ""))
      throw new Error(
        `capturing a stream for the bare server: Understudy answered ${captured.status} ${captured.headers["content-type"]}`,
      );
    return { server, capture: captured };
  } catch (err) {
    await server.stop();
    throw err;
  }
}

/**
 * The bare paced server (servers/bare-paced.mjs) replaying `capture` at `pace`, on the server core, checked before
 * use: same status, headers and bytes as the capture, and a stream the client counts `pace.tokens` tokens in.
 */
export async function startBare(capture, pace, env, label) {
  const file = join(env.scratch, "paced-stream.json");
  writeFileSync(file, JSON.stringify(toReplay(capture)));
  const server = await env.start(
    "bench/servers/bare-paced.mjs",
    [file, JSON.stringify({ ttft: pace.ttft, tps: pace.tps })],
    label,
  );
  try {
    const replayed = await send(server.url, PATH, JSON.stringify(REQUEST));
    const problem =
      replayed.status !== 200
        ? `status ${replayed.status}`
        : !replayed.body.equals(capture.body)
          ? "bytes differ from the capture"
          : headerBlock(replayed) !== headerBlock(capture)
            ? `headers differ: ${headerBlock(replayed)} vs ${headerBlock(capture)}`
            : null;
    if (problem) throw new Error(`the bare paced server failed verification: ${problem}`);
    const probe = await runStreams(
      server.url,
      PATH,
      REQUEST,
      {},
      { streams: 1, expectedTokens: pace.tokens, graceMs: 10_000 },
    );
    if (probe.completed !== 1)
      throw new Error(`the bare paced server's probe stream failed (${JSON.stringify(probe.errors)})`);
    return server;
  } catch (err) {
    await server.stop();
    throw err;
  }
}

/**
 * One timed run against a started server: `run.streams` connections opened over run.rampMs (in batches of
 * run.batch), then streaming back to back for run.durationS. Returns the figures (see summarize), with the
 * server's CPU and the tokens the client read over the steady phase (from the end of the ramp to the last new
 * request), hence the server CPU per token.
 */
export async function timedRun(server, run, pace, env, label) {
  if (!(await waitForQuiet(15_000))) env.log(`${label}: the machine stays busy with other work; measuring anyway`);
  const { rampMs } = run;
  env.log(
    `${label}: ${count(run.streams)} connections opened over ${(rampMs / 1000).toFixed(1)} s, then streaming for ${run.durationS} s`,
  );
  const idleRss = rss(server.pid);
  const memory = sampleRss(() => [server.pid]);
  const tcpBefore = tcpCounters();
  const counters = { tokens: 0 };
  // CPU and tokens over the steady phase, in which the timed streams run.
  let before = null,
    after = null;
  const mark = () => ({ cpu: snapshot(server.pid), tokens: counters.tokens });
  const marks = [
    setTimeout(() => (before = mark()), rampMs),
    setTimeout(() => (after = mark()), rampMs + run.durationS * 1000),
  ];
  const accepts = watchAcceptQueue(new URL(server.url).port);
  const result = await runStreams(
    server.url,
    PATH,
    REQUEST,
    {},
    {
      streams: run.streams,
      batch: run.batch,
      rampMs,
      durationMs: run.durationS * 1000,
      expectedTokens: pace.tokens,
      counters,
    },
  );
  marks.forEach(clearTimeout);
  after ??= mark();
  const acceptQueuePeak = accepts.stop();
  const cpu = before && usage(before.cpu, after.cpu);
  const steadyTokens = before ? after.tokens - before.tokens : 0;
  const tcpAfter = tcpCounters();
  const peak = memory.stop().peak;
  const listenOverflows = (tcpAfter.ListenOverflows ?? 0) - (tcpBefore.ListenOverflows ?? 0);
  return summarize(
    result,
    cpu,
    { idle: idleRss, peak },
    {
      ...run,
      listenOverflows,
      acceptQueuePeak,
      steadyTokens,
      steadyS: before ? (after.cpu.at - before.cpu.at) / 1000 : 0,
    },
  );
}

/** Samples the accept queue every second (through `ss`); stop() gives the sample with the most queued, or null. */
function watchAcceptQueue(port) {
  let peak = null,
    pending = false;
  const timer = setInterval(() => {
    if (pending) return;
    pending = true;
    acceptQueue(port).then((q) => {
      pending = false;
      if (q && (!peak || q.queued > peak.queued)) peak = q;
    });
  }, 1000);
  return { stop: () => (clearInterval(timer), peak) };
}

function summarize(run, cpu, rss, settings) {
  const steady = run.inFlightSamples
    .filter(([t]) => t >= settings.rampMs && t <= settings.rampMs + settings.durationS * 1000)
    .map(([, n]) => n);
  return {
    streams: settings.streams,
    started: run.started,
    timed: run.timedStreams,
    completed: run.completed,
    errors: run.errors,
    failed: totalOf(run.errors),
    rampMs: settings.rampMs,
    durationS: settings.durationS,
    listenOverflows: settings.listenOverflows,
    acceptQueuePeak: settings.acceptQueuePeak,
    ttftMs: quantiles(run.ttfts, { p50: 0.5, p99: 0.99, max: 1 }),
    firstTtftMs: quantiles(run.firstTtfts, { p50: 0.5, p99: 0.99, max: 1 }),
    gapMs: quantiles(run.gaps, { p10: 0.1, p50: 0.5, p99: 0.99 }),
    gaps: run.gaps.length,
    burstShare: run.gaps.length ? run.bursts / run.gaps.length : 0,
    streamMeanGapMs: run.streamGaps.length ? median(run.streamGaps) : undefined,
    peakInFlight: run.peakInFlight,
    steadyInFlight: steady.length ? median(steady) : undefined,
    rssMB: { idle: rss.idle / MB, peak: rss.peak / MB },
    cpu,
    clientLoopDelayMs: run.loopDelayMs,
    elapsedS: run.elapsedMs / 1000,
    // Tokens the client read in the steady phase, their rate, and the server's CPU per token (the ramp excluded).
    steadyTokens: settings.steadyTokens,
    tokensPerS: settings.steadyS > 0 ? settings.steadyTokens / settings.steadyS : undefined,
    usPerToken: cpu && settings.steadyTokens > 0 ? (cpu.serverSeconds * 1e6) / settings.steadyTokens : undefined,
  };
}

/** Whether a run meets the 5k target's timing thresholds (ttft p99, median gap) with no stream failing. */
export function meetsTiming(d, t) {
  return (
    !d.failed &&
    d.completed > 0 &&
    d.ttftMs.p99 !== undefined &&
    Math.abs(d.ttftMs.p99 - t.ttftP99.ms) <= t.ttftP99.within &&
    d.gapMs.p50 !== undefined &&
    Math.abs(d.gapMs.p50 - t.itlMedian.ms) <= t.itlMedian.ms * t.itlMedian.within
  );
}

/** Notes shared by both targets: what the client saw, where the CPU went, and whether the client kept up. */
function commonNotes(title, d, who = "") {
  const notes = [
    `${title}${who}: ${count(d.streams)} connections opened over ${(d.rampMs / 1000).toFixed(1)} s, then ${d.durationS} s of streams back to back on each; ${count(d.completed)} streams completed (${count(d.started)} started, ${count(d.timed)} timed: those after the ramp, not a connection's first); open at once: peak ${count(d.peakInFlight)}, median ${d.steadyInFlight === undefined ? "-" : count(d.steadyInFlight)}`,
    `  timed streams: time to first token p50 ${ms(d.ttftMs.p50)}, p99 ${ms(d.ttftMs.p99)}, max ${ms(d.ttftMs.max)}; gaps between tokens p10 ${ms(d.gapMs.p10)}, median ${ms(d.gapMs.p50)}, p99 ${ms(d.gapMs.p99)} (${count(d.gaps)} gaps, ${(d.burstShare * 100).toFixed(1)}% of them under 1 ms: tokens that came in one read or back to back); per-stream mean gap, median ${ms(d.streamMeanGapMs)}`,
    `  connections' first streams (during the ramp, handshake included): time to first token p50 ${ms(d.firstTtftMs.p50)}, p99 ${ms(d.firstTtftMs.p99)}, max ${ms(d.firstTtftMs.max)}; the server's accept queue peaked at ${d.acceptQueuePeak ? `${count(d.acceptQueuePeak.queued)} of ${count(d.acceptQueuePeak.backlog)}` : "n/a (no ss)"} connections, and overflowed ${count(d.listenOverflows)} times system-wide (TcpExt ListenOverflows)`,
    `  server RSS ${d.rssMB.idle.toFixed(0)} MB idle, ${d.rssMB.peak.toFixed(0)} MB peak; cores used in the steady phase: ${d.cpu ? `server ${d.cpu.server.toFixed(2)}, client ${d.cpu.loadGenerator.toFixed(2)}, others ${d.cpu.others.toFixed(2)}${d.cpu.steal >= 0.02 ? `, stolen ${d.cpu.steal.toFixed(2)}` : ""}` : "n/a"}; client event-loop delay p99 ${ms(d.clientLoopDelayMs.p99)}, max ${ms(d.clientLoopDelayMs.max)}`,
  ];
  if (d.acceptQueuePeak?.queued >= 100)
    notes.push(
      "  connections waited in the server's accept queue: the server, busy streaming, accepted them late, which delays those connections' first streams",
    );
  if (d.listenOverflows > 0)
    notes.push("  the accept queue overflowed: handshakes were dropped and retried by TCP (after 1 s, 3 s, 7 s ...)");
  const cap = d.acceptQueuePeak?.backlog;
  if (cap !== undefined && cap < d.streams)
    notes.push(
      `  the kernel caps the accept queue at ${count(cap)} (net.core.somaxconn), below ${count(d.streams)} connections: a busy server may overflow it (as root: sysctl -w net.core.somaxconn=65535)`,
    );
  if (d.failed)
    notes.push(
      `  failed streams: ${Object.entries(d.errors)
        .map(([why, n]) => `${count(n)} × ${why}`)
        .join("; ")}`,
    );
  notes.push(...warnings(d));
  return notes;
}

/** Warnings about one run's figures: a busy client, a saturated server, other processes. */
export function warnings(d, indent = "  ") {
  const notes = [];
  if ((d.cpu?.loadGenerator ?? 0) >= 0.9 || d.clientLoopDelayMs.p99 > 20)
    notes.push(
      `${indent}warning: the client was busy (near a full core, or its event loop lagged): it timestamps late, so its latencies are upper bounds`,
    );
  if ((d.cpu?.server ?? 0) >= 0.95)
    notes.push(`${indent}the server process used its whole core: it, not the client, set the pace`);
  if ((d.cpu?.others ?? 0) >= 0.2)
    notes.push(
      `${indent}warning: other processes used ${d.cpu.others.toFixed(2)} cores during the run; the figures are noisy (rerun on a quiet machine)`,
    );
  return notes;
}

/** The two runs side by side, one metric a line (a grid indented under the notes). */
export function sideBySide(u, b, t) {
  const col = (d, f) => (d ? f(d) : "-");
  const line = (name, f) => [name, col(u, f), col(b, f)];
  const rows = [
    line("time to first token p50 / p99", (d) => `${ms(d.ttftMs.p50)} / ${ms(d.ttftMs.p99)}`),
    line("median gap between tokens (p99)", (d) => `${ms(d.gapMs.p50)} (${ms(d.gapMs.p99)})`),
    line("coalesced gaps (under 1 ms)", (d) => pct(d.burstShare)),
    line("per-stream mean gap, median", (d) => ms(d.streamMeanGapMs)),
    line("tokens read per second, steady phase", (d) =>
      d.tokensPerS === undefined ? "-" : count(Math.round(d.tokensPerS)),
    ),
    line("server CPU, steady phase", (d) => (d.cpu ? `${d.cpu.server.toFixed(2)} cores` : "-")),
    line("cores stolen by the hypervisor (machine)", (d) => (d.cpu ? d.cpu.steal.toFixed(2) : "-")),
    line("server CPU per token written", (d) => us(d.usPerToken)),
    line("server RSS peak", (d) => `${d.rssMB.peak.toFixed(0)} MB`),
    line("streams completed / failed", (d) => `${count(d.completed)} / ${count(d.failed)}`),
  ];
  if (t?.ttftP99) rows.push(line("meets the timing thresholds", (d) => (meetsTiming(d, t) ? "yes" : "no")));
  return renderGrid(["", "Understudy", BARE], rows)
    .split("\n")
    .map((l) => `    ${l}`);
}

/** The table row comparing the CPU per token of Understudy and the bare server. */
export function cpuRatioRow(title, u, b) {
  const ratio = u?.usPerToken && b?.usPerToken ? u.usPerToken / b.usPerToken : undefined;
  return {
    target: `${title}: Understudy CPU per paced token vs bare`,
    measured: ratio === undefined ? "-" : `${us(u.usPerToken)} / ${us(b.usPerToken)} = ${ratio.toFixed(2)} x`,
    threshold: `none (${BARE} is the floor)`,
    result: ratio === undefined ? "ERROR" : "info",
  };
}

/**
 * Runs `settings.streams` paced streams against Understudy, then the same against the bare paced server, and
 * returns { rows, notes, data }. With `judge: "latency"` the rows are the 5k target's (ttft p99, median gap, peak
 * RSS); with `judge: "completion"` the 10k target's (all complete, none fails); both add the CPU-per-token ratio.
 */
export async function measureStreams(settings, pace, judge, env) {
  const { title } = settings;
  const limited = fileLimitProblem(title, settings.streams);
  if (limited) return limited;
  const run = {
    streams: settings.streams,
    batch: settings.batch,
    rampMs: (settings.streams / settings.connectRate) * 1000,
    durationS: settings.durationS,
  };
  let started;
  try {
    started = await startUnderstudy(pace, env, title);
  } catch (err) {
    return errorResult(title, err.message);
  }
  let u;
  try {
    u = await timedRun(started.server, run, pace, env, `${title}, Understudy`);
  } finally {
    await started.server.stop();
  }
  // The floor: the same client and settings against the bare server, right after, on the same core.
  let b, bareError;
  try {
    const bare = await startBare(started.capture, pace, env, `${title} (${BARE})`);
    try {
      b = await timedRun(bare, run, pace, env, `${title}, ${BARE}`);
    } finally {
      await bare.stop();
    }
  } catch (err) {
    bareError = err.message;
  }
  const judged = judge === "latency" ? judgeLatency(u, settings, pace) : judgeCompletion(u, settings);
  const rows = [...judged.rows, cpuRatioRow(title, u, b)];
  const notes = [...judged.notes];
  if (bareError) notes.push(`  ${BARE}: ${bareError}`);
  else notes.push(...bareNotes(u, b, settings, pace, judge));
  return { rows, notes, data: { understudy: u, bare: b ?? null, bareError } };
}

/** The bare run beside Understudy's, and what the bare figures say about the machine. */
function bareNotes(u, b, s, pace, judge) {
  const notes = [
    `  side by side with ${BARE} (servers/bare-paced.mjs: the same bytes at the same times, one 1 ms tick, pre-framed chunks; the same client, settings and core, right after):`,
  ];
  notes.push(...sideBySide(u, b, judge === "latency" ? s : null));
  // Each connection streams `tokens` tokens per ttft + (tokens - 1) gaps, back to back.
  const streamMs = pace.ttft + ((pace.tokens - 1) * 1000) / pace.tps;
  const perConnection = (pace.tokens * 1000) / streamMs;
  if (b.usPerToken) {
    const maxTokens = 1e6 / b.usPerToken;
    notes.push(
      `  ${count(s.streams)} connections each streaming ${pace.tokens} tokens per ${streamMs.toFixed(0)} ms (${perConnection.toFixed(1)} tokens/s on average, ${pace.tps} after the first token) need ~${count(Math.round((s.streams * perConnection) / 1000) * 1000)} token writes per second; at ${us(b.usPerToken)} of server CPU per token (measured at this size), ${BARE} writes at most ~${count(Math.round(maxTokens / 1000) * 1000)} per second on one core, enough for ~${count(Math.round(maxTokens / perConnection / 50) * 50)} such connections`,
    );
  }
  if (judge === "latency") {
    const uOk = meetsTiming(u, s),
      bOk = meetsTiming(b, s);
    if (!uOk && !bOk)
      notes.push(
        `  ${BARE} misses the timing thresholds at ${count(s.streams)} streams too: the machine (one core's socket writes), not Understudy, is the limit at this size; see the capacity target for the largest size each meets`,
      );
    else if (!uOk && bOk)
      notes.push(
        `  ${BARE} meets the timing thresholds at ${count(s.streams)} streams and Understudy does not: the difference is Understudy's own overhead`,
      );
    else if (uOk && !bOk)
      notes.push(`  Understudy meets the timing thresholds and ${BARE} does not: a noisy run? (rerun)`);
  } else if (b.failed || b.peakInFlight < s.streams) {
    notes.push(
      `  ${BARE} did not complete every stream either (${count(b.failed)} failed, peak ${count(b.peakInFlight)} open)`,
    );
  }
  notes.push(...warnings(b, `  ${BARE}: `));
  return notes;
}

function judgeLatency(d, s, pace) {
  const failed = d.failed ? ` (${count(d.failed)} streams failed)` : "";
  const verdict = (ok) =>
    (d.failed || !d.completed ? "FAIL" : ok ? "PASS" : "FAIL") + (d.failed ? " (stream errors)" : "");
  const ttft = d.ttftMs.p99,
    gap = d.gapMs.p50;
  return {
    rows: [
      {
        target: `${s.title}: time to first token p99`,
        measured: `${ms(ttft)} (p50 ${ms(d.ttftMs.p50)})${failed}`,
        threshold: `${s.ttftP99.ms} ± ${s.ttftP99.within} ms`,
        result: verdict(ttft !== undefined && Math.abs(ttft - s.ttftP99.ms) <= s.ttftP99.within),
      },
      {
        target: `${s.title}: median inter-token gap`,
        measured: `${ms(gap)} (p99 ${ms(d.gapMs.p99)})`,
        threshold: `${s.itlMedian.ms} ms ± ${s.itlMedian.within * 100}%`,
        result: verdict(gap !== undefined && Math.abs(gap - s.itlMedian.ms) <= s.itlMedian.ms * s.itlMedian.within),
      },
      {
        target: `${s.title}: server memory (peak RSS)`,
        measured: `${d.rssMB.peak.toFixed(0)} MB`,
        threshold: `< ${s.maxRssMB} MB`,
        result: verdict(d.rssMB.peak < s.maxRssMB),
      },
    ],
    notes: commonNotes(
      `${s.title} (ttft ${pace.ttft} ms, ${pace.tps} tokens/s, ${pace.tokens} tokens)`,
      d,
      ", Understudy",
    ),
  };
}

function judgeCompletion(d, s) {
  const reached = d.peakInFlight >= s.streams;
  const ok = d.completed > 0 && !d.failed && reached;
  return {
    rows: [
      {
        target: `${s.title} complete`,
        measured: `${count(d.completed)} completed, ${count(d.failed)} failed, peak ${count(d.peakInFlight)} open`,
        threshold: `no errors, ${count(s.streams)} open`,
        result: ok ? "PASS" : "FAIL",
      },
    ],
    notes: commonNotes(s.title, d, ", Understudy"),
  };
}
