// Paced-stream targets: thousands of concurrent streams against one Understudy process, each token timed by the client.
import { snapshot, usage, waitForQuiet } from "./cpu.mjs";
import { acceptQueue, MB, openFileLimit, rss, sampleRss, tcpCounters } from "./proc.mjs";
import { errorResult } from "./report.mjs";
import { median, quantiles } from "./stats.mjs";
import { runStreams } from "./streams.mjs";

const PATH = "/v1/chat/completions";
const REQUEST = { model: "gpt-4o-mini", messages: [{ role: "user", content: "stream thirty tokens, please" }], stream: true };
/** Connections the client and the server each need besides the streams (stdio, pipes, the listener, libuv). */
const FD_SPARE = 200;

const ms = (n) => (n === undefined ? "-" : `${n.toFixed(1)} ms`);
const count = (n) => n.toLocaleString("en-US");
const totalOf = (errors) => Object.values(errors).reduce((a, b) => a + b, 0);

/**
 * Runs `settings.streams` paced streams (Understudy with timing {ttft, tps} and fallback lorem:<tokens>, on the
 * server core) and returns { rows, notes, data }. With `judge: "latency"` the rows are the 5k target's (ttft p99,
 * median gap, peak RSS); with `judge: "completion"` the 10k target's (all complete, none fails).
 */
export async function measureStreams(settings, pace, judge, env) {
  const { title } = settings;
  const need = settings.streams + FD_SPARE;
  const limit = openFileLimit();
  if (limit !== null && limit < need) {
    return errorResult(title, `the open-file limit (ulimit -n) is ${limit}, but ${count(settings.streams)} streams need ${need} open files in the client and as many in the server: run \`ulimit -n ${Math.max(need, 20000)}\` first (raise the hard limit in /etc/security/limits.conf or with prlimit if that is refused)`);
  }
  const options = { timing: { ttft: pace.ttft, tps: pace.tps }, fallback: `lorem:${pace.tokens}` };
  const server = await env.start("bench/servers/understudy.mjs", [JSON.stringify({ fixtures: [], options })], title);
  try {
    const probe = await runStreams(server.url, PATH, REQUEST, {}, { streams: 1, expectedTokens: pace.tokens, graceMs: 10_000 });
    if (probe.completed !== 1) {
      return errorResult(title, `the probe stream failed (${JSON.stringify(probe.errors)}); does dist/ have the timing and fallback options? (npm run build)`);
    }
    if (!(await waitForQuiet(15_000))) env.log(`${title}: the machine stays busy with other work; measuring anyway`);
    const rampMs = (settings.streams / settings.connectRate) * 1000;
    env.log(`${title}: ${count(settings.streams)} connections opened over ${(rampMs / 1000).toFixed(1)} s, then streaming for ${settings.durationS} s`);
    const idleRss = rss(server.pid);
    const memory = sampleRss(() => [server.pid]);
    const tcpBefore = tcpCounters();
    // CPU over the steady phase (from the end of the ramp to the last new request), in which the timed streams run.
    let before = null, after = null;
    const marks = [setTimeout(() => (before = snapshot(server.pid)), rampMs), setTimeout(() => (after = snapshot(server.pid)), rampMs + settings.durationS * 1000)];
    const accepts = watchAcceptQueue(new URL(server.url).port);
    const run = await runStreams(server.url, PATH, REQUEST, {}, {
      streams: settings.streams, batch: settings.batch, rampMs, durationMs: settings.durationS * 1000, expectedTokens: pace.tokens,
    });
    marks.forEach(clearTimeout);
    const acceptQueuePeak = accepts.stop();
    const cpu = before && usage(before, after ?? snapshot(server.pid));
    const tcpAfter = tcpCounters();
    const peak = memory.stop().peak;
    const listenOverflows = (tcpAfter.ListenOverflows ?? 0) - (tcpBefore.ListenOverflows ?? 0);
    const data = summarize(run, cpu, { idle: idleRss, peak }, { ...settings, rampMs, listenOverflows, acceptQueuePeak });
    return { ...(judge === "latency" ? judgeLatency(data, settings, pace) : judgeCompletion(data, settings)), data };
  } finally {
    await server.stop();
  }
}

/** Samples the accept queue every second (through `ss`); stop() gives the sample with the most queued, or null. */
function watchAcceptQueue(port) {
  let peak = null, pending = false;
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
  const steady = run.inFlightSamples.filter(([t]) => t >= settings.rampMs && t <= settings.rampMs + settings.durationS * 1000).map(([, n]) => n);
  return {
    streams: settings.streams, started: run.started, timed: run.timedStreams, completed: run.completed, errors: run.errors, failed: totalOf(run.errors),
    rampMs: settings.rampMs, durationS: settings.durationS, listenOverflows: settings.listenOverflows, acceptQueuePeak: settings.acceptQueuePeak,
    ttftMs: quantiles(run.ttfts, { p50: 0.5, p99: 0.99, max: 1 }),
    firstTtftMs: quantiles(run.firstTtfts, { p50: 0.5, p99: 0.99, max: 1 }),
    gapMs: quantiles(run.gaps, { p10: 0.1, p50: 0.5, p99: 0.99 }),
    gaps: run.gaps.length,
    burstShare: run.gaps.length ? run.bursts / run.gaps.length : 0,
    streamMeanGapMs: run.streamGaps.length ? median(run.streamGaps) : undefined,
    peakInFlight: run.peakInFlight, steadyInFlight: steady.length ? median(steady) : undefined,
    rssMB: { idle: rss.idle / MB, peak: rss.peak / MB },
    cpu, clientLoopDelayMs: run.loopDelayMs, elapsedS: run.elapsedMs / 1000,
  };
}

/** Notes shared by both targets: what the client saw, where the CPU went, and whether the client kept up. */
function commonNotes(title, d) {
  const notes = [
    `${title}: ${count(d.streams)} connections opened over ${(d.rampMs / 1000).toFixed(1)} s, then ${d.durationS} s of streams back to back on each; ${count(d.completed)} streams completed (${count(d.started)} started, ${count(d.timed)} timed: those after the ramp, not a connection's first); open at once: peak ${count(d.peakInFlight)}, median ${d.steadyInFlight === undefined ? "-" : count(d.steadyInFlight)}`,
    `  timed streams: time to first token p50 ${ms(d.ttftMs.p50)}, p99 ${ms(d.ttftMs.p99)}, max ${ms(d.ttftMs.max)}; gaps between tokens p10 ${ms(d.gapMs.p10)}, median ${ms(d.gapMs.p50)}, p99 ${ms(d.gapMs.p99)} (${count(d.gaps)} gaps, ${(d.burstShare * 100).toFixed(1)}% of them under 1 ms: tokens that came in one read or back to back); per-stream mean gap, median ${ms(d.streamMeanGapMs)}`,
    `  connections' first streams (during the ramp, handshake included): time to first token p50 ${ms(d.firstTtftMs.p50)}, p99 ${ms(d.firstTtftMs.p99)}, max ${ms(d.firstTtftMs.max)}; the server's accept queue peaked at ${d.acceptQueuePeak ? `${count(d.acceptQueuePeak.queued)} of ${count(d.acceptQueuePeak.backlog)}` : "n/a (no ss)"} connections, and overflowed ${count(d.listenOverflows)} times system-wide (TcpExt ListenOverflows)`,
    `  server RSS ${d.rssMB.idle.toFixed(0)} MB idle, ${d.rssMB.peak.toFixed(0)} MB peak; cores used in the steady phase: ${d.cpu ? `server ${d.cpu.server.toFixed(2)}, client ${d.cpu.loadGenerator.toFixed(2)}, others ${d.cpu.others.toFixed(2)}${d.cpu.steal >= 0.02 ? `, stolen ${d.cpu.steal.toFixed(2)}` : ""}` : "n/a"}; client event-loop delay p99 ${ms(d.clientLoopDelayMs.p99)}, max ${ms(d.clientLoopDelayMs.max)}`,
  ];
  if (d.acceptQueuePeak?.queued >= 100) notes.push("  connections waited in the server's accept queue: the server, busy streaming, accepted them late, which delays those connections' first streams");
  if (d.listenOverflows > 0) notes.push("  the accept queue overflowed: handshakes were dropped and retried by TCP (after 1 s, 3 s, 7 s ...)");
  if (d.failed) notes.push(`  failed streams: ${Object.entries(d.errors).map(([why, n]) => `${count(n)} × ${why}`).join("; ")}`);
  if ((d.cpu?.loadGenerator ?? 0) >= 0.9 || d.clientLoopDelayMs.p99 > 20) notes.push("  warning: the client was busy (near a full core, or its event loop lagged): it timestamps late, so its latencies are upper bounds");
  if ((d.cpu?.server ?? 0) >= 0.95) notes.push("  the server process used its whole core: it, not the client, set the pace");
  if ((d.cpu?.others ?? 0) >= 0.2) notes.push(`  warning: other processes used ${d.cpu.others.toFixed(2)} cores during the run; the figures are noisy (rerun on a quiet machine)`);
  return notes;
}

function judgeLatency(d, s, pace) {
  const failed = d.failed ? ` (${count(d.failed)} streams failed)` : "";
  const verdict = (ok) => (d.failed || !d.completed ? "FAIL" : ok ? "PASS" : "FAIL") + (d.failed ? " (stream errors)" : "");
  const ttft = d.ttftMs.p99, gap = d.gapMs.p50;
  return {
    rows: [
      { target: `${s.title}: time to first token p99`, measured: `${ms(ttft)} (p50 ${ms(d.ttftMs.p50)})${failed}`, threshold: `${s.ttftP99.ms} ± ${s.ttftP99.within} ms`, result: verdict(ttft !== undefined && Math.abs(ttft - s.ttftP99.ms) <= s.ttftP99.within) },
      { target: `${s.title}: median inter-token gap`, measured: `${ms(gap)} (p99 ${ms(d.gapMs.p99)})`, threshold: `${s.itlMedian.ms} ms ± ${s.itlMedian.within * 100}%`, result: verdict(gap !== undefined && Math.abs(gap - s.itlMedian.ms) <= s.itlMedian.ms * s.itlMedian.within) },
      { target: `${s.title}: server memory (peak RSS)`, measured: `${d.rssMB.peak.toFixed(0)} MB`, threshold: `< ${s.maxRssMB} MB`, result: verdict(d.rssMB.peak < s.maxRssMB) },
    ],
    notes: commonNotes(`${s.title} (ttft ${pace.ttft} ms, ${pace.tps} tokens/s, ${pace.tokens} tokens)`, d),
  };
}

function judgeCompletion(d, s) {
  const reached = d.peakInFlight >= s.streams;
  const ok = d.completed > 0 && !d.failed && reached;
  return {
    rows: [{
      target: `${s.title} complete`,
      measured: `${count(d.completed)} completed, ${count(d.failed)} failed, peak ${count(d.peakInFlight)} open`,
      threshold: `no errors, ${count(s.streams)} open`,
      result: ok ? "PASS" : "FAIL",
    }],
    notes: commonNotes(s.title, d),
  };
}
