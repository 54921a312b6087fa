// Binding a server to its interface and port, with the backlog a load test needs.
import type { Server } from "node:http";
import type { AddressInfo } from "node:net";

/** Listens on `host` and `port` (0: a free one); resolves with the server's URL and port. */
export async function listen(server: Server, host: string, port: number): Promise<{ url: string; port: number }> {
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    // A load test opens thousands of connections at once: Node's default accept backlog (511) would drop
    // handshakes, which TCP retries only after a second. The kernel caps this at net.core.somaxconn.
    server.listen({ port, host, backlog: 65_535 }, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const urlHost = host.includes(":") ? `[${host}]` : host === "0.0.0.0" ? "127.0.0.1" : host;
  return { url: `http://${urlHost}:${bound}`, port: bound };
}
