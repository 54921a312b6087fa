// The contract of a surface's WebSocket frame protocol: how text frames become requests, which lane each
// runs on, and how answers and errors become frames. No sockets: the transport drives a session per
// connection and runs each request through the same exchange lifecycle as HTTP.
import type { Conversation } from "../core/conversation.js";
import type { ApiError, ServerError } from "../core/errors.js";
import type { RenderContext, RenderedStream, Surface, SurfaceWire } from "./types.js";

/** One request a frame carries, as its protocol read it. */
export interface FrameRequest {
  /** The request body, as the session's surface parses it. */
  readonly body: Record<string, unknown>;
  /** The frame's size in characters: a large request is planned in slices. */
  readonly bytes: number;
  /** Requests on one lane are answered in order; lanes run concurrently. */
  readonly lane: string;
}

/** The transport's limits on a frame's JSON, which a protocol checks where its envelope allows. */
export interface FrameLimits {
  /** The refusal of a value nested too deep (`chars`: the frame's size), or null. */
  nesting(value: unknown, chars: number): ServerError | null;
}

/** A request its protocol answers without matching a fixture (a warm-up), or refuses. */
export type DirectAnswer =
  | { readonly stream: RenderedStream; readonly conversation: Conversation; readonly label: string }
  | { readonly error: ApiError };

/** One connection's protocol state: its surface (with what the connection remembers) and its rules. */
export interface FrameSession<R extends FrameRequest = FrameRequest> {
  /** Parses the connection's requests and renders their answers. */
  readonly surface: Surface;
  /** Requests answered at once on one connection; more wait for one to finish. */
  readonly maxInFlight: number;
  /** The request a text frame carries, or the frame refusing it (sent at once, not journalled). */
  read(text: string, limits: FrameLimits): R | string;
  /** A frame refusing a request that would open a lane beyond the protocol's limit; null to let it run. */
  openLane(request: R, active: ReadonlyMap<string, unknown>): string | null;
  /** The answer of a request that needs no fixture, or undefined to run it through the pipeline. */
  answerDirectly(request: R, context: RenderContext): DirectAnswer | undefined;
  /** A stream's events as the frames that answer `request`. */
  frames(stream: RenderedStream, request: R): string[];
  /** An error as the frame that answers `request` (undefined: a frame too broken to name one). */
  errorFrame(error: ApiError, request: R | undefined): string;
}

/** A surface's WebSocket endpoint. */
export interface FrameProtocol<R extends FrameRequest = FrameRequest> {
  /** The path it upgrades on, without `/v1`. */
  readonly path: string;
  /** The upgrade's wire: its credentials, and how an upgrade refused before any WebSocket looks. */
  readonly wire: SurfaceWire;
  /** The API name its exchanges are journalled and counted under. */
  readonly api: string;
  /** A new connection's session. */
  open(): FrameSession<R>;
}
