// The paced-stream client: thousands of SSE streams over raw TCP, one connection each, timing every content event.
//
// Built so that the client is not the bottleneck at 250,000 events/s on one core: pre-built request bytes,
// net's `onread` into one shared buffer (no per-read allocation), and byte searches instead of parsing. Per read
// it records one timestamp (performance.now); every `"content":"<non-empty>` in the read is one token. TCP may
// hand over several events in one read: they share the timestamp, so their gap is 0. Such gaps, and those of
// tokens a late server writes back to back, are counted as "bursts" (under 1 ms) and reported.
// Each connection sends its request, reads the chunked response to its terminating chunk, and (until the run's
// end) sends the next one on the same connection, so the concurrency holds for the whole run.
import { connect } from "node:net";
import { monitorEventLoopDelay } from "node:perf_hooks";

const CONTENT = Buffer.from('"content":"');
const DONE = Buffer.from("data: [DONE]");
const QUOTE = 0x22,
  LF = 0x0a;
const LAST_CHUNK = "\n0\r\n\r\n"; // the end of a chunked body: CRLF after the last data chunk, then "0\r\n\r\n"
const TAIL = 16;
const BURST_MS = 1;

/**
 * Runs `streams` connections against url+path, each POSTing `body` (JSON) with `headers`.
 * options: { streams, batch, rampMs, durationMs, expectedTokens, streamTimeoutMs, graceMs }
 *   batch connections open together, batches spread evenly over rampMs; after the ramp every connection keeps
 *   streaming for durationMs (0: one request per connection). With a duration, only streams requested after
 *   the ramp on a connection that has already served one are timed (a first request carries its connection's
 *   handshake, which a server busy with thousands of streams may accept late: those are timed apart, in
 *   firstTtfts); every stream counts for errors. A stream still open streamTimeoutMs after its request is an
 *   error; after the run, open streams get graceMs to finish. readBufferBytes (default 256 KiB) is the one read
 *   buffer's size; tiny ones split events across reads, to test the scanner. counters: an object whose `tokens`
 *   the client increments on every content token it reads (all streams, timed or not), so the caller can count
 *   the tokens of a time window while the run goes on.
 * Returns { ttfts, firstTtfts, gaps (ms between a stream's tokens), streamGaps (each stream's mean gap), bursts
 * (gaps under 1 ms), completed, errors: { reason: count }, peakInFlight, inFlightSamples, loopDelayMs, … }.
 */
export function runStreams(url, path, body, headers, options) {
  const {
    streams,
    batch = 500,
    rampMs = 0,
    durationMs = 0,
    expectedTokens,
    streamTimeoutMs = 60_000,
    graceMs = 30_000,
  } = options;
  const counters = options.counters ?? { tokens: 0 };
  const { hostname, port } = new URL(url);
  const payload = Buffer.from(JSON.stringify(body));
  const extra = Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join("");
  const request = Buffer.from(
    `POST ${path} HTTP/1.1\r\nHost: ${hostname}:${port}\r\ncontent-type: application/json\r\ncontent-length: ${payload.length}\r\n${extra}\r\n${payload.toString("latin1")}`,
    "latin1",
  );

  const ttfts = [],
    gaps = [],
    streamGaps = [],
    firstTtfts = [];
  const errors = {};
  const fail = (reason) => {
    errors[reason] = (errors[reason] ?? 0) + 1;
  };
  let completed = 0,
    started = 0,
    timedStreams = 0,
    inFlight = 0,
    peakInFlight = 0,
    bursts = 0,
    open = 0;
  const inFlightSamples = [];
  const shared = Buffer.allocUnsafe(options.readBufferBytes ?? 256 * 1024);
  // The histogram holds whole timer intervals (resolution + lateness): the lateness is the value minus 1 ms.
  const loop = monitorEventLoopDelay({ resolution: 1 });
  loop.enable();

  // No new request after stopAt: at once without a duration; else durationMs after the ramp (set then).
  let stopAt = durationMs > 0 ? Infinity : 0;
  let rampDone = durationMs === 0; // without a duration every stream is timed
  const all = new Set();

  return new Promise((resolve) => {
    const t0 = performance.now();
    let finished = false;

    class Stream {
      constructor() {
        this.socket = connect({
          host: hostname,
          port: Number(port),
          noDelay: true,
          onread: { buffer: shared, callback: (n, buf) => this.read(n, buf) },
        });
        this.socket.on("connect", () => this.send());
        this.socket.on("error", (err) => this.close(`socket ${err.code ?? err.message}`));
        this.socket.on("close", () => this.close("closed by the server mid-stream"));
        this.active = false;
        this.requests = 0;
        all.add(this);
        open++;
      }

      send() {
        this.active = true;
        this.requests++;
        this.timed = rampDone && (this.requests > 1 || durationMs === 0);
        this.head = "";
        this.inBody = false;
        this.tail = "";
        this.count = 0;
        this.done = false;
        this.firstAt = 0;
        this.lastAt = 0;
        this.writeAt = performance.now();
        started++;
        if (this.timed) timedStreams++;
        if (++inFlight > peakInFlight) peakInFlight = inFlight;
        this.socket.write(request);
      }

      read(n, buf) {
        if (!this.active) return;
        const now = performance.now();
        let start = 0;
        if (!this.inBody) {
          this.head += buf.latin1Slice(0, n);
          const end = this.head.indexOf("\r\n\r\n");
          if (end < 0) return;
          const status = this.head.slice(9, 12);
          if (status !== "200") return this.close(`HTTP ${status}`);
          if (!/\r\ntransfer-encoding: *chunked/i.test(this.head.slice(0, end + 2)))
            return this.close("not a chunked (streamed) response");
          start = n - (this.head.length - (end + 4));
          this.inBody = true;
          this.tail = "\n"; // the header block ended in a line feed: nothing spans into the body
        }
        // A match that straddles the previous read and this one (rare: only when that read did not end on a line feed).
        if (this.tail.charCodeAt(this.tail.length - 1) !== LF)
          this.straddling(this.tail + buf.latin1Slice(start, Math.min(n, start + TAIL)), now);
        for (let i = buf.indexOf(CONTENT, start); i >= 0 && i < n; i = buf.indexOf(CONTENT, i + CONTENT.length)) {
          if (i + CONTENT.length >= n) break; // its first character is in the next read
          if (buf[i + CONTENT.length] !== QUOTE) this.token(now);
        }
        if (!this.done) {
          const d = buf.indexOf(DONE, start);
          if (d >= 0 && d + DONE.length <= n) this.done = true;
        }
        this.tail = (this.tail + buf.latin1Slice(Math.max(start, n - TAIL), n)).slice(-TAIL);
        if (this.tail.endsWith(LAST_CHUNK)) this.complete();
      }

      /** Matches that begin in the previous read's tail and end in this one's head. */
      straddling(joint, now) {
        const from = this.tail.length;
        for (let i = joint.indexOf('"content":"'); i >= 0 && i < from; i = joint.indexOf('"content":"', i + 1)) {
          const next = i + CONTENT.length;
          if (next >= from && next < joint.length && joint.charCodeAt(next) !== QUOTE) this.token(now);
        }
        const d = joint.indexOf("data: [DONE]");
        if (d >= 0 && d < from && d + DONE.length > from) this.done = true;
      }

      token(now) {
        counters.tokens++;
        if (this.count === 0) {
          this.firstAt = now;
          if (this.timed) ttfts.push(now - this.writeAt);
          else if (this.requests === 1) firstTtfts.push(now - this.writeAt);
        } else if (this.timed) {
          const gap = now - this.lastAt;
          if (gap < BURST_MS) bursts++;
          gaps.push(gap);
        }
        this.lastAt = now;
        this.count++;
      }

      complete() {
        this.active = false;
        inFlight--;
        if (!this.done) fail("stream ended without data: [DONE]");
        else if (expectedTokens !== undefined && this.count !== expectedTokens)
          fail(`${this.count} content tokens instead of ${expectedTokens}`);
        else {
          completed++;
          if (this.timed && this.count > 1) streamGaps.push((this.lastAt - this.firstAt) / (this.count - 1));
        }
        if (performance.now() < stopAt) this.send();
        else this.end();
      }

      /** An error while a stream is open, or the socket's close (an error only if a stream was open). */
      close(reason) {
        if (this.active) {
          this.active = false;
          inFlight--;
          fail(reason);
        }
        this.end();
      }

      end() {
        if (!all.delete(this)) return;
        open--;
        this.socket.destroy();
        if (open === 0 && opened === streams) finish();
      }
    }

    // Open the connections in batches spread over the ramp; measure every stream from its own write.
    let opened = 0;
    const batches = Math.ceil(streams / batch);
    const every = batches > 1 ? rampMs / (batches - 1) : 0;
    const openBatch = () => {
      for (let i = 0; i < batch && opened < streams; i++, opened++) new Stream();
      if (opened < streams) setTimeout(openBatch, every);
      else {
        rampDone = true;
        stopAt = durationMs > 0 ? performance.now() + durationMs : 0;
        hardStop = setTimeout(() => finish(), Math.max(durationMs, 0) + graceMs);
      }
    };
    let hardStop;
    openBatch();

    // Every 100 ms: the concurrency, and streams open too long.
    const sweep = setInterval(() => {
      inFlightSamples.push([Math.round(performance.now() - t0), inFlight]);
      const now = performance.now();
      for (const s of all)
        if (s.active && now - s.writeAt > streamTimeoutMs) s.close(`no end within ${streamTimeoutMs / 1000} s`);
    }, 100);

    function finish() {
      if (finished) return;
      finished = true;
      clearTimeout(hardStop);
      clearInterval(sweep);
      for (const s of all) s.close("still open when the run ended");
      loop.disable();
      resolve({
        streams,
        started,
        timedStreams,
        completed,
        errors,
        ttfts,
        firstTtfts,
        gaps,
        streamGaps,
        bursts,
        peakInFlight,
        inFlightSamples,
        elapsedMs: performance.now() - t0,
        loopDelayMs: { p99: Math.max(0, loop.percentile(99) / 1e6 - 1), max: Math.max(0, loop.max / 1e6 - 1) },
      });
    }
  });
}
