// Applying a rule set without a window of mixed old/new verdicts. Every policy map is
// split in two banks (index = bank * size + i) and policy_bank names the active one:
// the new set is written into the inactive bank (rules, zeroed counters, bitmaps, trie
// nodes, roots last), then policy_bank flips in one write. The active bank is never
// written, so each packet sees the old set or the new one, whole. The bank left behind
// keeps the old set until the next change overwrites it, so a packet that read
// policy_bank just before the flip still finds that set intact.
import { MAX_RULES, POLICY_MASKS, POLICY_NODES, POLICY_WIDE, PolicyTrie } from "./constants";
import type { Dataplane } from "./dataplane";
import { type CompiledPolicy, compilePolicy, type PolicyRule } from "./policy";

/** Entries per loader call (a bitmap is 520 bytes: ~1 MB of hex per call). */
const CHUNK = 1024;

const bankEntry = async (dp: Dataplane, i: number) =>
  ((await dp.get("policy_bank", { v: i }))?.[0] as { v: number } | undefined)?.v ?? 0;

export async function activeBank(dp: Dataplane): Promise<0 | 1> {
  return ((await bankEntry(dp, 0)) & 1) as 0 | 1;
}

/** Rules the agent last staged in `bank` (policy_bank[1 + bank]). */
const rulesIn = async (dp: Dataplane, bank: 0 | 1) =>
  Math.min(await bankEntry(dp, 1 + bank), MAX_RULES);

export interface ApplyOptions {
  /** Called after every write to the kernel, before the next (tests interleave packets). */
  afterWrite?: (what: string) => Promise<void>;
}

const node = (slots: Uint32Array) => ({
  slot: Buffer.from(slots.buffer, slots.byteOffset, slots.byteLength),
});

/** Throws (a PolicyError) before writing anything when the rules do not fit. */
export async function applyPolicy(
  dp: Dataplane,
  rules: readonly PolicyRule[],
  opts: ApplyOptions = {},
): Promise<void> {
  const compiled = compilePolicy(rules);
  const bank = (1 - (await activeBank(dp))) as 0 | 1;
  await stage(dp, bank, compiled, opts);
  await dp.put("policy_bank", { v: 0 }, { v: bank });
}

async function stage(dp: Dataplane, bank: 0 | 1, c: CompiledPolicy, opts: ApplyOptions) {
  const many = async (map: string, entries: [object, object][]) => {
    for (let i = 0; i < entries.length; i += CHUNK) {
      await dp.putMany(map, entries.slice(i, i + CHUNK));
      await opts.afterWrite?.(`${map} ${i}`);
    }
  };
  const at = (size: number) => (i: number) => ({ v: bank * size + i });
  const rule = at(MAX_RULES);
  // Counters of every slot this set or the bank's previous one used.
  const used = Math.max(c.rules.length, await rulesIn(dp, bank));
  const zero = { packets: 0n, bytes: 0n };
  await many(
    "rule_counters",
    Array.from({ length: used }, (_, i) => [rule(i), zero]),
  );
  await many(
    "policy_rules",
    c.rules.map((r, i) => [rule(i), r]),
  );
  await dp.put("policy_bank", { v: 1 + bank }, { v: c.rules.length });
  await many(
    "policy_masks",
    c.masks.map((m, i) => [at(POLICY_MASKS)(i), m]),
  );
  await many(
    "policy_nodes",
    c.nodes.map((n, i) => [at(POLICY_NODES)(i), node(n)]),
  );
  // Roots last: until then each tree of this bank still leads to old nodes only
  // (harmless while the bank is inactive, but it keeps every tree whole).
  const wide = c.wide.map((n, i): [object, object] => [at(POLICY_WIDE)(i), node(n)]);
  await many("policy_wide", wide.slice(PolicyTrie.roots));
  await many("policy_wide", wide.slice(0, PolicyTrie.roots));
}

/** Empties both banks (tests: no rule set left from an earlier one): every root leads
 * to the empty bitmap, id 0, and neither bank holds rules. */
export async function clearPolicy(dp: Dataplane): Promise<void> {
  const root = node(new Uint32Array(256));
  const banks = [0, 1].map((b) => b * POLICY_WIDE);
  await dp.putMany(
    "policy_wide",
    banks.flatMap((base) =>
      Array.from({ length: PolicyTrie.roots }, (_, i): [object, object] => [{ v: base + i }, root]),
    ),
  );
  await dp.putMany(
    "policy_bank",
    [1, 2].map((i) => [{ v: i }, { v: 0 }]),
  );
  const empty = { summary: 0n, words: Buffer.alloc(MAX_RULES / 8) };
  await dp.putMany(
    "policy_masks",
    [0, 1].map((b) => [{ v: b * POLICY_MASKS }, empty]),
  );
}

/** Per-rule {packets, bytes}, keyed by rule id, over both banks: counters of a bank
 * are zeroed when a new rule set is staged into it, so export before applying. */
export async function ruleCounters(
  dp: Dataplane,
): Promise<Map<number, { packets: bigint; bytes: bigint }>> {
  const rules = await dp.dump<{ v: number }, { rule_id: number }>("policy_rules");
  const counters = await dp.dump<{ v: number }, { packets: bigint; bytes: bigint }>(
    "rule_counters",
  );
  const counts = [await rulesIn(dp, 0), await rulesIn(dp, 1)];
  const live = (slot: number) => slot % MAX_RULES < counts[Math.floor(slot / MAX_RULES)]!;
  const idOf = new Map(rules.map((r) => [r.key.v, r.values[0]!.rule_id]));
  const out = new Map<number, { packets: bigint; bytes: bigint }>();
  for (const c of counters.filter((e) => live(e.key.v))) {
    const sum = c.values.reduce(
      (a, v) => ({ packets: a.packets + v.packets, bytes: a.bytes + v.bytes }),
      { packets: 0n, bytes: 0n },
    );
    if (sum.packets === 0n) continue;
    const id = idOf.get(c.key.v)!;
    const prev = out.get(id) ?? { packets: 0n, bytes: 0n };
    out.set(id, { packets: prev.packets + sum.packets, bytes: prev.bytes + sum.bytes });
  }
  return out;
}
