// The route table: every HTTP route (the API surfaces, their resources, /health, /metrics) as a value that
// says its methods, path, whether it needs credentials, whether it is journalled and counted, and its
// handler. Exact paths are one Map lookup; patterns are tried in order after them. A path several providers
// serve (`GET /v1/models`) has a route per provider that claims its clients' requests by their head.
import type { Provider, RequestClaim, RequestHead, SurfaceWire } from "../protocols/types.js";
import type { HttpExchange } from "./http-exchange.js";

/** The metrics label of requests no route claims (404s, wrong methods): raw paths never become labels. */
export const UNKNOWN_ROUTE = "other";

export interface Route {
  /** The methods it answers, upper case. */
  readonly methods: readonly string[];
  /** The path without the optional `/v1` prefix, or a pattern whose groups are the handler's parameters. */
  readonly path: string | RegExp;
  /** Whether a request must present credentials (when any keys are configured). */
  readonly credentials: boolean;
  /** Whether its exchanges are journalled, counted in metrics and announced to listeners. */
  readonly recorded: boolean;
  /** The API name for the journal and request log (e.g. `chat.completions`); undefined for plain endpoints. */
  readonly api: string | undefined;
  /** Its bounded metrics label (see ExchangeInfo.route). */
  readonly label: string;
  /** The provider whose API it serves, for the journal and metrics; undefined for the server's own routes. */
  readonly provider: Provider | undefined;
  /** The wire its answers speak: credentials, headers, errors. */
  readonly wire: SurfaceWire;
  /**
   * Only requests this claims take the route (an Anthropic client's, by its headers); tried before the
   * route at the same path that claims none. Unset: every request to its path.
   */
  readonly claims?: RequestClaim;
  /** Answers a request that was let in; a route that reads a JSON body gets it in `receive` (see http-read). */
  serve(exchange: HttpExchange): void;
  /** A JSON body's text and size in bytes, read within the server's limits. */
  receive(exchange: HttpExchange, text: string, bytes: number): void;
}

/** A route found for a request, with its path parameters. */
export interface RouteMatch {
  readonly route: Route;
  readonly params: readonly string[];
}

export const NO_PARAMS: readonly string[] = [];

/** The `receive` of a route that reads no body (its handler never calls readJsonBody). */
export function readsNoBody(): never {
  throw new Error("this route reads no request body");
}

/**
 * A path parameter as the client meant it; a malformed percent-escape (`%ZZ`, a cut `%E0%A4%A`)
 * stays as it was sent, so the route answers its own 404 for an id that does not exist.
 */
function decodeParam(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

/** The routes of one exact path: those that claim requests by their head, then the one that claims none. */
interface PathRoutes {
  readonly claimed: RouteMatch[];
  plain: RouteMatch | undefined;
}

/** A route that answers the requests of one provider's clients that no route serves (see RouteTable.notFoundFor). */
export interface ClaimedNotFound {
  readonly claims: RequestClaim;
  readonly route: Route;
}

export class RouteTable {
  /** The matches of each exact path, built once, so finding one allocates nothing. */
  private readonly exact = new Map<string, PathRoutes>();
  private readonly patterns: Route[] = [];

  /**
   * `notFound` answers what no route does; it is recorded under the label its path has (see labelOf).
   * `claimedNotFound`: the same for the clients of other providers, in their wire.
   */
  constructor(
    routes: readonly Route[],
    readonly notFound: Route,
    private readonly claimedNotFound: readonly ClaimedNotFound[] = [],
  ) {
    // Claiming pattern routes go first, so a provider's claim is tried before the route that claims none.
    for (const route of routes) if (route.path instanceof RegExp && route.claims) this.patterns.push(route);
    for (const route of routes) {
      if (route.path instanceof RegExp) {
        if (!route.claims) this.patterns.push(route);
        continue;
      }
      let at = this.exact.get(route.path);
      if (at === undefined) this.exact.set(route.path, (at = { claimed: [], plain: undefined }));
      const match = { route, params: NO_PARAMS };
      if (route.claims) at.claimed.push(match);
      else if (at.plain !== undefined) throw new Error(`two routes for ${route.path}`);
      else at.plain = match;
    }
  }

  /** The route answering `method` on `path` (already without `/v1`) for a request with `req`'s head, or null. */
  find(method: string, path: string, req: RequestHead): RouteMatch | null {
    // A Map, not an object: a request's path is a fresh string, and looking it up as a property key
    // first searches V8's table of every interned string.
    const exact = this.exact.get(path);
    if (exact !== undefined) {
      for (const match of exact.claimed)
        if (match.route.methods.includes(method) && match.route.claims?.(req)) return match;
      if (exact.plain?.route.methods.includes(method)) return exact.plain;
    }
    for (const route of this.patterns) {
      if (!route.methods.includes(method) || (route.claims && !route.claims(req))) continue;
      const found = (route.path as RegExp).exec(path);
      if (found) return { route, params: found.slice(1).map(decodeParam) };
    }
    return null;
  }

  /** What answers a request no route does: in the wire of the provider whose client sent it, else the default. */
  notFoundFor(req: RequestHead): Route {
    for (const claimed of this.claimedNotFound) if (claimed.claims(req)) return claimed.route;
    return this.notFound;
  }

  /**
   * The metrics label of a path no route answers with the method used: the label of a route for that
   * path under another method (`GET /v1/chat/completions` counts as chat.completions), else "other".
   */
  labelOf(path: string): string {
    const exact = this.exact.get(path);
    const route = exact?.plain?.route ?? exact?.claimed[0]?.route;
    if (route?.recorded) return route.label;
    for (const route of this.patterns) if ((route.path as RegExp).test(path)) return route.label;
    return UNKNOWN_ROUTE;
  }
}
