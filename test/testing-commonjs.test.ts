// The CommonJS build: require("understudy-llm"), require("understudy-llm/server") and require("understudy-llm/jest")
// from a CommonJS project that installs the package by name, answering a request; and its types, as
// TypeScript reads them for a CommonJS file (a .cts under NodeNext resolution, the "require" condition).
// Needs `npm run build`.
import { spawnSync } from "node:child_process";
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { REPO, sampleProject } from "./support/runner-project.js";

const dir = sampleProject("jest", { "package.json": JSON.stringify({ name: "cjs-sample", private: true }) });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const SCRIPT = `
const { LLMock, createServer } = require("understudy-llm");
const server = require("understudy-llm/server");
const jest = require("understudy-llm/jest");
(async () => {
  const mock = new LLMock({ fixtures: [{ match: { userMessage: "hi" }, response: { content: "Hello from CommonJS" } }] });
  await mock.start();
  const res = await fetch(mock.url + "/v1/chat/completions", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "gpt-4o", messages: [{ role: "user", content: "hi" }] }),
  });
  const body = await res.json();
  await mock.stop();
  console.log(JSON.stringify({
    status: res.status,
    content: body.choices[0].message.content,
    promptTokens: body.usage.prompt_tokens,
    sameCreateServer: createServer === server.createServer,
    useLLMock: typeof jest.useLLMock,
    moduleFile: require.resolve("understudy-llm").replace(/\\\\/g, "/").split("/dist/")[1],
  }));
})();
`;

const TYPED = `
import understudy = require("understudy-llm");
import jest = require("understudy-llm/jest");
const mock: understudy.LLMock = new understudy.LLMock({ fixtures: [{ match: { userMessage: "hi" }, response: { content: "typed" } }] });
mock.use({ match: { model: "gpt-4o" }, response: { content: "per test" } });
const labels: string[] = mock.unusedFixtures();
const helper: (options?: jest.MockHelperOptions) => understudy.LLMock = jest.useLLMock;
// @ts-expect-error: a response needs a reply field of the right type
mock.use({ match: {}, response: { content: 42 } });
export = { labels, helper };
`;

describe("the CommonJS build", () => {
  it("is what require() loads, and it answers", () => {
    writeFileSync(join(dir, "main.cjs"), SCRIPT);
    const run = spawnSync(process.execPath, ["main.cjs"], { cwd: dir, encoding: "utf8", timeout: 30_000 });
    expect(run.stderr).toBe("");
    expect(JSON.parse(run.stdout)).toEqual({
      status: 200,
      content: "Hello from CommonJS",
      promptTokens: 8,
      sameCreateServer: true,
      useLLMock: "function",
      moduleFile: "cjs/index.js",
    });
  });

  it("has declarations TypeScript accepts for a CommonJS file", () => {
    writeFileSync(join(dir, "typed.cts"), TYPED);
    const options = [
      "--noEmit",
      "--strict",
      "--skipLibCheck",
      "--module",
      "nodenext",
      "--moduleResolution",
      "nodenext",
    ];
    const tsc = join(REPO, "node_modules/typescript/bin/tsc");
    const run = spawnSync(
      process.execPath,
      [tsc, ...options, "--types", "node", "--typeRoots", join(REPO, "node_modules/@types"), "typed.cts"],
      {
        cwd: dir,
        encoding: "utf8",
        timeout: 60_000,
      },
    );
    expect(run.stdout).toBe("");
    expect(run.status).toBe(0);
  }, 70_000);
});
