/* App classification: destination (proto, port) first, then destination prefix.
 * The agent fills both maps from its app catalogue; app 0 = unclassified. */
#pragma once
#include "maps.h"
#include "parsing.h"
#include "csum.h"

static __always_inline __u16 app_classify(const struct pkt *p)
{
	struct app_value *v;

	if (p->l4_off) {
		struct app_port_key pk = { .proto = p->key.proto, .port = p->key.dport };

		v = bpf_map_lookup_elem(&app_ports, &pk);
		if (v)
			return v->app_id;
	}
	struct lpm_key lk = { .prefixlen = 128 };

	__builtin_memcpy(lk.addr, p->key.daddr, 16);
	v = bpf_map_lookup_elem(&app_prefixes, &lk);
	return v ? v->app_id : 0;
}

/* Rewrites DSCP keeping ECN; IPv4 header checksum fixed incrementally. */
static __always_inline void set_dscp(void *data, void *data_end, const struct pkt *p, __u8 dscp)
{
	__u32 l3 = p->l3_off;

	if (l3 > MAX_L3_OFF)
		return;
	if (p->ipv4) {
		struct iphdr *ip = data + bound_off(l3, 0x1f);

		if ((void *)(ip + 1) > data_end)
			return;
		__u16 old = *(__u16 *)ip;
		ip->tos = (dscp << 2) | (ip->tos & 3);
		csum_replace2(&ip->check, old, *(__u16 *)ip);
	} else {
		__u8 *b = data + bound_off(l3, 0x1f);

		if ((void *)(b + 2) > data_end)
			return;
		/* version(4) | tclass(8) | flow label(20): tclass straddles bytes 0-1 */
		__u8 tc = (dscp << 2) | (((b[1] >> 4) & 0xf) & 3);
		b[0] = (b[0] & 0xf0) | (tc >> 4);
		b[1] = (b[1] & 0x0f) | (tc << 4);
	}
}
