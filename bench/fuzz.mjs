// A large seeded fuzz run against the built server (dist/): hostile bodies, URLs and WebSocket frames
// from the same generators as test/fuzz*.test.ts, with counts by status, any 5xx or crash, and times.
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";
import { ensureBuild } from "./lib/build.mjs";
import { childGroup } from "./lib/children.mjs";
import { rss } from "./lib/proc.mjs";

const root = new URL("../", import.meta.url);
const { values: flags } = parseArgs({
  options: {
    bodies: { type: "string", default: "100000" },
    urls: { type: "string", default: "10000" },
    frames: { type: "string", default: "10000" },
    seed: { type: "string", default: "0x5eed0f00" },
    concurrency: { type: "string", default: "16" },
    budget: { type: "string", default: "600" },
    help: { type: "boolean", short: "h", default: false },
  },
});
if (flags.help) {
  console.log(
    "node bench/fuzz.mjs [--bodies 100000] [--urls 10000] [--frames 10000] [--seed 0x5eed0f00] [--concurrency 16] [--budget 600]",
  );
  console.log("  --budget: seconds per phase; a phase stops taking new cases after it (and says so).");
  process.exit(0);
}
const count = (name) => {
  const value = Number(flags[name]);
  if (!Number.isInteger(value) || value < 0) throw new Error(`--${name}: expected a whole number, got ${flags[name]}`);
  return value;
};
const seed = Number(flags.seed);
const concurrency = Math.max(1, count("concurrency"));
const budgetMs = count("budget") * 1000;

/**
 * The generators live in test/support as TypeScript; they are transpiled (types stripped, nothing
 * checked) into node_modules/.cache, where their imports of `ws` still resolve.
 */
async function loadGenerators() {
  const out = new URL("node_modules/.cache/understudy-fuzz/", root);
  mkdirSync(out, { recursive: true });
  for (const name of [
    "fuzz-rng",
    "fuzz-bodies",
    "fuzz-urls",
    "fuzz-judge",
    "fuzz-run",
    "fuzz-frames",
    "fuzz-ws",
    "raw-http",
  ]) {
    const source = readFileSync(new URL(`test/support/${name}.ts`, root), "utf8");
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    writeFileSync(new URL(`${name}.js`, out), outputText);
  }
  const load = (name) => import(pathToFileURL(fileURLToPath(new URL(`${name}.js`, out))).href);
  const [rng, bodies, urls, run, frames, ws] = await Promise.all(
    ["fuzz-rng", "fuzz-bodies", "fuzz-urls", "fuzz-run", "fuzz-frames", "fuzz-ws"].map(load),
  );
  return {
    prng: rng.prng,
    makeBodyCase: bodies.makeBodyCase,
    makeUrlCase: urls.makeUrlCase,
    ...run,
    makeFrameCase: frames.makeFrameCase,
    runFrames: ws.runFrames,
  };
}

function* cases(make, seedValue, n) {
  const rng = g.prng(seedValue);
  for (let i = 0; i < n; i++) yield make(rng, i);
}

const alive = (pid) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const mb = (bytes) => (bytes === null ? "gone" : `${(bytes / 1024 / 1024).toFixed(0)} MB`);
const sortedCounts = (counts) =>
  Object.entries(counts)
    .sort(([a], [b]) => (Number(a) || 0) - (Number(b) || 0) || a.localeCompare(b))
    .map(([k, v]) => `${k}: ${v}`)
    .join(", ");

/** One phase on a fresh server: runs `go(url, port)` and reports what it found; true when all was well. */
async function phase(title, planned, fixtures, options, go) {
  if (planned === 0) return true;
  const children = childGroup(root, null);
  const server = await children.start(
    "bench/servers/understudy.mjs",
    [JSON.stringify({ fixtures, options })],
    "understudy",
  );
  const port = Number(new URL(server.url).port);
  const started = performance.now();
  const result = await go(server.url, port);
  const seconds = (performance.now() - started) / 1000;
  const up = alive(server.pid);
  const health = up
    ? await fetch(`${server.url}/health`).then(
        (r) => r.status,
        (e) => e.message,
      )
    : "no process";
  const memory = rss(server.pid);
  await children.stopAll();
  const fivexx = Object.entries(result.counts).filter(([k]) => /(^| )5\d\d( |$)/.test(k));
  console.log(`\n## ${title}`);
  console.log(
    `${result.ran} of ${result.planned} in ${seconds.toFixed(1)} s (${Math.round(result.ran / seconds)}/s)${result.ran < result.planned ? ` — stopped early (budget ${budgetMs / 1000} s or too many failures)` : ""}`,
  );
  console.log(`answers: ${sortedCounts(result.counts)}`);
  if (result.extra) console.log(result.extra);
  console.log(
    `5xx: ${fivexx.length ? sortedCounts(Object.fromEntries(fivexx)) : "none"}; failures: ${result.failures.length}; process ${up ? "alive" : "GONE (crashed)"}; /health afterwards: ${health}; RSS at the end: ${mb(memory)}`,
  );
  for (const failure of result.failures.slice(0, 10)) console.log(`  ${failure.replace(/\n/g, "\n  ")}`);
  return up && health === 200 && result.failures.length === 0 && fivexx.length === 0 && result.ran === result.planned;
}

ensureBuild(root);
const g = await loadGenerators();
const sentinel = [
  { match: { userMessage: "the-one-request-a-fixture-answers" }, response: { content: "Still here." } },
];
const catchAll = [{ match: {}, response: { content: "ok" } }];
const total = { bodies: count("bodies"), urls: count("urls"), frames: count("frames") };
console.log(
  `# fuzz: ${total.bodies} bodies, ${total.urls} URLs, ${total.frames} WebSocket frames (seed ${flags.seed}, ${concurrency} connections, node ${process.version})`,
);
const runStarted = performance.now();
const ok = [];

ok.push(
  await phase(
    "hostile bodies (every one must be a well-formed 4xx)",
    total.bodies,
    sentinel,
    { journalSize: 100 },
    async (_url, port) => {
      const probes = (function* () {
        for (const c of cases(g.makeBodyCase, seed, total.bodies)) yield g.bodyProbe(c);
      })();
      const tally = await g.runProbes(port, probes, { concurrency, timeoutMs: 10_000, budgetMs });
      return { ran: tally.ran, planned: total.bodies, counts: tally.statuses, failures: tally.failures };
    },
  ),
);

ok.push(
  await phase(
    "hostile URLs (never a 5xx; the connection kept whenever Understudy answered)",
    total.urls,
    catchAll,
    { journalSize: 100 },
    async (_url, port) => {
      const probes = (function* () {
        for (const c of cases(g.makeUrlCase, seed + 1, total.urls)) yield g.urlProbe(c);
      })();
      const tally = await g.runProbes(port, probes, { concurrency, timeoutMs: 10_000, budgetMs });
      return {
        ran: tally.ran,
        planned: total.urls,
        counts: tally.statuses,
        failures: tally.failures,
        extra: `${tally.answered} answered by Understudy, ${tally.refused} refused by node's parser (0 = refused with no answer read)`,
      };
    },
  ),
);

ok.push(
  await phase(
    "hostile WebSocket frames (one answer each, on its lane)",
    total.frames,
    catchAll,
    { journalSize: 100, maxBodyBytes: 2 * 1024 * 1024 },
    async (url) => {
      const tally = await g.runFrames(url, [...cases(g.makeFrameCase, seed + 2, total.frames)], {
        batch: 20,
        timeoutMs: 10_000,
        budgetMs,
        maxFailures: 20,
      });
      return { ran: tally.ran, planned: total.frames, counts: tally.answers, failures: tally.failures };
    },
  ),
);

const passed = ok.every(Boolean);
console.log(`\n${passed ? "PASS" : "FAIL"}: ${((performance.now() - runStarted) / 1000).toFixed(1)} s in all`);
process.exit(passed ? 0 : 1);
