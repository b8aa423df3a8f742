// Traffic between the LAN hosts of the overlay test bed, as small node programs run in
// the hosts' namespaces: a UDP echo, and a stream that measures the longest time without
// an answer (what a path switch costs the traffic).
export interface StreamResult {
  sent: number;
  received: number;
  /** Longest time without an answer while the stream ran (ms): the outage. */
  longestGapMs: number;
}

export const ECHO_PORT = 7700;
export const UDP_ECHO_JS = `
const s = require("node:dgram").createSocket("udp4");
s.on("message", (m, r) => s.send(m, r.port, r.address));
s.bind(Number(process.argv[1]), () => console.log("ready"));
`;
// Sends seq-numbered packets; the gap is measured between answers as they arrive (and
// from the start and to the end), so a path switch shows as one long gap.
export const UDP_STREAM_JS = `
const [host, port, every, duration, src] = process.argv.slice(1).map((v, i) => (i && i < 4 ? Number(v) : v));
const s = require("node:dgram").createSocket("udp4");
if (src) s.bind({ address: src });
const now = () => Number(process.hrtime.bigint()) / 1e6;
const start = now();
let sent = 0, received = 0, last = start, gap = 0;
s.on("message", () => { const t = now(); gap = Math.max(gap, t - last); last = t; received++; });
const timer = setInterval(() => {
  if (now() - start >= duration) {
    clearInterval(timer);
    setTimeout(() => {
      gap = Math.max(gap, Math.min(now(), start + duration) - last);
      console.log(JSON.stringify({ sent, received, longestGapMs: Math.round(gap) }));
      s.close();
    }, 300);
    return;
  }
  const b = Buffer.alloc(8); b.writeUInt32BE(sent++); s.send(b, port, host);
}, every);
`;
