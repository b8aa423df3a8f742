// The namespace end of a broker bridge (driver: ../bridge.ts): listens on 127.0.0.1:<port>
// inside a box namespace and pipes each connection to a unix socket, which the root
// namespace's end serves (filesystem unix sockets are shared by every network namespace).
//   node --import tsx bridge-listener.ts '[{"port": 8883, "path": "/tmp/.../8883.sock"}]'
// `silence` makes the control plane unreachable the way a dead route does: live and new
// connections stay open and get nothing; `restore` resets those (the far end forgot them).
import { connect, createServer, type Socket } from "node:net";
import { serve } from "./serve";

const routes = JSON.parse(process.argv[2] ?? "[]") as { port: number; path: string }[];
let connections = 0;
let silent = false;
const live = new Map<Socket, Socket | null>();

function reset(s: Socket) {
  if (!s.destroyed) s.resetAndDestroy();
}

function hang(client: Socket) {
  client.unpipe();
  client.pause();
  live.set(client, null);
}

function forward(client: Socket, path: string) {
  const upstream = connect(path);
  live.set(client, upstream);
  client.on("error", () => upstream.destroy());
  upstream.on("error", () => reset(client));
  // A clean end upstream is passed on as a FIN by pipe(); a failed one as a reset.
  upstream.on("close", (hadError) => hadError && reset(client));
  client.pipe(upstream);
  upstream.pipe(client);
}

const io = serve({
  stats: () => ({ connections, live: live.size, silent }),
  silence() {
    silent = true;
    for (const [client, upstream] of live) {
      if (!upstream) continue;
      upstream.unpipe();
      client.unpipe();
      upstream
        .removeAllListeners("close")
        .removeAllListeners("error")
        .on("error", () => {});
      upstream.destroy();
      hang(client);
    }
    return { hung: live.size };
  },
  restore() {
    silent = false;
    for (const [client, upstream] of live) if (!upstream) reset(client);
    return {};
  },
});

let listening = 0;
for (const { port, path } of routes) {
  createServer((client) => {
    connections++;
    client.on("close", () => live.delete(client));
    client.on("error", () => {});
    if (silent) hang(client);
    else forward(client, path);
  })
    .on("error", (e) => {
      process.stderr.write(`listen 127.0.0.1:${port}: ${e.message}\n`);
      process.exit(1);
    })
    .listen(port, "127.0.0.1", () => {
      if (++listening === routes.length) io.ready({ ports: routes.map((r) => r.port) });
    });
}
