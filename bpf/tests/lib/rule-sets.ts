// Large rule sets for the policy fixtures and bench/dataplane/policy-scale.ts, and a
// plain first-match evaluator (written apart from the compiler) that says which rule a
// packet should hit.
import { isIPv4 } from "node:net";
import { seededRandom } from "../../../edge-agent/src/agent/overlay/sim-overlay-model";
import type { PolicyRule } from "../../../edge-agent/src/dataplane/policy";

export interface Probe {
  src: string;
  dst: string;
  proto: number; // 6, 17, 1 or 58
  dport: number;
  app?: number;
}

/** Seeded: the same seed gives the same rule set on every run. */
export function rng(seed: number) {
  const next = seededRandom(seed);
  return { next, int: (n: number) => Math.floor(next() * n) };
}

const v4 = (n: number) => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");

/** Every rule covers 10.1.0.1 → 10.2.0.1 (prefixes of several lengths) but only the
 * last admits TCP port 443: the worst case, the match is the last candidate. */
export function lastCandidate(n: number): PolicyRule[] {
  const mask = (addr: number, len: number) =>
    `${v4(len ? (addr >>> (32 - len)) << (32 - len) : 0)}/${len}`;
  const rules = Array.from(
    { length: n - 1 },
    (_, i): PolicyRule => ({
      id: i + 1,
      src: mask(0x0a010001, 8 + (i % 25)),
      dst: mask(0x0a020001, 8 + ((i * 7) % 25)),
      proto: 6,
      ports: [1000 + i, 1000 + i],
      action: "deny",
    }),
  );
  return [
    ...rules,
    { id: n, src: "10.0.0.0/8", dst: "10.0.0.0/8", proto: 6, ports: [80, 443], action: "allow" },
  ];
}

/** Half the rules cover the source, the other half the destination, interleaved, so
 * every summary word of both is set and every word AND is empty: 64 words visited. */
export function emptyAnds(n: number): PolicyRule[] {
  return Array.from({ length: n }, (_, i) =>
    i % 2
      ? { id: i + 1, src: "172.16.0.0/12", dst: "10.0.0.0/8", action: "allow" as const }
      : { id: i + 1, src: "10.0.0.0/8", dst: "192.168.0.0/16", action: "allow" as const },
  );
}

const PORTS = [22, 25, 53, 80, 123, 443, 445, 3306, 5432, 6379, 8080, 8443];

/** A site's worth of mixed rules in 10.0.0.0/10 and fd00::/16: hosts and subnets on
 * both sides, a tenth IPv6, TCP and UDP with single ports and ranges, some
 * any-protocol rules, some 0.0.0.0/0 on one side, mixed actions. */
export function realistic(n: number, seed = 1, idBase = 1): PolicyRule[] {
  const r = rng(seed);
  const pick = <T>(xs: readonly T[]) => xs[r.int(xs.length)]!;
  return Array.from({ length: n }, (_, i): PolicyRule => {
    const six = r.next() < 0.1;
    const side = (hosts: boolean, noAny = false) => {
      if (six) {
        const len = pick([48, 64, 128]);
        return `fd00:${r.int(16).toString(16)}:${r.int(4096).toString(16)}::${len === 128 ? (r.int(255) + 1).toString(16) : ""}/${len}`;
      }
      const x = r.int(64);
      const y = r.int(256);
      const roll = r.next();
      if (roll < 0.04 && !noAny) return "0.0.0.0/0";
      if (roll < 0.2) return `10.${x}.0.0/16`;
      if (hosts && roll < 0.6) return `10.${x}.${y}.${r.int(254) + 1}/32`;
      return `10.${x}.${y}.0/24`;
    };
    const proto = pick([6, 6, 6, 17, 17, 0]);
    const roll = r.next();
    const port = roll < 0.5 ? pick(PORTS) : 1024 + r.int(8000);
    const ports: [number, number] | undefined =
      proto === 0 || roll > 0.9
        ? undefined
        : roll > 0.75
          ? [port, port + r.int(200)]
          : [port, port];
    const src = side(false);
    return {
      id: idBase + i,
      src,
      dst: side(true, src === "0.0.0.0/0"), // no catch-all: it would shadow what follows
      ...(proto ? { proto } : {}),
      ...(ports ? { ports } : {}),
      action: pick(["allow", "allow", "allow", "deny", "allowLog"] as const),
    };
  });
}

const parsed = new Map<string, bigint>();

/** The address as a number, cached (a probe is tested against thousands of rules). */
function bits(addr: string): bigint {
  let b = parsed.get(addr);
  if (b === undefined) {
    if (parsed.size > 100_000) parsed.clear();
    b = parseBits(addr);
    parsed.set(addr, b);
  }
  return b;
}

function parseBits(addr: string): bigint {
  if (isIPv4(addr))
    return BigInt(
      `0x${addr
        .split(".")
        .map((o) => Number(o).toString(16).padStart(2, "0"))
        .join("")}`,
    );
  const [head = "", tail] = addr.split("::");
  const h = head ? head.split(":") : [];
  const t = tail ? tail.split(":") : [];
  const groups = tail === undefined ? h : [...h, ...Array(8 - h.length - t.length).fill("0"), ...t];
  return groups.reduce((acc, g) => (acc << 16n) | BigInt(`0x${g}`), 0n);
}

/** A prefix test for one CIDR, parsed once: IPv4 on 32-bit numbers, IPv6 on bigints. */
function prefixTest(cidr: string): (addr: string) => boolean {
  const [net = "", len = "0"] = cidr.split("/");
  const n = Number(len);
  if (isIPv4(net)) {
    const mask = n ? (~0 << (32 - n)) >>> 0 : 0;
    const base = Number(bits(net)) & mask;
    // Families never mix: an IPv4 prefix says nothing about an IPv6 address.
    return (a) => isIPv4(a) && (Number(bits(a)) & mask) >>> 0 === base >>> 0;
  }
  const shift = BigInt(128 - n);
  const base = bits(net) >> shift;
  return (a) => !isIPv4(a) && bits(a) >> shift === base;
}

const compiled = new WeakMap<readonly PolicyRule[], ((p: Probe) => boolean)[]>();

/** The first rule that matches, by the rules' plain meaning; undefined: none. */
export function firstMatch(rules: readonly PolicyRule[], p: Probe): PolicyRule | undefined {
  let tests = compiled.get(rules);
  if (!tests) {
    tests = rules.map((r) => {
      const src = prefixTest(r.src);
      const dst = prefixTest(r.dst);
      const [lo, hi] = r.ports ?? [0, 65535];
      const anyPort = lo === 0 && hi === 65535;
      return (q: Probe) =>
        (!r.proto || r.proto === q.proto) &&
        (anyPort || ((q.proto === 6 || q.proto === 17) && q.dport >= lo && q.dport <= hi)) &&
        (!r.appId || r.appId === q.app) &&
        src(q.src) &&
        dst(q.dst);
    });
    compiled.set(rules, tests);
  }
  const i = tests.findIndex((t) => t(p));
  return i < 0 ? undefined : rules[i];
}

/** An address inside `cidr`, chosen by `r`. */
function inside(cidr: string, r: ReturnType<typeof rng>): string {
  const [net = "", len = "0"] = cidr.split("/");
  const width = isIPv4(net) ? 32 : 128;
  const free = BigInt(width - Number(len));
  const host = (BigInt(r.int(2 ** 30)) * 7919n) & ((1n << free) - 1n);
  const n = ((bits(net) >> free) << free) | host;
  if (width === 32) return v4(Number(n));
  const g: string[] = [];
  for (let i = 7; i >= 0; i--) g.push(((n >> BigInt(i * 16)) & 0xffffn).toString(16));
  return g.join(":");
}

/** A packet aimed at rule `rules[k]` (an earlier rule may still catch it). */
export function probeFor(rules: readonly PolicyRule[], k: number, seed = k): Probe {
  const r = rng(seed);
  const rule = rules[k]!;
  const proto = rule.proto || (r.next() < 0.5 ? 6 : 17);
  const [lo, hi] = rule.ports ?? [1, 65535];
  return {
    src: inside(rule.src, r),
    dst: inside(rule.dst, r),
    proto,
    dport: lo + r.int(hi - lo + 1),
  };
}
