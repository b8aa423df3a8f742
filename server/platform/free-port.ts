import { createServer } from "node:net";

/**
 * A TCP port nothing listens on now, on `host` (the OS picks it). Another process may take it
 * before the caller binds: for child processes of tests, benchmarks and single-machine runs.
 */
export async function freePort(host = "127.0.0.1"): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve, reject) =>
    server.once("error", reject).listen(0, host, resolve),
  );
  const { port } = server.address() as { port: number };
  await new Promise((r) => server.close(r));
  return port;
}
