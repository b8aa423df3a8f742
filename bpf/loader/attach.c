/* Attaching XDP / TC, optionally inside a named network namespace, and
 * BPF_PROG_TEST_RUN. setns() is per thread and the loader is single-threaded,
 * so switching in and back around one call is safe. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
	char path[PATH_MAX];
	const char *ns;
	int fd;

	g->home = -1;
	if (req_str(r, "netns", MAX_PATH_LEN, 0, &ns))
		return -1;
	if (!ns)
		return 0;
	if (req_path(r, path, sizeof(path), strchr(ns, '/') ? "%s" : "/var/run/netns/%s", ns))
		return -1;
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
	const char *ifname;
	int idx;

	if (req_str(r, "ifname", IFNAMSIZ - 1, 1, &ifname))
		return 0;
	idx = if_nametoindex(ifname);
	if (!idx)
		fail(r, errno, "interface '%s'", ifname);
	return idx;
}

static int xdp_flags(struct req *r, __u32 *flags)
{
	const char *mode;

	if (req_str(r, "mode", 16, 0, &mode))
		return -1;
	if (!mode)
		*flags = 0;
	else if (!strcmp(mode, "generic"))
		*flags = XDP_FLAGS_SKB_MODE;
	else if (!strcmp(mode, "native"))
		*flags = XDP_FLAGS_DRV_MODE;
	else
		return fail(r, EINVAL, "mode must be native or generic");
	return 0;
}

/* {"ifname", "netns"?} -> ifindex: the agent writes a link's config before it
 * attaches programs there, so no packet ever meets an unconfigured pipeline. */
int cmd_ifindex(struct req *r)
{
	struct ns_guard g;
	int idx;

	if (ns_enter(r, &g))
		return -1;
	idx = ifindex_of(r);
	if (idx)
		sb_printf(r->out, ",\"ifindex\":%d", idx);
	ns_leave(&g);
	return idx ? 0 : -1;
}

int cmd_attach_xdp(struct req *r)
{
	struct bpf_program *p = find_prog(r);
	struct ns_guard g;
	int idx, rc = 0;
	__u32 flags;

	if (!p || xdp_flags(r, &flags) || ns_enter(r, &g))
		return -1;
	idx = ifindex_of(r);
	if (!idx)
		rc = -1;
	else if ((rc = bpf_xdp_attach(idx, bpf_program__fd(p), flags, NULL)))
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
	__u32 flags;

	if (xdp_flags(r, &flags) || ns_enter(r, &g))
		return -1;
	idx = ifindex_of(r);
	if (!idx)
		rc = -1;
	else if ((rc = bpf_xdp_detach(idx, flags, NULL)))
		rc = fail(r, -rc, "detach xdp");
	ns_leave(&g);
	return rc;
}

static int tc_hook(struct req *r, struct bpf_tc_hook *h, int idx)
{
	const char *dir;

	if (req_str(r, "dir", 16, 1, &dir))
		return -1;
	memset(h, 0, sizeof(*h));
	h->sz = sizeof(*h);
	h->ifindex = idx;
	if (dir && !strcmp(dir, "ingress"))
		h->attach_point = BPF_TC_INGRESS;
	else if (!strcmp(dir, "egress"))
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
	const char *hex, *ctx_hex;
	unsigned char *in = NULL, *out = NULL, *ctx = NULL, *ctx_out = NULL;
	size_t n, cn;
	__u64 repeat;
	int rc = -1;

	if (!p || req_str(r, "data", MAX_LINE, 1, &hex) || req_str(r, "ctx", MAX_LINE, 0, &ctx_hex) ||
	    req_uint(r, "repeat", 1, MAX_REPEAT, 1, &repeat))
		return -1;
	n = strlen(hex) / 2;
	cn = ctx_hex ? strlen(ctx_hex) / 2 : 0;
	if (n > MAX_DATA)
		return fail(r, EINVAL, "data must be 1..%d bytes of hex", MAX_DATA);
	if (cn > MAX_CTX)
		return fail(r, EINVAL, "ctx must be 0..%d bytes of hex", MAX_CTX);
	in = malloc(n);
	out = malloc(n + 4096); /* room for programs that grow the packet */
	ctx = malloc(cn + 1);
	ctx_out = calloc(1, cn + 1);
	if (!in || !out || !ctx || !ctx_out)
		fail(r, ENOMEM, "test_run");
	else if (hex_decode(hex, in, n))
		fail(r, EINVAL, "data must be 1..%d bytes of hex", MAX_DATA);
	else if (ctx_hex && hex_decode(ctx_hex, ctx, cn))
		fail(r, EINVAL, "ctx must be 0..%d bytes of hex", MAX_CTX);
	else {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = in, .data_size_in = n,
			    .data_out = out, .data_size_out = n + 4096,
			    .ctx_in = cn ? ctx : NULL, .ctx_size_in = cn,
			    .ctx_out = cn ? ctx_out : NULL, .ctx_size_out = cn, .repeat = repeat);

		rc = bpf_prog_test_run_opts(bpf_program__fd(p), &o);
		if (rc)
			rc = fail(r, errno, "test_run %s", bpf_program__name(p));
		else {
			sb_printf(r->out, ",\"retval\":%u,\"duration\":%u,\"data\":", o.retval,
				  o.duration);
			sb_hex(r->out, out, o.data_size_out);
			if (cn) {
				sb_puts(r->out, ",\"ctx\":");
				sb_hex(r->out, ctx_out, o.ctx_size_out);
			}
		}
	}
	free(in);
	free(out);
	free(ctx);
	free(ctx_out);
	return rc;
}
