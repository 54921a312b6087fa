// The test-runner helpers in real runs of a sample project that installs the package by name: Vitest
// with `understudy-llm/vitest` (ESM), Jest with `understudy-llm/jest` through require() (Jest's default
// CommonJS). The same sample tests in both: the file's fixtures, a per-test fixture in front of them,
// a reset between tests, and strict mode failing exactly the test that sent an unmatched request and
// the one that left its fixture unused. Needs `npm run build` (dist/ and dist/cjs/).
import { rmSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { copySample, REPO, runReport, sampleProject, type TestOutcome } from "./support/runner-project.js";

const projects: string[] = [];
afterAll(() => {
  for (const dir of projects) rmSync(dir, { recursive: true, force: true });
});

const PASSING = [
  "answers from the file's fixtures",
  "puts a per-test fixture in front of the file's",
  "starts the next test from the file's set with an empty journal",
  "runs clean after the failures",
];

function expectSampleOutcomes(tests: TestOutcome[]): void {
  const byTitle = new Map(tests.map((test) => [test.title, test]));
  expect(tests).toHaveLength(6);
  for (const title of PASSING) expect(byTitle.get(title)?.status, title).toBe("passed");
  const unmatched = byTitle.get("fails when a request matches no fixture");
  expect(unmatched?.status).toBe("failed");
  const unmatchedMessage = unmatched?.failureMessages.join("\n") ?? "";
  expect(unmatchedMessage).toContain("understudy: 1 request matched no fixture in this test:");
  expect(unmatchedMessage).toContain("POST /v1/chat/completions (gpt-4o):");
  // The nearest fixture, as the no_match error names it.
  expect(unmatchedMessage).toContain('userMessage="hello"');
  const unused = byTitle.get("fails when a per-test fixture answers nothing");
  expect(unused?.status).toBe("failed");
  const unusedMessage = unused?.failureMessages.join("\n") ?? "";
  expect(unusedMessage).toContain("understudy: fixtures added with mock.use() answered no request in this test:");
  expect(unusedMessage).toContain('userMessage="never sent"');
}

describe("understudy-llm/vitest in a real Vitest run", () => {
  it("starts a mock for the file, resets it after each test and fails the strict offenders", () => {
    const dir = sampleProject("vitest", {
      "package.json": JSON.stringify({ name: "sample", type: "module", private: true }),
      "vitest.config.mjs": 'export default { test: { include: ["*.test.mjs"] } };\n',
    });
    projects.push(dir);
    copySample("sample.mjs", dir, "greeting.test.mjs");
    const vitest = join(REPO, "node_modules/vitest/vitest.mjs");
    const run = runReport(dir, [vitest, "run", "--reporter=json", "--outputFile=report.json"]);
    expect(run.exitCode, run.output).toBe(1);
    expectSampleOutcomes(run.tests);
  }, 90_000);
});

describe("understudy-llm/jest in a real Jest run", () => {
  it("works through require() with the same behaviour", () => {
    const dir = sampleProject("jest", {
      "package.json": JSON.stringify({
        name: "sample",
        private: true,
        jest: { testEnvironment: "node", testMatch: ["**/*.test.js"] },
      }),
    });
    projects.push(dir);
    copySample("sample.cjs", dir, "greeting.test.js");
    const jest = join(REPO, "node_modules/jest/bin/jest.js");
    const run = runReport(dir, [jest, "--ci", "--watchman=false", "--json", "--outputFile=report.json"]);
    expect(run.exitCode, run.output).toBe(1);
    expectSampleOutcomes(run.tests);
  }, 90_000);
});
