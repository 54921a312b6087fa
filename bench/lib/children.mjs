// Starts a server script in its own (optionally CPU-pinned) child process and reads its URL from stdout.
import { spawn, spawnSync } from "node:child_process";
import { cpus } from "node:os";
import { createInterface } from "node:readline";

/** With taskset and 2+ cores: servers get the last core, the load generator (this process) the others. */
export function setUpPinning(enabled) {
  const cores = cpus().length;
  if (!enabled || cores < 2 || spawnSync("taskset", ["-V"]).status !== 0) return null;
  const serverCore = String(cores - 1);
  const clientCores = cores === 2 ? "0" : `0-${cores - 2}`;
  const self = spawnSync("taskset", ["-a", "-p", "-c", clientCores, String(process.pid)]);
  return self.status === 0 ? { serverCore, clientCores } : null;
}

export function startChild(script, args, pinning, label, nodeArgs = []) {
  const command = pinning ? "taskset" : process.execPath;
  const node = [...nodeArgs, script, ...args];
  const argv = pinning ? ["-c", pinning.serverCore, process.execPath, ...node] : node;
  const child = spawn(command, argv, { stdio: ["pipe", "pipe", "inherit"] });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => fail(new Error(`${label}: no URL within 15 s`)), 15_000);
    const fail = (err) => { clearTimeout(timer); child.kill(); reject(err); };
    child.once("error", fail);
    child.once("exit", (code) => fail(new Error(`${label}: exited with code ${code} before printing its URL`)));
    createInterface({ input: child.stdout }).once("line", (line) => {
      clearTimeout(timer);
      child.removeAllListeners("exit");
      resolve({ url: line.trim(), pid: child.pid, label, stop: () => stopChild(child) });
    });
  });
}

/** Closes the child's stdin (it exits on its own), and kills it by pid if it has not within 3 s. */
function stopChild(child) {
  if (child.exitCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), 3000);
    child.once("exit", () => { clearTimeout(timer); resolve(); });
    child.stdin.end();
  });
}
