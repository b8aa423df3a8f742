/* ICMP and ICMPv6 errors (unreachable, fragmentation needed / packet too big, time
 * exceeded, parameter problem) belong to the flow whose packet they quote. The
 * quoted header is the packet as it was sent, so the state to find is the one its
 * reply would hit: the reverse of the quoted tuple. A related error passes (even
 * under default deny) and is translated the way that reply would be: the outer
 * address, the quoted header's address and port, and every checksum (outer IPv4
 * header, quoted IPv4 header, quoted L4 checksum when it is in the packet, and the
 * ICMP checksum over all of it, plus its pseudo-header for ICMPv6). Errors that
 * quote nothing tracked are left to policy and never create state.
 *
 * Works on [data, data_end) directly for XDP and TC alike: the rewrite keeps every
 * checksummed region summing to the same value, so a CHECKSUM_COMPLETE skb stays
 * right; TC callers pull the headers into the linear area first. */
#pragma once
#include "conntrack.h"
#include "nat.h"

struct icmp_inner {
	struct flow_key key; /* the quoted packet's tuple, as it was sent */
	__u32 l3; /* offset of the quoted IP header */
	__u32 l4; /* offset of the quoted L4 header */
};

/* The quoted packet: IPv4 with options, or IPv6 without extension headers; its
 * first 8 L4 bytes (ports, or the echo id) must be present. */
static __always_inline int icmp_inner_parse(void *data, void *data_end, const struct pkt *p,
					    struct icmp_inner *in)
{
	__u32 off = p->l4_off + 8;
	__u8 *l4;

	__builtin_memset(in, 0, sizeof(*in));
	if (off > MAX_L4_OFF)
		return -1;
	in->l3 = off;
	if (p->ipv4) {
		struct iphdr *ip = data + bound_off(off, 0x7ff);

		if ((void *)(ip + 1) > data_end || ip->version != 4 || ip->ihl < 5 ||
		    (ip->frag_off & bpf_htons(0x1fff)))
			return -1;
		in->key.family = FAMILY_V4;
		in->key.proto = ip->protocol;
		addr_v4(in->key.saddr, ip->saddr);
		addr_v4(in->key.daddr, ip->daddr);
		off += ip->ihl * 4;
	} else {
		struct ipv6hdr *ip6 = data + bound_off(off, 0x7ff);

		if ((void *)(ip6 + 1) > data_end || ip6->version != 6)
			return -1;
		in->key.family = FAMILY_V6;
		in->key.proto = ip6->nexthdr;
		__builtin_memcpy(in->key.saddr, &ip6->saddr, 16);
		__builtin_memcpy(in->key.daddr, &ip6->daddr, 16);
		if (addr_is_v4mapped(in->key.saddr) || addr_is_v4mapped(in->key.daddr))
			return -1;
		off += sizeof(*ip6);
	}
	if (off > MAX_L4_OFF + 64)
		return -1;
	in->l4 = off;
	l4 = data + bound_off(off, 0x7ff);
	if ((void *)(l4 + 8) > data_end || off + 8 > p->l3_end)
		return -1;
	if (in->key.proto == IPPROTO_TCP || in->key.proto == IPPROTO_UDP) {
		in->key.sport = *(__be16 *)l4;
		in->key.dport = *(__be16 *)(l4 + 2);
	} else if (in->key.proto == (p->ipv4 ? IPPROTO_ICMP : IPPROTO_ICMPV6)) {
		/* Only an echo can be quoted by a related error (never an error). */
		if (l4[0] == (p->ipv4 ? ICMP_ECHO : ICMPV6_ECHO_REQUEST))
			in->key.sport = *(__be16 *)(l4 + 4);
		else if (l4[0] == (p->ipv4 ? ICMP_ECHOREPLY : ICMPV6_ECHO_REPLY))
			in->key.dport = *(__be16 *)(l4 + 4);
		else
			return -1;
	} else {
		return -1;
	}
	return 0;
}

/* The state the quoted packet's reply would hit, if live. */
static __always_inline struct ct_entry *icmp_related(const struct icmp_inner *in, __u64 now)
{
	struct flow_key k;
	struct ct_entry *e;

	flow_reverse(&in->key, &k);
	e = bpf_map_lookup_elem(&conntrack, &k);
	return e && e->expires > now ? e : NULL;
}

/* Rewrites with the related entry's NAT. NAT_DST (A, P): the error goes to A, and
 * the quoted packet was sent from A:P. NAT_SRC (A, P): the error comes from A and
 * quotes a packet sent to A:P (the outer source becomes A even when an inside
 * router generated the error, so no inside address leaves). */
static __always_inline int icmp_err_rewrite(void *data, void *data_end, const struct pkt *p,
					    const struct icmp_inner *in, const struct ct_entry *e)
{
	int src = e->nat == NAT_SRC, v4 = p->ipv4;
	__u32 il4 = in->l4, old[4];
	__u16 *icsum, *l4sum = 0;
	__be16 *pp;
	__u8 proto = in->key.proto;

	if (e->nat == NAT_NONE)
		return 0;
	if (p->l4_off > MAX_L4_OFF || in->l3 > MAX_L4_OFF + 8 || il4 > MAX_L4_OFF + 64)
		return -1;
	icsum = data + bound_off(p->l4_off, 0x7ff) + 2;
	pp = data + bound_off(il4, 0x7ff) + (nat_port_off(proto, !src) & 7);
	if ((void *)(icsum + 1) > data_end || (void *)(pp + 1) > data_end)
		return -1;
	/* The quoted L4 checksum, when the quote reaches it. */
	if (proto == IPPROTO_TCP) {
		l4sum = data + bound_off(il4, 0x7ff) + 16;
		if ((void *)(l4sum + 1) > data_end || il4 + 18 > p->l3_end)
			l4sum = 0;
	} else {
		l4sum = data + bound_off(il4, 0x7ff) + (proto == IPPROTO_UDP ? 6 : 2);
		if ((void *)(l4sum + 1) > data_end || (proto == IPPROTO_UDP && !*l4sum))
			l4sum = 0;
	}
	/* The quoted packet: address (and its IPv4 header checksum), port, L4 sum. */
	if (v4) {
		struct iphdr *ip = data + bound_off(in->l3, 0x7ff);
		__be32 *ap;
		__u16 ocheck;

		if ((void *)(ip + 1) > data_end)
			return -1;
		ap = src ? &ip->daddr : &ip->saddr;
		addr_v4(old, *ap);
		ocheck = ip->check;
		csum_replace4(&ip->check, *ap, e->nat_addr[3]);
		csum_replace2(icsum, ocheck, ip->check);
		csum_replace4(icsum, *ap, e->nat_addr[3]);
		*ap = e->nat_addr[3];
	} else {
		struct ipv6hdr *ip6 = data + bound_off(in->l3, 0x7ff);
		void *ap;

		if ((void *)(ip6 + 1) > data_end)
			return -1;
		ap = src ? (void *)&ip6->daddr : (void *)&ip6->saddr;
		__builtin_memcpy(old, ap, 16);
		csum_replace_addr(icsum, old, e->nat_addr, 0);
		__builtin_memcpy(ap, e->nat_addr, 16);
	}
	if (l4sum) {
		__u16 before = *l4sum;

		if (l4_has_pseudo(proto))
			csum_replace_addr(l4sum, old, e->nat_addr, v4);
		csum_replace2(l4sum, *pp, e->nat_port);
		if (proto == IPPROTO_UDP && !*l4sum)
			*l4sum = 0xffff;
		csum_replace2(icsum, before, *l4sum);
	}
	csum_replace2(icsum, *pp, e->nat_port);
	*pp = e->nat_port;
	/* The outer header: ICMPv6 sums it in its pseudo-header, ICMPv4 does not. */
	if (nat_write_addr(data, data_end, p->l3_off, v4, src, e->nat_addr, old))
		return -1;
	if (!v4)
		csum_replace_addr(icsum, old, e->nat_addr, 0);
	return 0;
}
