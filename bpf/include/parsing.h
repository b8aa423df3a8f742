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

/* PARSE_UNCLASSIFIABLE: well-formed but beyond what the data path can classify
 * (extension-header chain deeper than IPV6_MAX_EXT, more VLAN tags than
 * MAX_VLANS, deprecated routing header 0): dropped, never passed unfiltered.
 * PARSE_BAD_ADDR: an IPv6 packet carrying an IPv4-mapped address
 * (::ffff:0:0/96), which must never appear on the wire (RFC 4291 2.5.5.2) and
 * would otherwise alias IPv4 state. */
enum parse_result {
	PARSE_OK = 0,
	PARSE_NOT_IP = 1,
	PARSE_MALFORMED = 2,
	PARSE_UNCLASSIFIABLE = 3,
	PARSE_BAD_ADDR = 4,
};

/* Upper bounds of header offsets, stated so the verifier can bound packet pointers
 * rebuilt from saved offsets: Ethernet + 2 VLAN tags, then IPv6 + extension chain. */
#define MAX_VLANS 2
#define MAX_L3_OFF 22
#define MAX_L4_OFF 1024
#define IPV6_MAX_EXT 8

struct vlan_hdr {
	__be16 tci;
	__be16 encap_proto;
};

enum frag_kind { FRAG_NONE = 0, FRAG_FIRST = 1, FRAG_LATER = 2 };

struct pkt {
	struct flow_key key;
	__u32 l3_off;
	__u32 l4_off; /* 0 when there is no L4 header (non-first fragment) */
	__u32 l3_end; /* end of the IP datagram in the frame (l3_off + IP length) */
	__u32 len; /* whole frame, including XDP fragments and TC non-linear data */
	__u32 frag_id; /* IPv4 identification or IPv6 fragment id */
	__u32 tcp_seq; /* host order */
	__u32 tcp_ack;
	__u16 tcp_win;
	__u16 eth_proto; /* host order */
	__u8 tcp_flags;
	__u8 tcp_doff; /* header length in bytes */
	__u8 ipv4; /* 1 for IPv4 */
	__u8 frag; /* enum frag_kind */
	__u8 icmp_type;
	__u8 icmp_code;
	__u8 ttl; /* IPv4 TTL or IPv6 hop limit */
};

#define TCPF_FIN 0x01
#define TCPF_SYN 0x02
#define TCPF_RST 0x04
#define TCPF_PSH 0x08
#define TCPF_ACK 0x10
#define TCPF_URG 0x20

/* ICMP errors carry the header of the packet that caused them. */
static __always_inline int icmp_is_error(__u8 proto, __u8 type)
{
	if (proto == IPPROTO_ICMP)
		return type == 3 || type == 11 || type == 12; /* unreach, time exceeded, param */
	return proto == IPPROTO_ICMPV6 && type >= 1 && type <= 4; /* + packet too big */
}

static __always_inline void addr_v4(__u32 *a, __be32 v4)
{
	a[0] = 0;
	a[1] = 0;
	a[2] = bpf_htonl(0x0000ffff);
	a[3] = v4;
}

/* ::ffff:0:0/96, the space IPv4 addresses occupy in every 16-byte key. */
static __always_inline int addr_is_v4mapped(const __u32 *a)
{
	return a[0] == 0 && a[1] == 0 && a[2] == bpf_htonl(0x0000ffff);
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
		/* The whole TCP header must be inside this datagram (a first fragment
		 * too short to hold it is the tiny-fragment attack of RFC 1858). */
		if (th->doff < 5 || data + off + th->doff * 4 > data_end ||
		    off + th->doff * 4 > p->l3_end)
			return PARSE_MALFORMED;
		p->key.sport = th->source;
		p->key.dport = th->dest;
		p->tcp_flags = ((__u8 *)th)[13];
		p->tcp_doff = th->doff * 4;
		p->tcp_seq = bpf_ntohl(th->seq);
		p->tcp_ack = bpf_ntohl(th->ack_seq);
		p->tcp_win = bpf_ntohs(th->window);
	} else if (p->key.proto == IPPROTO_UDP) {
		struct udphdr *uh = data + off;

		if ((void *)(uh + 1) > data_end || off + sizeof(*uh) > p->l3_end ||
		    bpf_ntohs(uh->len) < sizeof(*uh))
			return PARSE_MALFORMED;
		p->key.sport = uh->source;
		p->key.dport = uh->dest;
	} else if (p->key.proto == IPPROTO_ICMP || p->key.proto == IPPROTO_ICMPV6) {
		struct icmp_hdr *ih = data + off;
		int v6 = p->key.proto == IPPROTO_ICMPV6;

		/* ICMPv6 only over IPv6 and ICMP only over IPv4. */
		if ((void *)(ih + 1) > data_end || off + sizeof(*ih) > p->l3_end || v6 == p->ipv4)
			return PARSE_MALFORMED;
		p->icmp_type = ih->type;
		p->icmp_code = ih->code;
		/* Echo id as the "port" so request and reply keys are mirror images. */
		if (ih->type == (v6 ? ICMPV6_ECHO_REQUEST : ICMP_ECHO)) {
			p->key.sport = ih->id;
		} else if (ih->type == (v6 ? ICMPV6_ECHO_REPLY : ICMP_ECHOREPLY)) {
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
	__u16 frag;

	if ((void *)(ip + 1) > data_end)
		return PARSE_MALFORMED;
	hlen = ip->ihl * 4;
	tot = bpf_ntohs(ip->tot_len);
	if (ip->version != 4 || hlen < sizeof(*ip) || tot < hlen)
		return PARSE_MALFORMED;
	if (off + tot > p->len || data + off + hlen > data_end)
		return PARSE_MALFORMED;
	p->ipv4 = 1;
	p->key.family = FAMILY_V4;
	p->key.proto = ip->protocol;
	p->ttl = ip->ttl;
	p->l3_end = off + tot;
	addr_v4(p->key.saddr, ip->saddr);
	addr_v4(p->key.daddr, ip->daddr);
	frag = bpf_ntohs(ip->frag_off);
	if (frag & 0x3fff) { /* MF or an offset: a fragment */
		p->frag_id = bpf_ntohs(ip->id);
		if (frag & 0x1fff) {
			/* Offset 8 bytes into TCP would overwrite its flags (RFC 1858). */
			if ((frag & 0x1fff) == 1 && ip->protocol == IPPROTO_TCP)
				return PARSE_MALFORMED;
			p->frag = FRAG_LATER; /* no L4 header: see the frags map */
			p->l4_off = 0;
			return PARSE_OK;
		}
		p->frag = FRAG_FIRST;
	}
	return parse_l4(data, data_end, p, off + hlen);
}

static __always_inline int ipv6_is_ext(__u8 next)
{
	switch (next) {
	case IPPROTO_HOPOPTS:
	case IPPROTO_ROUTING:
	case IPPROTO_FRAGMENT:
	case IPPROTO_AH:
	case IPPROTO_DSTOPTS:
	case 135: /* mobility */
	case 139: /* HIP */
	case 140: /* shim6 */
	case 253: /* experimental */
	case 254:
		return 1;
	}
	return 0;
}

static __always_inline int parse_ipv6(void *data, void *data_end, struct pkt *p, __u32 off)
{
	struct ipv6hdr *ip6 = data + off;
	__u32 plen;
	__u8 next;

	if ((void *)(ip6 + 1) > data_end)
		return PARSE_MALFORMED;
	plen = bpf_ntohs(ip6->payload_len);
	/* payload_len 0 is a jumbogram (RFC 2675): not supported, and then
	 * l3_end leaves no room for any header below. */
	if (ip6->version != 6 || off + sizeof(*ip6) + plen > p->len)
		return PARSE_MALFORMED;
	p->key.family = FAMILY_V6;
	p->ttl = ip6->hop_limit;
	p->l3_end = off + sizeof(*ip6) + plen;
	__builtin_memcpy(p->key.saddr, &ip6->saddr, 16);
	__builtin_memcpy(p->key.daddr, &ip6->daddr, 16);
	if (addr_is_v4mapped(p->key.saddr) || addr_is_v4mapped(p->key.daddr))
		return PARSE_BAD_ADDR;
	next = ip6->nexthdr;
	off += sizeof(*ip6);
	for (int i = 0; i < IPV6_MAX_EXT; i++) {
		__u8 *ext = data + off;

		if (!ipv6_is_ext(next))
			break;
		if ((void *)(ext + 8) > data_end || off + 8 > p->l3_end || off > MAX_L4_OFF)
			return PARSE_MALFORMED;
		if (next == IPPROTO_FRAGMENT) {
			__u16 frag = bpf_ntohs(*(__be16 *)(ext + 2));

			next = ext[0];
			off += 8;
			if (!(frag & 0xfff9))
				continue; /* atomic fragment (offset 0, no M): a whole packet */
			p->frag_id = bpf_ntohl(*(__be32 *)(ext + 4));
			if (frag & 0xfff8) {
				p->frag = FRAG_LATER;
				p->key.proto = next;
				p->l4_off = 0;
				return PARSE_OK;
			}
			p->frag = FRAG_FIRST;
			continue;
		}
		/* Routing header type 0 (source routing) is deprecated (RFC 5095). */
		if (next == IPPROTO_ROUTING && ext[2] == 0 && ext[3] != 0)
			return PARSE_UNCLASSIFIABLE;
		/* AH counts its length in 4-byte units, the others in 8-byte units. */
		__u32 elen = next == IPPROTO_AH ? (ext[1] + 2) * 4 : (ext[1] + 1) * 8;

		next = ext[0];
		off += elen;
	}
	/* A chain deeper than we walk cannot be classified: drop, never pass. */
	if (ipv6_is_ext(next))
		return PARSE_UNCLASSIFIABLE;
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
	for (int i = 0; i < MAX_VLANS; i++) { /* 802.1Q and QinQ */
		if (proto != ETH_P_8021Q && proto != ETH_P_8021AD)
			break;
		struct vlan_hdr *vh = data + off;

		if ((void *)(vh + 1) > data_end)
			return PARSE_MALFORMED;
		proto = bpf_ntohs(vh->encap_proto);
		off += sizeof(*vh);
	}
	/* A third tag: what it carries cannot be classified. */
	if (proto == ETH_P_8021Q || proto == ETH_P_8021AD)
		return PARSE_UNCLASSIFIABLE;
	p->eth_proto = proto;
	p->l3_off = off;
	if (proto == ETH_P_IP)
		return parse_ipv4(data, data_end, p, off);
	if (proto == ETH_P_IPV6)
		return parse_ipv6(data, data_end, p, off);
	return PARSE_NOT_IP;
}

/* The common case, inlined into the hot path: Ethernet, then IPv4 without options or
 * fragmentation, or IPv6 without extension headers, then TCP or UDP. Returns
 * PARSE_OK, or -1 for anything else, which the full parser (a global function, see
 * patronus.bpf.c) then handles. Its checks are the full parser's for these headers. */
static __always_inline int parse_fast(void *data, void *data_end, __u32 len, struct pkt *p)
{
	struct ethhdr *eth = data;
	__u32 off = sizeof(*eth);
	__u8 proto;

	if ((void *)(eth + 1) > data_end)
		return -1;
	__builtin_memset(p, 0, sizeof(*p));
	p->len = len;
	p->l3_off = off;
	if (eth->h_proto == bpf_htons(ETH_P_IP)) {
		struct iphdr *ip = data + off;
		__u32 tot;

		if ((void *)(ip + 1) > data_end || *(__u8 *)ip != 0x45 ||
		    (ip->frag_off & bpf_htons(0x3fff)))
			return -1;
		tot = bpf_ntohs(ip->tot_len);
		if (tot < sizeof(*ip) || off + tot > len)
			return -1;
		proto = ip->protocol;
		p->ipv4 = 1;
		p->key.family = FAMILY_V4;
		p->ttl = ip->ttl;
		p->l3_end = off + tot;
		p->eth_proto = ETH_P_IP;
		addr_v4(p->key.saddr, ip->saddr);
		addr_v4(p->key.daddr, ip->daddr);
		off += sizeof(*ip);
	} else if (eth->h_proto == bpf_htons(ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = data + off;

		if ((void *)(ip6 + 1) > data_end || ip6->version != 6 ||
		    off + sizeof(*ip6) + bpf_ntohs(ip6->payload_len) > len)
			return -1;
		proto = ip6->nexthdr;
		p->key.family = FAMILY_V6;
		p->ttl = ip6->hop_limit;
		p->l3_end = off + sizeof(*ip6) + bpf_ntohs(ip6->payload_len);
		p->eth_proto = ETH_P_IPV6;
		__builtin_memcpy(p->key.saddr, &ip6->saddr, 16);
		__builtin_memcpy(p->key.daddr, &ip6->daddr, 16);
		if (addr_is_v4mapped(p->key.saddr) || addr_is_v4mapped(p->key.daddr))
			return -1;
		off += sizeof(*ip6);
	} else {
		return -1;
	}
	if (proto != IPPROTO_TCP && proto != IPPROTO_UDP)
		return -1;
	p->key.proto = proto;
	return parse_l4(data, data_end, p, off) == PARSE_OK ? PARSE_OK : -1;
}
