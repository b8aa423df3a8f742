// The WAN emulator's relay, run inside the test bed's `inet` namespace (driver: ../wan-emulator.ts).
//   node --import tsx wan-relay.ts '<links JSON>' '<ports JSON>'
// Each link has a real address (the box's end of its veth) and a public address (in inet).
// A datagram arriving on (pub(Y), p) from (real(X), q) goes on to (real(Y), p) from
// (pub(X), q): a symmetric 1:1 NAT per link, so both boxes see each other's public address
// and the ports are kept. Datagrams from an address that is no link's real address are
// dropped and counted as `unknown`.
import { createSocket, type Socket } from "node:dgram";
import { z } from "zod";
import {
  CLEAR,
  DelayLine,
  type Impairment,
  loses,
  sampleDelay,
  ZImpairmentPatch,
} from "../wan-impairment";
import { now, serve } from "./serve";

interface Counter {
  packets: number;
  bytes: number;
  dropped: number;
}
interface Link {
  name: string;
  realAddress: string;
  publicAddress: string;
  imp: Impairment;
  /** From the box into the relay, and from the relay out to the box. */
  in: Counter;
  out: Counter;
}

const ZLinks = z
  .array(
    z.strictObject({
      name: z.string().min(1),
      realAddress: z.ipv4(),
      publicAddress: z.ipv4(),
    }),
  )
  .min(1);
const ZPorts = z.array(z.number().int().min(1).max(65535)).max(4096);

const links = ZLinks.parse(JSON.parse(process.argv[2] ?? "[]")).map(
  (l): Link => ({
    ...l,
    imp: { ...CLEAR },
    in: { packets: 0, bytes: 0, dropped: 0 },
    out: { packets: 0, bytes: 0, dropped: 0 },
  }),
);
const byName = new Map(links.map((l) => [l.name, l]));
const byReal = new Map(links.map((l) => [l.realAddress, l]));
const byPublic = new Map(links.map((l) => [l.publicAddress, l]));
let unknown = 0;
let sendErrors = 0;
let bindErrors = 0;

const bound = new Map<string, Socket>();
const binding = new Map<string, Promise<Socket>>();
const lines = new Map<string, DelayLine>();

/** The socket on (pub(link), port), bound on first use; concurrent callers share the bind. */
function socketFor(link: Link, port: number): Promise<Socket> {
  const key = `${link.publicAddress}:${port}`;
  const ready = bound.get(key);
  if (ready) return Promise.resolve(ready);
  let p = binding.get(key);
  if (!p) {
    p = new Promise<Socket>((resolve, reject) => {
      const s = createSocket({ type: "udp4" });
      s.once("error", (e) => {
        binding.delete(key);
        bindErrors++;
        s.close();
        reject(e);
      });
      s.bind({ address: link.publicAddress, port }, () => {
        s.removeAllListeners("error");
        s.on("error", (e) => process.stderr.write(`socket ${key}: ${e.message}\n`));
        s.on("message", (msg, rinfo) => arrive(link, port, msg, rinfo.address, rinfo.port));
        bound.set(key, s);
        binding.delete(key);
        resolve(s);
      });
    });
    binding.set(key, p);
  }
  return p;
}

function arrive(to: Link, port: number, msg: Buffer, fromAddress: string, fromPort: number) {
  const from = byReal.get(fromAddress);
  if (!from) {
    unknown++;
    return;
  }
  from.in.packets++;
  from.in.bytes += msg.length;
  if (from.imp.down || loses(from.imp)) {
    from.in.dropped++;
    return;
  }
  if (to.imp.down || loses(to.imp)) {
    to.out.dropped++;
    return;
  }
  const key = `${from.name}>${to.name}`;
  let line = lines.get(key);
  if (!line) {
    line = new DelayLine(now);
    lines.set(key, line);
  }
  const delay = sampleDelay(from.imp) + sampleDelay(to.imp);
  const keepOrder = from.imp.jitterMs === 0 && to.imp.jitterMs === 0;
  line.push(delay, () => deliver(from, fromPort, to, port, msg), keepOrder);
}

/** Leaves the relay. A link that went down while the datagram was held still drops it. */
function deliver(from: Link, fromPort: number, to: Link, port: number, msg: Buffer) {
  if (from.imp.down) {
    from.in.dropped++;
    return;
  }
  if (to.imp.down) {
    to.out.dropped++;
    return;
  }
  const send = (s: Socket) => {
    to.out.packets++;
    to.out.bytes += msg.length;
    s.send(msg, port, to.realAddress, (e) => {
      if (e) sendErrors++;
    });
  };
  const ready = bound.get(`${from.publicAddress}:${fromPort}`);
  if (ready) send(ready);
  else
    socketFor(from, fromPort).then(send, () => {
      from.in.dropped++;
    });
}

function link(name: unknown): Link {
  const l = typeof name === "string" ? byName.get(name) : undefined;
  if (!l) throw new Error(`unknown link ${JSON.stringify(name)}`);
  return l;
}

async function expose(ports: number[], publicAddress?: string) {
  const targets = publicAddress === undefined ? links : [byPublic.get(publicAddress)];
  if (targets.some((t) => !t))
    throw new Error(`no link has public address ${JSON.stringify(publicAddress)}`);
  const results = await Promise.allSettled(
    (targets as Link[]).flatMap((l) => ports.map((p) => socketFor(l, p))),
  );
  const failed = results.filter((r) => r.status === "rejected");
  if (failed.length)
    throw new Error(`${failed.length} of ${results.length} binds failed: ${failed[0]!.reason}`);
  return { bound: bound.size };
}

const view = (l: Link) => ({ ...l.imp });

const io = serve(
  {
    set(msg) {
      const l = link(msg.link);
      const { id: _i, cmd: _c, link: _l, ...patch } = msg;
      const parsed = ZImpairmentPatch.safeParse(patch);
      if (!parsed.success)
        throw new Error(`bad impairment: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
      l.imp = { ...l.imp, ...parsed.data };
      return { at: now(), link: l.name, impairment: view(l) };
    },
    expose(msg) {
      const ports = ZPorts.safeParse(msg.ports);
      if (!ports.success) throw new Error("bad ports: expected an array of port numbers");
      if (msg.publicAddress !== undefined && typeof msg.publicAddress !== "string")
        throw new Error("bad publicAddress");
      return expose(ports.data, msg.publicAddress as string | undefined);
    },
    counters: () => ({
      at: now(),
      links: Object.fromEntries(links.map((l) => [l.name, { in: { ...l.in }, out: { ...l.out } }])),
      unknown,
      sendErrors,
      bindErrors,
      held: [...lines.values()].reduce((n, l) => n + l.size, 0),
    }),
    links: () => Object.fromEntries(links.map((l) => [l.name, view(l)])),
    mark: () => ({ at: now() }),
  },
  () => {
    for (const l of lines.values()) l.clear();
    for (const s of bound.values()) s.close();
    process.exit(0);
  },
);

expose(ZPorts.parse(JSON.parse(process.argv[3] ?? "[]"))).then(
  (r) => io.ready(r),
  (e) => {
    process.stderr.write(`cannot bind the exposed ports: ${(e as Error).message}\n`);
    process.exit(1);
  },
);
