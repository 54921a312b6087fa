// What one server's exchanges share, on either transport: the pipeline's state (with the policies) plus
// the journal, the events, the pacer, the body limit and the memo. One value per server, built by createServer.
import type { Journal } from "../journal/journal.js";
import type { PipelineState } from "../pipeline.js";
import type { PipelineMemo } from "../pipeline-memo.js";
import type { RenderContext, SurfaceWire } from "../protocols/types.js";
import type { CorsPolicy } from "./cors.js";
import type { ExchangeEvents } from "./events.js";
import type { ServerMetrics } from "./metrics.js";
import type { Pacer } from "./pacer.js";

export interface ServerState extends PipelineState {
  journal: Journal;
  /** Announces exchanges as they start, match (or not) and end; metrics and the request log listen. */
  events: ExchangeEvents;
  /** The server's one scheduler and its answers' timing. */
  pacer: Pacer;
  maxBodyBytes: number;
  /** Outcomes of requests seen before, for answering repeats without running the pipeline. */
  memo: PipelineMemo;
  /** This server's Prometheus metrics, served at `GET /metrics`. */
  metrics: ServerMetrics;
  /** The wire of routes with no surface of their own (/health, unknown URLs, the 401 before a route is known). */
  defaultSurface: SurfaceWire;
  /** What surfaces render with: the server's ids and clock (one object, not one per request). */
  context: RenderContext;
  /** The origins browsers may call from (see cors.ts); null: CORS off. */
  cors: CorsPolicy;
}
