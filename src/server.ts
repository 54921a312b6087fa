// createServer: wires the transport, the route table, the policies, the fixture set, the journal and
// the exchange events into one listening server. Exported as `understudy-llm/server`.
import { createServer as createHttpServer, type Server } from "node:http";
import { controlDeps, countAnswer } from "./control/server-deps.js";
import { createIdSource, systemClock, type Clock } from "./core/ids.js";
import { TokenCache } from "./core/plan.js";
import { validateEntries } from "./fixtures/entries.js";
import { FixtureSet, loadFixturePaths, type FixtureEntry } from "./fixtures/index.js";
import { FixtureReloader, type ReloadResult } from "./fixtures/watch.js";
import { Journal, type JournalEntry } from "./journal/journal.js";
import { ResponseStore } from "./protocols/openai/responses/index.js";
import type { ReplyError } from "./core/reply.js";
import { checkTimingOptions, resolveTiming, type TimingOptions } from "./core/timing.js";
import { createFallback, type FallbackOption } from "./fixtures/fallback.js";
import { ModelRegistry, type ModelConfig } from "./protocols/model-registry.js";
import { OPENAI_WIRE } from "./protocols/openai/wire.js";
import { createPolicies, type RateLimitConfig } from "./policies/index.js";
import { httpRoutes, webSocketRoute } from "./routes.js";
import { shareMetricsWithPrimary } from "./transport/cluster-metrics.js";
import { corsPolicy, type CorsOption } from "./transport/cors.js";
import { ExchangeEvents, type ExchangeEvent, type ExchangeEventMap } from "./transport/events.js";
import { createRequestHandler } from "./transport/http.js";
import { countExchanges, ServerMetrics } from "./transport/metrics.js";
import { listen } from "./transport/listen.js";
import { Pacer } from "./transport/pacer.js";
import type { ServerState } from "./transport/state.js";
import { httpTimeoutOptions, resolveTimeouts } from "./transport/timeouts.js";
import { attachWebSocket, refuseConnect } from "./transport/websocket.js";
import { PipelineMemo } from "./pipeline-memo.js";

export type { ApiError } from "./core/errors.js";
export type { ExchangeEvent, ExchangeEventMap } from "./transport/events.js";
export type { ExchangeInfo, Transport } from "./transport/exchange.js";

export interface ServerOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind (default 127.0.0.1). */
  host?: string;
  /** Characters per streamed chunk for every fixture that sets none (default: one token per chunk). */
  chunkSize?: number;
  /** Milliseconds between streamed chunks for every fixture that sets none (default 0); the same as `timing.itl`. */
  latency?: number;
  /**
   * How fast answers come: time to first token, tokens per second (or inter-token latency), jitter
   * and prefill per prompt token. A fixture's `timing` and a request's `x-understudy-*` headers win
   * over it. Unset, everything goes out at once (zero-latency mode).
   */
  timing?: TimingOptions;
  /**
   * How many answers are generated at once; requests beyond it wait their turn (in arrival order),
   * and the wait is reported in `x-understudy-queue-ms` and the journal. Unset: no limit.
   */
  maxConcurrency?: number;
  /**
   * What answers a request no fixture matches, instead of a 400 `no_match`: `lorem:<tokens>` (filler
   * of exactly that many tokens in the model's encoding) or `echo` (the last user message).
   */
  fallback?: FallbackOption | string;
  /** Seed for ids, so whole responses are reproducible. */
  seed?: number;
  /** The clock for `created` timestamps, in milliseconds since the epoch (default Date.now). */
  now?: () => number;
  /** How many exchanges the journal keeps (default 100; 0 keeps none). */
  journalSize?: number;
  /** How many Responses API responses are kept for GET and previous_response_id (default 1000). */
  responseStoreSize?: number;
  /** Largest accepted request body in bytes (default 16 MiB). */
  maxBodyBytes?: number;
  /** Called once per finished exchange with its journal entry: a listener of the "ended" event (see ServerInstance.on). */
  onExchange?: (entry: JournalEntry) => void;
  /**
   * When set, every request (and WebSocket upgrade) except `GET /health` and `GET /metrics` must present
   * one of these as its provider's clients send a key: `Authorization: Bearer` (OpenAI; also Anthropic,
   * Azure and Vertex AI), `x-api-key` (Anthropic), `x-goog-api-key` or `?key=` (Gemini), `api-key` (Azure).
   * Keys in UNDERSTUDY_API_KEYS (comma-separated) are added.
   */
  apiKeys?: readonly string[];
  /**
   * The models served. Without a list any model is accepted and echoed; with one, a model neither
   * listed nor named by a fixture gets 404 model_not_found. An entry may alias another model.
   */
  models?: readonly (string | ModelConfig)[];
  /** Requests and tokens per minute, per API key: beyond them, each provider's 429 with its retry information and rate-limit headers. */
  rateLimit?: RateLimitConfig;
  /**
   * Milliseconds a request's headers may take (default 10000), counted from its first byte, or for a
   * connection's first request from the connection's opening: slow headers (slowloris) and connections
   * that never send anything are answered 408 and closed. 0: no limit of its own. At most requestTimeout.
   */
  headersTimeout?: number;
  /**
   * Milliseconds a whole request, headers and body, may take (default 30000), counted the same way:
   * a stalled body is answered 408 (journalled as 408 request_timeout) and its connection closed.
   * Deadlines are checked every tenth of the shorter of the two (at most every second), so a
   * connection is closed at most that much after its deadline. Answers are never cut by it: a stream
   * paced over minutes runs to its end. 0: no limit.
   */
  requestTimeout?: number;
  /**
   * Milliseconds an idle keep-alive connection stays open between requests (default 65000, beyond the
   * 60 s idle pools of nginx and AWS ALB; behind a gateway that pools longer, set it above the gateway's
   * idle timeout, or reused connections fail with ECONNRESET). Answers advertise it in `Keep-Alive:
   * timeout=<s>`. 0: open until the client closes it.
   */
  keepAliveTimeout?: number;
  /**
   * Which browser origins may call the server directly (apps under Playwright or Cypress): preflights
   * (OPTIONS) are answered and answers carry Access-Control-Allow-Origin. Default `true` (any origin);
   * a list admits only those origins; `false` sends no CORS headers.
   */
  cors?: CorsOption;
  /**
   * For tests of Understudy itself: `false` turns off the pipeline memo and the surfaces' rendering
   * caches, so every request is parsed, matched, planned and rendered afresh (the contract suite
   * checks that this changes no byte). Read once, here; default on.
   * @internal
   */
  caches?: boolean;
  /**
   * Fixture files or folders (JSON or YAML, fixtures or flows) that createServer loads after the
   * fixtures given in code; with `watch`, or on `reload()` (the CLI's SIGHUP), they are read again.
   */
  fixturePaths?: readonly string[];
  /**
   * Re-read `fixturePaths` whenever one of them changes: the new set replaces the loaded one at once,
   * a file that no longer loads keeps the old set (its error goes to stderr), and sequence counters of
   * unchanged fixtures keep counting. Default off.
   */
  watch?: boolean;
  /**
   * The control API under `/__understudy/` (journal, fixtures, reset, unused, errors). Default on;
   * `false` turns it off (its paths answer 404). Its answers never enter the journal or the metrics.
   */
  control?: boolean;
  /**
   * A key that opens the control API (as `Authorization: Bearer` or `x-api-key`), besides the API keys.
   * With neither configured, the control API is open to anyone who can reach the server.
   */
  controlKey?: string;
}

/**
 * Entries kept long enough to outlive the young generation are promoted and collected only by full
 * GCs, so under load a journal of 1000 let the heap (and RSS) grow by a third before levelling off;
 * with 100 the entries die young and memory stays flat. Tests rarely look further back than that.
 */
const DEFAULT_JOURNAL_SIZE = 100;

/** Keys from the option and from the UNDERSTUDY_API_KEYS environment variable. */
function configuredKeys(options: ServerOptions): Set<string> {
  const fromEnv = (process.env.UNDERSTUDY_API_KEYS ?? "")
    .split(",")
    .map((key) => key.trim())
    .filter(Boolean);
  return new Set([...(options.apiKeys ?? []), ...fromEnv]);
}

export interface ServerInstance {
  /** `http://HOST:PORT`, no trailing slash. */
  url: string;
  port: number;
  server: Server;
  fixtures: FixtureSet;
  journal: Journal;
  /**
   * Queues an error for the next request a fixture matches: that request gets this status and an error
   * body in its surface's shape (`message`; `type`, `code` and `param` default by status in the
   * provider's vocabulary) instead of its reply.
   */
  nextError(status: number, error?: Partial<Omit<ReplyError, "status">>): void;
  /**
   * Listens to this server's exchanges, on HTTP and WebSocket alike: `started` (a request arrived),
   * `matched` (a fixture answers it; `exchange.fixture` names it), `unmatched` (an API request no fixture
   * answers, with the error it gets) and `ended` (its journal entry). A listener that throws or rejects
   * is reported on stderr once and never affects an answer. Returns the function that stops listening.
   *
   * @example
   * server.on("unmatched", (exchange, error) => console.warn(`${exchange.path}: ${error.message}`));
   */
  on<E extends ExchangeEvent>(event: E, listener: ExchangeEventMap[E]): () => void;
  /**
   * Reads `fixturePaths` again (what SIGHUP does under the CLI): on success they replace the loaded
   * fixtures; on a broken file the old set stays and the result names the error.
   */
  reload(): ReloadResult;
  /**
   * Forgets what the server counted and kept between requests: queued errors, rate-limit buckets and
   * stored responses (fixtures and the journal are the caller's to reset; LLMock.reset does all).
   */
  forgetState(): void;
  close(): Promise<void>;
}

/** The state every exchange of one server shares, and the queue behind its nextError. */
function serverState(fixtures: FixtureSet, options: ServerOptions, events: ExchangeEvents) {
  const clock: Clock = options.now ? { now: options.now } : systemClock;
  const ids = createIdSource(options.seed);
  const metrics = new ServerMetrics();
  const models = new ModelRegistry(options.models ?? [], fixtures);
  const policies = createPolicies({
    keys: { configured: configuredKeys(options), fromFixtures: fixtures.apiKeys },
    rateLimit: options.rateLimit,
    maxConcurrency: options.maxConcurrency,
    now: () => clock.now(),
    onQueueDepth: (depth) => metrics.queueChanged(depth),
  });
  const state: ServerState = {
    fixtures,
    models,
    policies: policies.list,
    journal: new Journal(options.journalSize ?? DEFAULT_JOURNAL_SIZE),
    events,
    clock,
    ids,
    tokens: new TokenCache(),
    chunkSize: options.chunkSize ?? 0,
    timing: resolveTiming([options.latency === undefined ? undefined : { itl: options.latency }, options.timing]),
    fallback: createFallback(options.fallback),
    maxBodyBytes: options.maxBodyBytes ?? 16 * 1024 * 1024,
    metrics,
    memo: new PipelineMemo(fixtures, ids),
    pacer: new Pacer(options.seed),
    defaultSurface: OPENAI_WIRE,
    context: { ids, clock },
    cors: corsPolicy(options.cors),
  };
  return { state, queued: policies.queued, models };
}

/**
 * Starts a server over an existing fixture set, so fixtures added later take effect at once. `events`:
 * where its exchanges are announced (LLMock keeps one across restarts); the server's own listeners on it
 * (metrics, onExchange) are removed when it closes.
 */
export async function startServer(
  fixtures: FixtureSet,
  options: ServerOptions = {},
  events = new ExchangeEvents(),
): Promise<ServerInstance> {
  checkTimingOptions(options.timing, "createServer options.timing");
  const timeouts = resolveTimeouts(options, (name) => `createServer options.${name}`);
  const { state, queued, models } = serverState(fixtures, options, events);
  const { metrics, journal, ids, tokens } = state;
  // Under the CLI's --workers, /metrics sums every worker's (a no-op anywhere else).
  shareMetricsWithPrimary(() => metrics.snapshot());
  const own = [countExchanges(metrics, events), events.on("matched", countAnswer(fixtures))];
  if (options.onExchange) own.push(events.on("ended", options.onExchange, "the onExchange callback"));
  const store = new ResponseStore(options.responseStoreSize ?? 1000);
  // The control API opens to the API keys and the controlKey.
  const keys = new Set([...configuredKeys(options), ...(options.controlKey ? [options.controlKey] : [])]);
  const control =
    options.control === false ? null : controlDeps(state, { keys, clearResponses: () => store.clear(), queued });
  const routes = httpRoutes({ fixtures, models, store, ids, tokens, caches: options.caches !== false, control });
  const server = createHttpServer(httpTimeoutOptions(timeouts), createRequestHandler(state, routes));
  const sockets = attachWebSocket(server, state, webSocketRoute({ store, ids, tokens }));
  server.on("connect", refuseConnect(OPENAI_WIRE));
  const { url, port } = await listen(server, options.host ?? "127.0.0.1", options.port ?? 0);
  const reloader = new FixtureReloader(fixtures, options.fixturePaths ?? []);
  if (options.watch && options.fixturePaths?.length) reloader.watch();
  return {
    url,
    port,
    server,
    fixtures,
    journal,
    nextError: (status, error = {}) => {
      queued.push({ status, message: error.message ?? `Queued error with status ${status}.`, ...error });
    },
    on: (event, listener) => events.on(event, listener),
    reload: () => reloader.reload(),
    forgetState: () => {
      state.policies.reset();
      store.clear();
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const stop of own) stop();
        reloader.close();
        sockets.close();
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive and streaming sockets would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

/** Validates the fixtures (and loaded flow files) and starts a server answering from them. */
export async function createServer(
  fixtures: readonly FixtureEntry[] = [],
  options: ServerOptions = {},
): Promise<ServerInstance> {
  const set = new FixtureSet();
  set.add(validateEntries(fixtures, "createServer fixtures"));
  if (options.fixturePaths?.length) set.add(loadFixturePaths(options.fixturePaths));
  return startServer(set, options);
}
