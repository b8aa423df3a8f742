/* The enums whose values cross to the agent (edge-agent/src/dataplane/constants.ts
 * mirrors each one as a table). clang emits BTF only for types that something it
 * emits refers to, and the map fields carrying these values are plain __u8/__u32
 * (their layout is fixed), so this struct has one member of each enum and
 * patronus.bpf.c keeps a never-read null pointer to it in .rodata. That puts every
 * enum, names and values, into the object's BTF, where bpf/tests/btf.bpf.test.ts
 * compares it with the TS table. A new shared enum gets a member here. */
#pragma once
#include <linux/pkt_cls.h>
#include <linux/in6.h>
#include "counters.h"
#include "conntrack.h"

/* Kernel values the agent uses that the kernel headers define as macros or in an
 * anonymous enum, restated as named enums so that BTF carries them. */
enum pn_ipproto {
	PN_IPPROTO_ICMP = IPPROTO_ICMP,
	PN_IPPROTO_TCP = IPPROTO_TCP,
	PN_IPPROTO_UDP = IPPROTO_UDP,
	PN_IPPROTO_ICMPV6 = IPPROTO_ICMPV6,
};
enum pn_tc_act { PN_TC_ACT_OK = TC_ACT_OK, PN_TC_ACT_SHOT = TC_ACT_SHOT };

struct btf_shared_enums {
	enum dp_layout layout;
	enum dp_limits limits;
	enum app_dir app_dir;
	enum reason reason;
	enum policy_action action;
	enum ifc_flags ifc_flags;
	enum policy_trie policy_trie;
	enum ct_state ct_state;
	enum ct_dir ct_dir;
	enum ct_flags ct_flags;
	enum family family;
	enum ct_timeout_sec ct_timeout_sec;
	enum nat_kind nat_kind;
	enum svc_flags svc_flags;
	enum backend_flags backend_flags;
	enum steer_flags steer_flags;
	enum steer_dscp steer_dscp;
	enum xdp_action xdp_action; /* if_config.malformed_action, program results */
	enum pn_tc_act tc_act;
	enum pn_ipproto ipproto;
};
