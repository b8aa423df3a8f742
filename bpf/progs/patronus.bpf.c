/* Entry programs. Each is a short pipeline; the logic lives in ../include/.
 *   xdp_ingress (WAN rx): parse -> conntrack hit: NAT + pass
 *                         miss: rate limit / SYN guard -> LB/DNAT -> policy -> create
 *   tc_wan_ingress: the same pipeline as TC, for links where XDP is a poor fit
 *   tc_ingress  (LAN rx): classify -> steering mark + DSCP (before routing)
 *   tc_egress   (WAN tx): conntrack (SNAT, reverse DNAT) -> SNAT new flows */
#include <linux/pkt_cls.h>
#include "counters.h"
#include "parsing.h"
#include "ratelimit.h"
#include "conntrack.h"
#include "policy.h"
#include "maglev.h"
#include "nat.h"
#include "classify.h"
#include "btf_anchor.h"

/* Never read: puts the enums shared with the agent into BTF (see btf_anchor.h). */
static const struct btf_shared_enums *const btf_shared_enums __attribute__((used));

static const struct if_config default_cfg = { .default_action = ACT_ALLOW,
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

static __always_inline int rewrite(void *ctx, const int tc, struct pkt *p, int src, __be32 addr,
				   __be16 port)
{
	if (tc)
		return nat_rewrite_tc(ctx, p, src, addr, port);
	struct xdp_md *x = ctx;

	return nat_rewrite_xdp((void *)(long)x->data, (void *)(long)x->data_end, p, src, addr, port);
}

static __always_inline int new_flow(void *ctx, const int tc, struct pkt *p,
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
	    !gcra_allow(&rl_src, p->key.saddr, now, cfg->rl_cost_ns, cfg->rl_burst_ns)) {
		count(slot, R_RATE_LIMIT_DROP, p->len);
		return V_DROP;
	}
	if (p->key.proto == IPPROTO_ICMPV6) {
		__u8 type = bpf_ntohs(p->key.sport) >> 8;

		/* RS, RA, NS, NA: a default-deny interface must still resolve neighbours. */
		if (type >= 133 && type <= 136) {
			count(slot, R_ND_PASS, p->len);
			return V_PASS;
		}
	}
	if (cfg->syn_cost_ns && p->key.proto == IPPROTO_TCP &&
	    (p->tcp_flags & (TCPF_SYN | TCPF_ACK)) == TCPF_SYN &&
	    (now = now ?: bpf_ktime_get_coarse_ns()) &&
	    !gcra_allow(&syn_dst, p->key.daddr, now, cfg->syn_cost_ns, cfg->syn_burst_ns)) {
		count(slot, R_SYN_FLOOD_DROP, p->len);
		return V_DROP;
	}
	svc = svc_lookup(p);
	if (svc) {
		struct backend *be = lb_select(p, svc, &e.backend_id);

		if (!be) {
			count(slot, R_LB_NO_BACKEND_DROP, p->len);
			return V_DROP;
		}
		e.nat = NAT_DST;
		e.nat_addr = be->addr[3]; /* IPv4 (::ffff:a.b.c.d): svc_lookup passes no IPv6 */
		e.nat_port = be->port;
		e.flags = svc->flags & SVC_F_MAGLEV ? CT_F_LB : 0;
		flow_translate(&t, NAT_DST, be->addr[3], be->port);
	}
	if (cfg->flags & IFC_F_POLICY) {
		__u16 app = 0;

		if (cfg->flags & IFC_F_APP_RULES)
			app = app_classify(p);
		e.app_id = app;
		policy_eval(&t, app, cfg->default_action, &v);
		if (v.matched)
			count_rule(v.slot, p->len);
		if (v.action == ACT_ALLOW_LOG)
			policy_log_event(&t, &v, slot, p->len);
	}
	if (v.action == ACT_DENY) {
		count(slot, v.matched ? R_POLICY_DENY : R_DEFAULT_DENY, p->len);
		return V_DROP;
	}
	if (e.nat && rewrite(ctx, tc, p, 0, e.nat_addr, e.nat_port) < 0) {
		count(slot, R_MALFORMED_DROP, p->len);
		return V_DROP;
	}
	if (!ct_is_new_flow(p)) {
		/* Mid-stream TCP without state (agent restart, LRU eviction): let policy
		 * decide per packet, but only a SYN may create state. */
		count(slot, R_TCP_NO_STATE, p->len);
		return V_PASS;
	}
	e.rule_id = v.matched ? v.rule_id : 0xffff;
	e.flags |= v.action == ACT_ALLOW_LOG ? CT_F_LOG : 0;
	ct_create(p, &e, now ?: bpf_ktime_get_coarse_ns());
	reason = svc ? (e.flags & CT_F_LB ? R_LB_NEW : R_DNAT_NEW)
		     : v.matched ? R_POLICY_ALLOW : R_DEFAULT_ALLOW;
	count(slot, reason, p->len);
	return V_PASS;
}

/* TC sees possibly non-linear skbs: make the headers we parse linear first. */
static __always_inline int tc_parse(struct __sk_buff *skb, struct pkt *p)
{
	void *data = (void *)(long)skb->data, *data_end = (void *)(long)skb->data_end;
	int r = parse_packet(data, data_end, skb->len, p);

	if (r == PARSE_MALFORMED && skb->len > data_end - data) {
		bpf_skb_pull_data(skb, skb->len < 256 ? skb->len : 256);
		data = (void *)(long)skb->data;
		data_end = (void *)(long)skb->data_end;
		r = parse_packet(data, data_end, skb->len, p);
	}
	return r;
}

static __always_inline int wan_ingress(void *ctx, const int tc)
{
	struct __sk_buff *skb = ctx;
	struct xdp_md *xdp = ctx;
	const struct if_config *cfg = if_cfg(tc ? skb->ifindex : xdp->ingress_ifindex);
	struct pkt p;
	struct ct_entry *e;
	int r = tc ? tc_parse(skb, &p)
		   : parse_packet((void *)(long)xdp->data, (void *)(long)xdp->data_end,
				  xdp->data_end - xdp->data, &p);

	if (r == PARSE_MALFORMED) {
		int pass = cfg->malformed_action == XDP_PASS;

		count(cfg->slot, pass ? R_MALFORMED_PASS : R_MALFORMED_DROP, p.len);
		return pass ? V_PASS : V_DROP;
	}
	if (r == PARSE_NOT_IP) {
		count(cfg->slot, R_PASS_NON_IP, p.len);
		return V_PASS;
	}
	e = bpf_map_lookup_elem(&conntrack, &p.key);
	if (!e)
		return new_flow(ctx, tc, &p, cfg);
	if (e->nat && rewrite(ctx, tc, &p, e->nat == NAT_SRC, e->nat_addr, e->nat_port) < 0) {
		count(cfg->slot, R_MALFORMED_DROP, p.len);
		return V_DROP;
	}
	ct_touch(&p, e);
	count(cfg->slot, e->dir == CT_DIR_ORIG ? R_CT_ORIG : R_CT_REPLY, p.len);
	return V_PASS;
}

SEC("xdp")
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

	if (tc_parse(skb, &p) != PARSE_OK)
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

static __always_inline int tc_snat_new(struct __sk_buff *skb, struct pkt *p, struct ct_entry *e)
{
	struct lpm_key k = { .prefixlen = 128 };
	struct snat_value *s;
	struct flow_key rkey;
	__u32 range, h;

	if (!p->ipv4 || !p->l4_off || nat_l4_csum_off(p) < 0 ||
	    (p->key.proto == IPPROTO_ICMP && p->icmp_type != ICMP_ECHO))
		return 0;
	__builtin_memcpy(k.addr, p->key.saddr, 16);
	s = bpf_map_lookup_elem(&snat_rules, &k);
	if (!s || s->port_hi < s->port_lo)
		return 0;
	range = (__u32)s->port_hi - s->port_lo + 1;
	h = flow_hash(&p->key);
	/* The reply key must be unused: probe a few ports from the flow's hash. */
	flow_reverse(&p->key, &rkey);
	__builtin_memcpy(rkey.daddr, p->key.saddr, 12);
	rkey.daddr[3] = s->addr;
	for (int i = 0; i < 8; i++) {
		rkey.dport = bpf_htons(s->port_lo + (h + i * 7919) % range);
		if (!bpf_map_lookup_elem(&conntrack, &rkey)) {
			e->nat = NAT_SRC;
			e->nat_addr = s->addr;
			e->nat_port = rkey.dport;
			return 1;
		}
	}
	return -1;
}

SEC("tc")
int tc_egress(struct __sk_buff *skb)
{
	const struct if_config *cfg = if_cfg(skb->ifindex);
	struct ct_entry *e, ne = { .rule_id = 0xffff };
	struct pkt p;
	int r;

	if (tc_parse(skb, &p) != PARSE_OK)
		return TC_ACT_OK;
	e = bpf_map_lookup_elem(&conntrack, &p.key);
	if (e) {
		if (e->nat)
			nat_rewrite_tc(skb, &p, e->nat == NAT_SRC, e->nat_addr, e->nat_port);
		ct_touch(&p, e);
		count(cfg->slot, e->dir == CT_DIR_ORIG ? R_CT_ORIG : R_CT_REPLY, p.len);
		return TC_ACT_OK;
	}
	if (!ct_is_new_flow(&p))
		return TC_ACT_OK;
	r = cfg->flags & IFC_F_SNAT ? tc_snat_new(skb, &p, &ne) : 0;
	if (r < 0) {
		count(cfg->slot, R_SNAT_EXHAUSTED_DROP, p.len);
		return TC_ACT_SHOT;
	}
	if (r > 0 && nat_rewrite_tc(skb, &p, 1, ne.nat_addr, ne.nat_port) < 0)
		return TC_ACT_SHOT;
	ct_create(&p, &ne, bpf_ktime_get_coarse_ns());
	count(cfg->slot, r > 0 ? R_SNAT_NEW : R_EGRESS_NEW, p.len);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
