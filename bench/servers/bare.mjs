// Child process: a bare node:http server that reads the body and answers captured bytes; prints its URL.
import { createServer } from "node:http";
import { readFileSync } from "node:fs";

// argv[2]: a JSON file { status, headers, body (base64) } captured from Understudy by the parent.
const answer = JSON.parse(readFileSync(process.argv[2], "utf8"));
const body = Buffer.from(answer.body, "base64");

const server = createServer({ keepAliveTimeout: 65_000 }, (req, res) => {
  const chunks = [];
  req.on("data", (chunk) => chunks.push(chunk));
  req.on("end", () => {
    res.writeHead(answer.status, answer.headers);
    res.end(body);
  });
});
server.listen(0, "127.0.0.1", () => {
  process.stdout.write(`http://127.0.0.1:${server.address().port}\n`);
});
process.stdin
  .on("end", () => {
    server.closeAllConnections();
    server.close(() => process.exit(0));
  })
  .resume();
