// createServer: wires the transport, the API surfaces, the fixture set and the journal into one
// listening server. Exported as `understudy/server`.
import { createServer as createHttpServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createIdSource, systemClock, type Clock } from "./core/ids.js";
import { TokenCache, type Plan } from "./core/plan.js";
import { validateEntries } from "./fixtures/entries.js";
import { FixtureSet, type FixtureEntry } from "./fixtures/index.js";
import { Journal, type JournalEntry } from "./journal/journal.js";
import { createChatSurface } from "./protocols/openai/chat/index.js";
import { createCompletionsSurface } from "./protocols/openai/completions/index.js";
import { createEmbeddingsRoute } from "./protocols/openai/embeddings/index.js";
import { createResponsesSurface, responsesResourceRoutes, ResponseStore } from "./protocols/openai/responses/index.js";
import type { Surface } from "./protocols/types.js";
import type { ReplyError } from "./core/reply.js";
import { checkTimingOptions, resolveTiming, type TimingOptions } from "./core/timing.js";
import { createFallback, type FallbackOption } from "./fixtures/fallback.js";
import { ModelRegistry, type ModelConfig } from "./protocols/openai/models.js";
import { OPENAI_WIRE } from "./protocols/openai/wire.js";
import { createPolicies, type RateLimitConfig } from "./policies/index.js";
import { createRequestHandler, type HttpState } from "./transport/http.js";
import { shareMetricsWithPrimary } from "./transport/cluster-metrics.js";
import { ServerMetrics } from "./transport/metrics.js";
import { Pacer } from "./transport/pacer.js";
import { httpTimeoutOptions, resolveTimeouts } from "./transport/timeouts.js";
import { attachResponsesWebSocket, refuseConnect } from "./transport/websocket.js";
import { PipelineMemo } from "./pipeline-memo.js";

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
  /** Called once per finished exchange. */
  onExchange?: (entry: JournalEntry) => void;
  /**
   * When set, every request (and WebSocket upgrade) except `GET /health` and `GET /metrics` must send
   * `Authorization: Bearer <one of these>`. Keys in UNDERSTUDY_API_KEYS (comma-separated) are added.
   */
  apiKeys?: readonly string[];
  /**
   * The models served. Without a list any model is accepted and echoed; with one, a model neither
   * listed nor named by a fixture gets 404 model_not_found. An entry may alias another model.
   */
  models?: readonly (string | ModelConfig)[];
  /** Requests and tokens per minute, per API key: 429 with retry-after and x-ratelimit-* beyond them. */
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
   * For tests of Understudy itself: `false` turns off the pipeline memo and the surfaces' rendering
   * caches, so every request is parsed, matched, planned and rendered afresh (the contract suite
   * checks that this changes no byte). Read once, here; default on.
   * @internal
   */
  caches?: boolean;
}

/**
 * Entries kept long enough to outlive the young generation are promoted and collected only by full
 * GCs, so under load a journal of 1000 let the heap (and RSS) grow by a third before levelling off;
 * with 100 the entries die young and memory stays flat. Tests rarely look further back than that.
 */
const DEFAULT_JOURNAL_SIZE = 100;

/** Keys from the option and from the UNDERSTUDY_API_KEYS environment variable. */
function configuredKeys(options: ServerOptions): Set<string> {
  const fromEnv = (process.env.UNDERSTUDY_API_KEYS ?? "").split(",").map((key) => key.trim()).filter(Boolean);
  return new Set([...(options.apiKeys ?? []), ...fromEnv]);
}

/**
 * A surface that reuses nothing: it is not memoizable (the memo neither looks up nor keeps its
 * outcomes), and it renders every plan as one without a reuse key (no rendering cache is read or filled).
 */
function withoutCaches(surface: Surface): Surface {
  const fresh = (plan: Plan): Plan => ({ ...plan, reuse: null });
  const text = surface.renderStreamText?.bind(surface);
  return {
    ...surface,
    memoizable: false,
    renderBody: (plan, conversation, context) => surface.renderBody(fresh(plan), conversation, context),
    renderStream: (plan, conversation, context) => surface.renderStream(fresh(plan), conversation, context),
    renderStreamText: text && ((plan, conversation, context) => text(fresh(plan), conversation, context)),
  };
}

export interface ServerInstance {
  /** `http://HOST:PORT`, no trailing slash. */
  url: string;
  port: number;
  server: Server;
  fixtures: FixtureSet;
  journal: Journal;
  /**
   * Queues an error for the next request a fixture matches: that request gets this status and an
   * OpenAI error body (`message`, `type`, `code`, `param` default by status) instead of its reply.
   */
  nextError(status: number, error?: Partial<Omit<ReplyError, "status">>): void;
  close(): Promise<void>;
}

/** Starts a server over an existing fixture set, so fixtures added later take effect at once. */
export async function startServer(fixtures: FixtureSet, options: ServerOptions = {}): Promise<ServerInstance> {
  const clock: Clock = options.now ? { now: options.now } : systemClock;
  const journal = new Journal(options.journalSize ?? DEFAULT_JOURNAL_SIZE);
  const ids = createIdSource(options.seed);
  const responseStore = new ResponseStore(options.responseStoreSize ?? 1000);
  const tokens = new TokenCache();
  const models = new ModelRegistry(options.models ?? [], fixtures);
  checkTimingOptions(options.timing, "createServer options.timing");
  const timeouts = resolveTimeouts(options, (name) => `createServer options.${name}`);
  const metrics = new ServerMetrics();
  // Under the CLI's --workers, /metrics sums every worker's (a no-op anywhere else).
  shareMetricsWithPrimary(() => metrics.snapshot());
  const policies = createPolicies({
    keys: { configured: configuredKeys(options), fromFixtures: fixtures.apiKeys },
    rateLimit: options.rateLimit,
    maxConcurrency: options.maxConcurrency,
    now: () => clock.now(),
    onQueueDepth: (depth) => metrics.queueChanged(depth),
  });
  const state: HttpState = {
    fixtures,
    models,
    policies: policies.list,
    journal,
    clock,
    ids,
    tokens,
    chunkSize: options.chunkSize ?? 0,
    timing: resolveTiming([options.latency === undefined ? undefined : { itl: options.latency }, options.timing]),
    fallback: createFallback(options.fallback),
    maxBodyBytes: options.maxBodyBytes ?? 16 * 1024 * 1024,
    onExchange: options.onExchange,
    metrics,
    memo: new PipelineMemo(fixtures, ids),
    pacer: new Pacer(options.seed),
    defaultSurface: OPENAI_WIRE,
  };
  const reusing = options.caches === false ? withoutCaches : (surface: Surface) => surface;
  const handler = createRequestHandler(
    state,
    { "/chat/completions": reusing(createChatSurface()), "/completions": reusing(createCompletionsSurface()), "/responses": reusing(createResponsesSurface({ store: responseStore, ids, tokens })) },
    [...responsesResourceRoutes(responseStore), createEmbeddingsRoute({ fixtures, tokens }), ...models.routes()],
  );
  const server = createHttpServer(httpTimeoutOptions(timeouts), handler);
  const sockets = attachResponsesWebSocket(server, state, responseStore, OPENAI_WIRE);
  server.on("connect", refuseConnect(OPENAI_WIRE));
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // A load test opens thousands of connections at once: Node's default accept backlog (511) would drop
    // handshakes, which TCP retries only after a second. The kernel caps this at net.core.somaxconn.
    server.listen({ port: options.port ?? 0, host, backlog: 65_535 }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(":") ? `[${host}]` : host === "0.0.0.0" ? "127.0.0.1" : host;
  return {
    url: `http://${urlHost}:${port}`,
    port,
    server,
    fixtures,
    journal,
    nextError: (status, error = {}) => {
      policies.queued.push({ status, message: error.message ?? `Queued error with status ${status}.`, ...error });
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        sockets.close();
        server.close((err) => (err ? reject(err) : resolve()));
        // Keep-alive and streaming sockets would otherwise hold close() open.
        server.closeAllConnections();
      }),
  };
}

/** Validates the fixtures (and loaded flow files) and starts a server answering from them. */
export async function createServer(fixtures: readonly FixtureEntry[] = [], options: ServerOptions = {}): Promise<ServerInstance> {
  const set = new FixtureSet();
  set.add(validateEntries(fixtures, "createServer fixtures"));
  return startServer(set, options);
}
