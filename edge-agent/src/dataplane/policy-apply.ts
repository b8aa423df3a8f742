// Applying a rule set without a window of mixed old/new verdicts: stage the new
// rules in the inactive bank, give every prefix its bitmap for that bank (keeping the
// active bank's bitmaps valid, including for prefixes that are new), flip
// policy_bank in one write, then drop prefixes the new set no longer uses.
import { parsePrefix } from "./addr";
import { MAX_RULES } from "./constants";
import type { Dataplane } from "./dataplane";
import { type CompiledPrefix, compilePolicy, covers, type PolicyRule } from "./policy";

type LpmRow = {
  key: { prefixlen: number; addr: string };
  values: { bank0: bigint; bank1: bigint }[];
};
const pkey = (p: { addr: string; prefixlen: number }) => `${p.addr}/${p.prefixlen}`;

export async function activeBank(dp: Dataplane): Promise<0 | 1> {
  const v = (await dp.get("policy_bank", { v: 0 }))?.[0] as { v: number } | undefined;
  return ((v?.v ?? 0) & 1) as 0 | 1;
}

/** The active bank's bitmap a new prefix must carry: that of the longest existing
 * prefix covering it, which is what LPM returned for those addresses until now. */
function inherited(p: CompiledPrefix, rows: LpmRow[], bank: 0 | 1): bigint {
  let best: LpmRow | undefined;
  for (const r of rows)
    if (covers(r.key, p) && (!best || r.key.prefixlen > best.key.prefixlen)) best = r;
  const v = best?.values[0];
  return v ? (bank ? v.bank1 : v.bank0) : 0n;
}

export async function applyPolicy(dp: Dataplane, rules: readonly PolicyRule[]): Promise<void> {
  const active = await activeBank(dp);
  const target = (1 - active) as 0 | 1;
  const [srcRows, dstRows] = [
    await dp.dump<LpmRow["key"], LpmRow["values"][0]>("policy_src"),
    await dp.dump<LpmRow["key"], LpmRow["values"][0]>("policy_dst"),
  ];
  const compiled = compilePolicy(rules, {
    src: srcRows.map((r) => r.key),
    dst: dstRows.map((r) => r.key),
  });
  const base = target * MAX_RULES;
  await dp.putMany(
    "rule_counters",
    Array.from({ length: MAX_RULES }, (_, i) => [{ v: base + i }, { packets: 0n, bytes: 0n }]),
  );
  await dp.putMany(
    "policy_rules",
    compiled.rules.map((r, i) => [{ v: base + i }, r]),
  );
  for (const [map, want, rows] of [
    ["policy_src", compiled.src, srcRows],
    ["policy_dst", compiled.dst, dstRows],
  ] as const) {
    const have = new Map(rows.map((r) => [pkey(r.key), r.values[0]!]));
    await dp.putMany(
      map,
      want.map((p) => {
        const old = have.get(pkey(p));
        const keep = old ? (active ? old.bank1 : old.bank0) : inherited(p, rows, active);
        const v = target ? { bank0: keep, bank1: p.bits } : { bank0: p.bits, bank1: keep };
        return [{ prefixlen: p.prefixlen, addr: p.addr }, v];
      }),
    );
  }
  await dp.put("policy_bank", { v: 0 }, { v: target });
  // Stale prefixes come from the dumps taken before: this agent is the only writer.
  for (const [map, cidrs, rows] of [
    ["policy_src", rules.map((r) => r.src), srcRows],
    ["policy_dst", rules.map((r) => r.dst), dstRows],
  ] as const) {
    const keep = new Set(cidrs.map((c) => pkey(parsePrefix(c))));
    for (const e of rows) if (!keep.has(pkey(e.key))) await dp.del(map, e.key);
  }
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
  const idOf = new Map(rules.map((r) => [r.key.v, r.values[0]!.rule_id]));
  const out = new Map<number, { packets: bigint; bytes: bigint }>();
  for (const c of counters) {
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
