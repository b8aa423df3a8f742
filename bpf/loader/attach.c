/* Attaching XDP / TC, optionally inside a named network namespace, and
 * BPF_PROG_TEST_RUN. setns() is per thread and the loader is single-threaded,
 * so switching in and back around one call is safe. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "loader.h"

struct ns_guard {
	int home;
};

static int ns_enter(struct req *r, struct ns_guard *g)
{
	const char *ns = json_str(r->j, "netns");
	char path[300];
	int fd;

	g->home = -1;
	if (!ns)
		return 0;
	if (strchr(ns, '/'))
		snprintf(path, sizeof(path), "%s", ns);
	else
		snprintf(path, sizeof(path), "/var/run/netns/%s", ns);
	g->home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (g->home < 0 || fd < 0 || setns(fd, CLONE_NEWNET)) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		if (g->home >= 0)
			close(g->home);
		g->home = -1;
		return fail(r, e, "enter netns %s", path);
	}
	close(fd);
	return 0;
}

static void ns_leave(struct ns_guard *g)
{
	if (g->home >= 0) {
		setns(g->home, CLONE_NEWNET);
		close(g->home);
	}
}

static int ifindex_of(struct req *r)
{
	const char *ifname = json_str(r->j, "ifname");
	int idx = ifname ? (int)if_nametoindex(ifname) : 0;

	if (!idx)
		fail(r, ifname ? errno : EINVAL, "interface '%s'", ifname ? ifname : "");
	return idx;
}

static __u32 xdp_flags(struct req *r)
{
	const char *mode = json_str(r->j, "mode");

	if (mode && !strcmp(mode, "generic"))
		return XDP_FLAGS_SKB_MODE;
	if (mode && !strcmp(mode, "native"))
		return XDP_FLAGS_DRV_MODE;
	return 0;
}

int cmd_attach_xdp(struct req *r)
{
	struct bpf_program *p = find_prog(r);
	struct ns_guard g;
	int idx, rc = 0;

	if (!p || ns_enter(r, &g))
		return -1;
	idx = ifindex_of(r);
	if (!idx)
		rc = -1;
	else if ((rc = bpf_xdp_attach(idx, bpf_program__fd(p), xdp_flags(r), NULL)))
		rc = fail(r, -rc, "attach xdp");
	else
		sb_printf(r->out, ",\"ifindex\":%d", idx);
	ns_leave(&g);
	return rc;
}

int cmd_detach_xdp(struct req *r)
{
	struct ns_guard g;
	int idx, rc = 0;

	if (ns_enter(r, &g))
		return -1;
	idx = ifindex_of(r);
	if (!idx)
		rc = -1;
	else if ((rc = bpf_xdp_detach(idx, xdp_flags(r), NULL)))
		rc = fail(r, -rc, "detach xdp");
	ns_leave(&g);
	return rc;
}

static int tc_hook(struct req *r, struct bpf_tc_hook *h, int idx)
{
	const char *dir = json_str(r->j, "dir");

	memset(h, 0, sizeof(*h));
	h->sz = sizeof(*h);
	h->ifindex = idx;
	if (dir && !strcmp(dir, "ingress"))
		h->attach_point = BPF_TC_INGRESS;
	else if (dir && !strcmp(dir, "egress"))
		h->attach_point = BPF_TC_EGRESS;
	else
		return fail(r, EINVAL, "dir must be ingress or egress");
	return 0;
}

int cmd_attach_tc(struct req *r)
{
	struct bpf_program *p = find_prog(r);
	struct bpf_tc_hook h;
	struct ns_guard g;
	int idx, rc = -1;

	if (!p || ns_enter(r, &g))
		return -1;
	idx = ifindex_of(r);
	if (idx && !tc_hook(r, &h, idx)) {
		LIBBPF_OPTS(bpf_tc_opts, o, .handle = 1, .priority = 1, .flags = BPF_TC_F_REPLACE,
			    .prog_fd = bpf_program__fd(p));

		rc = bpf_tc_hook_create(&h);
		if (rc && rc != -EEXIST)
			rc = fail(r, -rc, "create clsact");
		else if ((rc = bpf_tc_attach(&h, &o)))
			rc = fail(r, -rc, "attach tc");
		else
			sb_printf(r->out, ",\"ifindex\":%d", idx);
	}
	ns_leave(&g);
	return rc;
}

int cmd_detach_tc(struct req *r)
{
	struct bpf_tc_hook h;
	struct ns_guard g;
	int idx, rc = -1;

	if (ns_enter(r, &g))
		return -1;
	idx = ifindex_of(r);
	if (idx && !tc_hook(r, &h, idx)) {
		LIBBPF_OPTS(bpf_tc_opts, o, .handle = 1, .priority = 1);

		if ((rc = bpf_tc_detach(&h, &o)))
			rc = fail(r, -rc, "detach tc");
	}
	ns_leave(&g);
	return rc;
}

/* {"prog","data":hex,"repeat":n,"ctx":hex?} -> retval, data out, ns per run, and
 * the context after the run when one was given (skb->mark, for instance). */
int cmd_test_run(struct req *r)
{
	struct bpf_program *p = find_prog(r);
	const char *hex = json_str(r->j, "data"), *ctx_hex = json_str(r->j, "ctx");
	size_t n = hex ? strlen(hex) / 2 : 0, cn = ctx_hex ? strlen(ctx_hex) / 2 : 0;
	unsigned char *in, *out, *ctx = NULL, *ctx_out = NULL;
	int rc;

	if (!p)
		return -1;
	if (!hex || n == 0 || n > 65536)
		return fail(r, EINVAL, "data must be 1..65536 bytes of hex");
	in = malloc(n);
	out = malloc(n + 4096);
	if (cn) {
		ctx = malloc(cn);
		ctx_out = calloc(1, cn);
	}
	if (!in || !out || (cn && (!ctx || !ctx_out)) || hex_decode(hex, in, n) ||
	    (cn && hex_decode(ctx_hex, ctx, cn))) {
		free(in);
		free(out);
		free(ctx);
		free(ctx_out);
		return fail(r, EINVAL, "bad data or ctx hex");
	}
	LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = n, .data_out = out,
		    .data_size_out = n + 4096, .ctx_in = ctx, .ctx_size_in = cn,
		    .ctx_out = ctx_out, .ctx_size_out = cn,
		    .repeat = (int)json_num(r->j, "repeat", 1));
	rc = bpf_prog_test_run_opts(bpf_program__fd(p), &o);
	if (rc)
		rc = fail(r, errno, "test_run %s", bpf_program__name(p));
	else {
		sb_printf(r->out, ",\"retval\":%u,\"duration\":%u,\"data\":", o.retval, o.duration);
		sb_hex(r->out, out, o.data_size_out);
		if (cn) {
			sb_puts(r->out, ",\"ctx\":");
			sb_hex(r->out, ctx_out, o.ctx_size_out);
		}
	}
	free(in);
	free(out);
	free(ctx);
	free(ctx_out);
	return rc;
}
