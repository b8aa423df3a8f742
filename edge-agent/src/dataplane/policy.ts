// Compiles micro-segmentation rules into the data plane's shape (bpf/include/policy.h):
// the rules in priority order, and the tries of one bank: for every prefix of a rule's
// source, destination and (app, proto, port), the bitmap of the rules covering it,
// pushed into the leaves of a multibit trie. Linear in the prefixes, not prefixes × rules.
import { isIPv4 } from "node:net";
import { addrBytes, ipv4Bytes } from "../../../protocol/addr";
import { Action, type ActionName, MAX_RULES, PolicyTrie, Proto } from "./constants";
import { coveringRules, PolicyError, type Prefix, type RuleMask, TrieBuilder } from "./policy-trie";

export { PolicyError, type RuleMask } from "./policy-trie";

export interface PolicyRule {
  id: number;
  src: string; // CIDR, IPv4 or IPv6
  dst: string;
  proto?: number; // 0/undefined = any
  ports?: [number, number]; // destination port range, inclusive: TCP and UDP only
  appId?: number;
  action: ActionName;
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
  /** policy_wide of one bank, by node index (the first PolicyTrie.roots are roots). */
  wide: Uint32Array[];
  /** policy_nodes of one bank, by node index. */
  nodes: Uint32Array[];
  /** policy_masks of one bank, by id (0 = no rule). */
  masks: RuleMask[];
}

/** A prefix placed in its tree: IPv4 (anything inside ::ffff:0:0/96, however written)
 * in the 32-bit tree, other IPv6 in the 128-bit one, so families never share a key. */
interface Placed extends Prefix {
  tree: number;
}

const V4_MAPPED = addrBytes("0.0.0.0").subarray(0, 12); // ::ffff:0:0/96

/** The prefix in its tree's key bytes, masked. */
function addrPrefix(cidr: string, v4Tree: number): Placed {
  const [ip = "", len] = cidr.split("/");
  const v4 = isIPv4(ip);
  const bits = len === undefined ? (v4 ? 32 : 128) : Number(len);
  if (len === "" || !Number.isInteger(bits) || bits < 0 || bits > (v4 ? 32 : 128))
    throw new Error(`bad prefix ${cidr}`);
  let bytes = v4 ? ipv4Bytes(ip) : addrBytes(ip);
  let n = bits;
  if (!v4 && bits >= 96 && bytes.subarray(0, 12).equals(V4_MAPPED)) {
    bytes = bytes.subarray(12); // an IPv4 prefix written in IPv6
    n -= 96;
  }
  for (let i = n; i < bytes.length * 8; i++) bytes[i >> 3]! &= ~(0x80 >> (i & 7));
  return { tree: bytes.length === 4 ? v4Tree : v4Tree + 1, bytes, len: n };
}

/** [first, bits] blocks covering lo..hi exactly (at most 30 for 16-bit ports). */
export function portBlocks(lo: number, hi: number): [number, number][] {
  const out: [number, number][] = [];
  while (lo <= hi) {
    let size = 16; // log2 of the block: the largest aligned block at lo inside the range
    while (size > 0 && (lo % 2 ** size !== 0 || lo + 2 ** size - 1 > hi)) size--;
    out.push([lo, 16 - size]);
    lo += 2 ** size;
  }
  return out;
}

/** The (proto, port) prefixes a rule covers, in the app tree if it names an app. Ports
 * restrict TCP and UDP only: "any" protocol with ports means TCP and UDP in range. */
function l4Prefixes(r: PolicyRule): Placed[] {
  const app = r.appId ?? 0;
  const proto = r.proto ?? 0;
  const [lo, hi] = r.ports ?? [0, 65535];
  const head = app ? [app >> 8, app & 0xff] : [];
  const place = (bytes: number[], len: number): Placed => ({
    tree: app ? PolicyTrie.l4App : PolicyTrie.l4,
    bytes: Buffer.from([...head, ...bytes]),
    len: head.length * 8 + len,
  });
  if (lo === 0 && hi === 65535) return [place([proto, 0, 0], proto ? 8 : 0)];
  const protos = proto ? [proto] : [Proto.tcp, Proto.udp];
  return protos.flatMap((p) =>
    portBlocks(lo, hi).map(([port, bits]) => place([p, port >> 8, port & 0xff], 8 + bits)),
  );
}

const int = (v: unknown, lo: number, hi: number) =>
  Number.isInteger(v) && (v as number) >= lo && (v as number) <= hi;

/** Every prefix of every rule, placed; a PolicyError naming the rule for what the data
 * plane cannot hold. */
function placeRules(rules: readonly PolicyRule[]): Placed[][] {
  if (rules.length > MAX_RULES)
    throw new PolicyError(
      `${rules.length} rules: the data plane holds at most ${MAX_RULES} (global rules included)`,
    );
  return rules.map((r) => {
    const bad = (why: string) => new PolicyError(`rule ${r.id}: ${why}`);
    if (!int(r.id, 0, 0xffff)) throw bad("id must be 0-65535");
    if (!Object.hasOwn(Action, r.action)) throw bad(`unknown action ${r.action}`);
    if (r.proto !== undefined && !int(r.proto, 0, 255)) throw bad("protocol must be 0-255");
    if (r.appId !== undefined && !int(r.appId, 0, 0xffff)) throw bad("app id must be 0-65535");
    if (r.ports) {
      const [lo, hi] = r.ports;
      if (!int(lo, 0, 65535) || !int(hi, lo, 65535))
        throw bad(`port range ${lo}-${hi} must be ascending within 0-65535`);
      const all = lo === 0 && hi === 65535;
      if (!all && r.proto && r.proto !== Proto.tcp && r.proto !== Proto.udp)
        throw bad(`ports apply to tcp and udp only, not protocol ${r.proto}`);
    }
    try {
      return [
        addrPrefix(r.src, PolicyTrie.src4),
        addrPrefix(r.dst, PolicyTrie.dst4),
        ...l4Prefixes(r),
      ];
    } catch (e) {
      throw bad((e as Error).message);
    }
  });
}

/** Refuses (a PolicyError naming the rule) what the data plane cannot hold, without
 * building anything: for planners. The tables' capacity is checked by compilePolicy. */
export function checkRules(rules: readonly PolicyRule[]): void {
  placeRules(rules);
}

/** Rules are taken in the given order: index = priority = slot = bit. Throws a
 * PolicyError, before anything is written, for rules the data plane cannot hold. */
export function compilePolicy(rules: readonly PolicyRule[]): CompiledPolicy {
  // Per tree, the distinct prefixes with the slots of the rules that name them.
  const trees = new Map<number, Map<string, Prefix & { slots: number[] }>>();
  placeRules(rules).forEach((placed, slot) => {
    for (const { tree, ...p } of placed) {
      const t = trees.get(tree) ?? new Map<string, Prefix & { slots: number[] }>();
      trees.set(tree, t);
      const id = `${p.bytes.toString("hex")}/${p.len}`;
      const e = t.get(id) ?? { ...p, slots: [] };
      t.set(id, e);
      if (e.slots.at(-1) !== slot) e.slots.push(slot);
    }
  });
  const b = new TrieBuilder();
  for (const [tree, prefixes] of trees) b.add(tree, coveringRules(prefixes.values()));
  return {
    rules: rules.map((r) => ({
      rule_id: r.id,
      proto: r.proto ?? 0,
      action: Action[r.action],
      port_lo: r.ports?.[0] ?? 0,
      port_hi: r.ports?.[1] ?? 65535,
      app_id: r.appId ?? 0,
    })),
    wide: b.wide,
    nodes: b.narrow,
    masks: b.masks,
  };
}
