#pragma once
#include "maps.h"

/* Why a packet got its verdict: counters[slot * R_MAX + reason]. The TS side
 * mirrors this list (REASONS in constants.ts; checked against BTF);
 * verdict = drop for the *_DROP / DENY reasons, pass otherwise. */
enum reason {
	R_PASS_NON_IP = 0,
	R_MALFORMED_DROP = 1,
	R_MALFORMED_PASS = 2,
	R_RATE_LIMIT_DROP = 3,
	R_SYN_FLOOD_DROP = 4,
	R_CT_ORIG = 5,
	R_CT_REPLY = 6,
	R_LB_NEW = 7,
	R_DNAT_NEW = 8,
	R_POLICY_ALLOW = 9,
	R_POLICY_DENY = 10,
	R_DEFAULT_ALLOW = 11,
	R_DEFAULT_DENY = 12,
	R_LB_NO_BACKEND_DROP = 13,
	R_EGRESS_NEW = 14,
	R_SNAT_NEW = 15,
	R_SNAT_EXHAUSTED_DROP = 16,
	R_STEERED = 17,
	R_CLASSIFIED = 18,
	R_TCP_NO_STATE = 19, /* mid-stream TCP without state, allowed by policy */
	R_ND_PASS = 20, /* IPv6 neighbour/router discovery: never subject to policy */
	R_UNCLASSIFIABLE_DROP = 21, /* too many extension headers / VLAN tags, RH0 */
	R_BAD_ADDR_DROP = 22, /* IPv6 packet with an IPv4-mapped address */
	R_TCP_INVALID_DROP = 23, /* impossible flag combination (SYN+FIN, NULL, XMAS...) */
	R_TCP_RST_INVALID_DROP = 24, /* RST outside the window (RFC 5961 blind reset) */
	R_ICMP_RELATED = 25, /* ICMP error about a tracked flow: passed, translated */
	R_FRAG_FOLLOW = 26, /* non-first fragment following its first fragment */
	R_FRAG_NO_FIRST_DROP = 27, /* non-first fragment whose first was not passed */
	R_SNAT_NO_STATE_DROP = 28, /* would leave with an inside address and cannot be NATed */
	R_CT_RESTART = 29, /* expired state or a SYN on a closing tuple: judged as new */
	R_NO_STATE_PASS = 30, /* allowed by policy, creates no state (echo reply, ICMP error) */
	R_MAX = 64,
};

static __always_inline void count(__u32 slot, __u32 reason, __u32 len)
{
	__u32 idx = slot * R_MAX + reason;
	struct counter *c = bpf_map_lookup_elem(&counters, &idx);

	if (c) {
		c->packets++;
		c->bytes += len;
	}
}

static __always_inline void count_rule(__u32 slot_idx, __u32 len)
{
	struct counter *c = bpf_map_lookup_elem(&rule_counters, &slot_idx);

	if (c) {
		c->packets++;
		c->bytes += len;
	}
}

/* WAN traffic of one application class in one direction (enum app_dir); an id the
 * agent never assigns (>= MAX_APPS) falls outside the array and is not counted. */
static __always_inline void count_app(__u32 app, __u32 dir, __u32 len)
{
	__u32 idx = app * APP_DIRS + dir;
	struct counter *c = bpf_map_lookup_elem(&app_counters, &idx);

	if (c) {
		c->packets++;
		c->bytes += len;
	}
}
