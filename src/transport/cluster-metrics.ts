// Under `--workers`, a scrape reaches one worker. That worker asks the primary for every worker's
// snapshot and answers with their sum, so `GET /metrics` covers the whole server, as one process's would.
import cluster, { type Worker } from "node:cluster";
import type { MetricsSnapshot } from "./metrics-text.js";

/** Set by the CLI's primary on the workers it forks: that primary relays the messages below. */
export const CLUSTER_METRICS_ENV = "UNDERSTUDY_CLUSTER_METRICS";

type MetricsMessage =
  /** worker → primary: a scrape wants every worker's snapshot */
  | { type: "understudy:metrics-gather"; id: number }
  /** primary → every worker */
  | { type: "understudy:metrics-snapshot-request"; id: number }
  /** worker → primary */
  | { type: "understudy:metrics-snapshot"; id: number; snapshot: MetricsSnapshot }
  /** primary → the worker that asked */
  | { type: "understudy:metrics-gathered"; id: number; snapshots: MetricsSnapshot[] };

const isMetricsMessage = (message: unknown): message is MetricsMessage =>
  typeof message === "object" &&
  message !== null &&
  String((message as { type?: unknown }).type).startsWith("understudy:metrics-");

/** How long a worker waits for the primary, and the primary for the workers, before answering with what it has. */
const WORKER_WAIT_MS = 2000;
const PRIMARY_WAIT_MS = 1000;

// ---- in a worker ----

let snapshotOf: (() => MetricsSnapshot) | null = null;
const gathering = new Map<number, (snapshots: MetricsSnapshot[]) => void>();
let gatherId = 0;

const send = (message: MetricsMessage): void => void process.send?.(message);

function onPrimaryMessage(message: unknown): void {
  if (!isMetricsMessage(message)) return;
  if (message.type === "understudy:metrics-snapshot-request" && snapshotOf)
    send({ type: "understudy:metrics-snapshot", id: message.id, snapshot: snapshotOf() });
  if (message.type === "understudy:metrics-gathered") gathering.get(message.id)?.(message.snapshots);
}

/**
 * In a worker forked by the CLI's primary: lets the primary ask for this server's snapshot, and makes
 * gatherMetrics ask for everyone's. Elsewhere (one process, or a cluster of the embedding app) it does nothing.
 */
export function shareMetricsWithPrimary(snapshot: () => MetricsSnapshot): void {
  if (!cluster.isWorker || process.env[CLUSTER_METRICS_ENV] !== "1" || !process.send) return;
  if (snapshotOf === null) process.on("message", onPrimaryMessage);
  snapshotOf = snapshot;
}

/** Every worker's snapshot, this one's among them; just `own` outside such a cluster, or if the primary does not answer in time. */
export function gatherMetrics(own: MetricsSnapshot): Promise<MetricsSnapshot[]> {
  if (snapshotOf === null) return Promise.resolve([own]);
  const id = gatherId++;
  return new Promise((resolve) => {
    const done = (snapshots: MetricsSnapshot[]): void => {
      clearTimeout(timer);
      gathering.delete(id);
      resolve(snapshots);
    };
    const timer = setTimeout(() => done([own]), WORKER_WAIT_MS);
    gathering.set(id, done);
    send({ type: "understudy:metrics-gather", id });
  });
}

// ---- in the primary ----

/** In the CLI's primary: answers a worker's gather by asking every live worker for its snapshot. */
export function relayMetrics(workers: () => Iterable<Worker>): void {
  const rounds = new Map<number, { snapshots: MetricsSnapshot[]; waiting: number; finish: () => void }>();
  let roundId = 0;
  cluster.on("message", (from, message: unknown) => {
    if (!isMetricsMessage(message)) return;
    if (message.type === "understudy:metrics-snapshot") {
      const round = rounds.get(message.id);
      if (!round) return; // it finished without this worker
      round.snapshots.push(message.snapshot);
      if (--round.waiting === 0) round.finish();
      return;
    }
    if (message.type !== "understudy:metrics-gather") return;
    const id = roundId++;
    const asked = [...workers()].filter((worker) => worker.isConnected());
    const round = {
      snapshots: [] as MetricsSnapshot[],
      waiting: asked.length,
      finish: (): void => {
        clearTimeout(timer);
        rounds.delete(id);
        if (from.isConnected())
          from.send({
            type: "understudy:metrics-gathered",
            id: message.id,
            snapshots: round.snapshots,
          } satisfies MetricsMessage);
      },
    };
    // A worker that dies or hangs meanwhile is left out rather than holding up the scrape.
    const timer = setTimeout(round.finish, PRIMARY_WAIT_MS);
    rounds.set(id, round);
    for (const worker of asked)
      worker.send({ type: "understudy:metrics-snapshot-request", id } satisfies MetricsMessage);
  });
}
