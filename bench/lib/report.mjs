// Renders the results tables and their notes, and writes the results' JSON (bench/results/).
import { mkdirSync, writeFileSync } from "node:fs";

const fmt = (n) => (n === undefined ? "-" : Math.round(n).toLocaleString("en-US"));

/** A plain-text table: a header, a rule, the rows; columns for which rightAligned(i) holds are padded on the left. */
export function renderGrid(header, body, rightAligned = () => false) {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)));
  const line = (cells) => cells.map((c, i) => (rightAligned(i) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join("  ").trimEnd();
  return [line(header), widths.map((w) => "-".repeat(w)).join("  "), ...body.map(line)].join("\n");
}

/** Rates are the medians over the rounds; the ratio is the median of the per-round ratios (not of the medians). */
export function renderTable(rows) {
  const header = ["scenario", "bare req/s (median)", "Understudy req/s (median)", "ratio (median of rounds)", "target", "result"];
  const body = rows.map((r) => [r.title, fmt(r.median?.bare), fmt(r.median?.understudy), r.ratio === undefined ? "-" : r.ratio.toFixed(2), r.targetText, r.result]);
  return renderGrid(header, body, (i) => i > 0 && i < 4);
}

const cores = (run) => {
  const { cpu } = run;
  if (!cpu) return "n/a";
  const perRequest = Math.round((cpu.serverSeconds * 1e6) / run.requests);
  return `server ${cpu.server.toFixed(2)} (${perRequest} us/request), load generator ${cpu.loadGenerator.toFixed(2)}, others ${cpu.others.toFixed(2)}${cpu.steal >= 0.02 ? `, stolen by the hypervisor ${cpu.steal.toFixed(2)}` : ""}`;
};

/** One line per row: its note, where the CPU went (in cores), and warnings about the figures. */
export function renderNotes(rows) {
  const lines = [];
  for (const r of rows) {
    if (r.note) lines.push(`${r.title}: ${r.note}`);
    if (r.rounds?.length > 1) lines.push(`${r.title}: rounds (bare / Understudy req/s = ratio): ${r.rounds.map((x) => `${fmt(x.bare)} / ${fmt(x.understudy)} = ${x.ratio.toFixed(2)}`).join("; ")}`);
    if (!r.bare?.cpu || !r.understudy?.cpu) continue;
    lines.push(`${r.title}: in the runs nearest the medians, p99 latency bare ${r.bare.latencyMs.p99} ms, Understudy ${r.understudy.latencyMs.p99} ms; cores used:`);
    lines.push(`  bare run:       ${cores(r.bare)}`);
    lines.push(`  Understudy run: ${cores(r.understudy)}`);
    if (r.bare.cpu.loadGenerator >= 0.9) lines.push(`  warning: the load generator was near one full core during the bare run, so the bare rate is a lower bound and the ratio flatters Understudy`);
    const others = Math.max(r.bare.cpu.others, r.understudy.cpu.others);
    if (others >= 0.2) lines.push(`  warning: other processes used up to ${others.toFixed(2)} cores during these runs; the figures are noisy (rerun on a quiet machine)`);
  }
  return lines.join("\n");
}

export function writeJson(path, data) {
  mkdirSync(new URL(".", path), { recursive: true });
  writeFileSync(path, `${JSON.stringify(data, null, 2)}\n`);
}

/** A scale target that could not be measured: one ERROR row, and a note saying why. */
export const errorResult = (title, why) => ({ rows: [{ target: title, measured: "-", threshold: "-", result: "ERROR" }], notes: [`${title}: ${why}`] });
