// Process and socket facts from /proc (Linux): resident memory, child processes, the open-file limit, an RSS
// sampler, socket queues, TCP counters, and (through `ss`) a listening socket's accept queue.
import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";

const read = (path) => {
  try {
    return readFileSync(path, "utf8");
  } catch {
    return null;
  }
};

/** VmRSS of one process in bytes (null once it is gone). */
export function rss(pid) {
  const kb = /^VmRSS:\s+(\d+) kB/m.exec(read(`/proc/${pid}/status`) ?? "")?.[1];
  return kb === undefined ? null : Number(kb) * 1024;
}

/** The pid and all its descendants (e.g. a cluster primary and its workers), from the ppid in /proc/<pid>/stat. */
export function processTree(pid) {
  const parentOf = new Map();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    const stat = read(`/proc/${name}/stat`);
    if (stat) parentOf.set(Number(name), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
  }
  const tree = [pid];
  for (let i = 0; i < tree.length; i++)
    for (const [child, parent] of parentOf) if (parent === tree[i]) tree.push(child);
  return tree;
}

/** The summed RSS of a set of processes, in bytes (the ones already gone count 0). */
export const totalRss = (pids) => pids.reduce((sum, pid) => sum + (rss(pid) ?? 0), 0);

/** The soft limit on open files of this process (children inherit it), or null when /proc says nothing. */
export function openFileLimit() {
  const soft = /^Max open files\s+(\d+|unlimited)/m.exec(read("/proc/self/limits") ?? "")?.[1];
  return soft === undefined ? null : soft === "unlimited" ? Infinity : Number(soft);
}

/**
 * Samples the summed RSS of `pids()` every `everyMs` until stopped; stop() gives { peak, last, samples: [[ms, bytes]] }.
 * `pids` is a function so that a cluster's workers, forked after the sampler starts, are counted too.
 */
export function sampleRss(pids, everyMs = 100) {
  const started = performance.now();
  const samples = [];
  const take = () => samples.push([Math.round(performance.now() - started), totalRss(pids())]);
  take();
  const timer = setInterval(take, everyMs);
  return {
    stop() {
      clearInterval(timer);
      take();
      return { peak: Math.max(...samples.map((s) => s[1])), last: samples.at(-1)[1], samples };
    },
  };
}

export const MB = 1024 * 1024;

/**
 * Bytes waiting in kernel socket buffers on IPv4 loopback connections to `port` (from /proc/net/tcp):
 * `sent` in the server's send queues (its sockets' local port is `port`), `unread` in the clients'
 * receive queues (their remote port is `port`). Neither counts in any process's RSS.
 */
export function socketQueues(port) {
  const hex = `:${Number(port).toString(16).toUpperCase().padStart(4, "0")}`;
  const queues = { serverSendQueue: 0, clientReceiveQueue: 0, connections: 0 };
  for (const line of (read("/proc/net/tcp") ?? "").split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5 || f[3] !== "01") continue; // ESTABLISHED only
    const [tx, rx] = f[4].split(":").map((h) => parseInt(h, 16));
    if (f[1].endsWith(hex)) {
      queues.serverSendQueue += tx;
      queues.connections++;
    }
    if (f[2].endsWith(hex)) queues.clientReceiveQueue += rx;
  }
  return queues;
}

/** System-wide TCP counters from /proc/net/netstat (TcpExt), e.g. ListenOverflows: handshakes a full accept queue dropped. */
export function tcpCounters() {
  const lines = (read("/proc/net/netstat") ?? "").split("\n");
  const at = lines.findIndex((l) => l.startsWith("TcpExt:"));
  if (at < 0) return {};
  const names = lines[at].split(" ").slice(1),
    values = lines[at + 1].split(" ").slice(1).map(Number);
  return Object.fromEntries(names.map((name, i) => [name, values[i]]));
}

/**
 * The accept queue of the socket listening on `port`: { queued, backlog } (connections the kernel has completed
 * but the server has not accepted yet), or null without `ss`. Asks `ss` (netlink, filtered by the kernel) in a
 * child process, so that a busy client's event loop is not blocked reading a /proc/net/tcp of 20,000 lines.
 */
export function acceptQueue(port) {
  return new Promise((resolve) => {
    execFile("ss", ["-ltnH", `sport = :${port}`], (err, out) => {
      const f = err ? null : out.trim().split(/\s+/);
      resolve(f && f[0] === "LISTEN" ? { queued: Number(f[1]), backlog: Number(f[2]) } : null);
    });
  });
}
