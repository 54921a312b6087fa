// Drives one server with the chosen load generator (wrk or autocannon) and reduces the result to the report's figures.
import autocannon from "autocannon";
import { driveWrk } from "./wrk.mjs";

/** `duration` seconds of load; with `requests`, until that many responses (duration then caps the run). */
export async function drive(url, scenario, { connections, duration, requests, client = "autocannon" }) {
  const request = {
    body: JSON.stringify(scenario.body),
    headers: { "content-type": "application/json", ...scenario.headers },
  };
  const target = new URL(scenario.path, url).href;
  if (client === "wrk") return driveWrk(target, request, { connections, duration, requests });
  const result = await autocannon({
    url: target,
    method: "POST",
    ...request,
    connections,
    ...(requests ? { amount: requests } : { duration }),
  });
  return {
    reqPerSec: result.requests.average,
    requests: result.requests.total,
    durationS: result.duration,
    latencyMs: { p50: result.latency.p50, p99: result.latency.p99, avg: result.latency.average },
    bytesPerSec: result.throughput.average,
    errors: result.errors,
    timeouts: result.timeouts,
    non2xx: result.non2xx,
    statusCodes: result.statusCodeStats,
  };
}

/** A sentence naming whatever went wrong in a run, or null for a clean one. */
export function runProblems(run) {
  const problems = run.failure ? [run.failure] : [];
  if (run.errors && !run.failure)
    problems.push(
      `${run.errors} ${run.socketErrors ? `socket errors ${JSON.stringify(run.socketErrors)}` : `errors (${run.timeouts} timeouts)`}`,
    );
  if (run.non2xx)
    problems.push(`${run.non2xx} non-2xx${run.statusCodes ? ` (${JSON.stringify(run.statusCodes)})` : ""}`);
  if (!run.requests) problems.push("no requests completed");
  return problems.length ? problems.join(", ") : null;
}
