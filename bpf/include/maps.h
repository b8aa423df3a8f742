/* Every map the programs share, defined once so the loader pins one set. */
#pragma once
#include "common.h"

/* Indexed by ifindex: an array lookup is inlined by the verifier, a hash lookup
 * costs ~15 ns on every packet. Entry 0 is the fallback. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_IFINDEX);
	__type(key, __u32);
	__type(value, struct if_config);
} if_config SEC(".maps");

/* [slot * R_MAX + reason], per CPU so hot paths never contend. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MAX_IFACES * 64);
	__type(key, __u32);
	__type(value, struct counter);
} counters SEC(".maps");

/* [bank * MAX_RULES + slot] */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 2 * MAX_RULES);
	__type(key, __u32);
	__type(value, struct counter);
} rule_counters SEC(".maps");

/* [app_id * APP_DIRS + enum app_dir]: WAN packets and bytes per application class
 * (app 0 = unclassified), counted where a packet passes (docs/dataplane.md). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MAX_APPS * APP_DIRS);
	__type(key, __u32);
	__type(value, struct counter);
} app_counters SEC(".maps");

/* [0]: the active policy bank. [1 + b]: rules in bank b, the agent's bookkeeping (which
 * counters to zero when it stages a bank, which to read); programs read only [0]. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 3);
	__type(key, __u32);
	__type(value, __u32);
} policy_bank SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 262144);
	__type(key, struct flow_key);
	__type(value, struct ct_entry);
} conntrack SEC(".maps");

/* [bank * POLICY_WIDE + node], [bank * POLICY_NODES + node]: both banks' tries (see
 * policy_node in types.h). Arrays, so the verifier inlines every lookup of a walk. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2 * POLICY_WIDE);
	__type(key, __u32);
	__type(value, struct policy_wide);
} policy_wide SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2 * POLICY_NODES);
	__type(key, __u32);
	__type(value, struct policy_node);
} policy_nodes SEC(".maps");

/* [bank * POLICY_MASKS + id]: rule bitmaps named by trie leaves. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2 * POLICY_MASKS);
	__type(key, __u32);
	__type(value, struct rule_mask);
} policy_masks SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2 * MAX_RULES);
	__type(key, __u32);
	__type(value, struct policy_rule);
} policy_rules SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 1 << 18);
} policy_log SEC(".maps");

/* Load-balanced services and port forwards (each forward takes a backend id). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, MAX_SERVICES + MAX_BACKENDS);
	__type(key, struct svc_key);
	__type(value, struct svc_value);
} services SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAGLEV_POOL); /* slot -> backend id; rings are regions of it */
	__type(key, __u32);
	__type(value, __u32);
} maglev SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_BACKENDS);
	__type(key, __u32);
	__type(value, struct backend);
} backends SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, struct lpm_key); /* prefixlen unused (128): same shape as policy keys */
	__type(value, struct rl_state);
} rl_src SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct lpm_key);
	__type(value, struct rl_state);
} syn_dst SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, struct app_port_key);
	__type(value, struct app_value);
} app_ports SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 16384);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm_key);
	__type(value, struct app_value);
} app_prefixes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MAX_APPS);
	__type(key, __u32);
	__type(value, struct steer_value);
} steering SEC(".maps");

/* Source prefix -> masquerade address and port range, looked up on egress. */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, 1024);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lpm_key);
	__type(value, struct snat_value);
} snat_rules SEC(".maps");

/* First fragment's verdict and translation, for the fragments that follow it. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 16384);
	__type(key, struct frag_key);
	__type(value, struct frag_value);
} frags SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct dp_clock);
} clock SEC(".maps");

/* When a full SNAT port scan last failed (per CPU): for a second afterwards new
 * flows probe only a few ports, so an exhausted range cannot burn the CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} snat_scan_failed SEC(".maps");
