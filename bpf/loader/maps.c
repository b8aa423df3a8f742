/* Map commands. Keys and values travel as hex of the raw C struct bytes; per-CPU
 * values are ncpus slots of round_up(value_size, 8) bytes, as the kernel wants. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "loader.h"
#include "walk.h"

static int is_percpu(enum bpf_map_type t)
{
	return t == BPF_MAP_TYPE_PERCPU_ARRAY || t == BPF_MAP_TYPE_PERCPU_HASH ||
	       t == BPF_MAP_TYPE_LRU_PERCPU_HASH || t == BPF_MAP_TYPE_PERCPU_CGROUP_STORAGE;
}

static int is_array(enum bpf_map_type t)
{
	return t == BPF_MAP_TYPE_ARRAY || t == BPF_MAP_TYPE_PERCPU_ARRAY;
}

size_t value_buf_size(const struct map_ref *m)
{
	if (!is_percpu(m->type))
		return m->value_size;
	return ((m->value_size + 7) & ~(size_t)7) * libbpf_num_possible_cpus();
}

static int parse_flags(struct req *r, __u64 *flags)
{
	const char *f;

	if (req_str(r, "flags", 16, 0, &f))
		return -1;
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
static int decode_value(struct req *r, const struct map_ref *m, const char *hex, void *buf)
{
	size_t vs = m->value_size, full = value_buf_size(m);

	if (hex && full != vs && strlen(hex) == vs * 2) {
		size_t stride = (vs + 7) & ~(size_t)7;

		memset(buf, 0, full);
		for (size_t off = 0; off < full; off += stride)
			if (hex_decode(hex, (char *)buf + off, vs))
				return fail(r, EINVAL, "value is not hex");
		return 0;
	}
	if (!hex_decode(hex, buf, full))
		return 0;
	if (full != vs)
		return fail(r, EINVAL, "value must be %zu or %zu bytes of hex", vs, full);
	return fail(r, EINVAL, "value must be %zu bytes of hex", vs);
}

static int decode_key(struct req *r, const struct map_ref *m, const char *hex, void *key)
{
	if (hex_decode(hex, key, m->key_size))
		return fail(r, EINVAL, "key must be %u bytes of hex", m->key_size);
	return 0;
}

/* A map's key and one value, sized for it (value: every CPU's slot). */
struct kv {
	char *key, *val;
};

static int kv_alloc(struct req *r, const struct map_ref *m, struct kv *kv)
{
	kv->key = malloc(m->key_size);
	kv->val = malloc(value_buf_size(m));
	if (kv->key && kv->val)
		return 0;
	free(kv->key);
	free(kv->val);
	return fail(r, ENOMEM, "%s", m->name);
}

static void kv_free(struct kv *kv)
{
	free(kv->key);
	free(kv->val);
}

int cmd_update(struct req *r)
{
	struct map_ref m;
	const char *k, *v;
	struct kv kv;
	__u64 flags;
	int rc = 0;

	if (find_map(r, &m) || parse_flags(r, &flags) || req_str(r, "key", MAX_LINE, 1, &k) ||
	    req_str(r, "value", MAX_LINE, 1, &v) || kv_alloc(r, &m, &kv))
		return -1;
	if (decode_key(r, &m, k, kv.key) || decode_value(r, &m, v, kv.val))
		rc = -1;
	else if (bpf_map_update_elem(m.fd, kv.key, kv.val, flags))
		rc = fail(r, errno, "update %s", m.name);
	kv_free(&kv);
	return rc;
}

static int batch_entry(struct req *r, const struct jval *e, size_t i, const char **k,
		       const char **v)
{
	const struct jval *kv = &e->items[i];

	if (kv->t != J_ARR || kv->n != 2 || kv->items[0].t != J_STR || kv->items[1].t != J_STR)
		return fail(r, EINVAL, "must be [key, value] (hex strings)");
	*k = kv->items[0].str;
	*v = kv->items[1].str;
	return 0;
}

/* Every entry is checked before the first is written, so a bad entry changes
 * nothing; when the kernel refuses one midway (map full, EEXIST with noexist), the
 * answer says how many were applied (entries 0..applied-1) and which one failed. */
int cmd_update_batch(struct req *r)
{
	struct jval *e = json_get(r->j, "entries");
	const char *k, *v;
	struct map_ref m;
	struct kv kv;
	__u64 flags;
	int rc = 0;

	if (find_map(r, &m) || parse_flags(r, &flags))
		return -1;
	if (!e || e->t != J_ARR)
		return fail(r, EINVAL, "entries must be an array of [key, value]");
	if (e->n > MAX_BATCH)
		return fail(r, E2BIG, "at most %d entries per update_batch", MAX_BATCH);
	if (kv_alloc(r, &m, &kv))
		return -1;
	for (size_t i = 0; i < e->n && !rc; i++)
		if (batch_entry(r, e, i, &k, &v) || decode_key(r, &m, k, kv.key) ||
		    decode_value(r, &m, v, kv.val)) {
			rc = err_prefix(r, "entry %zu: ", i);
			r->out_on_fail = 1;
			sb_printf(r->out, ",\"applied\":0,\"index\":%zu", i);
		}
	for (size_t i = 0; i < e->n && !rc; i++) {
		/* validated above: decoding cannot fail now */
		batch_entry(r, e, i, &k, &v);
		decode_key(r, &m, k, kv.key);
		decode_value(r, &m, v, kv.val);
		if (bpf_map_update_elem(m.fd, kv.key, kv.val, flags)) {
			rc = fail(r, errno, "entry %zu: update %s", i, m.name);
			r->out_on_fail = 1;
			sb_printf(r->out, ",\"applied\":%zu,\"index\":%zu", i, i);
		}
	}
	kv_free(&kv);
	if (!rc)
		sb_printf(r->out, ",\"count\":%zu", e->n);
	return rc;
}

int cmd_lookup(struct req *r)
{
	struct map_ref m;
	const char *k;
	struct kv kv;
	int rc = 0;

	if (find_map(r, &m) || req_str(r, "key", MAX_LINE, 1, &k) || kv_alloc(r, &m, &kv))
		return -1;
	if (decode_key(r, &m, k, kv.key))
		rc = -1;
	else if (bpf_map_lookup_elem(m.fd, kv.key, kv.val))
		rc = fail(r, errno, "lookup %s", m.name);
	else {
		sb_puts(r->out, ",\"value\":");
		sb_hex(r->out, kv.val, value_buf_size(&m));
	}
	kv_free(&kv);
	return rc;
}

static int delete_one(struct req *r, const struct map_ref *m)
{
	const char *k;
	char key[m->key_size];

	if (req_str(r, "key", MAX_LINE, 1, &k) || decode_key(r, m, k, key))
		return -1;
	if (bpf_map_delete_elem(m->fd, key))
		return fail(r, errno, "delete %s", m->name);
	sb_puts(r->out, ",\"count\":1");
	return 0;
}

/* All keys are checked before any is deleted; missing ones are skipped. */
static int delete_many(struct req *r, const struct map_ref *m, const struct jval *keys)
{
	char key[m->key_size];
	size_t n = 0;

	if (keys->t != J_ARR || keys->n > MAX_BATCH)
		return fail(r, EINVAL, "keys must be an array of at most %d hex keys", MAX_BATCH);
	for (size_t i = 0; i < keys->n; i++)
		if (keys->items[i].t != J_STR || hex_decode(keys->items[i].str, key, m->key_size)) {
			r->out_on_fail = 1;
			sb_printf(r->out, ",\"applied\":0,\"index\":%zu", i);
			return fail(r, EINVAL, "keys[%zu] must be %u bytes of hex", i, m->key_size);
		}
	for (size_t i = 0; i < keys->n; i++) {
		hex_decode(keys->items[i].str, key, m->key_size);
		if (!bpf_map_delete_elem(m->fd, key))
			n++;
		else if (errno != ENOENT) {
			fail(r, errno, "keys[%zu]: delete %s", i, m->name);
			r->out_on_fail = 1;
			sb_printf(r->out, ",\"applied\":%zu,\"index\":%zu", i, i);
			return -1;
		}
	}
	sb_printf(r->out, ",\"count\":%zu", n);
	return 0;
}

/* `key`: one key, missing is an error (ENOENT). `keys`: up to MAX_BATCH keys;
 * `count` says how many were deleted. */
int cmd_delete(struct req *r)
{
	const struct jval *keys = json_get(r->j, "keys");
	struct map_ref m;

	if (find_map(r, &m))
		return -1;
	return keys ? delete_many(r, &m, keys) : delete_one(r, &m);
}

/* Walks keys with get_next_key from the start or from the key `after`. `limit`
 * bounds the entries and MAX_ANSWER the bytes of the answer; "more": true says
 * entries were left out, and "next" is the key to pass as `after` to go on. */
int cmd_dump(struct req *r)
{
	size_t n = 0, first = 1;
	const char *after;
	struct map_ref m;
	void *prev = NULL;
	__u64 limit;
	char *next;
	struct kv kv;
	int more = 0;

	if (find_map(r, &m) || req_uint(r, "limit", 0, UINT32_MAX, UINT32_MAX, &limit) ||
	    req_str(r, "after", MAX_LINE, 0, &after))
		return -1;
	if (m.type == BPF_MAP_TYPE_RINGBUF)
		return fail(r, EOPNOTSUPP, "cannot dump a ring buffer");
	next = malloc(m.key_size);
	if (!next || kv_alloc(r, &m, &kv)) {
		free(next);
		return fail(r, ENOMEM, "dump");
	}
	if (after && decode_key(r, &m, after, kv.key)) {
		free(next);
		kv_free(&kv);
		return err_prefix(r, "after: ");
	}
	prev = after ? kv.key : NULL;
	sb_puts(r->out, ",\"entries\":[");
	for (; !bpf_map_get_next_key(m.fd, prev, next); prev = kv.key) {
		if (n >= limit || r->out->len > MAX_ANSWER - 2 * (m.key_size + value_buf_size(&m)) - 64) {
			more = 1;
			break;
		}
		memcpy(kv.key, next, m.key_size);
		if (bpf_map_lookup_elem(m.fd, kv.key, kv.val))
			continue; /* deleted under us (LRU, reaper) */
		sb_puts(r->out, first ? "[" : ",[");
		sb_hex(r->out, kv.key, m.key_size);
		sb_putc(r->out, ',');
		sb_hex(r->out, kv.val, value_buf_size(&m));
		sb_putc(r->out, ']');
		first = 0;
		n++;
	}
	sb_printf(r->out, "],\"more\":%s", more ? "true" : "false");
	if (more && prev) {
		sb_puts(r->out, ",\"next\":");
		sb_hex(r->out, prev, m.key_size);
	}
	free(next);
	kv_free(&kv);
	return 0;
}

/* Arrays are zeroed; other maps emptied of what one walk finds (entries the data
 * path creates meanwhile may stay). `count`: entries zeroed or deleted; on a
 * kernel error, `applied` says how many were before it. */
int cmd_clear(struct req *r)
{
	struct map_ref m;
	__u64 n = 0;
	char *zero;

	if (find_map(r, &m))
		return -1;
	if (m.type == BPF_MAP_TYPE_RINGBUF)
		return fail(r, EOPNOTSUPP, "cannot clear a ring buffer");
	if (!is_array(m.type)) {
		struct walk w = { .batch = 4096, .field = -1 };

		if (walk_delete(r, &m, &w)) {
			r->out_on_fail = 1;
			sb_printf(r->out, ",\"applied\":%llu", (unsigned long long)w.deleted);
			return -1;
		}
		sb_printf(r->out, ",\"count\":%llu", (unsigned long long)w.deleted);
		return 0;
	}
	zero = calloc(1, value_buf_size(&m));
	if (!zero)
		return fail(r, ENOMEM, "clear");
	for (__u32 i = 0; i < m.max_entries; i++, n++)
		if (bpf_map_update_elem(m.fd, &i, zero, BPF_ANY)) {
			free(zero);
			fail(r, errno, "clear %s at index %u", m.name, i);
			r->out_on_fail = 1;
			sb_printf(r->out, ",\"applied\":%llu", (unsigned long long)n);
			return -1;
		}
	free(zero);
	sb_printf(r->out, ",\"count\":%llu", (unsigned long long)n);
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

void ringbuf_forget(int fd)
{
	for (int i = 0; i < 8; i++) {
		if (!rbs[i].rb || rbs[i].fd != fd)
			continue;
		ring_buffer__free(rbs[i].rb);
		/* keep the used slots contiguous: the lookup stops at the first empty one */
		for (int j = i; j < 7; j++)
			rbs[j] = rbs[j + 1];
		memset(&rbs[7], 0, sizeof(rbs[7]));
		return;
	}
}

int cmd_ringbuf_read(struct req *r)
{
	struct rb_ctx c = { r, 0 };
	struct ring_buffer *rb = NULL;
	struct map_ref m;
	int fd, i;

	if (find_map(r, &m))
		return -1;
	if (m.type != BPF_MAP_TYPE_RINGBUF)
		return fail(r, EINVAL, "%s is not a ring buffer", m.name);
	fd = m.fd;
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
