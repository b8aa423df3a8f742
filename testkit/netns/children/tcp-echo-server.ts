// TCP echo server (driver: ../traffic.ts): every byte received is sent back.
//   node --import tsx tcp-echo-server.ts '{"address": "0.0.0.0", "port": 7100}'
import { createServer, type Socket } from "node:net";
import { serve } from "./serve";

const o = JSON.parse(process.argv[2] ?? "{}") as { address?: string; port: number };
const live = new Set<Socket>();
let accepted = 0;

const server = createServer((s) => {
  accepted++;
  live.add(s);
  s.on("close", () => live.delete(s));
  s.on("error", () => {});
  s.pipe(s);
});

const io = serve({
  stats: () => ({ accepted, live: live.size }),
  /** Resets every live connection (a server-side failure). */
  resetAll() {
    const n = live.size;
    for (const s of live) s.resetAndDestroy();
    return { reset: n };
  },
});

server.on("error", (e) => {
  process.stderr.write(`tcp echo server: ${e.message}\n`);
  process.exit(1);
});
server.listen(o.port, o.address ?? "0.0.0.0", () => io.ready({ port: o.port }));
