/* L4 load balancing: service lookup, then the agent-computed Maglev ring picks a
 * backend from a hash of the 5-tuple. Affinity afterwards comes from conntrack,
 * so a ring change (drain, health) only moves new connections. Each service's ring
 * is a region of the shared `maglev` pool, named by its svc_value; the agent writes
 * a changed ring into a free region before pointing the service at it, so a packet
 * reads either the complete old ring or the complete new one. */
#pragma once
#include "maps.h"
#include "parsing.h"

static __always_inline __u32 mix32(__u32 h)
{
	h ^= h >> 16;
	h *= 0x85ebca6b;
	h ^= h >> 13;
	h *= 0xc2b2ae35;
	h ^= h >> 16;
	return h;
}

static __always_inline __u32 flow_hash(const struct flow_key *k)
{
	__u32 h = mix32(k->saddr[3] ^ 0x9e3779b9);

	h = mix32(h ^ k->saddr[2] ^ k->saddr[1] ^ k->saddr[0]);
	h = mix32(h ^ k->daddr[3]);
	return mix32(h ^ ((__u32)k->sport << 16 | k->dport) ^ k->proto);
}

/* Returns the backend for a new flow to a service, or NULL (no backend). */
static __always_inline struct backend *lb_select(const struct pkt *p, const struct svc_value *svc,
						 __u32 *backend_id)
{
	__u32 id = svc->backend_id;

	if (svc->flags & SVC_F_MAGLEV) {
		__u32 off = svc->ring_off, size = svc->ring_size;

		/* A ring that is empty or leaves the pool would read another service's
		 * slots: drop (the caller counts it as no backend). */
		if (!size || off >= MAGLEV_POOL || size > MAGLEV_POOL - off)
			return NULL;
		__u32 idx = off + flow_hash(&p->key) % size;
		__u32 *b = bpf_map_lookup_elem(&maglev, &idx);

		if (!b)
			return NULL;
		id = *b;
	}
	*backend_id = id;
	struct backend *be = bpf_map_lookup_elem(&backends, &id);

	if (!be || !(be->flags & BE_F_VALID))
		return NULL;
	return be;
}

static __always_inline struct svc_value *svc_lookup(const struct pkt *p)
{
	struct svc_key k = {
		.vip = { p->key.daddr[0], p->key.daddr[1], p->key.daddr[2], p->key.daddr[3] },
		.port = p->key.dport,
		.proto = p->key.proto,
	};

	if (!p->l4_off ||
	    (p->key.proto != IPPROTO_TCP && p->key.proto != IPPROTO_UDP))
		return NULL;
	return bpf_map_lookup_elem(&services, &k);
}
