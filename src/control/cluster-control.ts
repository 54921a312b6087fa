// Under the CLI's `--workers`, a control request reaches one worker. That worker asks the primary to
// run the operation on every worker and answers with the merged answers (ops.ts), so writes reach
// every worker and reads gather every worker's data, as /metrics does (transport/cluster-metrics.ts).
import cluster, { type Worker } from "node:cluster";
import { CLUSTER_METRICS_ENV } from "../transport/cluster-metrics.js";
import type { ControlOp, OpAnswer } from "./ops.js";

type ControlMessage =
  /** worker → primary: run this on every worker */
  | { type: "understudy:control-gather"; id: number; op: ControlOp }
  /** primary → every worker */
  | { type: "understudy:control-run"; id: number; op: ControlOp }
  /** worker → primary */
  | { type: "understudy:control-ran"; id: number; answer: OpAnswer }
  /** primary → the worker that asked */
  | { type: "understudy:control-gathered"; id: number; answers: OpAnswer[] };

const isControlMessage = (message: unknown): message is ControlMessage =>
  typeof message === "object" &&
  message !== null &&
  String((message as { type?: unknown }).type).startsWith("understudy:control-");

const WORKER_WAIT_MS = 3000;
const PRIMARY_WAIT_MS = 2000;

// ---- in a worker ----

let runLocally: ((op: ControlOp, worker: number) => OpAnswer) | null = null;
const waiting = new Map<number, (answers: OpAnswer[]) => void>();
let gatherId = 0;

const send = (message: ControlMessage): void => void process.send?.(message);

function onPrimaryMessage(message: unknown): void {
  if (!isControlMessage(message)) return;
  if (message.type === "understudy:control-run" && runLocally && cluster.worker)
    send({ type: "understudy:control-ran", id: message.id, answer: runLocally(message.op, cluster.worker.id) });
  if (message.type === "understudy:control-gathered") waiting.get(message.id)?.(message.answers);
}

/** In a worker forked by the CLI's primary: lets the primary run control operations here. Elsewhere: nothing. */
export function shareControlWithPrimary(run: (op: ControlOp, worker: number) => OpAnswer): void {
  if (!cluster.isWorker || process.env[CLUSTER_METRICS_ENV] !== "1" || !process.send) return;
  if (runLocally === null) process.on("message", onPrimaryMessage);
  runLocally = run;
}

/** Whether control operations go through the primary to every worker. */
export const inControlCluster = (): boolean => runLocally !== null;

/** Every worker's answer to `op` (this one's among them), or an empty list if the primary does not answer in time. */
export function gatherControl(op: ControlOp): Promise<OpAnswer[]> {
  const id = gatherId++;
  return new Promise((resolve) => {
    const done = (answers: OpAnswer[]): void => {
      clearTimeout(timer);
      waiting.delete(id);
      resolve(answers);
    };
    const timer = setTimeout(() => done([]), WORKER_WAIT_MS);
    waiting.set(id, done);
    send({ type: "understudy:control-gather", id, op });
  });
}

// ---- in the primary ----

/** In the CLI's primary: runs a worker's operation on every live worker and hands back their answers. */
export function relayControl(workers: () => Iterable<Worker>): void {
  const rounds = new Map<number, { answers: OpAnswer[]; waiting: number; finish: () => void }>();
  let roundId = 0;
  cluster.on("message", (from, message: unknown) => {
    if (!isControlMessage(message)) return;
    if (message.type === "understudy:control-ran") {
      const round = rounds.get(message.id);
      if (!round) return;
      round.answers.push(message.answer);
      if (--round.waiting === 0) round.finish();
      return;
    }
    if (message.type !== "understudy:control-gather") return;
    const id = roundId++;
    const asked = [...workers()].filter((worker) => worker.isConnected());
    const round = {
      answers: [] as OpAnswer[],
      waiting: asked.length,
      finish: (): void => {
        clearTimeout(timer);
        rounds.delete(id);
        if (from.isConnected())
          from.send({
            type: "understudy:control-gathered",
            id: message.id,
            answers: round.answers,
          } satisfies ControlMessage);
      },
    };
    const timer = setTimeout(round.finish, PRIMARY_WAIT_MS);
    rounds.set(id, round);
    for (const worker of asked)
      worker.send({ type: "understudy:control-run", id, op: message.op } satisfies ControlMessage);
  });
}
