// Writes a JSON body given in parts (JsonInParts): one part per event-loop turn, waiting for 'drain'
// when the client is behind, and stopping (without producing the rest) when the client goes away.
import type { ServerResponse } from "node:http";
import type { JsonInParts } from "../protocols/json-parts.js";

/**
 * Sends the headers (no Content-Length: the size is known only at the end, so the body is chunked) and
 * the parts. Resolves with whether the client went away, or producing a part failed, before the end.
 */
export function writeJsonParts(
  res: ServerResponse,
  status: number,
  body: JsonInParts,
  headers: Record<string, string | number>,
): Promise<{ interrupted: boolean }> {
  headers["content-type"] = "application/json";
  res.writeHead(status, headers);
  const parts = body.parts[Symbol.iterator]();
  return new Promise((resolve) => {
    let done = false;
    const stop = (interrupted: boolean): void => {
      done = true;
      res.off("close", gone);
      res.off("drain", later);
      resolve({ interrupted });
    };
    function gone(): void {
      if (done) return;
      // Lets the producer release what it holds; the parts not yet made are never made.
      parts.return?.();
      stop(true);
    }
    function next(): void {
      if (done) return;
      let part: IteratorResult<string>;
      try {
        part = parts.next();
      } catch {
        // A bug while producing a part, after the 200 went out: cut the body short, keep serving.
        stop(true);
        res.destroy();
        return;
      }
      if (part.done) {
        stop(false);
        res.end();
        return;
      }
      // Between parts the loop serves other clients: the next part is made in a later turn (setImmediate
      // runs after pending I/O), and once the client has taken this one when it is behind (so about one
      // part waits in memory). 'drain' alone is not a turn: a write the socket took at once reports it
      // on nextTick, and a chain of those would keep every other client waiting to the end.
      if (res.write(part.value)) setImmediate(next);
      else res.once("drain", later);
    }
    function later(): void {
      setImmediate(next);
    }
    res.on("close", gone);
    next();
  });
}
