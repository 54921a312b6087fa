// Child process: the floor for paced streams. A plain node:http server that, for every POST, reads the body and
// replays one captured Understudy stream at Understudy's pace: the opening events at once, the first token at
// ttft, then one token every 1000/tps ms. Prints its URL.
//
// It is written to be as cheap as a Node server can pace tokens, so that what Understudy pays above it is its own
// overhead: the stream is split into Understudy's write groups once (the events before the first token, then each
// token's event with the non-token events up to the next token) and each group is framed as an HTTP chunk once, in
// a Buffer; a single 1 ms setInterval (running only while streams are open) walks a ring of per-millisecond
// buckets, and a token due in a bucket goes out in that tick with one res.socket.write of its pre-framed Buffer
// (at most 1 ms early, like Understudy's scheduler). The first group goes through res.write (it carries the
// headers) and the last through res.end (its chunk and the body's terminating chunk in one write). Backpressure is
// respected (a full socket waits for drain) and a closed socket drops its stream.
// `res` as argv[4] writes every token with res.write(Buffer) instead (Node frames it: cork, three writes, uncork):
// at 1,000 streams that cost ~1.2-1.35x the server CPU per token of the default `socket`, so the default is the floor.
import { createServer } from "node:http";
import { readFileSync } from "node:fs";

// argv[2]: a JSON file { status, headers, body (base64) } captured from Understudy by the parent (the SSE body).
// argv[3]: JSON { ttft, tps }: the pace (ms to the first token, tokens per second).
const answer = JSON.parse(readFileSync(process.argv[2], "utf8"));
const { ttft, tps } = JSON.parse(process.argv[3]);
const mode = process.argv[4] ?? "socket";
if (mode !== "socket" && mode !== "res") throw new Error(`write mode must be socket or res, not ${mode}`);
const itl = 1000 / tps;

// A token event is one whose delta carries non-empty content (what the bench client counts).
const events = Buffer.from(answer.body, "base64")
  .toString("utf8")
  .split(/(?<=\n\n)/);
const groups = [""];
for (const event of events) {
  if (/"content":"[^"]/.test(event)) groups.push(event);
  else groups[groups.length - 1] += event;
}
const last = groups.length - 1;
if (last < 1) throw new Error("the captured stream has no token");
const bodies = groups.map((text) => Buffer.from(text));
const frames = bodies.map((body) =>
  Buffer.concat([Buffer.from(`${body.length.toString(16)}\r\n`), body, Buffer.from("\r\n")]),
);

// Per-millisecond buckets in a ring longer than any wait (ttft or a gap) plus a stalled event loop's lateness.
const RING = 2 ** Math.ceil(Math.log2(ttft + itl + 4000));
const MASK = RING - 1;
const ring = Array.from({ length: RING }, () => []);
let done = 0; // the last bucket (ms) already written
let live = 0; // streams waiting in the ring or for drain
let timer = null;

function schedule(stream, due) {
  let bucket = Math.floor(due);
  if (bucket <= done) bucket = done + 1; // already late: the next bucket walked, in this tick if it is due
  ring[bucket & MASK].push(stream);
}

function tick() {
  const now = Math.floor(performance.now());
  while (done < now) {
    const bucket = ring[++done & MASK];
    if (bucket.length === 0) continue;
    for (let i = 0; i < bucket.length; i++) send(bucket[i]);
    bucket.length = 0;
  }
  if (live === 0) {
    clearInterval(timer);
    timer = null;
  }
}

function send(stream) {
  const { res, socket, k } = stream;
  if (socket.destroyed) return void live--;
  if (k === last) {
    live--;
    return void res.end(bodies[k]);
  }
  const more = stream.raw ? socket.write(frames[k]) : res.write(bodies[k]);
  stream.k = k + 1;
  const due = stream.start + ttft + k * itl; // token k+1's time
  if (more) schedule(stream, due);
  else (stream.raw ? socket : res).once("drain", () => schedule(stream, due));
}

const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    const start = performance.now();
    res.writeHead(answer.status, answer.headers);
    res.write(bodies[0]); // the headers and the opening events in one write
    const socket = res.socket;
    if (socket === null || socket.destroyed) return;
    if (timer === null) {
      done = Math.floor(start);
      timer = setInterval(tick, 1);
    }
    live++;
    // Only a chunked body (not an HTTP/1.0 client's) can take hand-framed chunks on the socket.
    schedule({ res, socket, k: 1, start, raw: mode === "socket" && res.chunkedEncoding === true }, start + ttft);
  });
});
// Understudy's backlog, so that a connection storm meets the same accept queue.
server.listen({ port: 0, host: "127.0.0.1", backlog: 65_535 }, () => {
  process.stdout.write(`http://127.0.0.1:${server.address().port}\n`);
});
process.stdin
  .on("end", () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  })
  .resume();
