// Memory over many requests: one Understudy process's RSS after 1,000 non-streaming requests and after 100,000.
import { FIXTURES, SCENARIOS } from "../scenarios.mjs";
import { waitForQuiet } from "./cpu.mjs";
import { send } from "./http.mjs";
import { drive, runProblems } from "./load.mjs";
import { MB, rss } from "./proc.mjs";
import { errorResult } from "./report.mjs";
import { hasWrk } from "./wrk.mjs";

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Understudy as a library user runs it (createServer with the bench fixture and default options, journal
 * included) takes `checkpoints` cumulative requests from wrk; after each batch it settles `settleS` and its
 * RSS is read. The target compares the last checkpoint with the first.
 */
export async function measureMemory(s, env) {
  const scenario = SCENARIOS.find((x) => x.id === "chat");
  const server = await env.start("bench/servers/understudy.mjs", [JSON.stringify({ fixtures: FIXTURES })], s.title);
  try {
    const probe = await send(server.url, scenario.path, JSON.stringify(scenario.body));
    const problem = probe.status !== 200 ? `status ${probe.status}` : scenario.check(probe);
    if (problem) return errorResult(s.title, `the probe request failed: ${problem}`);
    await waitForQuiet(15_000);
    const client = hasWrk() ? "wrk" : "autocannon";
    let served = 1; // the probe
    const points = [];
    for (const checkpoint of s.checkpoints) {
      env.log(`${s.title}: requests ${served.toLocaleString("en-US")} to ${checkpoint.toLocaleString("en-US")}`);
      const run = await drive(server.url, scenario, {
        client,
        connections: s.connections,
        duration: 600,
        requests: checkpoint - served,
      });
      const trouble = runProblems(run);
      if (trouble) return errorResult(s.title, `${client} run failed: ${trouble}`);
      served += run.requests;
      await sleep(s.settleS * 1000);
      points.push({ requests: served, rssMB: rss(server.pid) / MB, reqPerSec: run.reqPerSec });
    }
    const first = points[0],
      last = points.at(-1);
    const ratio = last.rssMB / first.rssMB;
    return {
      rows: [
        {
          target: s.title,
          measured: `${ratio.toFixed(2)} x (${first.rssMB.toFixed(1)} -> ${last.rssMB.toFixed(1)} MB)`,
          threshold: `<= ${(1 + s.maxGrowth).toFixed(2)} x`,
          result: ratio <= 1 + s.maxGrowth ? "PASS" : "FAIL",
        },
      ],
      notes: [
        `${s.title}: RSS ${s.settleS} s after each batch (${client}, ${s.connections} connections): ${points.map((p) => `${p.requests.toLocaleString("en-US")} requests ${p.rssMB.toFixed(1)} MB`).join(", ")}`,
      ],
      data: { client, points },
    };
  } finally {
    await server.stop();
  }
}
