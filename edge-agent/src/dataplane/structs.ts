// Mirrors of bpf/include/types.h, field by field and in order.
import { defineStruct, type StructCodec } from "./codec";

export const flowKey = defineStruct("flow_key", [
  { name: "saddr", kind: "addr" },
  { name: "daddr", kind: "addr" },
  { name: "sport", kind: "be16" },
  { name: "dport", kind: "be16" },
  { name: "proto", kind: "u8" },
  { name: "family", kind: "family" },
  { name: "pad", kind: "pad2" },
]);

export const ctEntry = defineStruct("ct_entry", [
  { name: "expires", kind: "u64" },
  { name: "packets", kind: "u64" },
  { name: "bytes", kind: "u64" },
  { name: "nat_addr", kind: "addr" },
  { name: "nat_port", kind: "be16" },
  { name: "nat", kind: "u8" },
  { name: "state", kind: "u8" },
  { name: "dir", kind: "u8" },
  { name: "flags", kind: "u8" },
  { name: "app_id", kind: "u16" },
  { name: "mark", kind: "u32" },
  { name: "rule_id", kind: "u16" },
  { name: "dscp", kind: "u8" },
  { name: "wscale", kind: "u8" },
  { name: "backend_id", kind: "u32" },
  { name: "seq_next", kind: "u32" },
  { name: "max_win", kind: "u32" },
]);

export const ifConfig = defineStruct("if_config", [
  { name: "slot", kind: "u32" },
  { name: "default_action", kind: "u8" },
  { name: "malformed_action", kind: "u8" },
  { name: "flags", kind: "u8" },
  { name: "pad", kind: "pad1" },
  { name: "rl_cost_ns", kind: "u64" },
  { name: "rl_burst_ns", kind: "u64" },
  { name: "syn_cost_ns", kind: "u64" },
  { name: "syn_burst_ns", kind: "u64" },
]);

export const lpmKey = defineStruct("lpm_key", [
  { name: "prefixlen", kind: "u32" },
  { name: "addr", kind: "addr" },
]);

export const ruleMask = defineStruct("rule_mask", [
  { name: "summary", kind: "u64" },
  { name: "words", kind: "bytes512" }, // __u64 words[MAX_RULES / 64]
]);

export const policyWide = defineStruct("policy_wide", [
  { name: "slot", kind: "bytes1024" }, // __u32 slot[256]
]);

export const policyNode = defineStruct("policy_node", [
  { name: "slot", kind: "bytes64" }, // __u32 slot[16]
]);

export const policyRule = defineStruct("policy_rule", [
  { name: "rule_id", kind: "u16" },
  { name: "proto", kind: "u8" },
  { name: "action", kind: "u8" },
  { name: "port_lo", kind: "u16" },
  { name: "port_hi", kind: "u16" },
  { name: "app_id", kind: "u16" },
  { name: "pad", kind: "pad2" },
]);

export const counter = defineStruct("counter", [
  { name: "packets", kind: "u64" },
  { name: "bytes", kind: "u64" },
]);

export const svcKey = defineStruct("svc_key", [
  { name: "vip", kind: "addr" },
  { name: "port", kind: "be16" },
  { name: "proto", kind: "u8" },
  { name: "pad", kind: "pad1" },
]);

export const svcValue = defineStruct("svc_value", [
  { name: "ring_off", kind: "u32" },
  { name: "ring_size", kind: "u32" },
  { name: "flags", kind: "u32" },
  { name: "backend_id", kind: "u32" },
]);

export const backend = defineStruct("backend", [
  { name: "addr", kind: "addr" },
  { name: "port", kind: "be16" },
  { name: "flags", kind: "u8" },
  { name: "pad", kind: "pad1" },
]);

export const rlState = defineStruct("rl_state", [{ name: "tat", kind: "u64" }]);

export const appPortKey = defineStruct("app_port_key", [
  { name: "proto", kind: "u8" },
  { name: "pad", kind: "pad1" },
  { name: "port", kind: "be16" },
]);

export const appValue = defineStruct("app_value", [
  { name: "app_id", kind: "u16" },
  { name: "pad", kind: "pad2" },
]);

export const steerValue = defineStruct("steer_value", [
  { name: "mark", kind: "u32" },
  { name: "dscp", kind: "u8" },
  { name: "flags", kind: "u8" },
  { name: "pad", kind: "pad2" },
]);

export const snatValue = defineStruct("snat_value", [
  { name: "addr", kind: "addr" },
  { name: "port_lo", kind: "u16" },
  { name: "port_hi", kind: "u16" },
]);

export const fragKey = defineStruct("frag_key", [
  { name: "saddr", kind: "addr" },
  { name: "daddr", kind: "addr" },
  { name: "id", kind: "u32" },
  { name: "proto", kind: "u8" },
  { name: "family", kind: "family" },
  { name: "pad", kind: "pad2" },
]);

export const fragValue = defineStruct("frag_value", [
  { name: "expires", kind: "u64" },
  { name: "nat_addr", kind: "addr" },
  { name: "nat", kind: "u8" },
  { name: "pad", kind: "pad7" },
]);

/** The data path's clock; `timer` is the kernel's opaque struct bpf_timer. */
export const dpClock = defineStruct("dp_clock", [
  { name: "now", kind: "u64" },
  { name: "timer", kind: "pad16" },
]);

/** Ring buffer record of allow+log verdicts (not a map key/value, so not in BTF;
 * policy.bpf.test.ts checks it by decoding a real event). */
export const logEvent = defineStruct("log_event", [
  { name: "key", kind: flowKey },
  { name: "rule_id", kind: "u16" },
  { name: "action", kind: "u8" },
  { name: "ifslot", kind: "u8" },
  { name: "len", kind: "u32" },
]);

/** Map name -> [key codec, value codec]; u32 keys/values use the `u32` codec. */
export const u32 = defineStruct("__u32", [{ name: "v", kind: "u32" }]);
export const u64 = defineStruct("__u64", [{ name: "v", kind: "u64" }]);

export const MAP_CODECS: Record<string, [StructCodec<object>, StructCodec<object>]> = {
  if_config: [u32, ifConfig],
  counters: [u32, counter],
  rule_counters: [u32, counter],
  app_counters: [u32, counter],
  conntrack: [flowKey, ctEntry],
  policy_wide: [u32, policyWide],
  policy_nodes: [u32, policyNode],
  policy_masks: [u32, ruleMask],
  policy_rules: [u32, policyRule],
  policy_bank: [u32, u32],
  services: [svcKey, svcValue],
  maglev: [u32, u32],
  backends: [u32, backend],
  rl_src: [lpmKey, rlState],
  syn_dst: [lpmKey, rlState],
  app_ports: [appPortKey, appValue],
  app_prefixes: [lpmKey, appValue],
  steering: [u32, steerValue],
  snat_rules: [lpmKey, snatValue],
  frags: [fragKey, fragValue],
  clock: [u32, dpClock],
  snat_scan_failed: [u32, u64],
};

/** Every struct defined in types.h that a map uses, for the BTF layout test. */
export const STRUCTS: StructCodec<object>[] = [
  flowKey,
  ctEntry,
  ifConfig,
  lpmKey,
  ruleMask,
  policyWide,
  policyNode,
  policyRule,
  counter,
  svcKey,
  svcValue,
  backend,
  rlState,
  appPortKey,
  appValue,
  steerValue,
  snatValue,
  fragKey,
  fragValue,
  dpClock,
];
