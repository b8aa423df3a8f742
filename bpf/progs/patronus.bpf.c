/* Entry programs. Each is a short pipeline; the logic lives in ../include/.
 *   xdp_ingress (WAN rx): parse -> (fail closed) -> later fragment: follow the first
 *                         -> ICMP error of a tracked flow: translate + pass
 *                         -> conntrack hit: NAT + pass
 *                         -> miss: rate limit / SYN guard -> LB/DNAT -> policy -> create
 *   tc_wan_ingress: the same pipeline as TC, for links where XDP is a poor fit
 *   tc_ingress  (LAN rx): classify -> steering mark + DSCP (before routing)
 *   tc_egress   (WAN tx): conntrack (SNAT, reverse DNAT) -> SNAT new flows; nothing
 *                         that should be source-NATed leaves untranslated
 * WAN ingress and tc_egress count what they pass per application class
 * (app_counters): a flow is classified once, when its state is made, and both
 * conntrack halves carry its app id. */
#include <linux/pkt_cls.h>
#include "counters.h"
#include "parsing.h"
#include "ratelimit.h"
#include "conntrack.h"
#include "frag.h"
#include "icmp_err.h"
#include "policy.h"
#include "maglev.h"
#include "nat.h"
#include "snat.h"
#include "classify.h"
#include "btf_anchor.h"

/* Never read: puts the enums shared with the agent into BTF (see btf_anchor.h). */
static const struct btf_shared_enums *const btf_shared_enums __attribute__((used));

/* Not const: stages take cfg as a pointer to writable memory (a .rodata value is refused). */
static struct if_config default_cfg = { .default_action = ACT_ALLOW,
					      .malformed_action = XDP_DROP };

static __always_inline const struct if_config *if_cfg(__u32 ifindex)
{
	const struct if_config *c = bpf_map_lookup_elem(&if_config, &ifindex);
	__u32 zero = 0;

	if (!c || !(c->flags & IFC_F_VALID))
		c = bpf_map_lookup_elem(&if_config, &zero);
	return c && (c->flags & IFC_F_VALID) ? c : &default_cfg;
}

/* The WAN ingress pipeline, compiled twice: as XDP for NICs with native XDP and
 * as TC for virtual links (veth copies every GSO super-packet for native XDP).
 * `tc` is a compile-time constant, so each copy keeps only its own branches. */
#define V_PASS (tc ? TC_ACT_OK : XDP_PASS)
#define V_DROP (tc ? TC_ACT_SHOT : XDP_DROP)
#define DATA(ctx) (tc ? (void *)(long)((struct __sk_buff *)(ctx))->data \
		      : (void *)(long)((struct xdp_md *)(ctx))->data)
#define DATA_END(ctx) (tc ? (void *)(long)((struct __sk_buff *)(ctx))->data_end \
			  : (void *)(long)((struct xdp_md *)(ctx))->data_end)

/* Applies `e`'s translation (src: the source side, else the destination). Global
 * functions, like the stages below: inlined, the rewrite's temporaries pushed the
 * pipeline past the 512-byte stack. */
__attribute__((noinline)) int rewrite_xdp(struct xdp_md *ctx, const struct pkt *p,
					  const struct ct_entry *e, __u32 src)
{
	if (!p || !e)
		return -1;
	return nat_rewrite_xdp((void *)(long)ctx->data, (void *)(long)ctx->data_end, p, src,
			       e->nat_addr, e->nat_port);
}

__attribute__((noinline)) int rewrite_tc(struct __sk_buff *ctx, const struct pkt *p,
					 const struct ct_entry *e, __u32 src)
{
	if (!p || !e)
		return -1;
	return nat_rewrite_tc(ctx, p, src, e->nat_addr, e->nat_port);
}

#define rewrite(ctx, tc, p, e, src) \
	(tc ? rewrite_tc((void *)(ctx), p, e, src) : rewrite_xdp((void *)(ctx), p, e, src))

/* Counts what parsing refused and says whether to drop it. */
static __always_inline int parse_refused(int r, const struct pkt *p, const struct if_config *cfg)
{
	if (r == PARSE_MALFORMED) {
		int drop = cfg->malformed_action != XDP_PASS;

		count(cfg->slot, drop ? R_MALFORMED_DROP : R_MALFORMED_PASS, p->len);
		return drop;
	}
	if (r == PARSE_UNCLASSIFIABLE) {
		count(cfg->slot, R_UNCLASSIFIABLE_DROP, p->len);
		return 1;
	}
	if (r == PARSE_BAD_ADDR) {
		count(cfg->slot, R_BAD_ADDR_DROP, p->len);
		return 1;
	}
	count(cfg->slot, R_PASS_NON_IP, p->len); /* PARSE_NOT_IP */
	return 0;
}

/* A later fragment: the verdict and address rewrite of its first fragment. */
static __always_inline int frag_follow_impl(void *ctx, const int tc, struct pkt *p,
					    const struct if_config *cfg)
{
	struct frag_value *v = frag_lookup(p);
	__u32 old[4];
	int src;

	if (!v) {
		count(cfg->slot, R_FRAG_NO_FIRST_DROP, p->len);
		return 0;
	}
	src = v->nat == NAT_SRC;
	if (v->nat && (tc ? nat_rewrite_addr_tc(ctx, p, src, v->nat_addr)
			  : nat_write_addr(DATA(ctx), DATA_END(ctx), p->l3_off, p->ipv4, src,
					   v->nat_addr, old))) {
		count(cfg->slot, R_MALFORMED_DROP, p->len);
		return 0;
	}
	count(cfg->slot, R_FRAG_FOLLOW, p->len);
	return 1;
}

/* An ICMP error quoting a tracked flow: translated and passed (1), malformed (-1),
 * or not related (0: left to the caller). */
static __always_inline int icmp_error_impl(void *ctx, const int tc, struct pkt *p,
					   const struct if_config *cfg)
{
	struct icmp_inner in;
	struct ct_entry *e;

	/* The icmp_error() macro only calls this for an unfragmented ICMP error. */
	if (tc) { /* the quote sits beyond what tc_parse made linear */
		struct __sk_buff *skb = ctx;

		bpf_skb_pull_data(skb, skb->len < 512 ? skb->len : 512);
	}
	if (icmp_inner_parse(DATA(ctx), DATA_END(ctx), p, &in))
		return 0;
	e = icmp_related(&in, dp_now());
	if (!e)
		return 0;
	if (icmp_err_rewrite(DATA(ctx), DATA_END(ctx), p, &in, e)) {
		count(cfg->slot, R_MALFORMED_DROP, p->len);
		return -1;
	}
	count(cfg->slot, R_ICMP_RELATED, p->len);
	return 1;
}

/* ICMPv6 router/neighbour discovery and redirects, recognised by type, code 0 and
 * hop limit 255 (RFC 4861: anything else did not come from this link). */
static __always_inline int is_nd(const struct pkt *p)
{
	return p->key.proto == IPPROTO_ICMPV6 && p->icmp_type >= 133 && p->icmp_type <= 137 &&
	       p->icmp_code == 0 && p->ttl == 255 && !p->frag;
}

static __always_inline __u8 new_state(const struct pkt *p)
{
	if (p->key.proto != IPPROTO_TCP)
		return CT_NEW;
	if (p->tcp_flags & TCPF_SYN)
		return CT_SYN_SENT;
	return p->tcp_flags & TCPF_FIN ? CT_CLOSING : CT_ESTABLISHED;
}

static __always_inline int new_flow_impl(void *ctx, const int tc, struct pkt *p,
					 const struct if_config *cfg)
{
	__u64 now = 0; /* read lazily: a clock read costs as much as a map lookup */
	struct ct_entry e = { .rule_id = 0xffff };
	struct flow_key t = p->key;
	struct policy_verdict v = { .action = cfg->default_action };
	__u32 slot = cfg->slot, reason;
	struct svc_value *svc;

	/* Per-source limit on everything without state: floods (spoofed or not) never
	 * match conntrack, while an established bulk transfer is not throttled. */
	if (cfg->rl_cost_ns && (now = bpf_ktime_get_coarse_ns()) &&
	    !gcra_allow(0, (void *)p->key.saddr, now, cfg->rl_cost_ns, cfg->rl_burst_ns)) {
		count(slot, R_RATE_LIMIT_DROP, p->len);
		return V_DROP;
	}
	/* A default-deny interface must still resolve neighbours. */
	if (is_nd(p)) {
		count(slot, R_ND_PASS, p->len);
		count_app(0, APP_RX, p->len);
		return V_PASS;
	}
	if (cfg->syn_cost_ns && p->key.proto == IPPROTO_TCP &&
	    (p->tcp_flags & (TCPF_SYN | TCPF_ACK)) == TCPF_SYN &&
	    (now = now ?: bpf_ktime_get_coarse_ns()) &&
	    !gcra_allow(1, (void *)p->key.daddr, now, cfg->syn_cost_ns, cfg->syn_burst_ns)) {
		count(slot, R_SYN_FLOOD_DROP, p->len);
		return V_DROP;
	}
	svc = svc_lookup(p);
	if (svc) {
		struct backend *be = lb_select(p, svc, &e.backend_id);

		/* NAT cannot cross families (the agent refuses such services anyway). */
		if (!be || addr_is_v4mapped(be->addr) != p->ipv4) {
			count(slot, R_LB_NO_BACKEND_DROP, p->len);
			return V_DROP;
		}
		e.nat = NAT_DST;
		__builtin_memcpy(e.nat_addr, be->addr, 16);
		e.nat_port = be->port;
		e.flags = svc->flags & SVC_F_MAGLEV ? CT_F_LB : 0;
		flow_translate(&t, NAT_DST, e.nat_addr, be->port);
	}
	/* The app: for rules naming one, and for app_counters once the packet passes (a
	 * denied flood costs no classification). Once per flow: replies hit conntrack. */
	if ((cfg->flags & (IFC_F_POLICY | IFC_F_APP_RULES)) == (IFC_F_POLICY | IFC_F_APP_RULES))
		e.app_id = app_classify(p);
	if (cfg->flags & IFC_F_POLICY) {
		policy_eval(&t, e.app_id, cfg->default_action, &v);
		if (v.matched)
			count_rule(v.slot, p->len);
		if (v.action == ACT_ALLOW_LOG)
			policy_log_event(&t, &v, slot, p->len);
	}
	if (v.action == ACT_DENY) {
		count(slot, v.matched ? R_POLICY_DENY : R_DEFAULT_DENY, p->len);
		return V_DROP;
	}
	if ((cfg->flags & (IFC_F_POLICY | IFC_F_APP_RULES)) != (IFC_F_POLICY | IFC_F_APP_RULES))
		e.app_id = app_classify(p);
	if (e.nat && rewrite(ctx, tc, p, &e, 0) < 0) {
		count(slot, R_MALFORMED_DROP, p->len);
		return V_DROP;
	}
	now = dp_now();
	frag_remember(p, &e, now);
	if (!ct_is_new_flow(p)) {
		/* Mid-stream TCP without state (agent restart, eviction), echo replies,
		 * unrelated ICMP errors: policy decides per packet, no state is made. */
		count(slot, p->key.proto == IPPROTO_TCP ? R_TCP_NO_STATE : R_NO_STATE_PASS, p->len);
		count_app(e.app_id, APP_RX, p->len);
		return V_PASS;
	}
	e.rule_id = v.matched ? v.rule_id : 0xffff;
	e.flags |= v.action == ACT_ALLOW_LOG ? CT_F_LOG : 0;
	if (p->key.proto == IPPROTO_TCP && (p->tcp_flags & TCPF_SYN))
		e.wscale = tcp_wscale(DATA(ctx), DATA_END(ctx), p);
	ct_create(p, &e, new_state(p), now);
	reason = svc ? (e.flags & CT_F_LB ? R_LB_NEW : R_DNAT_NEW)
		     : v.matched ? R_POLICY_ALLOW : R_DEFAULT_ALLOW;
	count(slot, reason, p->len);
	count_app(e.app_id, APP_RX, p->len);
	return V_PASS;
}


/* The stages below run as global functions: the verifier checks each once, on its
 * own small stack frame, instead of once per path through everything before it
 * (inlined, the pipeline exceeds both its instruction budget and the 512-byte
 * stack). Each exists for XDP and for TC; `p` and `cfg` come back as plain data. */
#define STAGE(name, ret)                                                                  \
	__attribute__((noinline)) int name##_xdp(struct xdp_md *ctx, struct pkt *p,          \
						 const struct if_config *cfg)                  \
	{                                                                                  \
		const int tc = 0;                                                          \
		return p && cfg ? name##_impl(ctx, tc, p, cfg) : (ret);                    \
	}                                                                                  \
	__attribute__((noinline)) int name##_tc(struct __sk_buff *ctx, struct pkt *p,        \
						const struct if_config *cfg)                   \
	{                                                                                  \
		const int tc = 1;                                                          \
		return p && cfg ? name##_impl(ctx, tc, p, cfg) : (ret);                    \
	}
STAGE(frag_follow, 0)
STAGE(icmp_error, -1)
STAGE(new_flow, XDP_DROP)
#define frag_follow(ctx, tc, p, cfg) \
	(tc ? frag_follow_tc((void *)(ctx), p, cfg) : frag_follow_xdp((void *)(ctx), p, cfg))
/* The check is inline: a call costs ~10 ns here (every return is a "safe RET"). */
#define icmp_error(ctx, tc, p, cfg)                                                 \
	(!icmp_is_error((p)->key.proto, (p)->icmp_type) || (p)->frag ? 0                 \
	 : tc ? icmp_error_tc((void *)(ctx), p, cfg)                                       \
	      : icmp_error_xdp((void *)(ctx), p, cfg))
#define new_flow(ctx, tc, p, cfg) \
	(tc ? new_flow_tc((void *)(ctx), p, cfg) : new_flow_xdp((void *)(ctx), p, cfg))

/* Parsing is verified once, as a global function: inlined into every pipeline its
 * paths (VLANs x families x extension chains x L4) would multiply with everything
 * after it and exceed the verifier's budget. Callers get `p` back as plain data and
 * bound every offset they use (MAX_L3_OFF, MAX_L4_OFF). */

/* TC sees possibly non-linear skbs: make the headers we parse linear first. */
__attribute__((noinline)) int tc_parse(struct __sk_buff *skb, struct pkt *p)
{
	void *data, *data_end;
	int r;

	if (!p)
		return PARSE_MALFORMED;
	data = (void *)(long)skb->data;
	data_end = (void *)(long)skb->data_end;
	r = parse_packet(data, data_end, skb->len, p);
	if (r == PARSE_MALFORMED && skb->len > data_end - data) {
		bpf_skb_pull_data(skb, skb->len < 256 ? skb->len : 256);
		data = (void *)(long)skb->data;
		data_end = (void *)(long)skb->data_end;
		r = parse_packet(data, data_end, skb->len, p);
	}
	return r;
}

/* XDP: the fast path parses the linear part; a multi-buffer (jumbo) frame looks
 * truncated there and is parsed again knowing its whole length. */
__attribute__((noinline)) int xdp_parse(struct xdp_md *xdp, struct pkt *p)
{
	void *data, *data_end;
	int r;

	if (!p)
		return PARSE_MALFORMED;
	data = (void *)(long)xdp->data;
	data_end = (void *)(long)xdp->data_end;
	r = parse_packet(data, data_end, data_end - data, p);
	if (r == PARSE_MALFORMED) {
		__u32 len = bpf_xdp_get_buff_len(xdp);

		if (len > data_end - data)
			r = parse_packet(data, data_end, len, p);
	}
	return r;
}

/* The common case inline (parse_fast), anything else through the full parser. */
static __always_inline int parse(void *ctx, const int tc, struct pkt *p)
{
	__u32 len = tc ? ((struct __sk_buff *)ctx)->len : DATA_END(ctx) - DATA(ctx);
	int r = parse_fast(DATA(ctx), DATA_END(ctx), len, p);

	if (likely(r == PARSE_OK))
		return r;
	return tc ? tc_parse(ctx, p) : xdp_parse(ctx, p);
}

static __always_inline int wan_ingress(void *ctx, const int tc)
{
	struct __sk_buff *skb = ctx;
	struct xdp_md *xdp = ctx;
	const struct if_config *cfg = if_cfg(tc ? skb->ifindex : xdp->ingress_ifindex);
	struct ct_entry *e;
	struct pkt p;
	__u32 restart = 0;
	__u64 now = 0;
	int r = parse(ctx, tc, &p);

	if (unlikely(r != PARSE_OK))
		return parse_refused(r, &p, cfg) ? V_DROP : V_PASS;
	if (unlikely(p.key.proto == IPPROTO_TCP && p.l4_off && !tcp_flags_valid(p.tcp_flags))) {
		count(cfg->slot, R_TCP_INVALID_DROP, p.len);
		return V_DROP;
	}
	/* Later fragments and ICMP errors about tracked flows count as unclassified. */
	if (unlikely(p.frag == FRAG_LATER))
		r = frag_follow(ctx, tc, &p, cfg) ? 1 : -1;
	else
		r = icmp_error(ctx, tc, &p, cfg);
	if (unlikely(r)) {
		if (r < 0)
			return V_DROP;
		count_app(0, APP_RX, p.len);
		return V_PASS;
	}
	r = ct_lookup(&p, &e, &now, &restart);
	if (unlikely(r == CT_HIT_BAD_RST)) {
		count(cfg->slot, R_TCP_RST_INVALID_DROP, p.len);
		return V_DROP;
	}
	if (unlikely(!e)) {
		if (restart)
			count(cfg->slot, R_CT_RESTART, p.len);
		return new_flow(ctx, tc, &p, cfg);
	}
	if (e->nat && rewrite(ctx, tc, &p, e, e->nat == NAT_SRC) < 0) {
		count(cfg->slot, R_MALFORMED_DROP, p.len);
		return V_DROP;
	}
	ct_touch(DATA(ctx), DATA_END(ctx), &p, e, now);
	frag_remember(&p, e, now);
	count(cfg->slot, e->dir == CT_DIR_ORIG ? R_CT_ORIG : R_CT_REPLY, p.len);
	count_app(e->app_id, APP_RX, p.len);
	return V_PASS;
}

SEC("xdp.frags")
int xdp_ingress(struct xdp_md *ctx)
{
	return wan_ingress(ctx, 0);
}

SEC("tc")
int tc_wan_ingress(struct __sk_buff *skb)
{
	return wan_ingress(skb, 1);
}

SEC("tc")
int tc_ingress(struct __sk_buff *skb)
{
	const struct if_config *cfg = if_cfg(skb->ifindex);
	struct steer_value *s;
	struct pkt p;
	__u32 app;

	if (parse(skb, 1, &p) != PARSE_OK)
		return TC_ACT_OK;
	app = app_classify(&p);
	if (!app)
		return TC_ACT_OK;
	s = bpf_map_lookup_elem(&steering, &app);
	if (!s || !(s->flags & STEER_F_VALID)) {
		count(cfg->slot, R_CLASSIFIED, p.len);
		return TC_ACT_OK;
	}
	if (s->mark)
		skb->mark = s->mark;
	if (s->dscp != STEER_DSCP_KEEP)
		set_dscp((void *)(long)skb->data, (void *)(long)skb->data_end, &p, s->dscp);
	count(cfg->slot, R_STEERED, p.len);
	return TC_ACT_OK;
}

/* Egress without state. Whatever an SNAT rule covers leaves translated or not at
 * all: new flows and mid-stream TCP (state lost to a restart or eviction) get a
 * port and fresh state; what cannot be translated is dropped. */
__attribute__((noinline)) int egress_new(struct __sk_buff *skb, struct pkt *p,
					  const struct if_config *cfg, __u32 restart)
{
	struct snat_value *s;
	struct ct_entry e = { .rule_id = 0xffff };
	__u64 now = dp_now();
	int r;

	if (!p || !cfg)
		return TC_ACT_SHOT;
	s = cfg->flags & IFC_F_SNAT ? snat_rule(p) : NULL;
	if (restart)
		count(cfg->slot, R_CT_RESTART, p->len);
	if (!ct_is_new_flow(p)) {
		if (!s) {
			count(cfg->slot, R_NO_STATE_PASS, p->len);
			count_app(app_classify(p), APP_TX, p->len);
			return TC_ACT_OK;
		}
		if (p->key.proto != IPPROTO_TCP || (p->tcp_flags & TCPF_RST)) {
			count(cfg->slot, R_SNAT_NO_STATE_DROP, p->len);
			return TC_ACT_SHOT;
		}
	}
	if (s) {
		r = snat_alloc(p, s, &e, now);
		if (r < 0) {
			count(cfg->slot, r == SNAT_EXHAUSTED ? R_SNAT_EXHAUSTED_DROP : R_SNAT_NO_STATE_DROP,
			      p->len);
			return TC_ACT_SHOT;
		}
		if (rewrite_tc(skb, p, &e, 1) < 0) {
			count(cfg->slot, R_MALFORMED_DROP, p->len);
			return TC_ACT_SHOT;
		}
	}
	if (p->key.proto == IPPROTO_TCP && (p->tcp_flags & TCPF_SYN))
		e.wscale = tcp_wscale((void *)(long)skb->data, (void *)(long)skb->data_end, p);
	e.app_id = app_classify(p); /* by destination: the remote service */
	ct_create(p, &e, new_state(p), now);
	frag_remember(p, &e, now);
	count(cfg->slot, s ? R_SNAT_NEW : R_EGRESS_NEW, p->len);
	count_app(e.app_id, APP_TX, p->len);
	return TC_ACT_OK;
}

SEC("tc")
int tc_egress(struct __sk_buff *skb)
{
	const int tc = 1;
	const struct if_config *cfg = if_cfg(skb->ifindex);
	int snat = cfg->flags & IFC_F_SNAT, r;
	struct ct_entry *e;
	struct pkt p;
	__u32 restart = 0;
	__u64 now = 0;

	r = parse(skb, tc, &p);
	if (unlikely(r != PARSE_OK)) {
		/* With SNAT on, what cannot be parsed cannot be translated either. */
		if (r == PARSE_NOT_IP || !snat)
			return TC_ACT_OK;
		parse_refused(r == PARSE_MALFORMED ? PARSE_UNCLASSIFIABLE : r, &p, cfg);
		return TC_ACT_SHOT;
	}
	if (p.key.proto == IPPROTO_TCP && p.l4_off && !tcp_flags_valid(p.tcp_flags)) {
		count(cfg->slot, R_TCP_INVALID_DROP, p.len);
		return TC_ACT_SHOT;
	}
	if (p.frag == FRAG_LATER)
		r = frag_follow(skb, tc, &p, cfg) ? 1 : -1;
	else
		r = icmp_error(skb, tc, &p, cfg);
	if (r) {
		if (r < 0)
			return TC_ACT_SHOT;
		count_app(0, APP_TX, p.len);
		return TC_ACT_OK;
	}
	if (icmp_is_error(p.key.proto, p.icmp_type) && snat && snat_rule(&p)) {
		count(cfg->slot, R_SNAT_NO_STATE_DROP, p.len); /* unrelated: would leak */
		return TC_ACT_SHOT;
	}
	r = ct_lookup(&p, &e, &now, &restart);
	if (r == CT_HIT_BAD_RST) {
		count(cfg->slot, R_TCP_RST_INVALID_DROP, p.len);
		return TC_ACT_SHOT;
	}
	if (!e)
		return egress_new(skb, &p, cfg, restart);
	if (e->nat && rewrite_tc(skb, &p, e, e->nat == NAT_SRC) < 0) {
		count(cfg->slot, R_MALFORMED_DROP, p.len);
		return TC_ACT_SHOT;
	}
	ct_touch((void *)(long)skb->data, (void *)(long)skb->data_end, &p, e, now);
	frag_remember(&p, e, now);
	count(cfg->slot, e->dir == CT_DIR_ORIG ? R_CT_ORIG : R_CT_REPLY, p.len);
	count_app(e->app_id, APP_TX, p.len);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
