// UDP stream sender (driver: ../traffic.ts): `pps` datagrams per second to (to, port), each
// stamped with its seq and send time; counts echoes (and their round-trip times) when the
// receiver echoes.
//   node --import tsx udp-sender.ts '{"to": "203.0.113.20", "port": 7000, "pps": 200}'
import { createSocket } from "node:dgram";
import { HEADER_BYTES, readDatagram, writeDatagram } from "../stream-payload";
import { now, serve } from "./serve";

const o = JSON.parse(process.argv[2] ?? "{}") as {
  to: string;
  port: number;
  pps: number;
  size?: number;
  bindAddress?: string;
  bindPort?: number;
  count?: number;
};
const size = Math.max(HEADER_BYTES, o.size ?? 64);
const interval = Math.min(20, Math.max(1, 1000 / o.pps));
let sent = 0;
let sendErrors = 0;
let started = 0;
let timer: NodeJS.Timeout | null = null;
const rtts: number[] = [];
const echoSources = new Map<string, number>();

const socket = createSocket("udp4");
socket.on("error", (e) => process.stderr.write(`sender: ${e.message}\n`));
socket.on("message", (msg, rinfo) => {
  const d = readDatagram(msg);
  if (!d) return;
  rtts.push(now() - d.sendTime);
  const from = `${rinfo.address}:${rinfo.port}`;
  echoSources.set(from, (echoSources.get(from) ?? 0) + 1);
});

function tick() {
  // Catch up on what the timer owed (bounded, so a stall is not followed by a flood).
  const due = Math.min(o.count ?? Infinity, Math.floor(((now() - started) * o.pps) / 1000) + 1);
  for (let burst = 0; sent < due && burst < 100; burst++) {
    const buf = Buffer.alloc(size);
    writeDatagram(buf, sent, now());
    sent++;
    socket.send(buf, o.port, o.to, (e) => {
      if (e) sendErrors++;
    });
  }
  if (o.count !== undefined && sent >= o.count) stop();
}

function stop() {
  if (timer) clearInterval(timer);
  timer = null;
}

function report() {
  const sorted = [...rtts].sort((a, b) => a - b);
  return {
    sent,
    sendErrors,
    sending: timer !== null,
    echoes: rtts.length,
    echoSources: Object.fromEntries(echoSources),
    rtt: sorted.length
      ? {
          min: sorted[0]!,
          median: sorted[sorted.length >> 1]!,
          mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
          max: sorted[sorted.length - 1]!,
        }
      : null,
  };
}

const io = serve({
  report,
  stop() {
    stop();
    return report();
  },
  mark: () => ({ at: now() }),
});

socket.bind({ address: o.bindAddress ?? "0.0.0.0", port: o.bindPort ?? 0 }, () => {
  started = now();
  timer = setInterval(tick, interval);
  tick();
  io.ready({ address: socket.address().address, port: socket.address().port, startedAt: started });
});
