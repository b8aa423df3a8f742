/* Connection tracking: two LRU entries per flow, one keyed by the tuple each
 * direction arrives with, so either side finds its state (and the NAT to undo)
 * with one lookup.
 *
 * Lifetime: every hit compares `expires` with the data path's clock (a BPF timer
 * keeps it in the `clock` map, so reading it is a load, not a helper call); a half
 * past its expiry is treated as absent even when no reaper runs. Traffic in either
 * direction keeps both halves alive: a hit renews its own `expires` and, at most
 * once per CT_REFRESH_NS, its peer's too (re-creating the peer if LRU evicted it).
 * The agent deletes expired halves in bounded batches (loader `expire`).
 *
 * TCP: invalid flag combinations never get this far (tcp_flags_valid); each half
 * tracks the highest sequence its sender sent and the largest window it offered,
 * so a RST moves the flow only when its sequence is within the receiver's window
 * (RFC 5961); a SYN on a closing tuple starts a new connection. */
#pragma once
#include "maps.h"
#include "parsing.h"

/* Idle timeouts in seconds; constants.ts mirrors them. */
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
#define CT_REFRESH_NS NSEC_PER_SEC
#define CLOCK_TICK_NS (NSEC_PER_SEC / 4)

/* ---- the data path's clock ---- */

static int clock_tick(void *map, __u32 *key, struct dp_clock *c)
{
	c->now = bpf_ktime_get_coarse_ns();
	bpf_timer_start(&c->timer, CLOCK_TICK_NS, 0);
	return 0;
}

/* CLOCK_MONOTONIC_COARSE, at most CLOCK_TICK_NS old. The first packet after a
 * load starts the timer (init fails harmlessly if another CPU or an earlier
 * object already did: the map is pinned and shared). */
static __always_inline __u64 dp_now(void)
{
	__u32 zero = 0;
	struct dp_clock *c = bpf_map_lookup_elem(&clock, &zero);
	__u64 now;

	if (likely(c && c->now))
		return c->now;
	now = bpf_ktime_get_coarse_ns();
	if (c) {
		c->now = now;
		bpf_timer_init(&c->timer, &clock, 1 /* CLOCK_MONOTONIC */);
		bpf_timer_set_callback(&c->timer, clock_tick);
		bpf_timer_start(&c->timer, CLOCK_TICK_NS, 0);
	}
	return now;
}

/* ---- tuples ---- */

static __always_inline void flow_reverse(const struct flow_key *k, struct flow_key *r)
{
	__builtin_memcpy(r->saddr, k->daddr, 16);
	__builtin_memcpy(r->daddr, k->saddr, 16);
	r->sport = k->dport;
	r->dport = k->sport;
	r->proto = k->proto;
	r->family = k->family;
	r->pad[0] = r->pad[1] = 0;
}

/* The tuple a packet carries after this entry's NAT is applied. */
static __always_inline void flow_translate(struct flow_key *k, __u8 nat, const __u32 *addr,
					   __be16 port)
{
	if (nat == NAT_SRC) {
		__builtin_memcpy(k->saddr, addr, 16);
		k->sport = port;
	} else if (nat == NAT_DST) {
		__builtin_memcpy(k->daddr, addr, 16);
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

/* Flag combinations a TCP stack can send (PSH, ECE and CWR aside); everything
 * else (SYN+FIN, SYN+RST, NULL, XMAS, FIN without ACK...) is a scan or an attack.
 * FIN, SYN, RST (bits 0-2) and ACK, URG (bits 4-5) make a 5-bit index into a
 * 32-bit table of the valid ones: one shift on the hot path. */
#define TCPF_IDX(f) (((f) & 7) | (((f) >> 1) & 0x18))
#define TCPF_VALID_BIT(f) (1u << TCPF_IDX(f))
#define TCP_VALID_FLAGS                                                                    \
	(TCPF_VALID_BIT(TCPF_SYN) | TCPF_VALID_BIT(TCPF_SYN | TCPF_URG) |                    \
	 TCPF_VALID_BIT(TCPF_SYN | TCPF_ACK) | TCPF_VALID_BIT(TCPF_RST) |                    \
	 TCPF_VALID_BIT(TCPF_RST | TCPF_ACK) | TCPF_VALID_BIT(TCPF_FIN | TCPF_ACK) |         \
	 TCPF_VALID_BIT(TCPF_FIN | TCPF_ACK | TCPF_URG) | TCPF_VALID_BIT(TCPF_ACK) |         \
	 TCPF_VALID_BIT(TCPF_ACK | TCPF_URG))

static __always_inline int tcp_flags_valid(__u8 f)
{
	return (TCP_VALID_FLAGS >> TCPF_IDX(f)) & 1;
}

/* Packets that may create state: a TCP SYN, an echo request, any UDP or other
 * protocol. Echo replies, ICMP errors and mid-stream TCP never do. */
static __always_inline int ct_is_new_flow(const struct pkt *p)
{
	if (p->key.proto == IPPROTO_TCP)
		return (p->tcp_flags & (TCPF_SYN | TCPF_ACK | TCPF_RST)) == TCPF_SYN;
	if (p->key.proto == IPPROTO_ICMP)
		return p->icmp_type == ICMP_ECHO;
	if (p->key.proto == IPPROTO_ICMPV6)
		return p->icmp_type == ICMPV6_ECHO_REQUEST;
	return 1;
}

/* The key of the other half of `e` (keyed `key`): the reverse of the translated
 * tuple. */
static __always_inline void ct_peer_key(const struct flow_key *key, const struct ct_entry *e,
					struct flow_key *pkey)
{
	struct flow_key t = *key;

	flow_translate(&t, e->nat, e->nat_addr, e->nat_port);
	flow_reverse(&t, pkey);
}

/* The other half itself, with the NAT that undoes this one. Counters and TCP
 * tracking start empty. */
static __always_inline void ct_peer(const struct flow_key *key, const struct ct_entry *e,
				    struct flow_key *pkey, struct ct_entry *pe)
{
	ct_peer_key(key, e, pkey);
	*pe = *e;
	pe->dir = e->dir == CT_DIR_ORIG ? CT_DIR_REPLY : CT_DIR_ORIG;
	pe->packets = 0;
	pe->bytes = 0;
	pe->flags &= ~CT_F_SEQ;
	pe->seq_next = 0;
	pe->max_win = 0;
	pe->wscale = 0;
	pe->nat = e->nat == NAT_SRC ? NAT_DST : e->nat == NAT_DST ? NAT_SRC : NAT_NONE;
	if (e->nat == NAT_SRC) {
		__builtin_memcpy(pe->nat_addr, key->saddr, 16);
		pe->nat_port = key->sport;
	} else if (e->nat == NAT_DST) {
		__builtin_memcpy(pe->nat_addr, key->daddr, 16);
		pe->nat_port = key->dport;
	}
}

/* The rare paths of conntrack are global functions: verified once, on their own
 * stack frame, instead of inlined into every pipeline (see patronus.bpf.c). */

/* Renews both halves (the peer is re-created if LRU evicted it). */
__attribute__((noinline)) int ct_renew(const struct flow_key *key, struct ct_entry *e, __u64 now)
{
	struct flow_key pkey;
	struct ct_entry pe, *peer;

	if (!key || !e)
		return 0;
	e->expires = now + ct_timeout(key->proto, e->state);
	ct_peer(key, e, &pkey, &pe);
	peer = bpf_map_lookup_elem(&conntrack, &pkey);
	if (peer) {
		peer->state = e->state;
		peer->expires = e->expires;
	} else {
		bpf_map_update_elem(&conntrack, &pkey, &pe, BPF_NOEXIST); /* evicted: restore */
	}
	return 0;
}

/* Renews this half and, at most once per CT_REFRESH_NS, its peer: each direction
 * keeps the other alive, so a one-way stream never loses its return path. */
static __always_inline void ct_refresh(const struct flow_key *key, struct ct_entry *e, __u64 now)
{
	if (e->expires + CT_REFRESH_NS < now + ct_timeout(key->proto, e->state))
		ct_renew(key, e, now);
}

static __always_inline void ct_set_state(const struct flow_key *key, struct ct_entry *e, __u8 state,
					 __u64 now)
{
	e->state = state;
	ct_renew(key, e, now);
}

/* Window scale option of a SYN (RFC 7323), or 0. Real stacks send at most six
 * options before it (Linux: MSS, SACK-OK, timestamps, NOP, WS); looking at ten
 * keeps the verifier's path count small. */
static __always_inline __u8 tcp_wscale(void *data, void *data_end, const struct pkt *p)
{
	__u32 off = p->l4_off + 20, end = p->l4_off + p->tcp_doff;

	for (int i = 0; i < 10 && off < end; i++) {
		__u8 *o = data + (off & 0x7ff);

		if ((void *)(o + 1) > data_end || o[0] == 0)
			break;
		if (o[0] == 1) { /* NOP */
			off++;
			continue;
		}
		if ((void *)(o + 3) > data_end || o[1] < 2)
			break;
		if (o[0] == 3 && o[1] == 3)
			return o[2] > 14 ? 14 : o[2];
		off += o[1];
	}
	return 0;
}

/* Sequence and window tracking for RST validation. */
static __always_inline void ct_track_tcp(const struct pkt *p, struct ct_entry *e)
{
	__u8 f = p->tcp_flags;
	__u32 end = p->tcp_seq + (p->l3_end - p->l4_off - p->tcp_doff) + !!(f & TCPF_SYN) +
		    !!(f & TCPF_FIN);
	__u32 win = (__u32)p->tcp_win << (f & TCPF_SYN ? 0 : e->wscale);

	if (f & TCPF_RST)
		return;
	if (!(e->flags & CT_F_SEQ) || (__s32)(end - e->seq_next) > 0) {
		e->seq_next = end;
		e->flags |= CT_F_SEQ;
	}
	if (win > e->max_win)
		e->max_win = win;
}

/* RFC 5961 for a middlebox: a RST counts only if its sequence number is within
 * the receiver's window around what this direction has sent; the answer to a SYN
 * must acknowledge exactly that SYN (RFC 793, SYN-SENT). */
__attribute__((noinline)) int ct_rst_valid(const struct pkt *p, const struct ct_entry *e)
{
	struct flow_key pkey;
	struct ct_entry *peer;
	__u32 win;

	if (!p || !e)
		return 0;
	ct_peer_key(&p->key, e, &pkey);
	peer = bpf_map_lookup_elem(&conntrack, &pkey);
	if (e->state == CT_SYN_SENT && e->dir == CT_DIR_REPLY)
		return peer && (peer->flags & CT_F_SEQ) && (p->tcp_flags & TCPF_ACK) &&
		       p->tcp_ack == peer->seq_next;
	if (!(e->flags & CT_F_SEQ))
		return 1; /* nothing seen from this side yet: cannot judge */
	win = peer && peer->max_win ? peer->max_win : 65535;
	return (__u32)(p->tcp_seq - (e->seq_next - win)) <= 2 * win;
}

enum ct_hit { CT_HIT_OK = 0, CT_HIT_MISS = 1, CT_HIT_BAD_RST = 2 };

__attribute__((noinline)) int ct_delete_pair(const struct flow_key *key, const struct ct_entry *e)
{
	struct flow_key pkey;

	if (!key || !e)
		return 0;
	ct_peer_key(key, e, &pkey);
	bpf_map_delete_elem(&conntrack, &pkey);
	bpf_map_delete_elem(&conntrack, key);
	return 0;
}

/* Looks up the packet's state. A miss is also what an expired half or a SYN on a
 * closing tuple gets (both halves are deleted, the packet is judged as new). */
static __always_inline int ct_lookup(const struct pkt *p, struct ct_entry **out, __u64 *now,
				     __u32 *restart)
{
	struct ct_entry *e = bpf_map_lookup_elem(&conntrack, &p->key);

	*out = e;
	if (!e)
		return CT_HIT_MISS;
	*now = dp_now();
	if (likely(e->expires > *now) &&
	    !(p->key.proto == IPPROTO_TCP && e->state == CT_CLOSING &&
	      (p->tcp_flags & (TCPF_SYN | TCPF_ACK)) == TCPF_SYN)) {
		if (p->key.proto == IPPROTO_TCP && (p->tcp_flags & TCPF_RST) && !ct_rst_valid(p, e))
			return CT_HIT_BAD_RST;
		return CT_HIT_OK;
	}
	ct_delete_pair(&p->key, e);
	*out = NULL;
	*restart = 1;
	return CT_HIT_MISS;
}

static __always_inline void ct_touch(void *data, void *data_end, const struct pkt *p,
				     struct ct_entry *e, __u64 now)
{
	__u8 state = e->state;

	e->packets++;
	e->bytes += p->len;
	if (p->key.proto == IPPROTO_TCP) {
		if (state == CT_SYN_SENT && e->dir == CT_DIR_REPLY && (p->tcp_flags & TCPF_SYN))
			e->wscale = tcp_wscale(data, data_end, p);
		ct_track_tcp(p, e);
		if (p->tcp_flags & (TCPF_RST | TCPF_FIN))
			state = CT_CLOSING;
	}
	if (e->dir == CT_DIR_REPLY && state < CT_ESTABLISHED)
		state = CT_ESTABLISHED;
	if (state != e->state)
		ct_set_state(&p->key, e, state, now);
	else
		ct_refresh(&p->key, e, now);
}

/* Creates both halves. `orig` describes the arriving direction; `nat`/`addr`/`port`
 * is the rewrite it received (NAT_NONE for plain stateful flows), `wscale` the
 * window scale of a SYN (tcp_wscale: the caller reads the packet). `state` is
 * CT_SYN_SENT for a SYN, CT_ESTABLISHED for TCP picked up mid-stream by SNAT. */
__attribute__((noinline)) int ct_create(const struct pkt *p, struct ct_entry *orig, __u32 state,
					__u64 now)
{
	struct flow_key rkey;
	struct ct_entry reply;

	if (!p || !orig)
		return -1;
	orig->state = state;
	orig->expires = now + ct_timeout(p->key.proto, state);
	orig->dir = CT_DIR_ORIG;
	orig->packets = 1;
	orig->bytes = p->len;
	if (p->key.proto == IPPROTO_TCP)
		ct_track_tcp(p, orig);
	ct_peer(&p->key, orig, &rkey, &reply);
	if (bpf_map_update_elem(&conntrack, &rkey, &reply, BPF_ANY))
		return -1;
	return bpf_map_update_elem(&conntrack, &p->key, orig, BPF_ANY);
}
