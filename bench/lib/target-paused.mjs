// Paused readers: clients that request a long stream and then never read must not grow the server's memory
// beyond the socket buffers (kernel memory, outside its RSS): once those are full, its RSS must stay flat.
import { connect } from "node:net";
import { waitForQuiet } from "./cpu.mjs";
import { send } from "./http.mjs";
import { MB, rss, sampleRss, socketQueues } from "./proc.mjs";
import { errorResult } from "./report.mjs";
import { median } from "./stats.mjs";

const PATH = "/v1/chat/completions";
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
const mb = (bytes) => `${(bytes / MB).toFixed(1)} MB`;
/** The kernel's buffers count as full from the first sample at this share of their final size. */
const FULL = 0.95;

/** `n` raw connections that each send `request` and never read a byte (paused before they connect). */
function openPaused(url, request, n) {
  const { hostname, port } = new URL(url);
  const state = { errors: 0, sockets: [] };
  for (let i = 0; i < n; i++) {
    const socket = connect({ host: hostname, port: Number(port) });
    socket.pause();
    socket.on("error", () => state.errors++);
    socket.write(request);
    state.sockets.push(socket);
  }
  return state;
}

/**
 * A fresh server, warmed up; then `clients` paused readers held for holdS while its RSS is sampled (every 100 ms)
 * and the kernel's socket queues (every 250 ms). The figure is the RSS growth from the moment the kernel buffers
 * were full to the end of the hold (medians over 0.5 s around the first, over the last second): what the server
 * kept adding once it could no longer write. The pace is set so that the stream is still being generated
 * throughout the hold: a server that ignores backpressure keeps queueing, one that waits for drain stays flat.
 */
async function hold(s, env) {
  const server = await env.start(
    "bench/servers/understudy.mjs",
    [JSON.stringify({ fixtures: [], options: { fallback: "lorem:30" } })],
    s.title,
  );
  try {
    // A model OpenAI does not publish, so only Understudy's ceiling applies (gpt-4o-mini answers at most 16,384 tokens).
    const body = JSON.stringify({
      model: "bench-long-stream",
      messages: [{ role: "user", content: "a long stream, please" }],
      stream: true,
      ignore_eos: true,
      max_tokens: s.maxTokens,
    });
    const { host, port } = new URL(server.url);
    const request = Buffer.from(
      `POST ${PATH} HTTP/1.1\r\nhost: ${host}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nx-understudy-tps: ${s.tps}\r\n\r\n${body}`,
    );
    // Warm-up: the same request, short, read to the end (compiles the paths, grows the heap to working size).
    for (let i = 0; i < 3; i++) {
      const warm = await send(server.url, PATH, JSON.stringify({ ...JSON.parse(body), max_tokens: 2000 }));
      if (warm.status !== 200)
        return { error: `the warm-up request answered ${warm.status}: ${warm.body.toString("utf8").slice(0, 200)}` };
    }
    await waitForQuiet(15_000);
    const idle = rss(server.pid);
    env.log(`${s.title}: ${s.clients} paused clients for ${s.holdS} s`);
    const memory = sampleRss(() => [server.pid]);
    const clients = openPaused(server.url, request, s.clients);
    const queues = [];
    const started = performance.now();
    while (performance.now() - started < s.holdS * 1000) {
      await sleep(250);
      const q = socketQueues(port);
      queues.push({ atMs: performance.now() - started, kernel: q.serverSendQueue + q.clientReceiveQueue, ...q });
    }
    const { samples, peak } = memory.stop();
    for (const socket of clients.sockets) socket.destroy();
    await sleep(1000);
    const alive = await send(
      server.url,
      PATH,
      JSON.stringify({ model: "gpt-4o-mini", messages: [{ role: "user", content: "hi" }] }),
    ).then(
      (r) => r.status,
      (err) => err.message,
    );

    const final = queues.at(-1);
    const fullAt = queues.find((q) => q.kernel >= FULL * final.kernel).atMs;
    const around = (from, to) => median(samples.filter(([t]) => t >= from && t <= to).map(([, bytes]) => bytes));
    const atFull = around(fullAt - 250, fullAt + 250);
    const atEnd = around(s.holdS * 1000 - 1000, s.holdS * 1000);
    return {
      idle,
      peak,
      atFull,
      atEnd,
      growth: atEnd - atFull,
      fullAtMs: fullAt,
      final,
      alive,
      socketErrors: clients.errors,
      // Too late to judge: fewer than 2 s of the hold left once the buffers were full.
      inconclusive: fullAt > s.holdS * 1000 - 2000,
      trace: queues
        .filter((_, i) => i % 2 === 1)
        .map((q) => ({ atS: q.atMs / 1000, rssMB: around(q.atMs - 100, q.atMs + 100) / MB, kernelMB: q.kernel / MB })),
    };
  } finally {
    await server.stop();
  }
}

export async function measurePaused(s, env) {
  const allowance = s.allowance.baseMB * MB + s.clients * s.allowance.perClientKB * 1024;
  const target = `${s.title} (${s.clients}): RSS growth once buffers full`;
  const r = await hold(s, env);
  if (r.error) return errorResult(target, r.error);
  const result =
    r.alive !== 200
      ? "ERROR"
      : r.growth >= allowance
        ? "FAIL"
        : r.inconclusive
          ? "PASS (inconclusive: buffers filled late)"
          : "PASS";
  const notes = [
    `${s.title}: ${s.clients} clients each request a ${s.maxTokens.toLocaleString("en-US")}-token stream (lorem fallback, ignore_eos) at x-understudy-tps ${s.tps.toLocaleString("en-US")} and never read it; held ${s.holdS} s`,
    `  kernel buffers full after ${(r.fullAtMs / 1000).toFixed(1)} s: ${mb(r.final.serverSendQueue)} in the server's send queues, ${mb(r.final.clientReceiveQueue)} in the clients' receive queues (kernel memory, not in RSS)`,
    `  server RSS idle ${mb(r.idle)}, when the buffers were full ${mb(r.atFull)}, over the last second ${mb(r.atEnd)}, peak ${mb(r.peak)}; held above idle: ${mb(r.atEnd - r.idle)} (${mb((r.atEnd - r.idle) / s.clients)} per paused stream, its pre-rendered answer included, which a reading client holds as long)`,
    `  trace (s: RSS / kernel MB): ${r.trace.map((t) => `${t.atS.toFixed(1)}: ${t.rssMB.toFixed(0)}/${t.kernelMB.toFixed(0)}`).join(", ")}`,
    `  threshold: ${s.allowance.baseMB} MB + ${s.allowance.perClientKB} KB per paused client = ${mb(allowance)} of RSS growth after the kernel's socket buffers were full`,
  ];
  if (r.alive !== 200) notes.push(`  the server did not answer a request after the paused clients left: ${r.alive}`);
  if (r.socketErrors) notes.push(`  ${r.socketErrors} client socket errors`);
  return {
    rows: [{ target, measured: `${r.growth >= 0 ? "+" : ""}${mb(r.growth)}`, threshold: `< ${mb(allowance)}`, result }],
    notes,
    data: r,
  };
}
