/* Map key/value structs shared by every program. The TypeScript codecs in
 * edge-agent/src/dataplane/structs.ts mirror these; a test compares them with
 * the BTF of the built object, so any layout change here must be made there too.
 *
 * The values the agent writes into these structs or decodes from them (actions,
 * flags, states, limits) are enums, not #defines, so that they reach BTF too
 * (through the anchor in btf_anchor.h): the same test compares each of them with
 * its table in edge-agent/src/dataplane/constants.ts, member by member. */
#pragma once
#include <linux/types.h>
#include <linux/bpf.h>

/* Version of the layout of the pinned maps (every map's type, sizes, flags and
 * key/value structs). The loader pins maps under <pin>/maps-v<N>; a build whose
 * layout differs from bpf/layout.json's snapshot of N fails btf.bpf.test.ts until N
 * is bumped and edge-agent/src/dataplane/migrations.ts says how to carry maps over. */
enum dp_layout { DP_LAYOUT_VERSION = 1 };

/* Sizes and index strides the agent computes with. */
enum dp_limits {
	MAX_IFACES = 64, /* counter rows */
	MAX_IFINDEX = 4096, /* interfaces with a higher ifindex use entry 0 */
	MAX_RULES = 4096, /* one bit per rule in the policy bitmaps: 64 words of 64 */
	POLICY_WIDE = 2048, /* policy_wide per bank: 6 trees x (1 + 256) at most */
	POLICY_NODES = 65536, /* policy_nodes per bank: 16 per rule covers any IPv4 set */
	POLICY_MASKS = 16384, /* policy_masks per bank (distinct bitmaps) */
	MAX_SERVICES = 64, /* load-balanced services (Maglev rings) */
	MAX_BACKENDS = 1024, /* backend ids, 0 reserved: service backends + port forwards */
	/* Maglev rings live in one slot pool of two regions. A region holds the largest
	 * set of rings the limits above allow (64 services, 1023 backends, ring sizes
	 * from maglev.ts): a change stages every ring in the region no service uses,
	 * then switches the services over. maglev.test.ts recomputes this figure. */
	MAGLEV_REGION = 207294,
	MAGLEV_POOL = 2 * MAGLEV_REGION,
	MAX_APPS = 1024, /* app ids 0..MAX_APPS-1 (steering, app_counters) */
};

/* app_counters[app_id * APP_DIRS + dir]: WAN traffic per application class. */
enum app_dir {
	APP_RX = 0, /* received from the WAN (download) */
	APP_TX = 1, /* sent to the WAN (upload) */
	APP_DIRS = 2,
};

/* Addresses are 16 bytes everywhere (IPv4 as ::ffff:a.b.c.d) so one map and one
 * code path serve both families. */
struct flow_key {
	__u32 saddr[4];
	__u32 daddr[4];
	__be16 sport;
	__be16 dport;
	__u8 proto;
	__u8 family; /* enum family: an IPv6 packet never matches IPv4 state */
	__u8 pad[2];
};
enum family { FAMILY_V4 = 4, FAMILY_V6 = 6 };

enum ct_state { CT_NEW = 0, CT_SYN_SENT = 1, CT_ESTABLISHED = 2, CT_CLOSING = 3 };
enum ct_dir { CT_DIR_ORIG = 0, CT_DIR_REPLY = 1 };
enum nat_kind { NAT_NONE = 0, NAT_SRC = 1, NAT_DST = 2 };
enum ct_flags {
	CT_F_LB = 1 << 0,
	CT_F_LOG = 1 << 1,
	CT_F_SEQ = 1 << 2, /* TCP: seq_next holds this direction's sequence */
};

/* One half of a connection. `expires` is refreshed by traffic in either direction
 * (see conntrack.h); past it the data path treats the half as absent. */
struct ct_entry {
	__u64 expires; /* CLOCK_MONOTONIC ns */
	__u64 packets;
	__u64 bytes;
	__u32 nat_addr[4]; /* the address to write for this direction (16-byte form) */
	__be16 nat_port;
	__u8 nat; /* enum nat_kind */
	__u8 state; /* enum ct_state */
	__u8 dir; /* enum ct_dir */
	__u8 flags; /* enum ct_flags */
	__u16 app_id;
	__u32 mark;
	__u16 rule_id;
	__u8 dscp;
	__u8 wscale; /* TCP: window scale this direction's sender announced */
	__u32 backend_id;
	__u32 seq_next; /* TCP: end of the highest sequence this direction sent */
	__u32 max_win; /* TCP: largest (scaled) window this direction's sender offered */
};

/* Per-interface knobs; key = ifindex, key 0 = fallback for unconfigured interfaces. */
struct if_config {
	__u32 slot; /* counter row, < MAX_IFACES */
	__u8 default_action; /* enum policy_action for packets no rule matches */
	__u8 malformed_action; /* enum xdp_action: XDP_DROP or XDP_PASS */
	__u8 flags; /* enum ifc_flags */
	__u8 pad;
	__u64 rl_cost_ns; /* per-source rate limit: 1e9 / packets-per-second, 0 = off */
	__u64 rl_burst_ns; /* burst * cost */
	__u64 syn_cost_ns; /* SYN guard per destination, same encoding */
	__u64 syn_burst_ns;
};
enum ifc_flags {
	IFC_F_POLICY = 1 << 0,
	IFC_F_APP_RULES = 1 << 1, /* classify on ingress because some rule matches app id */
	IFC_F_SNAT = 1 << 2,
	IFC_F_VALID = 1 << 7, /* set by the agent: zeroed array slots are "unconfigured" */
};

enum policy_action { ACT_DENY = 0, ACT_ALLOW = 1, ACT_ALLOW_LOG = 2 };

struct lpm_key {
	__u32 prefixlen;
	__u32 addr[4];
};

/* Policy is double-buffered so a change is one atomic flip: policy_bank[0] selects
 * the bank, and every policy map is indexed bank * size + index, so the agent
 * writes only the inactive bank. A bank holds its rules (policy_rules, slot order =
 * priority), six tries (enum policy_trie) in policy_nodes and the rule bitmaps
 * the tries' leaves name (policy_masks; id 0 = no rule). */
struct rule_mask {
	__u64 summary; /* bit w: words[w] != 0, so an AND starts at a non-empty word */
	__u64 words[MAX_RULES / 64]; /* bit i = slot i, as bit i % 64 of words[i / 64] */
};

/* Multibit trie nodes: the first two levels of a tree consume 8 key bits each
 * (policy_wide: few nodes, fewer steps), the rest 4 (policy_node: small nodes for
 * the many long prefixes). Leaf-pushed: every slot is a child (the next level's
 * node) or the id of the bitmap of the rules whose prefixes cover every key under
 * that slot. Slot = (child << 1) | PT_CHILD, or mask id << 1. */
struct policy_wide {
	__u32 slot[256];
};

struct policy_node {
	__u32 slot[16];
};

/* Root (policy_wide index within a bank) of each trie, and the slot flag. Addresses go
 * to the tree of their family (IPv4 = ::ffff:0:0/96), so no rule of one family
 * ever matches the other. The L4 key is (proto, dst port); the app tree's is
 * (app id, proto, dst port) and holds only rules naming an app. */
enum policy_trie {
	PT_SRC4 = 0, /* 4-byte IPv4 source */
	PT_SRC6 = 1, /* 16-byte IPv6 source */
	PT_DST4 = 2,
	PT_DST6 = 3,
	PT_L4 = 4, /* 3 bytes: proto, port (big-endian) */
	PT_L4_APP = 5, /* 5 bytes: app id (big-endian), proto, port */
	PT_ROOTS = 6,
	PT_CHILD = 1,
};

struct policy_rule {
	__u16 rule_id; /* stable id for counters and logs */
	__u8 proto; /* 0 = any */
	__u8 action; /* enum policy_action */
	__u16 port_lo; /* host order, inclusive */
	__u16 port_hi;
	__u16 app_id; /* 0 = any */
	__u16 pad;
};

struct counter {
	__u64 packets;
	__u64 bytes;
};

struct svc_key {
	__u32 vip[4]; /* IPv4 as ::ffff:a.b.c.d */
	__be16 port;
	__u8 proto;
	__u8 pad;
};

/* SVC_F_MAGLEV: the ring is maglev[ring_off .. ring_off + ring_size). A ring change
 * writes a new ring elsewhere in the pool, then replaces this value in one update. */
struct svc_value {
	__u32 ring_off;
	__u32 ring_size; /* prime */
	__u32 flags; /* enum svc_flags */
	__u32 backend_id; /* SVC_F_DNAT: the single target (port forwarding) */
};
enum svc_flags { SVC_F_MAGLEV = 1 << 0, SVC_F_DNAT = 1 << 1 };

struct backend {
	__u32 addr[4]; /* IPv4 as ::ffff:a.b.c.d */
	__be16 port;
	__u8 flags; /* enum backend_flags */
	__u8 pad;
};
enum backend_flags { BE_F_VALID = 1 << 0 };

struct rl_state {
	__u64 tat; /* GCRA theoretical arrival time, ns */
};

struct app_port_key {
	__u8 proto;
	__u8 pad;
	__be16 port;
};

struct app_value {
	__u16 app_id;
	__u16 pad;
};

struct steer_value {
	__u32 mark; /* fwmark -> ip rule -> routing table -> tunnel */
	__u8 dscp; /* STEER_DSCP_KEEP = leave untouched */
	__u8 flags; /* STEER_F_VALID: array slots of unknown apps read as zero */
	__u8 pad[2];
};
enum steer_flags { STEER_F_VALID = 1 << 0 };
enum steer_dscp { STEER_DSCP_KEEP = 0xff };

struct snat_value {
	__u32 addr[4]; /* masquerade address, same family as the rule's prefix */
	__u16 port_lo; /* host order */
	__u16 port_hi;
};

/* Non-first fragments carry no ports: they follow what their first fragment got.
 * Keyed by the datagram as it arrives (before any translation). */
struct frag_key {
	__u32 saddr[4];
	__u32 daddr[4];
	__u32 id; /* IPv4 identification or IPv6 fragment id */
	__u8 proto;
	__u8 family;
	__u8 pad[2];
};

struct frag_value {
	__u64 expires; /* CLOCK_MONOTONIC ns */
	__u32 nat_addr[4]; /* address to write (the first fragment's translation) */
	__u8 nat; /* enum nat_kind */
	__u8 pad[7];
};

/* The data path's clock: a BPF timer writes CLOCK_MONOTONIC_COARSE here a few
 * times a second, so the per-packet expiry check costs a load, not a helper call. */
struct dp_clock {
	__u64 now;
	struct bpf_timer timer;
};

struct log_event {
	struct flow_key key;
	__u16 rule_id;
	__u8 action; /* enum policy_action */
	__u8 ifslot;
	__u32 len;
};
