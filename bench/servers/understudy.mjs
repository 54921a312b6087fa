// Child process: Understudy from dist/ (or another build's, for A/B runs) with the benchmark fixture; prints its URL on stdout.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";

// argv[2]: JSON { fixtures, options?, dist? }: options are extra createServer options (for experiments);
// dist, a directory holding another build of Understudy (bench/ab.mjs), instead of this checkout's dist/.
const { fixtures, options = {}, dist } = JSON.parse(process.argv[2]);
const { createServer } = await import(dist ? pathToFileURL(resolve(dist, "server.js")).href : "../../dist/server.js");
const server = await createServer(fixtures, { port: 0, chunkSize: 0, latency: 0, ...options });
process.stdout.write(`${server.url}\n`);
// The parent holds our stdin open; when it goes away (even by crashing), so do we.
process.stdin.on("end", () => server.close().finally(() => process.exit(0))).resume();
