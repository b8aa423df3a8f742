// How pinned maps move from one layout version to the next (docs/dataplane.md,
// "Upgrading the data plane"). MIGRATIONS[N] brings a map set pinned by layout N to
// layout N + 1. For every map whose key or value layout changed between the two
// (bpf/layout.json records each version), the step either converts it entry by
// entry (decoded with layout N's codecs, encoded with N + 1's) or lists it as
// rebuilt (the agent writes it whole from desired state; only maps in
// DESIRED_STATE_MAPS qualify). Every other map is copied byte for byte; maps the new
// layout no longer has are dropped, and new ones start empty.
import type { StructCodec } from "./codec";

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
  "policy_src",
  "policy_dst",
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

export const MIGRATIONS: Migrations = {
  // Layout 0 is the unversioned <pin>/maps/ of releases before layout versions. Its
  // layout is layout 1's (bpf/layout.json), so every map is copied: conntrack (live
  // flows), counters, rate-limit state and the configuration alike.
  0: { convert: {}, rebuild: [] },
};
