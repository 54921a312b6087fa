// Command-line flags and BENCH_* environment variables, flags winning, with --quick for smoke runs.
import { parseArgs } from "node:util";

export function readOptions(argv = process.argv.slice(2), env = process.env) {
  const { values: f } = parseArgs({
    args: argv,
    options: {
      quick: { type: "boolean", default: false },
      duration: { type: "string" }, connections: { type: "string" }, warmup: { type: "string" }, rounds: { type: "string" },
      "no-pin": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const num = (flag, name, fallback, min = 1) => {
    const value = Number(flag ?? env[name] ?? fallback);
    if (!Number.isFinite(value) || value < min) throw new Error(`bad value for --${name.slice(6).toLowerCase()} / ${name}: ${flag ?? env[name]}`);
    return value;
  };
  return {
    help: f.help,
    duration: num(f.duration, "BENCH_DURATION", f.quick ? 3 : 10),
    connections: num(f.connections, "BENCH_CONNECTIONS", 50),
    warmup: num(f.warmup, "BENCH_WARMUP", f.quick ? 1 : 2, 0),
    rounds: Math.round(num(f.rounds, "BENCH_ROUNDS", 1)),
    pin: !f["no-pin"] && env.BENCH_PIN !== "0",
  };
}

export const USAGE = `usage: npm run bench [-- --quick] [--duration S] [--connections N] [--warmup S] [--rounds N] [--no-pin]
  env: BENCH_DURATION, BENCH_CONNECTIONS, BENCH_WARMUP, BENCH_ROUNDS, BENCH_PIN=0 (flags win)`;
