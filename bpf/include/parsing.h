/* Header parsing shared by XDP and TC: both hand us [data, data_end). Every
 * read is bounds-checked; anything short or inconsistent is PARSE_MALFORMED.
 * Length fields are checked against the packet length `len`, which for a TC
 * GSO/GRO skb is longer than the linear part [data, data_end). */
#pragma once
#include "common.h"
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <linux/tcp.h>
#include <linux/udp.h>

/* linux/icmp.h drags in libc socket headers; the first 8 bytes are all we need. */
struct icmp_hdr {
	__u8 type;
	__u8 code;
	__be16 check;
	__be16 id;
	__be16 seq;
};
#define ICMP_ECHOREPLY 0
#define ICMP_ECHO 8
#define ICMPV6_ECHO_REQUEST 128
#define ICMPV6_ECHO_REPLY 129

enum parse_result { PARSE_OK = 0, PARSE_NOT_IP = 1, PARSE_MALFORMED = 2 };

/* Upper bounds of header offsets, stated so the verifier can bound packet pointers
 * rebuilt from saved offsets: Ethernet + 2 VLAN tags, then IPv6 + extension chain. */
#define MAX_L3_OFF 22
#define MAX_L4_OFF 1024

struct vlan_hdr {
	__be16 tci;
	__be16 encap_proto;
};

struct pkt {
	struct flow_key key;
	__u32 l3_off;
	__u32 l4_off; /* 0 when there is no L4 header (non-first fragment) */
	__u32 len;
	__u16 eth_proto; /* host order */
	__u8 tcp_flags;
	__u8 ipv4; /* 1 for IPv4 */
	__u8 icmp_type;
};

#define TCPF_FIN 0x01
#define TCPF_SYN 0x02
#define TCPF_RST 0x04
#define TCPF_ACK 0x10

static __always_inline void addr_v4(__u32 *a, __be32 v4)
{
	a[0] = 0;
	a[1] = 0;
	a[2] = bpf_htonl(0x0000ffff);
	a[3] = v4;
}

static __always_inline int parse_l4(void *data, void *data_end, struct pkt *p, __u32 off)
{
	if (off > MAX_L4_OFF)
		return PARSE_MALFORMED;
	p->l4_off = off;
	if (p->key.proto == IPPROTO_TCP) {
		struct tcphdr *th = data + off;

		if ((void *)(th + 1) > data_end)
			return PARSE_MALFORMED;
		if (th->doff < 5 || data + off + th->doff * 4 > data_end)
			return PARSE_MALFORMED;
		p->key.sport = th->source;
		p->key.dport = th->dest;
		p->tcp_flags = ((__u8 *)th)[13];
	} else if (p->key.proto == IPPROTO_UDP) {
		struct udphdr *uh = data + off;

		if ((void *)(uh + 1) > data_end || bpf_ntohs(uh->len) < sizeof(*uh))
			return PARSE_MALFORMED;
		p->key.sport = uh->source;
		p->key.dport = uh->dest;
	} else if (p->key.proto == IPPROTO_ICMP || p->key.proto == IPPROTO_ICMPV6) {
		struct icmp_hdr *ih = data + off;

		if ((void *)(ih + 1) > data_end)
			return PARSE_MALFORMED;
		p->icmp_type = ih->type;
		/* Echo id as the "port" so request and reply keys are mirror images. */
		if (ih->type == ICMP_ECHO || ih->type == ICMPV6_ECHO_REQUEST) {
			p->key.sport = ih->id;
		} else if (ih->type == ICMP_ECHOREPLY || ih->type == ICMPV6_ECHO_REPLY) {
			p->key.dport = ih->id;
		} else {
			p->key.sport = bpf_htons((__u16)ih->type << 8 | ih->code);
		}
	} else {
		p->l4_off = 0;
	}
	return PARSE_OK;
}

static __always_inline int parse_ipv4(void *data, void *data_end, struct pkt *p, __u32 off)
{
	struct iphdr *ip = data + off;
	__u32 hlen, tot;

	if ((void *)(ip + 1) > data_end)
		return PARSE_MALFORMED;
	hlen = ip->ihl * 4;
	tot = bpf_ntohs(ip->tot_len);
	if (ip->version != 4 || hlen < sizeof(*ip) || tot < hlen)
		return PARSE_MALFORMED;
	if (off + tot > p->len || data + off + hlen > data_end)
		return PARSE_MALFORMED;
	p->ipv4 = 1;
	p->key.proto = ip->protocol;
	addr_v4(p->key.saddr, ip->saddr);
	addr_v4(p->key.daddr, ip->daddr);
	/* Non-first fragments carry no L4 header: classify on addresses and proto. */
	if (ip->frag_off & bpf_htons(0x1fff)) {
		p->l4_off = 0;
		return PARSE_OK;
	}
	return parse_l4(data, data_end, p, off + hlen);
}

#define IPV6_MAX_EXT 6

static __always_inline int parse_ipv6(void *data, void *data_end, struct pkt *p, __u32 off)
{
	struct ipv6hdr *ip6 = data + off;
	__u8 next;

	if ((void *)(ip6 + 1) > data_end)
		return PARSE_MALFORMED;
	if (ip6->version != 6 || off + sizeof(*ip6) + bpf_ntohs(ip6->payload_len) > p->len)
		return PARSE_MALFORMED;
	__builtin_memcpy(p->key.saddr, &ip6->saddr, 16);
	__builtin_memcpy(p->key.daddr, &ip6->daddr, 16);
	next = ip6->nexthdr;
	off += sizeof(*ip6);
#pragma unroll
	for (int i = 0; i < IPV6_MAX_EXT; i++) {
		__u8 *ext = data + off;

		if (next != IPPROTO_HOPOPTS && next != IPPROTO_ROUTING && next != IPPROTO_DSTOPTS &&
		    next != IPPROTO_FRAGMENT && next != IPPROTO_AH)
			break;
		if ((void *)(ext + 8) > data_end)
			return PARSE_MALFORMED;
		if (next == IPPROTO_FRAGMENT) {
			__u16 frag = bpf_ntohs(*(__be16 *)(ext + 2));

			next = ext[0];
			off += 8;
			if (frag & 0xfff8) { /* non-first fragment */
				p->key.proto = next;
				p->l4_off = 0;
				return PARSE_OK;
			}
			continue;
		}
		/* AH counts its length in 4-byte units, the others in 8-byte units. */
		__u32 elen = next == IPPROTO_AH ? (ext[1] + 2) * 4 : (ext[1] + 1) * 8;

		next = ext[0];
		off += elen;
	}
	p->key.proto = next;
	return parse_l4(data, data_end, p, off);
}

static __always_inline int parse_packet(void *data, void *data_end, __u32 len, struct pkt *p)
{
	struct ethhdr *eth = data;
	__u32 off = sizeof(*eth);
	__u16 proto;

	__builtin_memset(p, 0, sizeof(*p));
	p->len = len;
	if ((void *)(eth + 1) > data_end)
		return PARSE_MALFORMED;
	proto = bpf_ntohs(eth->h_proto);
#pragma unroll
	for (int i = 0; i < 2; i++) { /* 802.1Q and QinQ */
		if (proto != ETH_P_8021Q && proto != ETH_P_8021AD)
			break;
		struct vlan_hdr *vh = data + off;

		if ((void *)(vh + 1) > data_end)
			return PARSE_MALFORMED;
		proto = bpf_ntohs(vh->encap_proto);
		off += sizeof(*vh);
	}
	p->eth_proto = proto;
	p->l3_off = off;
	if (proto == ETH_P_IP)
		return parse_ipv4(data, data_end, p, off);
	if (proto == ETH_P_IPV6)
		return parse_ipv6(data, data_end, p, off);
	return PARSE_NOT_IP;
}
