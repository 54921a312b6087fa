// `understudy-llm/jest`: a mock per test file, with the hooks Jest puts in every test file's globals (so
// nothing here imports Jest, and `require()` works from Jest's default CommonJS).
import type { LLMock } from "../index.js";
import { registerMock, type MockHelperOptions, type RunnerHooks } from "./harness.js";

export type { MockHelperOptions } from "./harness.js";

function jestHooks(): RunnerHooks {
  const globals = globalThis as Partial<RunnerHooks>;
  const { beforeAll, afterEach, afterAll } = globals;
  if (!beforeAll || !afterEach || !afterAll) {
    throw new Error(
      "understudy-llm/jest: beforeAll, afterEach and afterAll are not defined: call useLLMock() in a test file " +
        "that Jest runs (with its injected globals), or use understudy-llm/vitest under Vitest",
    );
  }
  return { beforeAll, afterEach, afterAll };
}

/**
 * Starts an LLMock before the file's tests, resets it after each test and stops it after all. Call it
 * at the top of a test file (or of a describe block); the mock's `url` is there from the first test on.
 *
 * @example
 * const { useLLMock } = require("understudy-llm/jest");
 * const mock = useLLMock({ strict: true });
 * test("greets", async () => {
 *   mock.use({ match: { userMessage: "hi" }, response: { content: "Hello!" } });
 *   // point the client at `${mock.url}/v1`
 * });
 */
export function useLLMock(options: MockHelperOptions = {}): LLMock {
  return registerMock(jestHooks(), options);
}
