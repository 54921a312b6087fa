// Command-line flags and BENCH_* environment variables, flags winning, with --quick for smoke runs.
import { parseArgs } from "node:util";
import { hasWrk } from "./wrk.mjs";

export function readOptions(argv = process.argv.slice(2), env = process.env) {
  const { values: f } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      duration: { type: "string" },
      connections: { type: "string" },
      warmup: { type: "string" },
      rounds: { type: "string" },
      client: { type: "string" },
      "understudy-options": { type: "string" },
      "no-pin": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const num = (flag, name, fallback, min = 1) => {
    const value = Number(flag ?? env[name] ?? fallback);
    if (!Number.isFinite(value) || value < min)
      throw new Error(`bad value for --${name.slice(6).toLowerCase()} / ${name}: ${flag ?? env[name]}`);
    return value;
  };
  const named = f.client ?? env.BENCH_CLIENT;
  if (named !== undefined && !["wrk", "autocannon"].includes(named))
    throw new Error(`bad value for --client / BENCH_CLIENT: ${named} (wrk or autocannon)`);
  if (named === "wrk" && !hasWrk()) throw new Error("--client wrk: wrk is not on PATH (apt-get install wrk)");
  const wrk = named === undefined && hasWrk();
  let understudyOptions = {};
  try {
    understudyOptions = JSON.parse(f["understudy-options"] ?? env.BENCH_UNDERSTUDY_OPTIONS ?? "{}");
  } catch {
    throw new Error(
      `bad value for --understudy-options: not JSON: ${f["understudy-options"] ?? env.BENCH_UNDERSTUDY_OPTIONS}`,
    );
  }
  return {
    help: f.help,
    duration: num(f.duration, "BENCH_DURATION", f.quick ? 3 : 5),
    connections: num(f.connections, "BENCH_CONNECTIONS", 50),
    warmup: num(f.warmup, "BENCH_WARMUP", f.quick ? 1 : 2, 0),
    rounds: Math.round(num(f.rounds, "BENCH_ROUNDS", f.quick ? 1 : 7)),
    client: named ?? (wrk ? "wrk" : "autocannon"),
    clientNote:
      named === undefined && !wrk
        ? "wrk is not on PATH, so autocannon drives the load; on a 2-core machine it can be the bottleneck (apt-get install wrk)"
        : null,
    understudyOptions,
    pin: !f["no-pin"] && env.BENCH_PIN !== "0",
  };
}

export const USAGE = `usage: npm run bench [-- --quick] [--duration S] [--connections N] [--warmup S] [--rounds N]
                     [--client wrk|autocannon] [--understudy-options JSON] [--no-pin]
  --client: load generator; default wrk when it is on PATH, else autocannon
  --rounds: N rounds of Understudy and the bare server(s) loaded together (default 7, 1 with --quick); medians are reported
  --understudy-options: extra createServer options, e.g. '{"journalSize":0}'
  env: BENCH_DURATION, BENCH_CONNECTIONS, BENCH_WARMUP, BENCH_ROUNDS, BENCH_CLIENT, BENCH_UNDERSTUDY_OPTIONS, BENCH_PIN=0 (flags win)`;
