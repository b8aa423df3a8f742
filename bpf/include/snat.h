/* Source NAT port allocation on egress. The reply tuple (remote -> masquerade
 * address:port) must be unused; candidate ports are visited from a hash of the
 * flow, each at most once (start + i mod range), so any range size works and a
 * free port is found whenever one exists. The same flow gets the same first
 * candidate, so a connection re-NATed after its state was lost (agent restart,
 * eviction, program replacement) usually keeps its port and survives. */
#pragma once
#include "conntrack.h"
#include "maglev.h"
#include "nat.h"

#define SNAT_QUICK_PROBES 64
#define SNAT_BACKOFF_NS NSEC_PER_SEC

struct snat_scan {
	struct flow_key rkey;
	__u32 lo;
	__u32 range;
	__u32 start;
	__u32 found;
};

static long snat_probe(__u32 i, struct snat_scan *s)
{
	s->rkey.dport = bpf_htons(s->lo + (s->start + i) % s->range);
	if (bpf_map_lookup_elem(&conntrack, &s->rkey))
		return 0;
	s->found = 1;
	return 1;
}

/* The SNAT rule covering the packet's source, of the packet's family, or NULL. */
static __always_inline struct snat_value *snat_rule(const struct pkt *p)
{
	struct lpm_key k = { .prefixlen = 128 };
	struct snat_value *s;

	__builtin_memcpy(k.addr, p->key.saddr, 16);
	s = bpf_map_lookup_elem(&snat_rules, &k);
	if (!s || s->port_hi < s->port_lo || addr_is_v4mapped(s->addr) != p->ipv4)
		return NULL;
	return s;
}

enum snat_result { SNAT_OK = 0, SNAT_EXHAUSTED = -1, SNAT_UNSUPPORTED = -2 };

static __always_inline int snat_alloc(const struct pkt *p, const struct snat_value *s,
				      struct ct_entry *e, __u64 now)
{
	struct snat_scan scan = { .lo = s->port_lo };
	__u32 zero = 0, n;
	__u64 *failed = bpf_map_lookup_elem(&snat_scan_failed, &zero);

	/* Only what has ports (or an echo id) can share one address. */
	if (!p->l4_off || nat_l4_csum_off(p) < 0 ||
	    (p->key.proto == IPPROTO_ICMP && p->icmp_type != ICMP_ECHO) ||
	    (p->key.proto == IPPROTO_ICMPV6 && p->icmp_type != ICMPV6_ECHO_REQUEST))
		return SNAT_UNSUPPORTED;
	scan.range = (__u32)s->port_hi - s->port_lo + 1;
	scan.start = flow_hash(&p->key) % scan.range;
	flow_reverse(&p->key, &scan.rkey);
	__builtin_memcpy(scan.rkey.daddr, s->addr, 16);
	n = scan.range;
	if (failed && now - *failed < SNAT_BACKOFF_NS && n > SNAT_QUICK_PROBES)
		n = SNAT_QUICK_PROBES;
	bpf_loop(n, snat_probe, &scan, 0);
	if (!scan.found) {
		if (failed && n == scan.range)
			*failed = now;
		return SNAT_EXHAUSTED;
	}
	e->nat = NAT_SRC;
	__builtin_memcpy(e->nat_addr, s->addr, 16);
	e->nat_port = scan.rkey.dport;
	return SNAT_OK;
}
