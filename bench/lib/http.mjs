// One plain node:http request with the full response kept, for capturing and verifying answers.
import { Agent, request as httpRequest } from "node:http";

// Keep-alive like the load generator, so the captured headers are the ones a benchmark request gets.
const agent = new Agent({ keepAlive: true, maxSockets: 1 });
export const closeAgent = () => agent.destroy();

/** POSTs `body` (JSON text) with a scenario's own `headers` (Anthropic's anthropic-version) besides the content type. */
export function send(url, path, body, headers = {}) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      new URL(path, url),
      { method: "POST", agent, headers: { "content-type": "application/json", ...headers } },
      (res) => {
        const chunks = [];
        res.on("data", (chunk) => chunks.push(chunk));
        res.on("end", () =>
          resolve({
            status: res.statusCode,
            headers: res.headers,
            rawHeaders: res.rawHeaders,
            body: Buffer.concat(chunks),
          }),
        );
        res.on("error", reject);
      },
    );
    req.setTimeout(10_000, () => req.destroy(new Error(`timeout on POST ${path}`)));
    req.on("error", reject);
    req.end(body);
  });
}

// Headers node:http adds by itself, in its spelling (the app's own, like Understudy's lowercase
// `connection` on SSE, differ in case); the bare server lets Node add them the same way.
const NODE_ADDED = new Set(["Date", "Connection", "Keep-Alive", "Transfer-Encoding"]);

/** The status, app-set headers (as sent, content-length included) and bytes, for the bare server to replay. */
export function toReplay(response) {
  const headers = {};
  for (let i = 0; i < response.rawHeaders.length; i += 2) {
    if (!NODE_ADDED.has(response.rawHeaders[i])) headers[response.rawHeaders[i]] = response.rawHeaders[i + 1];
  }
  return { status: response.status, headers, body: response.body.toString("base64") };
}

/** The response's header lines minus the two that differ per response anyway. */
export const headerBlock = (res) =>
  res.rawHeaders
    .map((v, i) => (i % 2 ? `${v}\n` : `${v}: `))
    .join("")
    .split("\n")
    .filter((l) => !/^(date|x-request-id):/i.test(l))
    .join("|");
