// A raw HTTP/1.1 client over one TCP connection, for requests node's own client refuses to send
// (lowercase methods, malformed targets, odd bytes) and for pipelining a check behind a request.
import { connect, type Socket } from "node:net";

export interface RawResponse {
  status: number;
  /** Header names in lower case; repeated headers joined with ", ". */
  headers: Record<string, string>;
  body: Buffer;
}

export interface RawExchange {
  /** The responses read, in order (fewer than asked for when the connection ended first). */
  responses: RawResponse[];
  /** The server closed (or reset) the connection. */
  closed: boolean;
  /** Why the exchange ended early: "timeout", or a socket error code. */
  error?: string;
}

const HEAD_END = Buffer.from("\r\n\r\n");

/** One response from the front of `data`, with the bytes it used, or null when more bytes are needed. */
function parseResponse(data: Buffer, method: string, ended: boolean): { response: RawResponse; used: number } | null {
  const headEnd = data.indexOf(HEAD_END);
  if (headEnd === -1) return null;
  const [statusLine, ...lines] = data.subarray(0, headEnd).toString("latin1").split("\r\n");
  const status = Number(statusLine.split(" ")[1]);
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  const start = headEnd + HEAD_END.length;
  if (method === "HEAD" || status === 204 || status === 304 || (status >= 100 && status < 200))
    return { response: { status, headers, body: Buffer.alloc(0) }, used: start };
  if (/chunked/i.test(headers["transfer-encoding"] ?? "")) return parseChunked(data, start, status, headers);
  if (headers["content-length"] !== undefined) {
    const length = Number(headers["content-length"]);
    if (data.length < start + length) return null;
    return { response: { status, headers, body: data.subarray(start, start + length) }, used: start + length };
  }
  // Neither length nor chunks: the body runs to the end of the connection.
  return ended ? { response: { status, headers, body: data.subarray(start) }, used: data.length } : null;
}

function parseChunked(
  data: Buffer,
  from: number,
  status: number,
  headers: Record<string, string>,
): { response: RawResponse; used: number } | null {
  const parts: Buffer[] = [];
  let at = from;
  for (;;) {
    const lineEnd = data.indexOf("\r\n", at);
    if (lineEnd === -1) return null;
    const size = parseInt(data.subarray(at, lineEnd).toString("latin1"), 16);
    if (size === 0) {
      // The last chunk, then trailers (if any) up to an empty line.
      const end = data.indexOf(HEAD_END, lineEnd);
      if (end === -1) return null;
      return { response: { status, headers, body: Buffer.concat(parts) }, used: end + 4 };
    }
    if (data.length < lineEnd + 2 + size + 2) return null;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    at = lineEnd + 2 + size + 2;
  }
}

export class RawConnection {
  private data: Buffer = Buffer.alloc(0);
  private ended = false;
  private error: string | undefined;
  private wake: (() => void) | null = null;

  private constructor(private readonly socket: Socket) {
    socket.on("data", (chunk: Buffer) => {
      this.data = this.data.length ? Buffer.concat([this.data, chunk]) : chunk;
      this.wake?.();
    });
    socket.on("error", (err: NodeJS.ErrnoException) => (this.error = err.code ?? err.message));
    socket.on("close", () => {
      this.ended = true;
      this.wake?.();
    });
  }

  static open(port: number, host = "127.0.0.1"): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, host);
      socket.once("connect", () => resolve(new RawConnection(socket)));
      socket.once("error", reject);
    });
  }

  /** The server has closed this connection (or it broke). */
  get closed(): boolean {
    return this.ended;
  }

  /**
   * Writes `bytes` (one or more requests) and reads one response per entry of `methods` (the
   * requests' methods, which decide whether a response has a body), within `timeoutMs`.
   */
  async exchange(bytes: Buffer | string, methods: readonly string[], timeoutMs: number): Promise<RawExchange> {
    const responses: RawResponse[] = [];
    if (!this.ended) this.socket.write(bytes);
    const deadline = Date.now() + timeoutMs;
    while (responses.length < methods.length) {
      const parsed = parseResponse(this.data, methods[responses.length].toUpperCase(), this.ended);
      if (parsed) {
        responses.push(parsed.response);
        this.data = this.data.subarray(parsed.used);
        continue;
      }
      if (this.ended) return { responses, closed: true, error: this.error };
      const left = deadline - Date.now();
      if (left <= 0) return { responses, closed: false, error: "timeout" };
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = null;
    }
    return { responses, closed: this.ended };
  }

  close(): void {
    this.socket.destroy();
  }
}

/** Serialises one request: the method and target exactly as given, a Host header, and the body's length. */
export function rawRequest(
  method: string,
  target: string,
  body?: Buffer,
  headers: Record<string, string> = {},
): Buffer {
  let head = `${method} ${target} HTTP/1.1\r\nhost: 127.0.0.1\r\n`;
  for (const [name, value] of Object.entries(headers)) head += `${name}: ${value}\r\n`;
  if (body !== undefined) head += `content-length: ${body.length}\r\n`;
  // latin1 keeps each char of a target one byte, so a test can send exactly the bytes it means.
  const start = Buffer.from(`${head}\r\n`, "latin1");
  return body === undefined ? start : Buffer.concat([start, body]);
}
