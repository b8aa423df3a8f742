// A real authoritative DNS server on 127.0.0.1:<free port> (UDP), for custom-domain tests:
// TXT answers for the names set, NXDOMAIN for the rest, and names that never get an answer
// (a resolver timeout). Point DNS_SERVERS at `address`.
import { createSocket } from "node:dgram";
import type { AddressInfo } from "node:net";
import dnsPacket from "dns-packet";

type Entry = { txt: string[] } | "nodata" | "hang";

export interface TestDnsServer {
  /** `127.0.0.1:<port>`, as DNS_SERVERS takes it. */
  address: string;
  /** Answers `name`'s TXT query with these texts (replacing what it answered). */
  setTxt(name: string, texts: string[]): void;
  /** `name` exists but has no TXT record (NOERROR, no answer). */
  setNoData(name: string): void;
  /** Queries for `name` are never answered. */
  setHang(name: string): void;
  /** Forgets `name`: NXDOMAIN from now on. */
  remove(name: string): void;
  close(): Promise<void>;
}

/** A UDP port free right now on 127.0.0.1 (for a server another process must be told of first). */
export async function freeUdpPort(): Promise<number> {
  const socket = createSocket("udp4");
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  const { port } = socket.address() as AddressInfo;
  await new Promise<void>((resolve) => socket.close(() => resolve()));
  return port;
}

export async function startDnsServer(port = 0): Promise<TestDnsServer> {
  const zone = new Map<string, Entry>();
  const socket = createSocket("udp4");
  socket.on("message", (message, peer) => {
    let query: dnsPacket.Packet;
    try {
      query = dnsPacket.decode(message);
    } catch {
      return;
    }
    const question = query.questions?.[0];
    if (!question) return;
    const name = question.name.toLowerCase().replace(/\.$/, "");
    const entry = zone.get(name);
    if (entry === "hang") return;
    const answers =
      entry && entry !== "nodata" && question.type === "TXT"
        ? entry.txt.map((text) => ({
            type: "TXT" as const,
            name: question.name,
            ttl: 1,
            class: "IN" as const,
            data: [Buffer.from(text)],
          }))
        : [];
    const reply = dnsPacket.encode({
      id: query.id,
      type: "response",
      // Authoritative; NXDOMAIN (rcode 3) for a name it does not know.
      flags: dnsPacket.AUTHORITATIVE_ANSWER | (entry ? 0 : 3),
      questions: [question],
      answers,
    });
    socket.send(reply, peer.port, peer.address);
  });
  await new Promise<void>((resolve) => socket.bind(port, "127.0.0.1", resolve));
  const bound = (socket.address() as AddressInfo).port;
  const key = (name: string) => name.toLowerCase().replace(/\.$/, "");
  return {
    address: `127.0.0.1:${bound}`,
    setTxt: (name, texts) => zone.set(key(name), { txt: texts }),
    setNoData: (name) => zone.set(key(name), "nodata"),
    setHang: (name) => zone.set(key(name), "hang"),
    remove: (name) => zone.delete(key(name)),
    close: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
