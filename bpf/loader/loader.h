#pragma once
#include <bpf/libbpf.h>
#include "json.h"

/* Every size and count a request can ask for is bounded; docs/dataplane.md lists them. */
enum loader_limits {
	MAX_LINE = 64 << 20, /* request line, bytes; longer lines are answered, not read whole */
	MAX_ANSWER = 64 << 20, /* a dump stops (with "more": true) before its answer passes this */
	MAX_OBJ_NAME = 63,
	MAX_SYM_NAME = 255, /* map and program names */
	MAX_PATH_LEN = 4095,
	MAX_BATCH = 65536, /* entries per update_batch / keys per delete / expire batch */
	MAX_REPEAT = 10000000,
	MAX_DATA = 65536, /* test_run packet bytes */
	MAX_CTX = 4096, /* test_run context bytes */
	MAX_LAYOUT = 65535, /* pinned layout versions */
	MAX_SET_MAPS = 128, /* maps in one pinned set */
};

/* A command fills `out` with extra answer fields (",\"k\":v"...) and returns 0, or
 * returns -1 after setting the error text via fail(). On failure `out` is dropped
 * unless the command set out_on_fail (it then holds e.g. how many entries applied). */
struct req {
	const struct jval *j;
	struct sbuf *out;
	int out_on_fail;
	char err[512];
	int err_no;
};

int fail(struct req *r, int err_no, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
/* Puts context in front of the error message already set; returns -1. */
int err_prefix(struct req *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Request fields, type- and range-checked; each fails the request with a message
 * naming the field and what it must be. Absent optional fields give NULL / def. */
int req_str(struct req *r, const char *key, size_t max_len, int required, const char **out);
int req_uint(struct req *r, const char *key, __u64 lo, __u64 hi, __u64 def, __u64 *out);
int req_bool(struct req *r, const char *key, int def, int *out);
/* A u64 sent as a decimal string (JSON numbers lose precision above 2^53). */
int req_u64_str(struct req *r, const char *key, __u64 *out);
/* snprintf into a PATH_MAX buffer, failing the request (ENAMETOOLONG) when cut. */
int req_path(struct req *r, char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* A map addressed by a request ("name" + "map"): from a loaded object or from a
 * pinned set opened with open_pinned. */
struct map_ref {
	int fd;
	const char *name;
	enum bpf_map_type type;
	__u32 key_size, value_size, max_entries;
};

struct bpf_object *find_obj(struct req *r);
int find_map(struct req *r, struct map_ref *m);
struct bpf_program *find_prog(struct req *r);
int hex_decode(const char *hex, void *out, size_t want);
/* Bytes of one value as the kernel reads/writes it: per-CPU maps hold ncpus slots
 * of round_up(value_size, 8). */
size_t value_buf_size(const struct map_ref *m);

/* Versioned pin directories (pins.c). */
struct pinned_map {
	char *name; /* the pin's file name: the map's full name */
	int fd;
	struct bpf_map_info info;
};
struct pin_set {
	struct pinned_map *maps;
	size_t n;
};
int maps_dir_path(struct req *r, char *buf, size_t size, const char *pin, long layout);
long maps_dir_version(const char *name);
int pins_check_reuse(struct req *r, struct bpf_object *obj, long layout);
int pins_open(struct req *r, const char *dir, struct pin_set *set, struct sbuf *skipped);
void pins_close(struct pin_set *set);
void pins_describe(struct sbuf *o, const struct pin_set *set);
void pins_list_previous(struct req *r, const char *pin, long layout);
int pins_remove_dir(struct req *r, const char *dir, size_t *removed);
/* Whether a loaded object or an open set uses this map directory (objects.c). */
int dir_in_use(const char *dir);
/* Drops the cached ring buffer of a map fd about to be closed (maps.c). */
void ringbuf_forget(int fd);

int cmd_load(struct req *r);
int cmd_open_pinned(struct req *r);
int cmd_remove_pinned(struct req *r);
int cmd_unload(struct req *r);
int cmd_update(struct req *r);
int cmd_update_batch(struct req *r);
int cmd_lookup(struct req *r);
int cmd_delete(struct req *r);
int cmd_dump(struct req *r);
int cmd_clear(struct req *r);
int cmd_expire(struct req *r);
int cmd_ringbuf_read(struct req *r);
int cmd_ifindex(struct req *r);
int cmd_attach_xdp(struct req *r);
int cmd_detach_xdp(struct req *r);
int cmd_attach_tc(struct req *r);
int cmd_detach_tc(struct req *r);
int cmd_test_run(struct req *r);
