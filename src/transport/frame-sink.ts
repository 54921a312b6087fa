// Text frames over a WebSocket as a stream sender's sink: written in ranges, with backpressure and the
// connection's close.
import type { WebSocket } from "ws";
import type { EventSink } from "./stream-sender.js";

/** Above this many unsent bytes the connection counts as full: a paced stream waits for it to drain. */
const HIGH_WATER_BYTES = 64 * 1024;
const DRAIN_POLL_MS = 10;

/**
 * `ws` has no drain event, so a full connection is polled until it empties. `closeWatchers` is the
 * connection's one set of close callbacks: a listener per response would pass node's limit of 10 with
 * 16 responses in flight.
 */
export function frameSink(ws: WebSocket, frames: readonly string[], closeWatchers: Set<() => void>): EventSink {
  const send = (from: number, to: number): void => {
    for (let i = from; i < to; i++) ws.send(frames[i]);
  };
  return {
    write(from, to) {
      send(from, to);
      return ws.bufferedAmount < HIGH_WATER_BYTES;
    },
    finish: send,
    onDrain(resume) {
      const check = (): void => {
        if (ws.readyState !== ws.OPEN || ws.bufferedAmount < HIGH_WATER_BYTES) resume();
        else setTimeout(check, DRAIN_POLL_MS);
      };
      setTimeout(check, DRAIN_POLL_MS);
    },
    onClose(gone) {
      // A new Set entry per call, so one callback given twice is still removed once each.
      const watcher = (): void => gone();
      closeWatchers.add(watcher);
      return () => closeWatchers.delete(watcher);
    },
  };
}
