// Fuzz under `understudy --workers 2`: seeded hostile URLs and bodies reach both workers through the
// CLI; afterwards both still answer (the same two, none replaced) and the primary is alive.
import { get } from "node:http";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { makeBodyCase } from "./support/fuzz-bodies.js";
import { bodyProbe, runProbes, urlProbe } from "./support/fuzz-run.js";
import { prng } from "./support/fuzz-rng.js";
import { makeUrlCase } from "./support/fuzz-urls.js";
import { root, startCli, stopAllClis } from "./support/cli.js";

const SEED = 0x5eed_0306;
const URLS = 1500;
const BODIES = 1500;

afterAll(stopAllClis);

interface Health {
  status: string;
  worker: number;
  pid: number;
}

/** GET /health on a connection of its own, so the primary hands it to the next worker. */
function health(url: string): Promise<Health> {
  return new Promise((resolve, reject) => {
    const req = get(`${url}/health`, { agent: false, timeout: 3000 }, (res) => {
      let body = "";
      res.on("data", (chunk: Buffer) => (body += chunk.toString()));
      res.on("end", () => resolve(JSON.parse(body) as Health));
    });
    req.on("timeout", () => req.destroy(new Error("no answer in 3 s")));
    req.on("error", reject);
  });
}

/** The workers (id → pid) that answer eight fresh connections. */
async function workers(url: string): Promise<Record<number, number>> {
  const seen: Record<number, number> = {};
  for (let i = 0; i < 8; i++) {
    const h = await health(url);
    expect(h.status).toBe("ok");
    seen[h.worker] = h.pid;
  }
  return seen;
}

describe(`fuzz under --workers 2: ${URLS} hostile URLs and ${BODIES} hostile bodies (seed ${SEED})`, () => {
  it("answers them at both workers with no 5xx and no dropped connection; both workers and the primary live on", async () => {
    const cli = await startCli(["--workers", "2", "-f", join(root, "test/fixtures/seed-000-chat.json")]);
    let stderr = "";
    cli.child.stderr.on("data", (data: Buffer) => (stderr += data.toString()));
    const port = Number(new URL(cli.url).port);
    const before = await workers(cli.url);
    expect(Object.keys(before)).toHaveLength(2);

    const rng = prng(SEED);
    // Interleaved, so each connection (and so each worker) gets both kinds throughout.
    const probes = Array.from({ length: URLS + BODIES }, (_, i) =>
      i % 2 === 0 ? urlProbe(makeUrlCase(rng, i)) : bodyProbe(makeBodyCase(rng, i)),
    );
    const tally = await runProbes(port, probes, { concurrency: 6, timeoutMs: 3000 });
    expect(
      tally.failures,
      `${tally.failures.length} bad answers (statuses ${JSON.stringify(tally.statuses)}):\n${tally.failures.slice(0, 10).join("\n")}`,
    ).toEqual([]);
    expect(tally.ran).toBe(URLS + BODIES);
    expect(
      Object.keys(tally.statuses)
        .map(Number)
        .filter((s) => s >= 500),
    ).toEqual([]);
    // Both workers answered a share of the hostile requests (named by the health check behind each).
    expect(Object.keys(tally.workers).sort()).toEqual(Object.keys(before).sort());
    expect(Math.min(...Object.values(tally.workers))).toBeGreaterThan(100);

    // The same two workers answer, none was replaced, and the primary never exited.
    expect(await workers(cli.url)).toEqual(before);
    expect([cli.child.exitCode, cli.child.signalCode]).toEqual([null, null]);
    expect(stderr).toBe("");
    const chat = await fetch(`${cli.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: '{"model":"gpt-4","messages":[{"role":"user","content":"hello"}]}',
    });
    expect(((await chat.json()) as { choices: { message: { content: string } }[] }).choices[0].message.content).toBe(
      "Hello! How can I help?",
    );
    await cli.stop();
  }, 40_000);
});
