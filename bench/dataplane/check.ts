// Path checks: counters, rule counters and conntrack are snapshotted before and after
// a batch of packets and compared with what the row declares; each single packet's
// verdict, output bytes (independent parser in bpf/tests/lib/packet.ts) and mark too.
import { parseIpv4 } from "../../bpf/tests/lib/packet";
import { ruleCounters } from "../../edge-agent/src/dataplane/config";
import { CtDir, REASONS, type Reason } from "../../edge-agent/src/dataplane/constants";
import type { Dataplane, TestRunResult } from "../../edge-agent/src/dataplane/dataplane";
import { type CtEntry, type FlowKey, peerKey } from "../../edge-agent/src/dataplane/flows";
import {
  type EntryMatch,
  type Expect,
  isTc,
  jsonSafe,
  type Prog,
  showKey,
  VERDICTS,
  verdictName,
} from "./path";

/** sizeof(struct __sk_buff): TC runs get a zeroed one so the kernel returns skb->mark. */
export const SKB_CTX_SIZE = 192;
const SKB_MARK_OFFSET = 8;

export async function ctEntry(dp: Dataplane, key: FlowKey): Promise<CtEntry | undefined> {
  return ((await dp.get("conntrack", key)) as CtEntry[] | null)?.[0];
}

export interface Snapshot {
  reasons: Record<Reason, bigint>;
  rules: Map<number, bigint>;
  ctCount: number;
  /** Entries under the watched keys, in order. */
  entries: (CtEntry | undefined)[];
}

export async function snapshot(dp: Dataplane, slot: number, keys: FlowKey[]): Promise<Snapshot> {
  const rules = new Map([...(await ruleCounters(dp))].map(([id, c]) => [id, c.packets]));
  return {
    reasons: await dp.reasonCounters(slot),
    rules,
    ctCount: (await dp.dump("conntrack")).length,
    entries: await Promise.all(keys.map((k) => ctEntry(dp, k))),
  };
}

function matchEntry(e: CtEntry, m: EntryMatch | undefined, key: FlowKey): string[] {
  const out: string[] = [];
  for (const [field, want] of Object.entries(m ?? {})) {
    const got = e[field as keyof CtEntry];
    const ok = Array.isArray(want) ? want.includes(got) : want === got;
    if (!ok)
      out.push(
        `conntrack ${showKey(key)}: ${field} = ${String(got)}, expected ${JSON.stringify(want, jsonSafe)}`,
      );
  }
  return out;
}

/**
 * Compares two snapshots with the declared path. `sent[i]` packets went to flow
 * `keys[i]` (hit/create rows watch their keys), `total` packets in all.
 */
export async function comparePath(
  dp: Dataplane,
  expect: Expect,
  before: Snapshot,
  after: Snapshot,
  keys: FlowKey[],
  sent: number[],
  total: number,
): Promise<string[]> {
  const out: string[] = [];
  const n = BigInt(total);
  for (const r of REASONS) {
    const moved = after.reasons[r] - before.reasons[r];
    const want = expect.reasons.includes(r) ? n : 0n;
    if (moved !== want) out.push(`reason ${r} moved by ${moved}, expected ${want}`);
  }
  for (const id of new Set([...before.rules.keys(), ...after.rules.keys()])) {
    const moved = (after.rules.get(id) ?? 0n) - (before.rules.get(id) ?? 0n);
    const want = id === expect.rule ? n : 0n;
    if (moved !== want) out.push(`policy rule ${id} counter moved by ${moved}, expected ${want}`);
  }
  if (expect.rule !== undefined && n > 0n && !after.rules.has(expect.rule))
    out.push(`policy rule ${expect.rule} counter did not move (expected +${n})`);
  const st = expect.state;
  const grown = after.ctCount - before.ctCount;
  const wantGrown = st.kind === "create" ? 2 * total : 0;
  if (grown !== wantGrown) out.push(`conntrack grew by ${grown} entries, expected ${wantGrown}`);
  for (const [i, key] of keys.entries()) {
    const [b, a] = [before.entries[i], after.entries[i]];
    if (st.kind === "none" && a) out.push(`conntrack entry created for ${showKey(key)}`);
    if (st.kind === "hit") {
      if (!b || !a) out.push(`no conntrack entry for ${showKey(key)} (priming made no state)`);
      else {
        const moved = a.packets - b.packets;
        if (moved !== BigInt(sent[i] ?? 0))
          out.push(`conntrack ${showKey(key)}: packets +${moved}, expected +${sent[i]}`);
        out.push(...matchEntry(a, st.entry, key));
      }
    }
    if (st.kind === "create") {
      if (b) out.push(`conntrack entry for ${showKey(key)} existed before the packet`);
      if (!a) out.push(`no conntrack entry created for ${showKey(key)}`);
      else {
        out.push(...matchEntry(a, st.entry, key));
        const peer = await ctEntry(dp, peerKey(key, a));
        if (peer?.dir !== CtDir.reply)
          out.push(`no reply half ${showKey(peerKey(key, a))} for ${showKey(key)}`);
      }
    }
  }
  return out;
}

/** Verdict and (TC) skb mark of one run. */
export function checkVerdict(prog: Prog, expect: Expect, res: TestRunResult): string[] {
  const out: string[] = [];
  if (res.retval !== VERDICTS[expect.verdict])
    out.push(`verdict ${verdictName(prog, res.retval)}, expected ${expect.verdict}`);
  if (isTc(prog)) {
    const mark = res.ctx?.readUInt32LE(SKB_MARK_OFFSET);
    if (mark !== (expect.mark ?? 0)) out.push(`skb mark ${mark}, expected ${expect.mark ?? 0}`);
  }
  return out;
}

/** Verdict, mark and output bytes of one run of one packet. */
export function checkPacket(
  prog: Prog,
  expect: Expect,
  input: Buffer,
  res: TestRunResult,
  entry: CtEntry | undefined,
): string[] {
  const out = checkVerdict(prog, expect, res);
  const passed = expect.verdict === "XDP_PASS" || expect.verdict === "TC_ACT_OK";
  if (!passed) return out;
  if (!expect.output) {
    if (!res.data.equals(input)) out.push("output frame differs from the input (expected as is)");
    return out;
  }
  try {
    const got = parseIpv4(res.data);
    const want = { ...expect.output(entry), ipCsumOk: true, l4CsumOk: true };
    for (const [k, v] of Object.entries(want))
      if (got[k as keyof typeof got] !== v)
        out.push(`output ${k} = ${got[k as keyof typeof got]}, expected ${v}`);
  } catch (e) {
    out.push(`output frame unreadable: ${(e as Error).message}`);
  }
  return out;
}
