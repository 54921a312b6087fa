// `--workers N`: runs the command as a node:cluster primary whose N workers serve one port, prints one
// banner once all of them listen, replaces a worker that dies, and stops them all on SIGINT/SIGTERM.
import cluster, { type Worker } from "node:cluster";
import { relayControl } from "../control/cluster-control.js";
import { CLUSTER_METRICS_ENV, relayMetrics } from "../transport/cluster-metrics.js";

/** What a worker sends the primary once its server listens. */
interface ListeningMessage {
  type: "understudy:listening";
  url: string;
}

function isListeningMessage(message: unknown): message is ListeningMessage {
  return (
    typeof message === "object" && message !== null && (message as { type?: unknown }).type === "understudy:listening"
  );
}

/** In a worker: tells the primary that this worker's server listens, and at which URL. */
export function reportListening(url: string): void {
  const message: ListeningMessage = { type: "understudy:listening", url };
  process.send?.(message);
}

/**
 * Replacement workers that die in a row before they listen, after which the primary stops replacing
 * them and exits 1 (something in the environment keeps them from starting). A worker that listened and
 * then died, however soon, was ended by what it served and is always replaced: otherwise a burst of
 * requests that each crash a worker would take the whole cluster down for good.
 */
const FAILED_STARTS_TO_GIVE_UP = 3;
/** How long workers get to close their connections before they are killed. */
const STOP_GRACE_MS = 5000;

export interface WorkerPoolOptions {
  workers: number;
  /** `--seed`: worker slot k (from 0) is seeded with seed + k, so ids do not repeat across workers. */
  seed?: number;
}

class WorkerPool {
  /** Live workers and their slot (kept by a replacement). */
  private readonly live = new Map<Worker, { slot: number }>();
  private readonly listening = new Set<Worker>();
  /** Workers stopped on purpose to be forked again (see onListening). */
  private readonly replacing = new Set<Worker>();
  /** Once set, workers listen on this port instead of the one in the arguments. */
  private pinnedPort: string | null = null;
  /** The URL the first worker reported; every worker must listen there. */
  private url: string | null = null;
  private ready = false;
  private stopping = false;
  private exitCode = 0;
  private failedStarts = 0;

  constructor(
    private readonly options: WorkerPoolOptions,
    private readonly banner: (url: string) => string,
    private readonly args: readonly string[],
  ) {}

  start(): void {
    cluster.on("message", (worker, message: unknown) => {
      if (isListeningMessage(message)) this.onListening(worker, message.url);
    });
    cluster.on("exit", (worker, code, signal) => this.onExit(worker, code, signal));
    relayMetrics(() => this.listening);
    relayControl(() => this.listening);
    process.once("SIGINT", () => this.stop(0));
    process.once("SIGTERM", () => this.stop(0));
    // SIGHUP reloads fixtures in every worker (see main.ts) rather than ending the primary.
    process.on("SIGHUP", () => {
      for (const worker of this.listening) worker.process.kill("SIGHUP");
    });
    // One worker first: it settles the port (with -p 0, the others share the one it got) and a
    // port in use is reported once, not by every worker.
    this.fork(0);
  }

  private fork(slot: number): void {
    const { seed } = this.options;
    // parseArgs keeps the last -p and --seed, so these override the user's for this worker.
    const args = [...this.args];
    if (this.pinnedPort !== null) args.push("-p", this.pinnedPort);
    if (seed !== undefined) args.push("--seed", String((seed + slot) % 2 ** 32));
    cluster.setupPrimary({ args });
    this.live.set(cluster.fork({ [CLUSTER_METRICS_ENV]: "1" }), { slot });
  }

  private onListening(worker: Worker, url: string): void {
    if (this.stopping) return;
    if (this.url === null) {
      this.url = url;
      for (let slot = 1; slot < this.options.workers; slot++) this.fork(slot);
    } else if (url !== this.url) {
      // With -p 0, node:cluster shares the port only while some worker holds it: every worker died at
      // once, so this replacement got a new port. From now on workers ask for the announced port.
      this.pinnedPort = new URL(this.url).port;
      this.replacing.add(worker);
      worker.process.kill("SIGTERM");
      return;
    }
    this.listening.add(worker);
    this.failedStarts = 0;
    if (!this.ready && this.listening.size === this.options.workers) {
      this.ready = true;
      console.log(
        `${this.banner(url)}\n  ${this.options.workers} workers share the port (node:cluster); sequences and stored responses are per worker`,
      );
    }
  }

  private onExit(worker: Worker, code: number, signal: string): void {
    const entry = this.live.get(worker);
    const listened = this.listening.delete(worker);
    this.live.delete(worker);
    if (!entry) return;
    if (this.stopping) {
      if (this.live.size === 0) process.exit(this.exitCode);
      return;
    }
    if (this.replacing.delete(worker)) return this.fork(entry.slot);
    const pid = worker.process.pid;
    if (!this.ready) {
      // A worker that fails to start has said why (a port in use, a file that broke since it was
      // checked), as the single-process command would; there is nothing to restart yet.
      if (signal) console.error(`understudy: worker ${pid} was stopped by ${signal} before it listened`);
      return this.stop(code === 0 ? 0 : 1);
    }
    // Exit code 0 is a clean stop on a signal (Ctrl-C reaches the whole process group): not replaced.
    if (code === 0) {
      if (this.live.size === 0) process.exit(0);
      return;
    }
    if (!listened) this.failedStarts++;
    const how = signal ? `signal ${signal}` : `exit code ${code}`;
    if (this.failedStarts >= FAILED_STARTS_TO_GIVE_UP) {
      console.error(
        `understudy: worker ${pid} died (${how}); ${this.failedStarts} replacement workers in a row died before they listened, giving up`,
      );
      return this.stop(1);
    }
    console.error(`understudy: worker ${pid} died (${how}); starting a new one`);
    this.fork(entry.slot);
  }

  private stop(exitCode: number): void {
    if (this.stopping) return;
    this.stopping = true;
    this.exitCode = exitCode;
    if (this.live.size === 0) process.exit(exitCode);
    // Each worker closes its server and connections on SIGTERM and exits 0 (see main.ts).
    for (const worker of this.live.keys()) worker.process.kill("SIGTERM");
    setTimeout(() => {
      for (const worker of this.live.keys()) worker.process.kill("SIGKILL");
    }, STOP_GRACE_MS);
  }
}

/**
 * Runs this process as the primary of `options.workers` workers, each of which runs the command
 * again (same arguments) and serves the same host and port. Fixtures should be validated before.
 * `banner` renders the startup banner for the URL the workers listen on.
 */
export function runWorkers(options: WorkerPoolOptions, banner: (url: string) => string): void {
  new WorkerPool(options, banner, process.argv.slice(2)).start();
}
