// An exchange over HTTP: the request and response, the route that answers, and the answer's headers as
// they are completed; errors go out as JSON in the route's wire shape.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import type { ApiError } from "../core/errors.js";
import type { TimingOptions } from "../core/timing.js";
import type { SurfaceWire } from "../protocols/types.js";
import { Exchange, stampProcessingTime, type Headers } from "./exchange.js";
import { internalErrorOf } from "./lifecycle.js";
import type { Route } from "./routes.js";
import type { ServerState } from "./state.js";
import { writeJson } from "./writer.js";

/** The timing a request's headers set, an error naming a malformed header, or undefined without any. */
export type HeaderTiming = TimingOptions | { error: string; header: string } | undefined;

export class HttpExchange extends Exchange {
  /** The route that answers it (the server's not-found route for a URL none does). */
  declare readonly endpoint: Route;
  declare readonly req: IncomingMessage;
  declare readonly res: ServerResponse;
  /** The answer's headers, completed as it is written. */
  declare readonly headers: Headers;
  /** What the request's timing headers say (read by generation routes only). */
  declare timing: HeaderTiming;
  /** A pattern route's path parameters, decoded. */
  declare readonly params: readonly string[];

  // Declared, then assigned: see Exchange.
  constructor(
    server: ServerState,
    endpoint: Route,
    params: readonly string[],
    label: string,
    req: IncomingMessage,
    res: ServerResponse,
    requestId: string,
    method: string,
    url: string,
    arrival: number,
  ) {
    super(server, "http", label, endpoint.recorded, requestId, method, url, arrival, server.clock.now());
    this.endpoint = endpoint;
    this.req = req;
    this.res = res;
    this.headers = endpoint.wire.answerHeaders(requestId);
    this.timing = undefined;
    this.params = params;
    // A provider's route's exchanges are its provider's from the start, a 401 before its body is read included.
    this.provider = endpoint.provider;
  }

  /** The wire the answer speaks: the route's (the server's default for routes with none). */
  get wire(): SurfaceWire {
    return this.endpoint.wire;
  }

  get gone(): boolean {
    return this.res.destroyed;
  }

  override get requestHeaders(): IncomingHttpHeaders {
    return this.req.headers;
  }

  refuse(error: ApiError): void {
    const { headers, wire } = this;
    stampProcessingTime(headers, this.arrival, wire.processingTimeHeader);
    this.status = error.status;
    this.error = error.message;
    if (error.headers) Object.assign(headers, error.headers);
    const body = wire.renderError(error, this.requestId);
    this.answer = body;
    writeJson(this.res, error.status, body, headers);
  }

  refuseWithInternalError(message: string): void {
    if (!this.res.headersSent) this.refuse(internalErrorOf(this.wire, message));
    else this.res.destroy();
  }
}
