// Drives one server with wrk (a C load generator, one thread) and parses its text report.
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export const hasWrk = () => !spawnSync("wrk", ["--version"]).error;

/** What the Lua script prints once it has its `requests` responses. */
const ENOUGH = "understudy-bench: enough requests";

/**
 * A Lua script setting method, body and headers; the body sits in a long bracket no `]==…]` in it can close.
 * With `requests`, the (single) thread stops after that many responses and says so on stdout: wrk itself
 * sleeps out its -d duration whatever its threads do, so the parent interrupts it (SIGINT: it reports and exits).
 */
function luaScript(body, headers, requests) {
  let eq = "=";
  while (body.includes(`]${eq}]`)) eq += "=";
  const lines = ['wrk.method = "POST"', `wrk.body = [${eq}[${body}]${eq}]`];
  for (const [name, value] of Object.entries(headers))
    lines.push(`wrk.headers[${JSON.stringify(name)}] = ${JSON.stringify(value)}`);
  if (requests)
    lines.push(
      "local done = 0",
      `function response() done = done + 1 if done == ${requests} then wrk.thread:stop() io.write("${ENOUGH}\\n") io.flush() end end`,
    );
  return `${lines.join("\n")}\n`;
}

const UNITS = { us: 1e-3, ms: 1, s: 1e3, m: 60e3, h: 3600e3 };
const BYTES = { B: 1, KB: 1024, MB: 1024 ** 2, GB: 1024 ** 3, TB: 1024 ** 4 };
const ms = (text) => {
  const m = /^([\d.]+)(us|ms|s|m|h)$/.exec(text ?? "");
  return m ? Number(m[1]) * UNITS[m[2]] : undefined;
};

/** The figures of wrk's report (run with --latency), in the shape load.mjs returns. */
export function parseWrk(out) {
  const grab = (re) => re.exec(out);
  const total = grab(/(\d+) requests in ([\d.]+)(us|ms|s|m|h)/);
  const sock = grab(/Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/);
  const transfer = grab(/Transfer\/sec:\s+([\d.]+)([KMGT]?B)/);
  const [connect, read, write, timeout] = sock ? sock.slice(1).map(Number) : [0, 0, 0, 0];
  return {
    reqPerSec: Number(grab(/Requests\/sec:\s+([\d.]+)/)?.[1] ?? 0),
    requests: Number(total?.[1] ?? 0),
    durationS: total ? ms(`${total[2]}${total[3]}`) / 1000 : 0,
    latencyMs: {
      p50: ms(grab(/^\s+50%\s+(\S+)/m)?.[1]),
      p99: ms(grab(/^\s+99%\s+(\S+)/m)?.[1]),
      avg: ms(grab(/^\s+Latency\s+(\S+)/m)?.[1]),
    },
    bytesPerSec: transfer ? Number(transfer[1]) * BYTES[transfer[2]] : 0,
    errors: connect + read + write + timeout,
    timeouts: timeout,
    non2xx: Number(grab(/Non-2xx or 3xx responses: (\d+)/)?.[1] ?? 0),
    socketErrors: { connect, read, write, timeout },
  };
}

/** One wrk run of `duration` seconds, or (with `requests`) until that many responses, `duration` being the cap. */
export async function driveWrk(url, { body, headers }, { connections, duration, requests }) {
  const dir = mkdtempSync(join(tmpdir(), "understudy-wrk-"));
  const script = join(dir, "post.lua");
  writeFileSync(script, luaScript(body, headers, requests));
  try {
    const { code, out, err } = await new Promise((resolve, reject) => {
      const child = spawn("wrk", ["-t1", `-c${connections}`, `-d${duration}s`, "--latency", "-s", script, url], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      let out = "",
        err = "";
      child.stdout.on("data", (d) => {
        out += d;
        if (requests && !child.killed && out.includes(ENOUGH)) child.kill("SIGINT");
      });
      child.stderr.on("data", (d) => (err += d));
      child.once("error", reject);
      child.once("close", (code) => resolve({ code, out, err }));
    });
    // No report (e.g. "unable to connect"): a failed run, which the caller turns into an ERROR row.
    if (!/Requests\/sec:/.test(out))
      return { ...parseWrk(""), errors: 1, failure: `wrk exited ${code}: ${(err || out).trim().slice(0, 300)}` };
    return parseWrk(out);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
