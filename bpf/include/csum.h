/* Incremental Internet checksum updates (RFC 1624) for XDP, where the
 * skb csum helpers are unavailable. One's-complement sums are byte-order
 * agnostic, so network-order fields are folded as they are. */
#pragma once
#include "common.h"

static __always_inline __u16 csum_fold32(__u32 c)
{
	c = (c & 0xffff) + (c >> 16);
	c = (c & 0xffff) + (c >> 16);
	return (__u16)c;
}

static __always_inline void csum_replace4(__u16 *sum, __u32 from, __u32 to)
{
	__u32 s = (__u16)~*sum;

	s += (~from & 0xffff) + (~from >> 16) + (to & 0xffff) + (to >> 16);
	*sum = ~csum_fold32(s);
}

static __always_inline void csum_replace2(__u16 *sum, __u16 from, __u16 to)
{
	__u32 s = (__u16)~*sum;

	s += (__u16)~from + to;
	*sum = ~csum_fold32(s);
}
