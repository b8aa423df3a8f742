/* Address/port rewriting with checksum fix-ups, IPv4 and IPv6 alike (addresses are
 * 16-byte keys; an IPv4 address is word 3 of its ::ffff:a.b.c.d form). XDP updates
 * checksums by hand; TC goes through the skb helpers because forwarded veth/local
 * packets may be CHECKSUM_PARTIAL, where only the pseudo-header part of the L4 sum
 * may change. */
#pragma once
#include "csum.h"
#include "parsing.h"

/* Where the L4 checksum sits, or -1 for protocols we do not translate. ICMP echo
 * is translated through its id, which plays the part of the port. */
static __always_inline int nat_l4_csum_off(const struct pkt *p)
{
	if (p->key.proto == IPPROTO_TCP)
		return 16;
	if (p->key.proto == IPPROTO_UDP)
		return 6;
	if (p->key.proto == IPPROTO_ICMP &&
	    (p->icmp_type == ICMP_ECHO || p->icmp_type == ICMP_ECHOREPLY))
		return 2;
	if (p->key.proto == IPPROTO_ICMPV6 &&
	    (p->icmp_type == ICMPV6_ECHO_REQUEST || p->icmp_type == ICMPV6_ECHO_REPLY))
		return 2;
	return -1;
}

static __always_inline __u32 nat_port_off(__u8 proto, int src)
{
	if (proto == IPPROTO_ICMP || proto == IPPROTO_ICMPV6)
		return 4; /* echo id, both directions */
	return src ? 0 : 2;
}

/* ICMPv4 is the only one whose checksum has no pseudo-header. */
static __always_inline int l4_has_pseudo(__u8 proto)
{
	return proto != IPPROTO_ICMP;
}

/* Folds an address change into a checksum: one word for IPv4, four for IPv6. */
static __always_inline void csum_replace_addr(__u16 *sum, const __u32 *from, const __u32 *to, int v4)
{
	if (v4) {
		csum_replace4(sum, from[3], to[3]);
		return;
	}
#pragma unroll
	for (int i = 0; i < 4; i++)
		csum_replace4(sum, from[i], to[i]);
}

/* Writes `addr` over the source (src != 0) or destination address of the IP
 * header at l3, fixing the IPv4 header checksum. `old` receives what was there. */
static __always_inline int nat_write_addr(void *data, void *data_end, __u32 l3, int v4, int src,
					  const __u32 *addr, __u32 *old)
{
	if (l3 > MAX_L3_OFF)
		return -1;
	if (v4) {
		struct iphdr *ip = data + bound_off(l3, 0x1f);
		__be32 *ap;

		if ((void *)(ip + 1) > data_end)
			return -1;
		ap = src ? &ip->saddr : &ip->daddr;
		addr_v4(old, *ap);
		csum_replace4(&ip->check, *ap, addr[3]);
		*ap = addr[3];
		return 0;
	}
	struct ipv6hdr *ip6 = data + bound_off(l3, 0x1f);
	void *ap;

	if ((void *)(ip6 + 1) > data_end)
		return -1;
	ap = src ? (void *)&ip6->saddr : (void *)&ip6->daddr;
	__builtin_memcpy(old, ap, 16);
	__builtin_memcpy(ap, addr, 16);
	return 0;
}

/* src != 0 rewrites the source address and port, else the destination's. */
static __always_inline int nat_rewrite_xdp(void *data, void *data_end, const struct pkt *p,
					   int src, const __u32 *addr, __be16 port)
{
	__u32 l4 = p->l4_off, old[4];
	int off = nat_l4_csum_off(p);
	__u16 *l4sum;
	__be16 *pp;

	/* Offsets come back from the stack unbounded as far as the verifier knows. */
	if (!l4 || off < 0 || l4 > MAX_L4_OFF)
		return -1;
	l4sum = data + bound_off(l4, 0x7ff) + (off & 31);
	pp = data + bound_off(l4, 0x7ff) + (nat_port_off(p->key.proto, src) & 7);
	if ((void *)(l4sum + 1) > data_end || (void *)(pp + 1) > data_end)
		return -1;
	if (nat_write_addr(data, data_end, p->l3_off, p->ipv4, src, addr, old))
		return -1;
	/* UDP checksum 0 means "none" (IPv4 only) and must stay 0. */
	if (p->key.proto != IPPROTO_UDP || *l4sum) {
		if (l4_has_pseudo(p->key.proto))
			csum_replace_addr(l4sum, old, addr, p->ipv4);
		csum_replace2(l4sum, *pp, port);
		if (p->key.proto == IPPROTO_UDP && !*l4sum)
			*l4sum = 0xffff;
	}
	*pp = port;
	return 0;
}

static __always_inline int nat_rewrite_tc(struct __sk_buff *skb, const struct pkt *p, int src,
					  const __u32 *addr, __be16 port)
{
	int off = nat_l4_csum_off(p);
	__u32 aoff = p->l3_off + (p->ipv4 ? (src ? 12 : 16) : (src ? 8 : 24));
	__u32 poff = p->l4_off + nat_port_off(p->key.proto, src);
	__u64 mangle = p->key.proto == IPPROTO_UDP ? BPF_F_MARK_MANGLED_0 : 0;
	const __u32 *old_addr = src ? p->key.saddr : p->key.daddr;
	__be16 old_port = src ? p->key.sport : p->key.dport;

	if (!p->l4_off || off < 0)
		return -1;
	off += p->l4_off;
	if (p->ipv4) {
		if (p->key.proto != IPPROTO_ICMP &&
		    bpf_l4_csum_replace(skb, off, old_addr[3], addr[3], BPF_F_PSEUDO_HDR | mangle | 4))
			return -1;
		if (bpf_l3_csum_replace(skb, p->l3_off + 10, old_addr[3], addr[3], 4))
			return -1;
		if (bpf_skb_store_bytes(skb, aoff, &addr[3], 4, 0))
			return -1;
	} else {
		/* Size 0: `to` is a precomputed difference (here of the 16-byte address). */
		__s64 diff = bpf_csum_diff((__be32 *)old_addr, 16, (__be32 *)addr, 16, 0);

		if (diff < 0 || bpf_l4_csum_replace(skb, off, 0, diff, BPF_F_PSEUDO_HDR | mangle))
			return -1;
		if (bpf_skb_store_bytes(skb, aoff, addr, 16, 0))
			return -1;
	}
	if (bpf_l4_csum_replace(skb, off, old_port, port, mangle | 2))
		return -1;
	return bpf_skb_store_bytes(skb, poff, &port, 2, 0);
}

/* Non-first fragments: only the address changes (their first fragment carried the
 * L4 header, whose checksum already covers the whole datagram's new tuple). */
static __always_inline int nat_rewrite_addr_tc(struct __sk_buff *skb, const struct pkt *p, int src,
					       const __u32 *addr)
{
	const __u32 *old_addr = src ? p->key.saddr : p->key.daddr;

	if (p->ipv4) {
		if (bpf_l3_csum_replace(skb, p->l3_off + 10, old_addr[3], addr[3], 4))
			return -1;
		return bpf_skb_store_bytes(skb, p->l3_off + (src ? 12 : 16), &addr[3], 4, 0);
	}
	return bpf_skb_store_bytes(skb, p->l3_off + (src ? 8 : 24), addr, 16, 0);
}
