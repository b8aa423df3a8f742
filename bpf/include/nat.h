/* IPv4 address/port rewriting with checksum fix-ups. XDP updates checksums by
 * hand; TC goes through the skb helpers because forwarded veth/local packets may be
 * CHECKSUM_PARTIAL, where only the pseudo-header part of the L4 sum may change. */
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
	if (p->key.proto == IPPROTO_ICMP && (p->icmp_type == ICMP_ECHO || p->icmp_type == ICMP_ECHOREPLY))
		return 2;
	return -1;
}

static __always_inline __u32 nat_port_off(const struct pkt *p, int src)
{
	if (p->key.proto == IPPROTO_ICMP)
		return 4; /* echo id, both directions */
	return src ? 0 : 2;
}

/* src != 0 rewrites the source, else the destination. */
static __always_inline int nat_rewrite_xdp(void *data, void *data_end, const struct pkt *p,
					   int src, __be32 addr, __be16 port)
{
	__u32 l3 = p->l3_off, l4 = p->l4_off;
	int off = nat_l4_csum_off(p);
	struct iphdr *ip;
	__u16 *l4sum;
	__be16 *pp;
	__be32 *ap;

	/* Offsets come back from the stack unbounded as far as the verifier knows. */
	if (!p->ipv4 || !l4 || off < 0 || l3 > MAX_L3_OFF || l4 > MAX_L4_OFF)
		return -1;
	ip = data + l3;
	if ((void *)(ip + 1) > data_end)
		return -1;
	l4sum = data + l4 + (off & 31);
	pp = data + l4 + (nat_port_off(p, src) & 7);
	if ((void *)(l4sum + 1) > data_end || (void *)(pp + 1) > data_end)
		return -1;
	ap = src ? &ip->saddr : &ip->daddr;
	/* UDP checksum 0 means "none" and must stay 0; ICMP has no pseudo-header. */
	if (p->key.proto != IPPROTO_UDP || *l4sum) {
		if (p->key.proto != IPPROTO_ICMP)
			csum_replace4(l4sum, *ap, addr);
		csum_replace2(l4sum, *pp, port);
		if (p->key.proto == IPPROTO_UDP && !*l4sum)
			*l4sum = 0xffff;
	}
	csum_replace4(&ip->check, *ap, addr);
	*ap = addr;
	*pp = port;
	return 0;
}

static __always_inline int nat_rewrite_tc(struct __sk_buff *skb, const struct pkt *p, int src,
					  __be32 addr, __be16 port)
{
	int off = nat_l4_csum_off(p);
	__u32 aoff = p->l3_off + (src ? 12 : 16);
	__u32 poff = p->l4_off + nat_port_off(p, src);
	__u64 mangle = p->key.proto == IPPROTO_UDP ? BPF_F_MARK_MANGLED_0 : 0;
	__be32 old_addr = src ? p->key.saddr[3] : p->key.daddr[3];
	__be16 old_port = src ? p->key.sport : p->key.dport;

	if (!p->ipv4 || !p->l4_off || off < 0)
		return -1;
	off += p->l4_off;
	if (p->key.proto != IPPROTO_ICMP &&
	    bpf_l4_csum_replace(skb, off, old_addr, addr, BPF_F_PSEUDO_HDR | mangle | 4))
		return -1;
	if (bpf_l4_csum_replace(skb, off, old_port, port, mangle | 2))
		return -1;
	if (bpf_l3_csum_replace(skb, p->l3_off + 10, old_addr, addr, 4))
		return -1;
	if (bpf_skb_store_bytes(skb, aoff, &addr, 4, 0))
		return -1;
	return bpf_skb_store_bytes(skb, poff, &port, 2, 0);
}
