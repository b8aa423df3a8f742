/* Connection tracking: two LRU entries per flow, one keyed by the tuple each
 * direction arrives with, so either side finds its state (and the NAT to undo)
 * with one lookup. Times are CLOCK_MONOTONIC_COARSE.
 *
 * The hot path never reads the clock (a clock read costs as much as the lookup):
 * `expires` is written at creation and on state transitions only, and counts
 * packets. The agent's reaper (flows.ts) treats a flow whose packet count moved
 * since its last sweep as active and deletes a pair only when both halves are
 * idle past their state's timeout; LRU evicts under pressure. */
#pragma once
#include "maps.h"
#include "parsing.h"

/* Idle timeouts in seconds; the reaper (CT_TIMEOUT in constants.ts) uses the same. */
enum ct_timeout_sec {
	CT_TIMEOUT_SYN_SEC = 60,
	CT_TIMEOUT_TCP_SEC = 3600,
	CT_TIMEOUT_CLOSE_SEC = 10,
	CT_TIMEOUT_NEW_SEC = 60,
	CT_TIMEOUT_EST_SEC = 180,
};
#define CT_TIMEOUT_SYN (CT_TIMEOUT_SYN_SEC * NSEC_PER_SEC)
#define CT_TIMEOUT_TCP (CT_TIMEOUT_TCP_SEC * NSEC_PER_SEC)
#define CT_TIMEOUT_CLOSE (CT_TIMEOUT_CLOSE_SEC * NSEC_PER_SEC)
#define CT_TIMEOUT_NEW (CT_TIMEOUT_NEW_SEC * NSEC_PER_SEC)
#define CT_TIMEOUT_EST (CT_TIMEOUT_EST_SEC * NSEC_PER_SEC)

static __always_inline void flow_reverse(const struct flow_key *k, struct flow_key *r)
{
	__builtin_memcpy(r->saddr, k->daddr, 16);
	__builtin_memcpy(r->daddr, k->saddr, 16);
	r->sport = k->dport;
	r->dport = k->sport;
	r->proto = k->proto;
	r->pad[0] = r->pad[1] = r->pad[2] = 0;
}

/* The tuple a packet carries after this entry's NAT is applied. */
static __always_inline void flow_translate(struct flow_key *k, __u8 nat, __be32 addr, __be16 port)
{
	if (nat == NAT_SRC) {
		k->saddr[3] = addr;
		k->sport = port;
	} else if (nat == NAT_DST) {
		k->daddr[3] = addr;
		k->dport = port;
	}
}

static __always_inline __u64 ct_timeout(__u8 proto, __u8 state)
{
	if (state == CT_CLOSING)
		return CT_TIMEOUT_CLOSE;
	if (proto == IPPROTO_TCP)
		return state == CT_ESTABLISHED ? CT_TIMEOUT_TCP : CT_TIMEOUT_SYN;
	return state == CT_ESTABLISHED ? CT_TIMEOUT_EST : CT_TIMEOUT_NEW;
}

static __always_inline int ct_is_new_flow(const struct pkt *p)
{
	if (p->key.proto != IPPROTO_TCP)
		return 1;
	return (p->tcp_flags & (TCPF_SYN | TCPF_ACK | TCPF_RST)) == TCPF_SYN;
}

/* Both halves change state together; the peer is found by reversing the
 * translated tuple. Only runs on transitions, never per packet. */
static __always_inline void ct_set_state(const struct flow_key *key, struct ct_entry *e, __u8 state,
					 __u64 now)
{
	struct flow_key t = *key, peer;
	struct ct_entry *pe;

	e->state = state;
	e->expires = now + ct_timeout(key->proto, state);
	flow_translate(&t, e->nat, e->nat_addr, e->nat_port);
	flow_reverse(&t, &peer);
	pe = bpf_map_lookup_elem(&conntrack, &peer);
	if (pe) {
		pe->state = state;
		pe->expires = e->expires;
	}
}

static __always_inline void ct_touch(const struct pkt *p, struct ct_entry *e)
{
	__u8 state = e->state;

	e->packets++;
	e->bytes += p->len;
	if (p->key.proto == IPPROTO_TCP && (p->tcp_flags & (TCPF_RST | TCPF_FIN)))
		state = CT_CLOSING;
	else if (e->dir == CT_DIR_REPLY && state < CT_ESTABLISHED)
		state = CT_ESTABLISHED;
	if (state != e->state)
		ct_set_state(&p->key, e, state, bpf_ktime_get_coarse_ns());
}

/* Creates both halves. `orig` describes the arriving direction; `nat`/`addr`/`port`
 * is the rewrite it received (NAT_NONE for plain stateful flows). */
static __always_inline int ct_create(const struct pkt *p, struct ct_entry *orig, __u64 now)
{
	struct flow_key t = p->key, rkey;
	struct ct_entry reply = *orig;

	orig->state = p->key.proto == IPPROTO_TCP ? CT_SYN_SENT : CT_NEW;
	orig->expires = now + ct_timeout(p->key.proto, orig->state);
	orig->dir = CT_DIR_ORIG;
	orig->packets = 1;
	orig->bytes = p->len;
	flow_translate(&t, orig->nat, orig->nat_addr, orig->nat_port);
	flow_reverse(&t, &rkey);

	reply.state = orig->state;
	reply.expires = orig->expires;
	reply.dir = CT_DIR_REPLY;
	reply.packets = 0;
	reply.bytes = 0;
	/* The reply must be rewritten back to what the originator sent. */
	reply.nat = orig->nat == NAT_SRC ? NAT_DST : orig->nat == NAT_DST ? NAT_SRC : NAT_NONE;
	if (orig->nat == NAT_SRC) {
		reply.nat_addr = p->key.saddr[3];
		reply.nat_port = p->key.sport;
	} else if (orig->nat == NAT_DST) {
		reply.nat_addr = p->key.daddr[3];
		reply.nat_port = p->key.dport;
	}
	if (bpf_map_update_elem(&conntrack, &rkey, &reply, BPF_ANY))
		return -1;
	return bpf_map_update_elem(&conntrack, &p->key, orig, BPF_ANY);
}
