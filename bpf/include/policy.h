/* Micro-segmentation. The agent gives every rule a slot (slot order = priority)
 * and builds, per bank, tries over three keys: source address, destination
 * address and (proto, dst port) (plus (app, proto, port) for rules naming an app).
 * A trie leaf names the bitmap of the rules whose prefix covers every key under
 * it, so the AND of the three bitmaps is exactly the set of matching rules and its
 * lowest bit is the winner: no rule is ever visited to be rejected.
 * The tries are multibit (8, 8, then 4 bits per level, leaf-pushed) in array maps,
 * whose lookups the verifier inlines: an IPv4 address takes at most 6 steps, IPv6
 * 30, the L4 key 4, at ~3-4 ns each (an LPM trie costs ~9 ns per level here, and
 * its depth grows with the number of prefixes).
 * Then at most 64 word ANDs (see policy_first). */
#pragma once
#include "counters.h"
#include "parsing.h"

struct policy_verdict {
	__u8 action;
	__u8 matched;
	__u16 rule_id;
	__u32 slot;
};

/* One wide level: the slot for the key's next 8 bits. */
static __always_inline __u32 policy_wide_step(__u32 bank, __u32 node, __u64 *key)
{
	__u32 idx = bank * POLICY_WIDE + (node & (POLICY_WIDE - 1));
	struct policy_wide *w = bpf_map_lookup_elem(&policy_wide, &idx);
	__u32 v = w ? w->slot[*key >> 56] : 0;

	*key <<= 8;
	return v;
}

/* Mask id at the leaf for a key held left-aligned in hi then lo: two wide levels
 * (16 bits), then up to `narrow` levels of 4 bits. 0 (no rule) for a bad trie. */
static __always_inline __u32 policy_walk(__u32 bank, __u32 root, __u64 hi, __u64 lo,
					 const int narrow)
{
	__u32 v = policy_wide_step(bank, root, &hi);

	if (!(v & PT_CHILD))
		return v >> 1;
	v = policy_wide_step(bank, v >> 1, &hi);
	for (int i = 0; i < narrow && (v & PT_CHILD); i++) {
		__u32 idx = bank * POLICY_NODES + ((v >> 1) & (POLICY_NODES - 1));
		struct policy_node *n = bpf_map_lookup_elem(&policy_nodes, &idx);

		if (!n)
			return 0;
		if (i == 12) /* IPv6: hi is used up after 16 + 12 * 4 bits */
			hi = lo;
		v = n->slot[hi >> 60];
		hi <<= 4;
	}
	return v & PT_CHILD ? 0 : v >> 1;
}

/* IPv4 (::ffff:a.b.c.d) walks the IPv4 tree, anything else the IPv6 tree. */
static __always_inline __u32 policy_addr(__u32 bank, __u32 root4, const __u32 *a)
{
	if (!a[0] && !a[1] && a[2] == bpf_htonl(0xffff))
		return policy_walk(bank, root4, (__u64)bpf_ntohl(a[3]) << 32, 0, 4);
	return policy_walk(bank, root4 + 1, (__u64)bpf_ntohl(a[0]) << 32 | bpf_ntohl(a[1]),
			   (__u64)bpf_ntohl(a[2]) << 32 | bpf_ntohl(a[3]), 28);
}

static __always_inline const struct rule_mask *policy_mask(__u32 bank, __u32 id)
{
	__u32 idx = bank * POLICY_MASKS + (id & (POLICY_MASKS - 1));

	return bpf_map_lookup_elem(&policy_masks, &idx);
}

/* Index of the lowest set bit (x != 0): the popcount of the bits below it (clang's
 * BPF backend has no cttz or popcount). No branches: with a binary search here the
 * verifier explored its branches at every word of the scan and hit its 1M limit. */
static __always_inline __u32 lowest_bit(__u64 x)
{
	__u64 v = (x & -x) - 1;

	v -= (v >> 1) & 0x5555555555555555ULL;
	v = (v & 0x3333333333333333ULL) + ((v >> 2) & 0x3333333333333333ULL);
	v = (v + (v >> 4)) & 0x0f0f0f0f0f0f0f0fULL;
	return (v * 0x0101010101010101ULL) >> 56;
}

/* Lowest slot set in s & d & (l | la): the first matching rule, or -1. Broad rules
 * (0.0.0.0/0 on one side, any port) put bits in most words of both sides, so the
 * summaries often leave many words whose AND is empty: words are scanned in
 * unrolled groups of 8 (no loop-carried work but the early exit), groups whose
 * summary bits are all clear are skipped. Worst case: 64 words of 4 loads each. */
static __always_inline int policy_first(const struct rule_mask *s, const struct rule_mask *d,
					const struct rule_mask *l, const struct rule_mask *la)
{
	__u64 sum = s->summary & d->summary & (l->summary | la->summary);

	for (int g = 0; g < MAX_RULES / 64; g += 8) {
		if (!((sum >> g) & 0xff))
			continue;
#pragma unroll
		for (int w = g; w < g + 8; w++) {
			__u64 bits = s->words[w] & d->words[w] & (l->words[w] | la->words[w]);

			if (bits)
				return w * 64 + lowest_bit(bits);
		}
	}
	return -1;
}

/* A global function (own stack frame, verified once): see patronus.bpf.c. */
__attribute__((noinline)) int policy_eval(const struct flow_key *key, __u32 app_id, __u32 def,
					  struct policy_verdict *v)
{
	__u32 zero = 0, *b = bpf_map_lookup_elem(&policy_bank, &zero);
	__u32 bank = b ? *b & 1 : 0, sid, did, lid, aid = 0;
	__u64 port;
	const struct rule_mask *s, *d, *l, *la;
	struct policy_rule *r;
	int slot;

	if (!key || !v)
		return 0;
	port = bpf_ntohs(key->dport);
	v->action = def;
	v->matched = 0;
	sid = policy_addr(bank, PT_SRC4, key->saddr);
	if (!sid)
		return 0;
	did = policy_addr(bank, PT_DST4, key->daddr);
	if (!did)
		return 0;
	lid = policy_walk(bank, PT_L4, (__u64)key->proto << 56 | port << 40, 0, 2);
	/* Rules naming an app live in their own tree, walked for classified packets. */
	if (app_id)
		aid = policy_walk(bank, PT_L4_APP,
				  (__u64)app_id << 48 | (__u64)key->proto << 40 | port << 24, 0, 6);
	if (!lid && !aid)
		return 0;
	s = policy_mask(bank, sid);
	d = policy_mask(bank, did);
	l = policy_mask(bank, lid);
	la = policy_mask(bank, aid); /* id 0: the empty bitmap */
	if (!s || !d || !l || !la)
		return 0;
	slot = policy_first(s, d, l, la);
	if (slot < 0)
		return 0;
	slot += bank * MAX_RULES;
	r = bpf_map_lookup_elem(&policy_rules, &slot);
	if (!r)
		return 0;
	v->action = r->action;
	v->matched = 1;
	v->rule_id = r->rule_id;
	v->slot = slot;
	return 0;
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
