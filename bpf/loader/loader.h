#pragma once
#include <bpf/libbpf.h>
#include "json.h"

/* A command fills `out` with extra response fields (",\"k\":v"...) and returns 0,
 * or returns -1 after setting the error text via fail(). */
struct req {
	const struct jval *j;
	struct sbuf *out;
	char err[512];
	int err_no;
};

int fail(struct req *r, int err_no, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
struct bpf_object *find_obj(struct req *r);
struct bpf_map *find_map(struct req *r);
struct bpf_program *find_prog(struct req *r);
int hex_decode(const char *hex, void *out, size_t want);

int cmd_load(struct req *r);
int cmd_unload(struct req *r);
int cmd_update(struct req *r);
int cmd_update_batch(struct req *r);
int cmd_lookup(struct req *r);
int cmd_delete(struct req *r);
int cmd_dump(struct req *r);
int cmd_clear(struct req *r);
int cmd_ringbuf_read(struct req *r);
int cmd_attach_xdp(struct req *r);
int cmd_detach_xdp(struct req *r);
int cmd_attach_tc(struct req *r);
int cmd_detach_tc(struct req *r);
int cmd_test_run(struct req *r);
