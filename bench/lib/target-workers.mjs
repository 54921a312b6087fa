// Throughput of the CLI with --workers 2 against --workers 1 (node:cluster), non-streaming chat driven by wrk.
import { writeFileSync } from "node:fs";
import { cpus } from "node:os";
import { join } from "node:path";
import { FIXTURES, SCENARIOS } from "../scenarios.mjs";
import { pinSelf } from "./children.mjs";
import { snapshot, usage, waitForQuiet } from "./cpu.mjs";
import { send } from "./http.mjs";
import { drive, runProblems } from "./load.mjs";
import { processTree } from "./proc.mjs";
import { errorResult } from "./report.mjs";
import { median } from "./stats.mjs";
import { hasWrk } from "./wrk.mjs";

const count = (n) => Math.round(n).toLocaleString("en-US");

/**
 * Where the servers and wrk run. With 3+ cores (and pinning): both CLIs on the last two cores, wrk on the
 * others, so --workers 2 has the two free cores the target asks for. With 2 cores there is no such split:
 * nothing is pinned and wrk shares the cores with the workers, which caps the ratio (said in the notes).
 */
function placement(env) {
  const cores = cpus().length;
  if (!env.pinning) return { server: null, client: null, shared: true };
  if (cores >= 3)
    return {
      server: { serverCore: `${cores - 2}-${cores - 1}` },
      client: cores === 3 ? "0" : `0-${cores - 3}`,
      shared: false,
    };
  return { server: null, client: `0-${cores - 1}`, shared: true };
}

export async function measureWorkers(s, env) {
  const scenario = SCENARIOS.find((x) => x.id === "chat");
  const file = join(env.scratch, "workers-fixtures.json");
  writeFileSync(file, JSON.stringify({ fixtures: FIXTURES }));
  const where = placement(env);
  if (where.client) pinSelf(where.client);
  const servers = [];
  try {
    for (const workers of [1, 2]) {
      const child = await env.start(
        "dist/cli/main.js",
        ["-f", file, "-p", "0", "-q", "--workers", String(workers)],
        `understudy --workers ${workers}`,
        { pinning: where.server, stopSignal: "SIGTERM" },
      );
      servers.push({ workers, ...child, pids: processTree(child.pid), runs: [] });
    }
    for (const server of servers) {
      const probe = await send(server.url, scenario.path, JSON.stringify(scenario.body));
      const problem = probe.status !== 200 ? `status ${probe.status}` : scenario.check(probe);
      if (problem) return errorResult(s.title, `--workers ${server.workers} failed the probe request: ${problem}`);
      if (server.pids.length < server.workers + (server.workers > 1 ? 1 : 0))
        return errorResult(
          s.title,
          `--workers ${server.workers}: found processes ${server.pids.join(", ")}, expected a primary and ${server.workers} workers`,
        );
    }
    const client = hasWrk() ? "wrk" : "autocannon";
    // Rounds alternate one worker and two, so drift in the machine hits both alike.
    for (let round = 0; round < s.rounds; round++) {
      for (const server of servers) {
        if (round === 0 && s.warmupS > 0)
          await drive(server.url, scenario, { client, connections: s.connections, duration: s.warmupS });
        if (!(await waitForQuiet(15_000)))
          env.log(`${s.title}: the machine stays busy with other work; measuring anyway`);
        env.log(
          `${s.title}: --workers ${server.workers}${s.rounds > 1 ? ` round ${round + 1}` : ""}, ${s.durationS} s`,
        );
        const before = snapshot(server.pids);
        const run = await drive(server.url, scenario, { client, connections: s.connections, duration: s.durationS });
        const trouble = runProblems(run);
        if (trouble) return errorResult(s.title, `--workers ${server.workers}: ${client} run failed: ${trouble}`);
        server.runs.push({ ...run, cpu: usage(before, snapshot(server.pids)) });
      }
    }
    return judge(s, servers, where, client);
  } finally {
    await Promise.all(servers.map((server) => server.stop()));
    if (where.client && env.pinning) pinSelf(env.pinning.clientCores);
  }
}

function judge(s, [one, two], where, client) {
  const ratios = one.runs.map((run, i) => two.runs[i].reqPerSec / run.reqPerSec);
  const ratio = median(ratios);
  const rate = (server) => median(server.runs.map((run) => run.reqPerSec));
  const cpuOf = (server, key) => median(server.runs.map((run) => run.cpu?.[key] ?? NaN));
  const caveat = where.shared ? " (2 cores shared with wrk)" : "";
  const notes = [
    `${s.title}: ${client}, ${s.connections} connections, ${s.durationS} s runs, ${s.rounds} round(s) alternating; rounds (1 / 2 workers req/s = ratio): ${one.runs.map((run, i) => `${count(run.reqPerSec)} / ${count(two.runs[i].reqPerSec)} = ${ratios[i].toFixed(2)}`).join("; ")}`,
  ];
  for (const server of [one, two]) {
    const cores = cpuOf(server, "server");
    notes.push(
      `  --workers ${server.workers} (${server.pids.length} process${server.pids.length > 1 ? "es" : ""}): cores used (medians) server ${cores.toFixed(2)}, ${client} ${cpuOf(server, "loadGenerator").toFixed(2)}, others ${cpuOf(server, "others").toFixed(2)}; ${count(rate(server) / cores)} requests per server core-second`,
    );
  }
  if (where.shared) {
    const oneCore = rate(one) / cpuOf(one, "server"),
      twoCore = rate(two) / cpuOf(two, "server");
    notes.push(
      `  this machine has ${cpus().length} cores, so the two workers share them with ${client} (the target asks for two free cores): the ratio is capped near (2 - ${client}'s cores) / 1.`,
    );
    notes.push(
      `  a projection, not a measurement: with two free cores fully used, 2 x ${count(twoCore)} against ${count(Math.min(1, cpuOf(one, "server")) * oneCore)} req/s would be ${((2 * twoCore) / (Math.min(1, cpuOf(one, "server")) * oneCore)).toFixed(2)} x`,
    );
  }
  return {
    rows: [
      {
        target: `${s.title} throughput`,
        measured: `${ratio.toFixed(2)} x (${count(rate(two))} vs ${count(rate(one))} req/s)`,
        threshold: `>= ${s.minRatio.toFixed(1)} x, two free cores`,
        result: (ratio >= s.minRatio ? "PASS" : "FAIL") + caveat,
      },
    ],
    notes,
    data: {
      placement: where,
      ratios,
      runs: Object.fromEntries([one, two].map((server) => [`workers${server.workers}`, server.runs])),
    },
  };
}
