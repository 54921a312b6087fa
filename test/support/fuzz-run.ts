// Runs fuzz probes over a few raw keep-alive connections (a new one whenever the server closes one)
// and tallies the answers: by status, by worker (from the health check behind each probe), failures.
import { RawConnection, type RawExchange } from "./raw-http.js";
import { describeBody, type BodyCase } from "./fuzz-bodies.js";
import {
  describeUrlCase,
  errorProblem,
  judgeUrl,
  urlCaseBytes,
  type SchemaCheck,
  type UrlVerdict,
} from "./fuzz-judge.js";
import { rawRequest } from "./raw-http.js";
import type { UrlCase } from "./fuzz-urls.js";

export interface Probe {
  /** The probe for a failure message (made only when one fails). */
  describe(): string;
  bytes: Buffer;
  /** The methods of the requests in `bytes`, in order. */
  methods: string[];
  judge(x: RawExchange): UrlVerdict;
}

export interface Tally {
  /** Answers by status; 0 for a request node refused with no answer read. */
  statuses: Record<number, number>;
  answered: number;
  refused: number;
  failures: string[];
  /** Probes whose health check was answered, by the worker named in it (under --workers). */
  workers: Record<number, number>;
}

export function urlProbe(c: UrlCase, schema?: SchemaCheck): Probe {
  return { describe: () => describeUrlCase(c), ...urlCaseBytes(c), judge: (x) => judgeUrl(c, x, schema) };
}

export function bodyProbe(c: BodyCase, schema?: SchemaCheck): Probe {
  const headers: Record<string, string> = c.contentType === null ? {} : { "content-type": c.contentType };
  const bytes = Buffer.concat([rawRequest("POST", c.path, c.body, headers), rawRequest("GET", "/health")]);
  const judge = (x: RawExchange): UrlVerdict => {
    const [first, health] = x.responses;
    if (!first)
      return {
        kind: "failed",
        status: 0,
        why: x.closed ? `connection closed without an answer (${x.error ?? "FIN"})` : `no answer (${x.error})`,
      };
    const why = errorProblem(
      { status: first.status, contentType: first.headers["content-type"], text: first.body.toString("utf8") },
      schema,
    );
    if (why) return { kind: "failed", status: first.status, why };
    if (health?.status !== 200)
      return { kind: "failed", status: first.status, why: `the connection stopped serving after a ${first.status}` };
    return { kind: "answered", status: first.status };
  };
  const describe = () => `#${c.index} POST ${c.path} (content-type ${c.contentType}) ${describeBody(c.body)}`;
  return { describe, bytes, methods: ["POST", "GET"], judge };
}

export interface RunOptions {
  concurrency: number;
  /** Per probe. */
  timeoutMs: number;
  /** Stop taking new probes after this long; the tally says how many ran. */
  budgetMs?: number;
  /** Stop taking new probes after this many failures (default 20), so a broken server fails fast. */
  maxFailures?: number;
}

/**
 * Runs every probe (up to the budget) and returns the tally and how many probes ran. Probes are
 * taken one at a time, so a generator can make a large corpus as it goes.
 */
export async function runProbes(
  port: number,
  probes: Iterable<Probe>,
  options: RunOptions,
): Promise<Tally & { ran: number }> {
  const tally: Tally = { statuses: {}, answered: 0, refused: 0, failures: [], workers: {} };
  const stopAt = Date.now() + (options.budgetMs ?? Infinity);
  const maxFailures = options.maxFailures ?? 20;
  const source = probes[Symbol.iterator]();
  let ran = 0;
  const lane = async (): Promise<void> => {
    let conn: RawConnection | null = null;
    while (Date.now() < stopAt && tally.failures.length < maxFailures) {
      const { value: probe, done } = source.next();
      if (done) break;
      ran++;
      try {
        if (conn === null || conn.closed) conn = await RawConnection.open(port);
      } catch (err) {
        tally.failures.push(`${probe.describe()}\n    → could not connect: ${(err as Error).message}`);
        continue;
      }
      const x = await conn.exchange(probe.bytes, probe.methods, options.timeoutMs);
      const verdict = probe.judge(x);
      tally.statuses[verdict.status] = (tally.statuses[verdict.status] ?? 0) + 1;
      if (verdict.kind === "failed") tally.failures.push(`${probe.describe()}\n    → ${verdict.why}`);
      else tally[verdict.kind]++;
      const worker = x.responses[1] && /"worker":(\d+)/.exec(x.responses[1].body.toString("utf8"));
      if (worker) tally.workers[Number(worker[1])] = (tally.workers[Number(worker[1])] ?? 0) + 1;
      // A timed-out connection may still deliver a late answer: never reuse it.
      if (x.error === "timeout") {
        conn.close();
        conn = null;
      }
    }
    conn?.close();
  };
  await Promise.all(Array.from({ length: options.concurrency }, lane));
  return { ...tally, ran };
}
