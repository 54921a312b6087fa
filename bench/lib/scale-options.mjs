// Flags of `npm run bench:scale`: which targets, smoke-run sizes, pinning.
import { parseArgs } from "node:util";

export const TARGET_IDS = ["streams-5k", "streams-10k", "capacity", "workers", "memory", "paused"];

export const SCALE_USAGE = `usage: npm run bench:scale [-- --only <ids>] [--quick] [--no-pin]
  --only: comma-separated targets to run, of ${TARGET_IDS.join(", ")} (default: all)
  --quick: a smoke run at a tenth of the sizes and short durations; its figures do not judge the targets
  --no-pin: do not pin the server and the client to separate cores (BENCH_PIN=0 too)`;

export function readScaleOptions(argv = process.argv.slice(2), env = process.env) {
  const { values: f } = parseArgs({
    args: argv,
    options: {
      only: { type: "string" },
      quick: { type: "boolean", default: false },
      "no-pin": { type: "boolean", default: false },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const only = f.only
    ? f.only
        .split(",")
        .map((s) => s.trim())
        .filter(Boolean)
    : TARGET_IDS;
  const unknown = only.filter((id) => !TARGET_IDS.includes(id));
  if (unknown.length)
    throw new Error(`unknown target(s) for --only: ${unknown.join(", ")} (known: ${TARGET_IDS.join(", ")})`);
  return { help: f.help, only, quick: f.quick, pin: !f["no-pin"] && env.BENCH_PIN !== "0" };
}
