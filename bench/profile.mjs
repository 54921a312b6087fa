// `node bench/profile.mjs [scenario-id] [seconds] [--bare]`: loads Understudy (or, with --bare, the bare
// server replaying Understudy's answer) under --cpu-prof and prints its top costs.
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { setUpPinning, startChild } from "./lib/children.mjs";
import { closeAgent, send, toReplay } from "./lib/http.mjs";
import { drive } from "./lib/load.mjs";
import { hasWrk } from "./lib/wrk.mjs";
import { FIXTURES, SCENARIOS } from "./scenarios.mjs";

const bare = process.argv.includes("--bare");
const [id = "chat", seconds = "8"] = process.argv.slice(2).filter((a) => a !== "--bare");
const scenario = SCENARIOS.find((s) => s.id === id) ?? (console.error(`no scenario ${id}`), process.exit(2));
const dir = mkdtempSync(join(tmpdir(), "understudy-prof-"));
const script = fileURLToPath(new URL("servers/understudy.mjs", import.meta.url));
const pinning = setUpPinning(true);
const profiler = ["--cpu-prof", `--cpu-prof-dir=${dir}`];
let server = await startChild(
  script,
  [JSON.stringify({ fixtures: FIXTURES })],
  pinning,
  "understudy",
  bare ? [] : profiler,
);
let probe = await send(server.url, scenario.path, JSON.stringify(scenario.body), scenario.headers);
if (bare) {
  const captured = join(dir, "capture.json");
  writeFileSync(captured, JSON.stringify(toReplay(probe)));
  await server.stop();
  server = await startChild(
    fileURLToPath(new URL("servers/bare.mjs", import.meta.url)),
    [captured],
    pinning,
    "bare",
    profiler,
  );
  probe = await send(server.url, scenario.path, JSON.stringify(scenario.body), scenario.headers);
}
closeAgent();
if (probe.status !== 200) throw new Error(`Understudy answered ${probe.status} for ${scenario.path}`);
const run = await drive(server.url, scenario, {
  connections: 50,
  duration: Number(seconds),
  client: process.env.BENCH_CLIENT ?? (hasWrk() ? "wrk" : "autocannon"),
});
await server.stop();
console.log(
  `${bare ? "bare " : ""}${scenario.title}: ${Math.round(run.reqPerSec)} req/s under the profiler (errors ${run.errors}, non-2xx ${run.non2xx})${run.failure ? `: ${run.failure}` : ""}\n`,
);

const profile = JSON.parse(
  readFileSync(
    join(
      dir,
      readdirSync(dir).find((f) => f.endsWith(".cpuprofile")),
    ),
    "utf8",
  ),
);
rmSync(dir, { recursive: true, force: true });
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const short = (url) => url.replace(/^file:\/\/.*?\/(dist|node_modules)\//, "$1/").replace(/^node:/, "");
const key = (n) =>
  `${n.callFrame.functionName || "(anonymous)"} ${short(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
const self = new Map();
const total = new Map();
const stackOf = (id) => {
  const keys = new Set();
  for (let at = id; at !== undefined; at = parent.get(at)) keys.add(key(byId.get(at)));
  return keys;
};
// Only samples from the first request on: start-up (module loading, tokenizer tables) is not the hot path.
const first = bare
  ? Math.floor(profile.samples.length / 4)
  : profile.samples.findIndex((id) => [...stackOf(id)].some((k) => k.startsWith("handleRequest ")));
let busy = 0;
for (let i = first; i < profile.samples.length; i++) {
  const n = byId.get(profile.samples[i]);
  const us = profile.timeDeltas[i + 1] ?? 0; // a sample's delta is the time up to the next one
  if (n.callFrame.functionName === "(idle)") continue;
  busy += us;
  self.set(key(n), (self.get(key(n)) ?? 0) + us);
  for (const k of stackOf(n.id)) total.set(k, (total.get(k) ?? 0) + us);
}
const requests = run.requests + 1;
const top = (map, count, filter = () => true) =>
  [...map]
    .filter(([k]) => filter(k))
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(
      ([k, us]) => `${(us / requests).toFixed(1).padStart(6)} us ${((us / busy) * 100).toFixed(1).padStart(5)}%  ${k}`,
    )
    .join("\n");
console.log(
  `busy CPU per request: ${(busy / requests).toFixed(1)} us (inflated by the profiler; compare shares, not absolutes)\n`,
);
console.log(
  `top self time, per request and as a share of busy time (inlined callees count as their caller's):\n${top(self, 20)}\n`,
);
console.log(
  `top inclusive time in dist/ and node_modules/:\n${top(total, 25, (k) => /\b(dist|node_modules)\//.test(k))}`,
);
if (process.env.PROFILE_GROUPS) {
  const groups = new Map();
  for (const [k, us] of self) {
    const g = / dist\//.test(k)
      ? "dist"
      : / node_modules\//.test(k)
        ? "node_modules"
        : /:0$/.test(k)
          ? k
          : "node internals";
    groups.set(g, (groups.get(g) ?? 0) + us);
  }
  console.log(`\nself time by group:\n${top(groups, 15)}`);
  console.log(`\nall dist self time:\n${top(self, 60, (k) => / dist\//.test(k))}`);
  console.log(
    `\nnode internals self time:\n${top(self, 45, (k) => !/ (dist|node_modules)\//.test(k) && !/:0$/.test(k))}`,
  );
}
