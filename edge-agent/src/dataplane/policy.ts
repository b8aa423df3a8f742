// Compiles micro-segmentation rules into the data plane's shape: a rule array in
// priority order plus, for every prefix that appears, the bitmap of rules whose
// prefix covers it (LPM then finds the longest, which carries all shorter ones).
import { addrBytes, parsePrefix } from "./addr";
import { Action, type ActionName, MAX_RULES } from "./constants";

export interface PolicyRule {
  id: number;
  src: string; // CIDR
  dst: string;
  proto?: number; // 0/undefined = any
  ports?: [number, number]; // destination port range, inclusive
  appId?: number;
  action: ActionName;
}

export interface CompiledPrefix {
  addr: string;
  prefixlen: number;
  bits: bigint;
}

export interface CompiledPolicy {
  rules: {
    rule_id: number;
    proto: number;
    action: number;
    port_lo: number;
    port_hi: number;
    app_id: number;
  }[];
  src: CompiledPrefix[];
  dst: CompiledPrefix[];
}

const bytesCache = new Map<string, Buffer>();
function cachedBytes(addr: string): Buffer {
  let b = bytesCache.get(addr);
  if (!b) {
    if (bytesCache.size > 10_000) bytesCache.clear();
    b = addrBytes(addr);
    bytesCache.set(addr, b);
  }
  return b;
}

export function covers(
  outer: { addr: string; prefixlen: number },
  inner: { addr: string; prefixlen: number },
) {
  if (outer.prefixlen > inner.prefixlen) return false;
  const a = cachedBytes(outer.addr);
  const b = cachedBytes(inner.addr);
  const whole = outer.prefixlen >> 3;
  if (a.compare(b, 0, whole, 0, whole) !== 0) return false;
  const rest = outer.prefixlen & 7;
  if (rest === 0) return true;
  const mask = (0xff00 >> rest) & 0xff;
  return (a[whole]! & mask) === (b[whole]! & mask);
}

type Prefix = { addr: string; prefixlen: number };

function side(
  rules: readonly PolicyRule[],
  pick: (r: PolicyRule) => string,
  extra: readonly Prefix[],
): CompiledPrefix[] {
  const prefixes = rules.map((r) => parsePrefix(pick(r)));
  const unique = new Map([...prefixes, ...extra].map((p) => [`${p.addr}/${p.prefixlen}`, p]));
  return [...unique.values()].map((p) => ({
    ...p,
    bits: prefixes.reduce((acc, q, i) => (covers(q, p) ? acc | (1n << BigInt(i)) : acc), 0n),
  }));
}

/** Rules are taken in the given order: index = priority = bit. `extra` prefixes
 * (still in the kernel from the previous rule set) get bitmaps too, because while
 * they exist LPM may pick them. */
export function compilePolicy(
  rules: readonly PolicyRule[],
  extra: { src: readonly Prefix[]; dst: readonly Prefix[] } = { src: [], dst: [] },
): CompiledPolicy {
  if (rules.length > MAX_RULES) throw new Error(`at most ${MAX_RULES} rules per data plane`);
  return {
    rules: rules.map((r) => ({
      rule_id: r.id,
      proto: r.proto ?? 0,
      action: Action[r.action],
      port_lo: r.ports?.[0] ?? 0,
      port_hi: r.ports?.[1] ?? 65535,
      app_id: r.appId ?? 0,
    })),
    src: side(rules, (r) => r.src, extra.src),
    dst: side(rules, (r) => r.dst, extra.dst),
  };
}
