// The shape bpf/include/policy.h walks: multibit tries (4 bits per level) whose leaves
// name rule bitmaps. Pure; policy.ts decides which prefixes go in and with which rules.
import { MAX_RULES, POLICY_MASKS, POLICY_NODES, POLICY_WIDE, PolicyTrie } from "./constants";

/** An LPM prefix as its key bytes (most significant first) and its length in bits. */
export interface Prefix {
  bytes: Buffer;
  len: number;
}

/** A rule_mask value: bit i = slot i (little-endian words, so bit i is byte i >> 3). */
export interface RuleMask {
  summary: bigint;
  words: Buffer;
}

export class PolicyError extends Error {
  override name = "PolicyError";
}

export function covers(outer: Prefix, inner: Prefix): boolean {
  if (outer.len > inner.len) return false;
  const whole = outer.len >> 3;
  if (outer.bytes.compare(inner.bytes, 0, whole, 0, whole) !== 0) return false;
  const rest = outer.len & 7;
  if (rest === 0) return true;
  const mask = (0xff00 >> rest) & 0xff;
  return (outer.bytes[whole]! & mask) === (inner.bytes[whole]! & mask);
}

/** Each prefix with the slots of every rule whose prefix covers it. In sorted order a
 * prefix comes after all that cover it, and the covering ones still on the stack form
 * a chain whose top is the longest: one pass, O(prefixes × 128 words). */
export function coveringRules(
  prefixes: Iterable<Prefix & { slots: number[] }>,
): { prefix: Prefix; bits: Uint32Array }[] {
  const sorted = [...prefixes].sort((a, b) => a.bytes.compare(b.bytes) || a.len - b.len);
  const words = MAX_RULES / 32;
  const all = new Uint32Array(sorted.length * words); // one allocation for every bitmap
  const stack: { prefix: Prefix; bits: Uint32Array }[] = [];
  return sorted.map((prefix, i) => {
    while (stack.length && !covers(stack.at(-1)!.prefix, prefix)) stack.pop();
    const bits = all.subarray(i * words, (i + 1) * words);
    const parent = stack.at(-1);
    if (parent) bits.set(parent.bits);
    for (const s of prefix.slots) bits[s >> 5]! |= 1 << (s & 31);
    const e = { prefix, bits };
    stack.push(e);
    return e;
  });
}

function maskValue(bits: Uint32Array): RuleMask {
  let lo = 0;
  let hi = 0;
  for (let w = 0; w < bits.length / 2; w++)
    if (bits[2 * w] || bits[2 * w + 1]) {
      if (w < 32) lo |= 1 << w;
      else hi |= 1 << (w - 32);
    }
  return {
    summary: (BigInt(hi >>> 0) << 32n) | BigInt(lo >>> 0),
    words: Buffer.from(bits.buffer, bits.byteOffset, bits.byteLength),
  };
}

/** FNV-1a over the words: buckets for deduplicating bitmaps. */
function hash(bits: Uint32Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bits.length; i++) h = Math.imul(h ^ bits[i]!, 16777619);
  return h >>> 0;
}

const sameBits = (a: Uint32Array, b: Uint32Array) => a.every((v, i) => v === b[i]);

// Levels 0 and 1 take 8 key bits (policy_wide nodes), deeper ones 4 (policy_node).
const stride = (level: number) => (level < 2 ? 8 : 4);
const offset = (level: number) => (level < 2 ? 8 * level : 16 + 4 * (level - 2));

/** The key's bits for `level`, as a slot number. */
function chunk(bytes: Buffer, level: number): number {
  const at = offset(level);
  const b = bytes[at >> 3] ?? 0;
  return stride(level) === 8 ? b : at & 4 ? b & 15 : b >> 4;
}

/** One bank's tries (wide[PolicyTrie.*] are the roots) and the distinct bitmaps their
 * leaves name (masks[0] = no rule). Slot = (child << 1) | child flag, or id << 1. */
export class TrieBuilder {
  readonly wide: Uint32Array[] = Array.from(
    { length: PolicyTrie.roots },
    () => new Uint32Array(256),
  );
  readonly narrow: Uint32Array[] = [];
  readonly masks: RuleMask[] = [];
  private bitsOf: Uint32Array[] = [];
  private byHash = new Map<number, number[]>();

  constructor() {
    this.maskId(new Uint32Array(MAX_RULES / 32)); // id 0: no rule
  }

  private maskId(bits: Uint32Array): number {
    const h = hash(bits);
    const same = this.byHash.get(h) ?? [];
    const found = same.find((id) => sameBits(this.bitsOf[id]!, bits));
    if (found !== undefined) return found;
    const id = this.masks.length;
    if (id >= POLICY_MASKS)
      throw new PolicyError(
        `the rules need more than ${POLICY_MASKS} distinct bitmaps (one per distinct prefix or port range at most); use fewer`,
      );
    this.masks.push(maskValue(bits));
    this.bitsOf.push(bits);
    this.byHash.set(h, [...same, id]);
    return id;
  }

  /** The node below `slot` of a node at `level`, created (leaf-pushed: it starts with
   * what covered the slot) if the slot was a leaf. */
  private child(node: Uint32Array, slot: number, level: number): Uint32Array {
    const pool = level + 1 < 2 ? this.wide : this.narrow;
    const v = node[slot]!;
    if (v & PolicyTrie.child) return pool[v >>> 1]!;
    const [max, size] = pool === this.wide ? [POLICY_WIDE, 256] : [POLICY_NODES, 16];
    if (pool.length >= max)
      throw new PolicyError(
        `the rules' prefixes need more than ${max} trie nodes of ${size} slots; use fewer long IPv6 prefixes`,
      );
    node[slot] = (pool.length << 1) | PolicyTrie.child;
    pool.push(new Uint32Array(size).fill(v));
    return pool.at(-1)!;
  }

  /** Adds a tree: every prefix with the rules covering it. Shorter prefixes first, so a
   * longer one overwrites the slots it narrows and children inherit their slot. */
  add(root: number, entries: { prefix: Prefix; bits: Uint32Array }[]): void {
    const byLen = [...entries].sort((a, b) => a.prefix.len - b.prefix.len);
    for (const { prefix: p, bits } of byLen) {
      const id = this.maskId(bits) << 1;
      let node = this.wide[root]!;
      let level = 0;
      for (; p.len > offset(level) + stride(level); level++)
        node = this.child(node, chunk(p.bytes, level), level);
      const free = offset(level) + stride(level) - p.len; // slot bits the prefix leaves open
      const first = chunk(p.bytes, level) & ~((1 << free) - 1);
      node.fill(id, first, first + (1 << free));
    }
  }
}
