/* Baselines for benchmarks: the cheapest possible XDP and TC programs. */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int xdp_bare(struct xdp_md *ctx)
{
	return XDP_PASS;
}

SEC("tc")
int tc_bare(struct __sk_buff *skb)
{
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
