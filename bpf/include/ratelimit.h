/* GCRA token bucket: one u64 per key. cost = 1e9/rate ns, burst = n * cost.
 * Updates are racy across CPUs by design: an occasional extra packet is cheaper
 * than an atomic on every packet. */
#pragma once
#include "maps.h"

static __always_inline int gcra_allow(void *map, __u32 *addr, __u64 now, __u64 cost, __u64 burst)
{
	struct lpm_key k = { .prefixlen = 128 };
	struct rl_state *s;
	__u64 tat;

	__builtin_memcpy(k.addr, addr, 16);
	s = bpf_map_lookup_elem(map, &k);
	if (!s) {
		struct rl_state n = { .tat = now + cost };

		bpf_map_update_elem(map, &k, &n, BPF_ANY);
		return 1;
	}
	tat = s->tat > now ? s->tat : now;
	if (tat + cost - now > burst)
		return 0;
	s->tat = tat + cost;
	return 1;
}
