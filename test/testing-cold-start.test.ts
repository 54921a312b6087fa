// Cold start as a unit test sees it: a fresh Node process imports the package (by name, the built
// dist/), starts an LLMock and gets its first answer. The figures are printed (time to each step and
// resident memory) so a regression shows in the log; the time bound is a generous ceiling for a loaded
// CI machine, not the target (see the README's cold-start figures for those). Needs `npm run build`.
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";
import { REPO } from "./support/runner-project.js";

const PROBE = `
const t0 = performance.now();
const { LLMock } = await import("understudy-llm");
const imported = performance.now();
const mock = new LLMock({ fixtures: [{ match: { userMessage: "hello" }, response: { content: "Hello! How can I help?" } }] });
await mock.start();
const started = performance.now();
const res = await fetch(mock.url + "/v1/chat/completions", {
  method: "POST",
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hello" }] }),
});
const body = await res.json();
const answered = performance.now();
await mock.stop();
console.log(JSON.stringify({
  content: body.choices[0].message.content,
  promptTokens: body.usage.prompt_tokens,
  importMs: Math.round(imported - t0),
  startMs: Math.round(started - imported),
  firstAnswerMs: Math.round(answered - started),
  sinceProcessStartMs: Math.round(answered),
  rssMB: Math.round(process.memoryUsage().rss / 1048576),
}));
`;

describe("cold start", () => {
  it("imports, starts and answers in a fresh process within generous bounds", () => {
    const run = spawnSync(process.execPath, ["--input-type=module", "-e", PROBE], {
      cwd: REPO,
      encoding: "utf8",
      timeout: 30_000,
    });
    expect(run.stderr).toBe("");
    const figures = JSON.parse(run.stdout) as Record<string, number | string>;
    console.log(`cold start: ${run.stdout.trim()}`);
    expect(figures.content).toBe("Hello! How can I help?");
    // 3 + (3 + "user" + "hello") tokens in o200k_base: exact, so the real tokenizer answered.
    expect(figures.promptTokens).toBe(8);
    expect(figures.sinceProcessStartMs).toBeLessThan(5_000);
    // About 76 MB with the compact o200k table and the bundle (130 MB before); memory barely varies
    // with machine load, so this ceiling is close.
    expect(figures.rssMB).toBeLessThan(100);
  }, 40_000);
});
