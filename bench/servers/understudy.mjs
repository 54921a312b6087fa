// Child process: Understudy from dist/ with the one benchmark fixture; prints its URL on stdout.
import { createServer } from "../../dist/server.js";

// argv[2]: JSON { fixtures, options? }; options are extra createServer options (for experiments).
const { fixtures, options = {} } = JSON.parse(process.argv[2]);
const server = await createServer(fixtures, { port: 0, chunkSize: 0, latency: 0, ...options });
process.stdout.write(`${server.url}\n`);
// The parent holds our stdin open; when it goes away (even by crashing), so do we.
process.stdin.on("end", () => server.close().finally(() => process.exit(0))).resume();
