/* GCRA token bucket: one u64 per key. cost = 1e9/rate ns, burst = n * cost.
 * Updates are racy across CPUs by design: an occasional extra packet is cheaper
 * than an atomic on every packet. */
#pragma once
#include "maps.h"

struct rl_addr {
	__u32 a[4];
};

/* A global function (own stack frame, verified once): see patronus.bpf.c. `map`
 * selects rl_src (0) or syn_dst (1): global functions cannot take a map. */
__attribute__((noinline)) int gcra_allow(__u32 map, const struct rl_addr *addr, __u64 now,
					 __u64 cost, __u64 burst)
{
	struct lpm_key k = { .prefixlen = 128 };
	struct rl_state *s;
	void *m = map ? (void *)&syn_dst : (void *)&rl_src;
	__u64 tat;

	if (!addr)
		return 1;
	__builtin_memcpy(k.addr, addr->a, 16);
	s = bpf_map_lookup_elem(m, &k);
	if (!s) {
		struct rl_state n = { .tat = now + cost };

		bpf_map_update_elem(m, &k, &n, BPF_ANY);
		return 1;
	}
	tat = s->tat > now ? s->tat : now;
	if (tat + cost - now > burst)
		return 0;
	s->tat = tat + cost;
	return 1;
}
