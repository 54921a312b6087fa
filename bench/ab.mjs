// `node bench/ab.mjs [scenario] [--a REV] [--b REV] [--b-node=FLAGS] [--b-options JSON] [--rounds N] [--duration S]`:
// measures one change.
// Two builds of Understudy (A: a git revision, HEAD by default; B: another revision, or by default this
// checkout's dist/) and the bare server replaying A's answer are loaded at the same time on the servers'
// core, as `npm run bench` does, and compared by requests per CPU-second. Prints B / A per round and its median.
// --b-node=FLAGS runs B's node with extra flags (say --b-node=--max-semi-space-size=32, space-separated), and
// --b-options gives B extra createServer options (say '{"responseStoreSize":0}'): one build, two settings.
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { send, toReplay } from "./lib/http.mjs";
import { measureTogether, perCore } from "./lib/scenario.mjs";
import { median } from "./lib/stats.mjs";
import { abSession } from "./lib/revisions.mjs";
import { hasWrk } from "./lib/wrk.mjs";
import { FIXTURES, SCENARIOS } from "./scenarios.mjs";

const root = new URL("..", import.meta.url);
const { values: flags, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    a: { type: "string", default: "HEAD" },
    b: { type: "string" },
    "b-node": { type: "string", default: "" },
    "b-options": { type: "string", default: "{}" },
    rounds: { type: "string", default: "5" },
    duration: { type: "string", default: "4" },
  },
});
const scenario = SCENARIOS.find((s) => s.id === (positionals[0] ?? "chat"));
if (!scenario) {
  console.error(
    `usage: node bench/ab.mjs [${SCENARIOS.map((s) => s.id).join("|")}] [--a REV] [--b REV] [--b-node=FLAGS] [--b-options JSON] [--rounds N] [--duration S]`,
  );
  process.exit(2);
}
// A stream is judged against the bare non-streaming server, as in `npm run bench`.
const base = SCENARIOS.find((s) => s.id === (scenario.target.base ?? scenario.id));
const opts = {
  rounds: Number(flags.rounds),
  duration: Number(flags.duration),
  warmup: 2,
  connections: 50,
  client: hasWrk() ? "wrk" : "autocannon",
};

const { log, revisions, children, cleanUp } = abSession(root);

try {
  const builds = { A: revisions.build(flags.a, "a"), B: revisions.build(flags.b, "b") };
  const start = (dist, label, nodeArgs = [], options = {}) =>
    children.start("bench/servers/understudy.mjs", [JSON.stringify({ fixtures: FIXTURES, dist, options })], label, {
      nodeArgs,
    });
  const a = await start(builds.A, `A (${flags.a})`);
  const b = await start(
    builds.B,
    `B (${flags.b ?? "this checkout"})`,
    flags["b-node"].split(" ").filter(Boolean),
    JSON.parse(flags["b-options"]),
  );
  const capture = join(revisions.scratch, "capture.json");
  writeFileSync(
    capture,
    JSON.stringify(toReplay(await send(a.url, base.path, JSON.stringify(base.body), base.headers))),
  );
  const bare = await children.start("bench/servers/bare.mjs", [capture], "bare");
  const parts = [
    { who: "bare", server: bare, scenario: base },
    { who: "A", server: a, scenario },
    { who: "B", server: b, scenario },
  ];
  const rounds = [];
  for (let round = 0; round < opts.rounds; round++) {
    const [bareRun, aRun, bRun] = await measureTogether(parts, scenario.id, round, opts);
    const r = { bare: perCore(bareRun), a: perCore(aRun), b: perCore(bRun) };
    rounds.push(r);
    log(
      `round ${round + 1}: req/s per core bare ${Math.round(r.bare)}, A ${Math.round(r.a)} (${(r.a / r.bare).toFixed(3)} of bare), B ${Math.round(r.b)} (${(r.b / r.bare).toFixed(3)}); B / A ${(r.b / r.a).toFixed(3)}`,
    );
  }
  const m = (f) => median(rounds.map(f)).toFixed(3);
  console.log(
    `${scenario.title}: A (${flags.a}) ${m((r) => r.a / r.bare)} of bare ${base.title}, B (${flags.b ?? "this checkout"}) ${m((r) => r.b / r.bare)}; B / A ${m((r) => r.b / r.a)} (medians of ${rounds.length} rounds)`,
  );
} finally {
  await cleanUp();
}
