/* Micro-segmentation. The agent gives every rule a slot (slot order = priority)
 * and stores, per source and per destination prefix, the bitmap of rules whose
 * prefix covers it; LPM returns the longest prefix, whose bitmap already includes
 * every shorter covering rule. AND of the two bitmaps = candidate rules.
 * Two banks (see types.h) let the agent stage a whole rule set and flip to it. */
#pragma once
#include "counters.h"
#include "parsing.h"

struct policy_verdict {
	__u8 action;
	__u8 matched;
	__u16 rule_id;
	__u32 slot;
};

static __always_inline __u64 policy_mask(void *map, const __u32 *addr, __u32 bank)
{
	struct lpm_key k = { .prefixlen = 128 };
	struct rule_mask *m;

	__builtin_memcpy(k.addr, addr, 16);
	m = bpf_map_lookup_elem(map, &k);
	if (!m)
		return 0;
	return bank ? m->bank1 : m->bank0;
}

/* Index of the lowest set bit (x != 0). clang's BPF backend has no cttz. */
static __always_inline __u32 lowest_bit(__u64 x)
{
	__u32 n = 0;

	if (!(x & 0xffffffffULL)) { n += 32; x >>= 32; }
	if (!(x & 0xffff)) { n += 16; x >>= 16; }
	if (!(x & 0xff)) { n += 8; x >>= 8; }
	if (!(x & 0xf)) { n += 4; x >>= 4; }
	if (!(x & 0x3)) { n += 2; x >>= 2; }
	if (!(x & 0x1)) n += 1;
	return n;
}

static __always_inline void policy_eval(const struct flow_key *key, __u16 app_id, __u8 def,
					struct policy_verdict *v)
{
	__u32 zero = 0, *b = bpf_map_lookup_elem(&policy_bank, &zero);
	__u32 bank = b ? *b & 1 : 0;
	__u64 bits = policy_mask(&policy_src, key->saddr, bank);
	__u16 dport = bpf_ntohs(key->dport);

	v->action = def;
	v->matched = 0;
	if (bits)
		bits &= policy_mask(&policy_dst, key->daddr, bank);
	/* Visit candidate rules only, lowest slot (highest priority) first. */
	for (int k = 0; k < MAX_RULES && bits; k++) {
		__u32 i = bank * MAX_RULES + lowest_bit(bits);

		bits &= bits - 1;
		struct policy_rule *r = bpf_map_lookup_elem(&policy_rules, &i);

		if (!r || (r->proto && r->proto != key->proto))
			continue;
		if (dport < r->port_lo || dport > r->port_hi)
			continue;
		if (r->app_id && r->app_id != app_id)
			continue;
		v->action = r->action;
		v->matched = 1;
		v->rule_id = r->rule_id;
		v->slot = i;
		return;
	}
}

static __always_inline void policy_log_event(const struct flow_key *key, struct policy_verdict *v,
					     __u32 ifslot, __u32 len)
{
	struct log_event *ev = bpf_ringbuf_reserve(&policy_log, sizeof(*ev), 0);

	if (!ev)
		return;
	ev->key = *key;
	ev->rule_id = v->rule_id;
	ev->action = v->action;
	ev->ifslot = ifslot;
	ev->len = len;
	bpf_ringbuf_submit(ev, 0);
}
