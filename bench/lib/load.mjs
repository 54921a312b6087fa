// Drives one server with autocannon and reduces the result to the figures the report needs.
import autocannon from "autocannon";

export async function drive(url, scenario, { connections, duration }) {
  const result = await autocannon({
    url: new URL(scenario.path, url).href,
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(scenario.body),
    connections,
    duration,
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
  const problems = [];
  if (run.errors) problems.push(`${run.errors} errors (${run.timeouts} timeouts)`);
  if (run.non2xx) problems.push(`${run.non2xx} non-2xx (${JSON.stringify(run.statusCodes)})`);
  if (!run.requests) problems.push("no requests completed");
  return problems.length ? problems.join(", ") : null;
}
