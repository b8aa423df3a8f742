// How pinned maps move from one layout version to the next (docs/dataplane.md,
// "Upgrading the data plane"). MIGRATIONS[N] brings a map set pinned by layout N to
// layout N + 1. For every map whose key or value layout changed between the two
// (bpf/layout.json records each version), the step either converts it entry by
// entry (decoded with layout N's codecs, encoded with N + 1's) or lists it as
// rebuilt (the agent writes it whole from desired state; only maps in
// DESIRED_STATE_MAPS qualify). Every other map is copied byte for byte; maps the new
// layout no longer has are dropped, and new ones start empty.
import type { StructCodec } from "./codec";
import { CtFlags, ctTimeout, MAX_RULES, REASON_SLOTS } from "./constants";
import { ctEntryV0, flowKeyV0, MAX_RULES_V0, REASON_SLOTS_V0 } from "./layouts/v0";
import { counter, ctEntry, flowKey, u32 } from "./structs";

export interface MapConversion {
  from: readonly [key: StructCodec<object>, value: StructCodec<object>];
  to: readonly [key: StructCodec<object>, value: StructCodec<object>];
  /** One entry in the old layout as the new one; null drops it. Per-CPU maps are
   * converted slot by slot (the key is taken from the first slot). */
  convert(key: object, value: object): [key: object, value: object] | null;
}

/** A conversion typed by its codecs. */
export function conversion<
  K extends object,
  V extends object,
  K2 extends object,
  V2 extends object,
>(
  from: readonly [StructCodec<K>, StructCodec<V>],
  to: readonly [StructCodec<K2>, StructCodec<V2>],
  convert: (key: K, value: V) => [K2, V2] | null,
): MapConversion {
  return {
    from: from as MapConversion["from"],
    to: to as MapConversion["to"],
    convert: convert as MapConversion["convert"],
  };
}

export interface LayoutStep {
  /** Maps converted entry by entry. */
  convert: Readonly<Record<string, MapConversion>>;
  /** Maps left empty for the agent to rewrite from desired state. */
  rebuild: readonly string[];
}

/** Steps by the version they start from. */
export type Migrations = Readonly<Record<number, LayoutStep>>;

/** Maps the agent writes whole from desired state on every apply
 * (agent/drivers/dataplane-write.ts), so a step may rebuild them instead of
 * converting. Copying them when their layout did not change keeps the new programs
 * configured from their first packet. */
export const DESIRED_STATE_MAPS = [
  "if_config",
  "policy_wide",
  "policy_nodes",
  "policy_masks",
  "policy_rules",
  "policy_bank",
  "services",
  "maglev",
  "backends",
  "app_ports",
  "app_prefixes",
  "steering",
  "snat_rules",
] as const;

/** CLOCK_MONOTONIC, the data path's clock (process.hrtime reads the same one). */
const monotonicNs = () => process.hrtime.bigint();

export const MIGRATIONS: Migrations = {
  // Layout 0 is the unversioned <pin>/maps/ of releases before layout versions.
  // Layout 1 (issue 14) gave keys a family, 16-byte NAT addresses and TCP sequence
  // tracking to conntrack, 64 reason slots per interface to counters, 16-byte
  // addresses to services, backends and SNAT rules, and 4,096 rules per bank with
  // array tries instead of LPM bitmaps to policy (all rewritten from desired state).
  0: {
    convert: {
      // Live flows keep flowing. Layout 0 wrote `expires` only on state changes and
      // let its reaper judge activity; layout 1's data path honours `expires`, so
      // every migrated flow counts as active now (as after an agent restart). The
      // sequence is not known yet (CT_F_SEQ clear): a RST is accepted until seen.
      conntrack: conversion([flowKeyV0, ctEntryV0], [flowKey, ctEntry], (k, v) => {
        const fresh = monotonicNs() + ctTimeout(k.proto, v.state);
        // biome-ignore lint/complexity/useMathMinMax: bigints
        const expires = v.expires > fresh ? v.expires : fresh;
        return [
          { ...k },
          {
            ...v,
            flags: v.flags & (CtFlags.lb | CtFlags.log),
            expires,
            wscale: 0,
            seq_next: 0,
            max_win: 0,
          },
        ];
      }),
      // The same counts at their new index.
      counters: conversion([u32, counter], [u32, counter], (k, v) => {
        const slot = Math.floor(k.v / REASON_SLOTS_V0);
        return [{ v: slot * REASON_SLOTS + (k.v % REASON_SLOTS_V0) }, v];
      }),
      // Per-rule counts stay with their bank and slot (bank * MAX_RULES + slot).
      rule_counters: conversion([u32, counter], [u32, counter], (k, v) => {
        const bank = Math.floor(k.v / MAX_RULES_V0);
        return [{ v: bank * MAX_RULES + (k.v % MAX_RULES_V0) }, v];
      }),
    },
    rebuild: ["services", "maglev", "backends", "snat_rules", "policy_rules", "policy_bank"],
  },
};
