// `understudy-llm/vitest`: a mock per test file, with Vitest's own hooks.
import { afterAll, afterEach, beforeAll } from "vitest";
import type { LLMock } from "../index.js";
import { registerMock, type MockHelperOptions } from "./harness.js";

export type { MockHelperOptions } from "./harness.js";

/**
 * Starts an LLMock before the file's tests, resets it after each test and stops it after all. Call it
 * at the top of a test file (or of a describe block); the mock's `url` is there from the first test on.
 *
 * @example
 * const mock = useLLMock({ fixtures: ["./fixtures"], strict: true });
 * it("greets", async () => {
 *   mock.use({ match: { userMessage: "hi" }, response: { content: "Hello!" } });
 *   const client = new OpenAI({ baseURL: `${mock.url}/v1`, apiKey: "test" });
 * });
 */
export function useLLMock(options: MockHelperOptions = {}): LLMock {
  return registerMock({ beforeAll, afterEach, afterAll }, options);
}
