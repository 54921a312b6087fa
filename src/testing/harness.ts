// What the Vitest and Jest helpers share: one LLMock per test file, started before the file's tests,
// reset after each test (so no test sees another's fixtures, journal or counters) and stopped after all.
// In strict mode the test that sent a request no fixture answered fails, from its afterEach hook, with
// the requests and the nearest fixtures named; with failOnUnused, so does one that left a fixture it
// added with `use` unanswered. Each runner hands in its own hooks.
import { LLMock, type LLMockOptions } from "../index.js";

/** The lifecycle hooks of a test runner, as Vitest and Jest both name them. */
export interface RunnerHooks {
  beforeAll(hook: () => Promise<void>): void;
  afterEach(hook: () => void): void;
  afterAll(hook: () => Promise<void>): void;
}

export interface MockHelperOptions extends LLMockOptions {
  /** Fail the test that sent a request no fixture answered (default false). */
  strict?: boolean;
  /** Also fail the test that left a fixture it added with `mock.use(...)` unanswered (default false). */
  failOnUnused?: boolean;
}

/** One line per unmatched request: what was asked, and what the client was told (the nearest fixtures). */
function describeUnmatched(requests: readonly string[]): string {
  const count = requests.length === 1 ? "1 request" : `${requests.length} requests`;
  return `understudy: ${count} matched no fixture in this test:\n${requests.map((line) => `  - ${line}`).join("\n")}`;
}

function describeUnused(labels: readonly string[]): string {
  return `understudy: fixtures added with mock.use() answered no request in this test:\n${labels.map((label) => `  - ${label}`).join("\n")}`;
}

/**
 * Registers the hooks and returns the mock: its `url` is there from the first test on. The mock is
 * reset before a strict failure is thrown, so the next test starts clean either way.
 */
export function registerMock(hooks: RunnerHooks, options: MockHelperOptions = {}): LLMock {
  const { strict = false, failOnUnused = false, ...mockOptions } = options;
  const mock = new LLMock(mockOptions);
  const unmatched: string[] = [];
  if (strict) {
    mock.events.on("unmatched", (exchange, error) => {
      unmatched.push(
        `${exchange.method} ${exchange.path}${exchange.model ? ` (${exchange.model})` : ""}: ${error.message}`,
      );
    });
  }
  hooks.beforeAll(async () => {
    await mock.start();
  });
  hooks.afterEach(() => {
    const problems: string[] = [];
    if (unmatched.length > 0) problems.push(describeUnmatched(unmatched));
    const unused = failOnUnused ? mock.unusedFixtures() : [];
    if (unused.length > 0) problems.push(describeUnused(unused));
    unmatched.length = 0;
    mock.reset();
    if (problems.length > 0) throw new Error(problems.join("\n"));
  });
  hooks.afterAll(async () => {
    await mock.stop();
  });
  return mock;
}
