// Starts a server script in its own (optionally CPU-pinned) child process and reads its URL from stdout.
import { spawn, spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** Pins every thread of this process (and so the load generators it starts later) to `cores` ("0", "0-2"). */
export const pinSelf = (cores) => spawnSync("taskset", ["-a", "-p", "-c", cores, String(process.pid)]).status === 0;

/** With taskset and 2+ cores: servers get the last core, the load generator (this process) the others. */
export function setUpPinning(enabled) {
  const cores = cpus().length;
  if (!enabled || cores < 2 || spawnSync("taskset", ["-V"]).status !== 0) return null;
  const serverCore = String(cores - 1);
  const clientCores = cores === 2 ? "0" : `0-${cores - 2}`;
  return pinSelf(clientCores) ? { serverCore, clientCores } : null;
}

/**
 * Runs `node [nodeArgs] script [args]` (on pinning.serverCore when pinned) and resolves with the first URL
 * its stdout prints (a bare URL line, or a banner such as "Understudy listening on http://…").
 * stopSignal: how stop() ends it: null closes its stdin (the bench's server scripts exit on that), a signal
 * name (the CLI stops on SIGTERM) sends that; either way it is killed by pid if it has not exited within 8 s.
 */
export function startChild(script, args, pinning, label, nodeArgs = [], stopSignal = null) {
  const command = pinning ? "taskset" : process.execPath;
  const node = [...nodeArgs, script, ...args];
  const argv = pinning ? ["-c", pinning.serverCore, process.execPath, ...node] : node;
  const child = spawn(command, argv, { stdio: ["pipe", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${label}: no URL within 15 s`)), 15_000);
    const fail = (err) => {
      clearTimeout(timer);
      child.kill("SIGKILL");
      reject(err);
    };
    child.once("error", fail);
    child.once("exit", (code) => fail(new Error(`${label}: exited with code ${code} before printing its URL`)));
    const lines = createInterface({ input: child.stdout });
    lines.on("line", (line) => {
      const url = /https?:\/\/\S+/.exec(line)?.[0];
      if (!url) return;
      clearTimeout(timer);
      child.removeAllListeners("exit");
      lines.removeAllListeners("line"); // later output (a banner's other lines, logs) is read and dropped
      resolve({ url, pid: child.pid, label, stop: () => stopChild(child, stopSignal) });
    });
  });
}

function stopChild(child, signal) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 8000);
    child.once("exit", () => {
      clearTimeout(timer);
      resolve();
    });
    if (signal) child.kill(signal);
    else child.stdin.end();
  });
}

/**
 * The children of one bench run, so that all of them can be stopped at the end or on Ctrl-C.
 * start(script, args, label, { pinning, stopSignal }): script is relative to root; pinning defaults to the
 * group's (null runs the child unpinned, { serverCore: "1-2" } on other cores).
 */
export function childGroup(root, pinning) {
  const live = new Set();
  return {
    async start(script, args, label, { pinning: where = pinning, stopSignal = null, nodeArgs = [] } = {}) {
      const child = await startChild(fileURLToPath(new URL(script, root)), args, where, label, nodeArgs, stopSignal);
      live.add(child);
      return {
        ...child,
        stop: () => {
          live.delete(child);
          return child.stop();
        },
      };
    },
    stopAll: () => Promise.all([...live].map((child) => child.stop())),
  };
}
