// The package's face: LLMock for tests, createServer for integration, and the fixture types.
import { validateEntries } from "./fixtures/entries.js";
import {
  loadFixturePaths,
  FixtureSet,
  type FixtureEntry,
  type FixtureMatch,
  type FixtureOptions,
  type FixtureResponse,
} from "./fixtures/index.js";
import type { JournalEntry } from "./journal/journal.js";
import { startServer, type ServerInstance, type ServerOptions } from "./server.js";
import { ExchangeEvents, type ExchangeEventSource } from "./transport/events.js";

export { createServer, type ServerInstance, type ServerOptions } from "./server.js";
export type { ApiError, ExchangeEvent, ExchangeEventMap, ExchangeInfo, Transport } from "./server.js";
export type { ExchangeEventSource } from "./transport/events.js";
export type {
  Fixture,
  FixtureEntry,
  FixtureMatch,
  FixtureOptions,
  FixturePredicate,
  FixtureResponse,
  TextMatcher,
  FlowFileSpec,
  FlowSpec,
  FlowMessageSpec,
} from "./fixtures/index.js";
export { FixtureValidationError, loadFixtureFile, loadFixturePaths } from "./fixtures/index.js";
export type { JournalEntry } from "./journal/journal.js";
export type { Reply, ReplyChoice, ReplyError, ReplyToolCall, FinishReason, UsageOverride } from "./core/reply.js";
export type { Conversation, Message, ToolDefinition } from "./core/conversation.js";

/** LLMock's options: the server's, and the mock's own fixtures. */
export interface LLMockOptions extends ServerOptions {
  /**
   * The mock's own fixtures: entries, or paths of fixture files and folders (loaded as `loadFixtures`
   * does). They answer from the start, and `reset()` returns to them.
   */
  fixtures?: readonly (FixtureEntry | string)[];
}

/** The constructor's fixtures, validated, with paths read in place, in the order given. */
function initialEntries(fixtures: LLMockOptions["fixtures"]): FixtureEntry[] {
  const entries: FixtureEntry[] = [];
  for (const item of fixtures ?? []) {
    if (typeof item === "string") entries.push(...loadFixturePaths([item]));
    else entries.push(...validateEntries([item], "LLMock options.fixtures", entries.length));
  }
  return entries;
}

/** An in-process mock for tests: register replies with `on`, then `start` a server on its own port. */
export class LLMock {
  private readonly fixtures = new FixtureSet();
  private instance: ServerInstance | null = null;
  private readonly exchangeEvents = new ExchangeEvents();
  private readonly initial: readonly FixtureEntry[];
  /** Labels of the fixtures `use` added since the last reset, and those of them that answered. */
  private readonly perTest = new Set<string>();
  private readonly answered = new Set<string>();
  private stopWatchingAnswers: (() => void) | null = null;

  constructor(private readonly options: LLMockOptions = {}) {
    this.initial = initialEntries(options.fixtures);
    this.fixtures.add(this.initial);
  }

  /** Adds a fixture; it takes effect at once, also while the server runs. First match wins, in the order added. */
  on(match: FixtureMatch, response: FixtureResponse, options: FixtureOptions = {}): this {
    return this.addFixtures([{ match, response, ...options }]);
  }

  /** Adds fixtures (or flow files from `loadFixtureFile`); they take effect at once. */
  addFixtures(fixtures: readonly FixtureEntry[]): this {
    this.fixtures.add(validateEntries(fixtures, "mock fixtures", this.fixtures.all().length));
    return this;
  }

  /**
   * Puts fixtures in front of all the others, so they win for this test; `reset()` removes them.
   * `unusedFixtures()` names those of them that have answered nothing yet.
   */
  use(...fixtures: FixtureEntry[]): this {
    const labels = this.fixtures.prepend(validateEntries(fixtures, "mock.use fixtures"));
    for (const label of labels) this.perTest.add(label);
    // Heard only once a test uses per-test fixtures: a mock in a load test pays nothing for it.
    this.stopWatchingAnswers ??= this.exchangeEvents.on("matched", (exchange) => {
      if (exchange.fixture !== null) this.answered.add(exchange.fixture);
    });
    return this;
  }

  /** The labels of the fixtures `use` added since the last reset that have answered no request. */
  unusedFixtures(): string[] {
    return [...this.perTest].filter((label) => !this.answered.has(label));
  }

  /**
   * Back to the constructor's fixtures (what `use`, `on` and the others added since is dropped),
   * sequence counters at 0, the journal, queued errors, rate-limit buckets and stored responses
   * emptied. The server keeps running on the same URL.
   */
  reset(): this {
    this.fixtures.clear();
    this.fixtures.add(this.initial);
    this.perTest.clear();
    this.answered.clear();
    this.instance?.journal.clear();
    this.instance?.forgetState();
    return this;
  }

  /**
   * Adds the fixtures of JSON or YAML files, or of every such file in a folder: native fixtures
   * (`fixtures:`) or conversation flows (`responses:`); a flow file's `apiKey` turns on authentication.
   */
  loadFixtures(...paths: string[]): this {
    this.fixtures.add(loadFixturePaths(paths));
    return this;
  }

  /** Removes every fixture (the constructor's too, until `reset()`) and restarts sequence counters. */
  clearFixtures(): this {
    this.fixtures.clear();
    return this;
  }

  async start(): Promise<string> {
    if (this.instance) throw new Error("LLMock is already started");
    this.instance = await startServer(this.fixtures, this.options, this.exchangeEvents);
    return this.instance.url;
  }

  async stop(): Promise<void> {
    const instance = this.instance;
    this.instance = null;
    await instance?.close();
  }

  get url(): string {
    if (!this.instance) throw new Error("LLMock is not started: call await mock.start() first");
    return this.instance.url;
  }

  /**
   * Queues an error for the next request a fixture matches (see ServerInstance.nextError).
   * Call after start().
   */
  nextError(status: number, error?: Parameters<ServerInstance["nextError"]>[1]): this {
    if (!this.instance) throw new Error("LLMock is not started: call await mock.start() first");
    this.instance.nextError(status, error);
    return this;
  }

  /**
   * The mock's exchange events (see ServerInstance.on), kept across stop and start, so listeners can be
   * added before the server starts: `mock.events.on("unmatched", (exchange, error) => ...)`.
   */
  get events(): ExchangeEventSource {
    return this.exchangeEvents;
  }

  /** The exchanges served so far (the newest `journalSize`), oldest first. */
  get requests(): JournalEntry[] {
    return this.instance?.journal.all() ?? [];
  }
}
