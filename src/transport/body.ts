// Reads a request body up to a byte limit. Callback-based: it runs on every request, and a promise
// plus an async continuation per body is measurable at load-test rates.
import type { IncomingMessage } from "node:http";

export class BodyTooLargeError extends Error {
  constructor(readonly limit: number) {
    super(`Request body exceeds the limit of ${limit} bytes.`);
  }
}

/** The body did not arrive within the server's requestTimeout: node has answered 408 and closed the connection. */
export class RequestTimeoutError extends Error {
  constructor() {
    super("Request timed out: the request body did not arrive within the server's requestTimeout.");
  }
}

/** node destroys the socket with ERR_HTTP_REQUEST_TIMEOUT; the request itself only sees "aborted". */
function timedOut(req: IncomingMessage): boolean {
  return (req.socket.errored as NodeJS.ErrnoException | null)?.code === "ERR_HTTP_REQUEST_TIMEOUT";
}

/** `done` gets `context` back, so it can be one function for every request rather than a closure per body. */
export function readBody<C>(
  req: IncomingMessage,
  limit: number,
  done: (context: C, err: Error | null, body: Buffer | null) => void,
  context: C,
): void {
  const declared = Number(req.headers["content-length"]);
  if (declared > limit) {
    req.resume();
    return done(context, new BodyTooLargeError(limit), null);
  }
  let first: Buffer | null = null;
  let rest: Buffer[] | null = null;
  let size = 0;
  let finished = false;
  const finish = (err: Error | null, body: Buffer | null): void => {
    if (finished) return;
    finished = true;
    done(context, err, body);
  };
  req.on("data", (chunk: Buffer) => {
    if (finished) return;
    size += chunk.length;
    if (size > limit) {
      req.resume();
      return finish(new BodyTooLargeError(limit), null);
    }
    if (first === null) first = chunk;
    else (rest ??= [first]).push(chunk);
  });
  req.on("end", () => finish(null, rest ? Buffer.concat(rest, size) : (first ?? Buffer.alloc(0))));
  req.on("error", (err) => finish(timedOut(req) ? new RequestTimeoutError() : err, null));
}
