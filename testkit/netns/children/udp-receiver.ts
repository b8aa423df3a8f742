// UDP stream receiver (driver: ../traffic.ts): records (seq, sendTime, arrivalTime) of each
// datagram from udp-sender.ts, optionally echoing it back to its source.
//   node --import tsx udp-receiver.ts '{"address": "0.0.0.0", "port": 7000, "echo": false}'
import { createSocket } from "node:dgram";
import { readDatagram } from "../stream-payload";
import { now, serve } from "./serve";

const o = JSON.parse(process.argv[2] ?? "{}") as { address?: string; port: number; echo?: boolean };
const seq: number[] = [];
const sent: number[] = [];
const arrived: number[] = [];
const sources = new Map<string, number>();
let malformed = 0;

const at = (i: number) => ({ seq: seq[i]!, sendTime: sent[i]!, arrivalTime: arrived[i]! });
const num = (v: unknown, name: string) => {
  if (typeof v !== "number" || !Number.isFinite(v)) throw new Error(`${name}: expected a number`);
  return v;
};

const socket = createSocket("udp4");
socket.on("error", (e) => process.stderr.write(`receiver: ${e.message}\n`));
socket.on("message", (msg, rinfo) => {
  const t = now();
  const d = readDatagram(msg);
  if (!d) {
    malformed++;
    return;
  }
  seq.push(d.seq);
  sent.push(d.sendTime);
  arrived.push(t);
  const from = `${rinfo.address}:${rinfo.port}`;
  sources.set(from, (sources.get(from) ?? 0) + 1);
  if (o.echo) socket.send(msg, rinfo.port, rinfo.address);
});

const io = serve({
  counts() {
    const seen = new Set<number>();
    let duplicates = 0;
    let reordered = 0;
    let max = -1;
    for (const s of seq) {
      if (seen.has(s)) duplicates++;
      else if (s < max) reordered++;
      seen.add(s);
      max = Math.max(max, s);
    }
    return {
      received: seq.length,
      unique: seen.size,
      duplicates,
      reordered,
      maxSeq: max,
      missing: max + 1 - seen.size,
      malformed,
      sources: Object.fromEntries(sources),
    };
  },
  /** The first datagram SENT after `t` that arrived (lowest send time), or null. */
  firstArrivalAfter(msg) {
    const t = num(msg.t, "t");
    let best = -1;
    for (let i = 0; i < sent.length; i++)
      if (sent[i]! > t && (best < 0 || sent[i]! < sent[best]!)) best = i;
    return best < 0 ? null : at(best);
  },
  /** One-way latency (arrival − send) of datagrams sent in [from, to). */
  latency(msg) {
    const from = msg.from === undefined ? -Infinity : num(msg.from, "from");
    const to = msg.to === undefined ? Infinity : num(msg.to, "to");
    const l: number[] = [];
    for (let i = 0; i < sent.length; i++)
      if (sent[i]! >= from && sent[i]! < to) l.push(arrived[i]! - sent[i]!);
    if (!l.length) return null;
    l.sort((a, b) => a - b);
    return {
      count: l.length,
      min: l[0]!,
      median: l[l.length >> 1]!,
      mean: l.reduce((a, b) => a + b, 0) / l.length,
      max: l[l.length - 1]!,
    };
  },
  /** Silences between consecutive arrivals longer than `minMs`. */
  gaps(msg) {
    const minMs = num(msg.minMs, "minMs");
    const out: { from: ReturnType<typeof at>; to: ReturnType<typeof at>; gapMs: number }[] = [];
    for (let i = 1; i < arrived.length; i++) {
      const gap = arrived[i]! - arrived[i - 1]!;
      if (gap > minMs) out.push({ from: at(i - 1), to: at(i), gapMs: gap });
    }
    return out;
  },
  records: () => seq.map((_, i) => at(i)),
  mark: () => ({ at: now() }),
});

socket.bind({ address: o.address ?? "0.0.0.0", port: o.port }, () =>
  io.ready({ port: socket.address().port }),
);
