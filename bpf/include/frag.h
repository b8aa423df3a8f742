/* Fragments. Only the first fragment of a datagram carries the L4 header, so only
 * it is judged (conntrack, policy, NAT); a passed first fragment leaves its
 * translation in `frags`, keyed by the datagram's (addresses, id, protocol) as it
 * arrived, and the later fragments follow it: same verdict, same address rewrite.
 * Later fragments never create conntrack state.
 *
 * A later fragment whose first fragment was not seen (or was dropped) is dropped:
 * without ports no rule can be applied, and passing it would let fragments bypass
 * a deny rule. Senders emit fragments in order, so this costs only datagrams
 * reordered in the network, as in Cilium. Entries expire after FRAG_TIMEOUT (the
 * kernel's reassembly timeout is 30 s for IPv4, 60 s for IPv6) or LRU eviction. */
#pragma once
#include "conntrack.h"

#define FRAG_TIMEOUT (30 * NSEC_PER_SEC)

static __always_inline void frag_key_of(const struct pkt *p, struct frag_key *k)
{
	__builtin_memcpy(k->saddr, p->key.saddr, 16);
	__builtin_memcpy(k->daddr, p->key.daddr, 16);
	k->id = p->frag_id;
	k->proto = p->key.proto;
	k->family = p->key.family;
	k->pad[0] = k->pad[1] = 0;
}

/* A global function (own stack frame, verified once): see patronus.bpf.c. */
__attribute__((noinline)) int frag_store(const struct pkt *p, const struct ct_entry *e, __u64 now)
{
	struct frag_key k;
	struct frag_value v = { .expires = now + FRAG_TIMEOUT };

	if (!p || !e)
		return 0;
	frag_key_of(p, &k);
	v.nat = e->nat;
	if (e->nat)
		__builtin_memcpy(v.nat_addr, e->nat_addr, 16);
	bpf_map_update_elem(&frags, &k, &v, BPF_ANY);
	return 0;
}

/* After a first fragment passed with the translation in `e` (or none). */
static __always_inline void frag_remember(const struct pkt *p, const struct ct_entry *e, __u64 now)
{
	if (p->frag == FRAG_FIRST)
		frag_store(p, e, now);
}

static __always_inline struct frag_value *frag_lookup(const struct pkt *p)
{
	struct frag_key k;
	struct frag_value *v;

	frag_key_of(p, &k);
	v = bpf_map_lookup_elem(&frags, &k);
	return v && v->expires > dp_now() ? v : NULL;
}
