/* Map commands. Keys and values travel as hex of the raw C struct bytes; per-CPU
 * values are ncpus slots of round_up(value_size, 8) bytes, as the kernel wants. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "loader.h"

static int is_percpu(enum bpf_map_type t)
{
	return t == BPF_MAP_TYPE_PERCPU_ARRAY || t == BPF_MAP_TYPE_PERCPU_HASH ||
	       t == BPF_MAP_TYPE_LRU_PERCPU_HASH || t == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

static int is_array(enum bpf_map_type t)
{
	return t == BPF_MAP_TYPE_ARRAY || t == BPF_MAP_TYPE_PERCPU_ARRAY;
}

/* Size of the buffer the kernel reads/writes for one value. */
static size_t value_buf_size(struct bpf_map *m)
{
	size_t vs = bpf_map__value_size(m);

	if (!is_percpu(bpf_map__type(m)))
		return vs;
	return ((vs + 7) & ~(size_t)7) * libbpf_num_possible_cpus();
}

static int parse_flags(struct req *r, __u64 *flags)
{
	const char *f = json_str(r->j, "flags");

	if (!f || !strcmp(f, "any"))
		*flags = BPF_ANY;
	else if (!strcmp(f, "noexist"))
		*flags = BPF_NOEXIST;
	else if (!strcmp(f, "exist"))
		*flags = BPF_EXIST;
	else
		return fail(r, EINVAL, "flags must be any, noexist or exist");
	return 0;
}

/* Accepts one value (replicated to every CPU for per-CPU maps) or all slots. */
static int decode_value(struct req *r, struct bpf_map *m, const char *hex, void *buf)
{
	size_t vs = bpf_map__value_size(m), full = value_buf_size(m);

	if (hex && strlen(hex) == vs * 2 && full != vs) {
		size_t stride = (vs + 7) & ~(size_t)7;

		memset(buf, 0, full);
		for (size_t off = 0; off < full; off += stride)
			if (hex_decode(hex, (char *)buf + off, vs))
				return fail(r, EINVAL, "value is not hex");
		return 0;
	}
	if (hex_decode(hex, buf, full) && full != vs)
		return fail(r, EINVAL, "value must be %zu or %zu bytes of hex", vs, full);
	if (hex_decode(hex, buf, full))
		return fail(r, EINVAL, "value must be %zu bytes of hex", vs);
	return 0;
}

static int put_one(struct req *r, struct bpf_map *m, const char *khex, const char *vhex,
		   __u64 flags)
{
	size_t ks = bpf_map__key_size(m);
	char key[ks], *val = malloc(value_buf_size(m));
	int rc = 0;

	if (!val)
		return fail(r, ENOMEM, "update");
	if (hex_decode(khex, key, ks))
		rc = fail(r, EINVAL, "key must be %zu bytes of hex", ks);
	else if (decode_value(r, m, vhex, val) == 0) {
		if (bpf_map_update_elem(bpf_map__fd(m), key, val, flags))
			rc = fail(r, errno, "update %s", bpf_map__name(m));
	} else
		rc = -1;
	free(val);
	return rc;
}

int cmd_update(struct req *r)
{
	struct bpf_map *m = find_map(r);
	__u64 flags;

	if (!m || parse_flags(r, &flags))
		return -1;
	return put_one(r, m, json_str(r->j, "key"), json_str(r->j, "value"), flags);
}

int cmd_update_batch(struct req *r)
{
	struct bpf_map *m = find_map(r);
	struct jval *e = json_get(r->j, "entries");
	__u64 flags;

	if (!m || parse_flags(r, &flags))
		return -1;
	if (!e || e->t != J_ARR)
		return fail(r, EINVAL, "entries must be an array of [key, value]");
	for (size_t i = 0; i < e->n; i++) {
		struct jval *kv = &e->items[i];

		if (kv->t != J_ARR || kv->n != 2 || kv->items[0].t != J_STR || kv->items[1].t != J_STR)
			return fail(r, EINVAL, "entry %zu must be [key, value]", i);
		if (put_one(r, m, kv->items[0].str, kv->items[1].str, flags))
			return -1;
	}
	sb_printf(r->out, ",\"count\":%zu", e->n);
	return 0;
}

int cmd_lookup(struct req *r)
{
	struct bpf_map *m = find_map(r);
	size_t ks;
	char *val;

	if (!m)
		return -1;
	ks = bpf_map__key_size(m);
	char key[ks];

	if (hex_decode(json_str(r->j, "key"), key, ks))
		return fail(r, EINVAL, "key must be %zu bytes of hex", ks);
	val = malloc(value_buf_size(m));
	if (!val)
		return fail(r, ENOMEM, "lookup");
	if (bpf_map_lookup_elem(bpf_map__fd(m), key, val)) {
		free(val);
		return fail(r, errno, "lookup %s", bpf_map__name(m));
	}
	sb_puts(r->out, ",\"value\":");
	sb_hex(r->out, val, value_buf_size(m));
	free(val);
	return 0;
}

int cmd_delete(struct req *r)
{
	struct bpf_map *m = find_map(r);
	size_t ks;

	if (!m)
		return -1;
	ks = bpf_map__key_size(m);
	char key[ks];

	if (hex_decode(json_str(r->j, "key"), key, ks))
		return fail(r, EINVAL, "key must be %zu bytes of hex", ks);
	if (bpf_map_delete_elem(bpf_map__fd(m), key))
		return fail(r, errno, "delete %s", bpf_map__name(m));
	return 0;
}

/* Walks keys with get_next_key; `limit` bounds the answer for huge arrays. */
int cmd_dump(struct req *r)
{
	struct bpf_map *m = find_map(r);
	size_t ks, n = 0, limit;
	int fd, first = 1;
	char *val;

	if (!m)
		return -1;
	if (bpf_map__type(m) == BPF_MAP_TYPE_RINGBUF)
		return fail(r, EOPNOTSUPP, "cannot dump a ring buffer");
	limit = (size_t)json_num(r->j, "limit", 1e9);
	ks = bpf_map__key_size(m);
	fd = bpf_map__fd(m);
	char key[ks], next[ks];

	val = malloc(value_buf_size(m));
	if (!val)
		return fail(r, ENOMEM, "dump");
	sb_puts(r->out, ",\"entries\":[");
	for (void *prev = NULL; n < limit && !bpf_map_get_next_key(fd, prev, next); prev = key) {
		memcpy(key, next, ks);
		if (bpf_map_lookup_elem(fd, key, val))
			continue; /* deleted under us (LRU, reaper) */
		sb_puts(r->out, first ? "[" : ",[");
		sb_hex(r->out, key, ks);
		sb_putc(r->out, ',');
		sb_hex(r->out, val, value_buf_size(m));
		sb_putc(r->out, ']');
		first = 0;
		n++;
	}
	sb_puts(r->out, "]");
	free(val);
	return 0;
}

/* Arrays are zeroed, everything else emptied. */
int cmd_clear(struct req *r)
{
	struct bpf_map *m = find_map(r);
	size_t ks, n = 0;
	int fd;

	if (!m)
		return -1;
	ks = bpf_map__key_size(m);
	fd = bpf_map__fd(m);
	if (is_array(bpf_map__type(m))) {
		char *zero = calloc(1, value_buf_size(m));

		if (!zero)
			return fail(r, ENOMEM, "clear");
		for (__u32 i = 0; i < bpf_map__max_entries(m); i++, n++)
			if (bpf_map_update_elem(fd, &i, zero, BPF_ANY)) {
				free(zero);
				return fail(r, errno, "clear %s", bpf_map__name(m));
			}
		free(zero);
	} else {
		char key[ks];

		while (!bpf_map_get_next_key(fd, NULL, key) && !bpf_map_delete_elem(fd, key))
			n++;
	}
	sb_printf(r->out, ",\"count\":%zu", n);
	return 0;
}

/* Ring buffers are drained, not dumped: one ring_buffer handle per map fd, kept
 * for the helper's life, and each call returns everything pending. */
struct rb_cache {
	int fd;
	struct ring_buffer *rb;
};
static struct rb_cache rbs[8];

struct rb_ctx {
	struct req *r;
	size_t n;
};
static struct rb_ctx *rb_current; /* the request being served (single-threaded) */

static int on_event(void *unused, void *data, size_t size)
{
	struct rb_ctx *c = rb_current;

	sb_puts(c->r->out, c->n ? "," : "");
	sb_hex(c->r->out, data, size);
	c->n++;
	return 0;
}

int cmd_ringbuf_read(struct req *r)
{
	struct bpf_map *m = find_map(r);
	struct rb_ctx c = { r, 0 };
	struct ring_buffer *rb = NULL;
	int fd, i;

	if (!m)
		return -1;
	if (bpf_map__type(m) != BPF_MAP_TYPE_RINGBUF)
		return fail(r, EINVAL, "%s is not a ring buffer", bpf_map__name(m));
	fd = bpf_map__fd(m);
	for (i = 0; i < 8 && rbs[i].rb; i++)
		if (rbs[i].fd == fd)
			rb = rbs[i].rb;
	if (!rb) {
		if (i == 8)
			return fail(r, ENOSPC, "too many ring buffers");
		rb = ring_buffer__new(fd, on_event, NULL, NULL);
		if (!rb)
			return fail(r, errno, "ring_buffer__new");
		rbs[i].fd = fd;
		rbs[i].rb = rb;
	}
	sb_puts(r->out, ",\"events\":[");
	rb_current = &c;
	ring_buffer__consume(rb);
	rb_current = NULL;
	sb_puts(r->out, "]");
	return 0;
}
