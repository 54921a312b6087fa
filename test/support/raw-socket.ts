// A TCP connection to a server that records every byte it receives and when the server closed it:
// for requests sent slowly, in pieces or never finished, and for headers node's client would merge.
import { connect, type Socket } from "node:net";

export interface RawConnection {
  socket: Socket;
  /** Everything the server has sent so far, as latin1 text. */
  received(): string;
  /** Resolves when the connection closes, with the milliseconds since it opened and everything received. */
  closed: Promise<{ afterMs: number; data: string }>;
}

/** Opens a connection to `url`'s host and port and resolves once it is connected. */
export function connectRaw(url: string): Promise<RawConnection> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  let data = "";
  socket.on("data", (chunk: Buffer) => (data += chunk.toString("latin1")));
  // A reset counts as a close here; what was received before it is what the test looks at.
  socket.on("error", () => undefined);
  return new Promise((resolve, reject) => {
    socket.once("error", reject);
    socket.once("connect", () => {
      const opened = performance.now();
      const closed = new Promise<{ afterMs: number; data: string }>((done) =>
        socket.once("close", () => done({ afterMs: performance.now() - opened, data })),
      );
      resolve({ socket, received: () => data, closed });
    });
  });
}

/** Sends `text` on a new connection and resolves with everything received once the server closes it. */
export async function sendRaw(url: string, text: string): Promise<string> {
  const connection = await connectRaw(url);
  connection.socket.write(text);
  return (await connection.closed).data;
}

/** The status and body of a one-response exchange read by sendRaw (a Content-Length body). */
export function parseRaw(data: string): { status: number; head: string; body: string } {
  const end = data.indexOf("\r\n\r\n");
  const head = data.slice(0, end);
  return { status: Number(head.split(" ")[1]), head, body: data.slice(end + 4) };
}

/** Waits `ms` milliseconds. */
export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
