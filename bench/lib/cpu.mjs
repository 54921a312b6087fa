// CPU accounting from /proc (Linux; elsewhere every figure is null): who used the cores during a run.
import { readFileSync } from "node:fs";
import { cpus } from "node:os";

const CORES = cpus().length;
const read = (path) => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
};

function system() {
  const line = read("/proc/stat")?.split("\n", 1)[0];
  if (!line) return null;
  const f = line.trim().split(/\s+/).slice(1, 9).map(Number);
  const total = f.reduce((a, b) => a + b, 0);
  // user + nice + system: process time only, so our own loopback traffic's softirq time is not "others".
  return { total, idle: f[3] + f[4], processes: f[0] + f[1] + f[2], steal: f[7] };
}

/** utime + stime of a process, all threads, in clock ticks; with children, plus those of its exited children. */
function processTicks(pid, children = false) {
  const stat = read(`/proc/${pid}/stat`);
  if (!stat) return null;
  const f = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  return Number(f[11]) + Number(f[12]) + (children ? Number(f[13]) + Number(f[14]) : 0);
}

/** serverPids: one pid, or several (a cluster's primary and workers) whose ticks are summed. */
export function snapshot(serverPids) {
  const ticks = [serverPids].flat().map((pid) => processTicks(pid));
  const server = ticks.includes(null) ? null : ticks.reduce((a, b) => a + b, 0);
  return { at: performance.now(), system: system(), server, each: ticks, self: processTicks("self", true) };
}

/**
 * Cores used (1.0 = one core busy all along) by the server, the load generator and everything else.
 * The load generator is this process plus its exited children: a wrk run ends (and is reaped) before `after`.
 */
export function usage(before, after) {
  if (!before.system || !after.system || before.server === null || after.server === null) return null;
  const perCore = (after.system.total - before.system.total) / CORES;
  if (perCore <= 0) return null;
  const busy = after.system.processes - before.system.processes;
  const server = after.server - before.server;
  const self = after.self - before.self;
  const round = (n) => Math.round((n / perCore) * 100) / 100;
  const serverSeconds = (server / perCore) * ((after.at - before.at) / 1000);
  // steal: time the hypervisor gave our virtual cores to others; it slows a run without showing as "others".
  const steal = round(after.system.steal - before.system.steal);
  // With several servers measured at once, each one's share: eachSeconds[i] for serverPids[i].
  const eachSeconds = after.each.map(
    (ticks, i) => ((ticks - before.each[i]) / perCore) * ((after.at - before.at) / 1000),
  );
  return {
    server: round(server),
    loadGenerator: round(self),
    others: round(Math.max(0, busy - server - self)),
    steal,
    serverSeconds,
    eachSeconds,
  };
}

/** Waits (up to maxMs) until the machine has been nearly idle for 1 s, so other work does not skew a run. */
export async function waitForQuiet(maxMs, threshold = 0.15) {
  const started = Date.now();
  let quietSamples = 0;
  for (;;) {
    const a = system();
    await new Promise((r) => setTimeout(r, 500));
    const b = system();
    if (!a || !b) return true;
    const busyCores = (b.total - b.idle - (a.total - a.idle)) / ((b.total - a.total) / CORES);
    quietSamples = busyCores < threshold ? quietSamples + 1 : 0;
    if (quietSamples >= 2) return true;
    if (Date.now() - started > maxMs) return false;
  }
}
