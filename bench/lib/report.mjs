// Renders the results tables and their notes, and writes the results' JSON (bench/results/).
import { mkdirSync, writeFileSync } from "node:fs";

const fmt = (n) => (n === undefined ? "-" : Math.round(n).toLocaleString("en-US"));

/** A plain-text table: a header, a rule, the rows; columns for which rightAligned(i) holds are padded on the left. */
export function renderGrid(header, body, rightAligned = () => false) {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells) =>
    cells
      .map((c, i) => (rightAligned(i) ? c.padStart(widths[i]) : c.padEnd(widths[i])))
      .join("  ")
      .trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

/**
 * Rates are requests per CPU-second of each server (its throughput on a core of its own), medians over the
 * rounds; the ratio is the median of the per-round ratios (not of the medians), shown to three places so
 * that a ratio just under its target (0.4956 against 0.5) does not read as meeting it.
 */
export function renderTable(rows) {
  const header = [
    "scenario",
    "bare req/s per core",
    "Understudy req/s per core",
    "ratio (median of rounds)",
    "target",
    "result",
  ];
  const body = rows.map((r) => [
    r.title,
    fmt(r.median?.bare),
    fmt(r.median?.understudy),
    r.ratio === undefined ? "-" : r.ratio.toFixed(3),
    r.targetText,
    r.result,
  ]);
  return renderGrid(header, body, (i) => i > 0 && i < 4);
}

const usPerRequest = (run) => Math.round((run.cpu.seconds * 1e6) / run.requests);

/** One line per row: its note, its rounds, where the CPU went in its typical round, and warnings about the figures. */
export function renderNotes(rows) {
  const lines = [];
  for (const r of rows) {
    if (r.note) lines.push(`${r.title}: ${r.note}`);
    if (!r.rounds) continue;
    const against = r.runs.base ? `bare ${r.target.base}` : "bare";
    lines.push(`${r.title}:`);
    if (r.rounds.length > 1)
      lines.push(
        `  rounds (${against} / Understudy req/s per core = ratio): ${r.rounds.map((x) => `${fmt(x.bare)} / ${fmt(x.understudy)} = ${x.ratio.toFixed(2)}`).join("; ")}`,
      );
    if (r.runs.base)
      lines.push(
        `  the bare server replaying this scenario's own ${fmt(r.responseBytes)} bytes: ${fmt(r.median.ownBare)} req/s per core (median); Understudy is ${(r.median.understudy / r.median.ownBare).toFixed(2)} of it`,
      );
    const u = r.understudy;
    if (!u.cpu) continue;
    const round = r.runs.understudy.indexOf(u);
    const servers = Object.entries(r.runs).map(
      ([who, runs]) =>
        `${who === "understudy" ? "Understudy" : who === "base" ? `bare ${r.target.base}` : "bare"} ${runs[round].cpu.seconds.toFixed(2)} s (${usPerRequest(runs[round])} us/request, p99 latency ${runs[round].latencyMs.p99} ms)`,
    );
    lines.push(
      `  in the round nearest the median, CPU spent: ${servers.join(", ")}; load generators ${u.cpu.loadGenerator.toFixed(2)} cores, others ${u.cpu.others.toFixed(2)}${u.cpu.steal >= 0.02 ? `, stolen by the hypervisor ${u.cpu.steal.toFixed(2)}` : ""}`,
    );
    if (u.cpu.loadGenerator >= 0.9)
      lines.push(
        `  warning: the load generators were near one full core, so they may have been the bottleneck rather than the servers' core`,
      );
    if (u.cpu.others >= 0.2)
      lines.push(
        `  warning: other processes used ${u.cpu.others.toFixed(2)} cores during this round; the figures are noisy (rerun on a quiet machine)`,
      );
  }
  return lines.join("\n");
}

export function writeJson(path, data) {
  mkdirSync(new URL(".", path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
}

/** A scale target that could not be measured: one ERROR row, and a note saying why. */
export const errorResult = (title, why) => ({
  rows: [{ target: title, measured: "-", threshold: "-", result: "ERROR" }],
  notes: [`${title}: ${why}`],
});
