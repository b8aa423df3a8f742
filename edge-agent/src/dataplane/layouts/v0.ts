// Codecs of layout 0 (the unversioned pins of releases before layout versions) for
// the maps that step 0 -> 1 converts. Frozen: never edit to follow types.h.
import { defineStruct } from "../codec";

export const flowKeyV0 = defineStruct("flow_key", [
  { name: "saddr", kind: "addr" },
  { name: "daddr", kind: "addr" },
  { name: "sport", kind: "be16" },
  { name: "dport", kind: "be16" },
  { name: "proto", kind: "u8" },
  { name: "pad", kind: "pad3" },
]);

export const ctEntryV0 = defineStruct("ct_entry", [
  { name: "expires", kind: "u64" },
  { name: "packets", kind: "u64" },
  { name: "bytes", kind: "u64" },
  { name: "nat_addr", kind: "ipv4" },
  { name: "nat_port", kind: "be16" },
  { name: "nat", kind: "u8" },
  { name: "state", kind: "u8" },
  { name: "dir", kind: "u8" },
  { name: "flags", kind: "u8" },
  { name: "app_id", kind: "u16" },
  { name: "mark", kind: "u32" },
  { name: "rule_id", kind: "u16" },
  { name: "dscp", kind: "u8" },
  { name: "pad", kind: "pad1" },
  { name: "backend_id", kind: "u32" },
]);

/** counters[slot * 32 + reason] in layout 0 (R_MAX was 32). */
export const REASON_SLOTS_V0 = 32;

/** rule_counters / policy_rules[bank * 64 + slot] in layout 0. */
export const MAX_RULES_V0 = 64;
