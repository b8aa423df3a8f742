// A long-lived TCP flow (driver: ../traffic.ts): one connection to an echo server, a
// message every `intervalMs`; tells whether the connection stayed up and the longest
// silence between echoes (what a failover costs a flow that must keep going).
//   node --import tsx tcp-flow.ts '{"to": "10.11.0.2", "port": 7100, "intervalMs": 10}'
import { connect } from "node:net";
import { now, serve } from "./serve";

const o = JSON.parse(process.argv[2] ?? "{}") as {
  to: string;
  port: number;
  intervalMs?: number;
  size?: number;
  bindAddress?: string;
  connectTimeoutMs?: number;
};
const size = Math.max(32, o.size ?? 64);
let sent = 0;
let echoed = 0;
let established = false;
let closed = false;
let error: string | null = null;
let connectedAt: number | null = null;
let lastEchoAt: number | null = null;
let longestGapMs = 0;
let longestGapEndedAt: number | null = null;
let pending = "";
let timer: NodeJS.Timeout | null = null;

const socket = connect({ host: o.to, port: o.port, localAddress: o.bindAddress });
socket.setNoDelay(true);
const giveUp = setTimeout(() => {
  if (!established) socket.destroy(new Error("connect timeout"));
}, o.connectTimeoutMs ?? 10_000);

socket.on("connect", () => {
  clearTimeout(giveUp);
  established = true;
  connectedAt = now();
  lastEchoAt = connectedAt;
  timer = setInterval(() => {
    const head = `${sent++} ${now()} `;
    socket.write(`${head.padEnd(size - 1, "x")}\n`);
  }, o.intervalMs ?? 10);
});
socket.on("data", (d) => {
  pending += d.toString();
  const lines = pending.split("\n");
  pending = lines.pop() ?? "";
  for (const _ of lines) {
    const t = now();
    if (lastEchoAt !== null && t - lastEchoAt > longestGapMs) {
      longestGapMs = t - lastEchoAt;
      longestGapEndedAt = t;
    }
    lastEchoAt = t;
    echoed++;
  }
});
socket.on("error", (e) => {
  error ??= (e as NodeJS.ErrnoException).code ?? e.message;
});
socket.on("close", () => {
  closed = true;
  clearTimeout(giveUp);
  if (timer) clearInterval(timer);
});

function report() {
  const t = now();
  return {
    established,
    /** Established and never closed since. */
    connected: established && !closed,
    error,
    sent,
    echoed,
    connectedAt,
    lastEchoAt,
    /** Longest silence between echoes, counting the current one if it is longer. */
    longestGapMs: Math.max(longestGapMs, lastEchoAt !== null && !closed ? t - lastEchoAt : 0),
    longestGapEndedAt,
    at: t,
  };
}

serve({
  report,
  stop() {
    if (timer) clearInterval(timer);
    const r = report();
    socket.end();
    return r;
  },
}).ready({});
