/* expire and the emptying of hash-like maps: walk the map one bounded batch at a
 * time and delete what the filter selects, answering counts only. A full
 * conntrack table (256k entries) is never turned into one JSON line. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include "walk.h"

#ifndef ENOTSUPP
#define ENOTSUPP 524 /* the kernel's "no such operation for this map type" */
#endif

static int unsupported(int e)
{
	return e == EINVAL || e == EOPNOTSUPP || e == ENOTSUPP;
}

static int selected(const struct walk *w, const char *val)
{
	__u64 t;

	if (w->field < 0)
		return 1;
	memcpy(&t, val + w->field, sizeof(t));
	return t < w->before;
}

/* Deletes n keys; a key already gone (LRU eviction, the data path) is skipped. */
static int delete_keys(struct req *r, const struct map_ref *m, const char *keys, __u32 n,
		       struct walk *w)
{
	__u32 done = 0;
	int per_key = 0;

	while (done < n) {
		const char *k = keys + (size_t)done * m->key_size;
		__u32 count = n - done;
		LIBBPF_OPTS(bpf_map_batch_opts, o);

		if (per_key) {
			if (!bpf_map_delete_elem(m->fd, k))
				w->deleted++;
			else if (errno != ENOENT)
				return fail(r, errno, "delete %s", m->name);
			done++;
			continue;
		}
		if (!bpf_map_delete_batch(m->fd, k, &count, &o)) {
			w->deleted += count;
			return 0;
		}
		if (errno == ENOENT) { /* count: deleted before the missing key */
			w->deleted += count;
			done += count + 1;
		} else if (unsupported(errno)) {
			per_key = 1;
		} else {
			return fail(r, errno, "delete_batch %s", m->name);
		}
	}
	return 0;
}

/* Kernel batch lookups: the cursor is an opaque bucket token (u32 for hash maps).
 * Returns 1 when the map has no batch lookup, so the caller walks by keys. */
static int walk_batches(struct req *r, const struct map_ref *m, struct walk *w)
{
	size_t ks = m->key_size, vs = value_buf_size(m), cap = w->batch;
	char *keys = malloc(cap * ks), *vals = malloc(cap * vs), *del = malloc(cap * ks);
	__u32 in = 0, out = 0;
	int have_in = 0, rc = 0, first = 1;

	if (w->cursor && sscanf(w->cursor, "b%u", &in) == 1)
		have_in = 1;
	while (keys && vals && del) {
		__u32 count = cap, nd = 0;
		LIBBPF_OPTS(bpf_map_batch_opts, o);
		int err = bpf_map_lookup_batch(m->fd, have_in ? &in : NULL, &out, keys, vals,
					       &count, &o);
		int end = err && errno == ENOENT;

		if (err && !end) {
			if (errno == ENOSPC && cap < m->max_entries) {
				/* one hash bucket holds more entries than the batch */
				free(keys), free(vals), free(del);
				cap *= 2;
				keys = malloc(cap * ks), vals = malloc(cap * vs), del = malloc(cap * ks);
				continue;
			}
			rc = first && unsupported(errno) ? 1 : fail(r, errno, "lookup_batch %s", m->name);
			break;
		}
		first = 0;
		for (__u32 i = 0; i < count; i++)
			if (selected(w, vals + i * vs))
				memcpy(del + nd++ * ks, keys + i * ks, ks);
		w->scanned += count;
		if ((rc = delete_keys(r, m, del, nd, w)) || end)
			break;
		in = out;
		have_in = 1;
		if (w->max && w->scanned >= w->max) {
			if (asprintf(&w->next, "b%u", in) < 0)
				w->next = NULL;
			break;
		}
	}
	if (!rc && (!keys || !vals || !del))
		rc = fail(r, ENOMEM, "walk %s", m->name);
	free(keys), free(vals), free(del);
	return rc;
}

/* get_next_key walk. Deleting a key and then asking for its successor restarts
 * the walk, so each step reads batch + 1 keys and keeps the last one (the anchor)
 * until the next step has read past it. */
static int walk_keys(struct req *r, const struct map_ref *m, struct walk *w)
{
	size_t ks = m->key_size, b = w->batch;
	char *keys = malloc((b + 1) * ks), *val = malloc(value_buf_size(m));
	int rc = 0, have_anchor = 0;

	if (!keys || !val) {
		free(keys), free(val);
		return fail(r, ENOMEM, "walk %s", m->name);
	}
	if (w->cursor && w->cursor[0] == 'k' && !hex_decode(w->cursor + 1, keys, ks))
		have_anchor = 1;
	for (;;) {
		size_t n = 0, nd = 0, last;

		if (have_anchor || !bpf_map_get_next_key(m->fd, NULL, keys))
			n = 1;
		while (n && n < b + 1 && !bpf_map_get_next_key(m->fd, keys + (n - 1) * ks, keys + n * ks))
			n++;
		last = n < b + 1;
		for (size_t i = 0; i < (last ? n : b); i++) {
			if (w->field >= 0 && bpf_map_lookup_elem(m->fd, keys + i * ks, val))
				continue; /* gone meanwhile */
			w->scanned++;
			if (selected(w, val))
				memmove(keys + nd++ * ks, keys + i * ks, ks);
		}
		if ((rc = delete_keys(r, m, keys, nd, w)) || last)
			break;
		memmove(keys, keys + b * ks, ks);
		have_anchor = 1;
		if (w->max && w->scanned >= w->max) {
			w->next = malloc(2 * ks + 2);
			if (w->next) {
				struct sbuf hex = { 0 };

				sb_hex(&hex, keys, ks);
				snprintf(w->next, 2 * ks + 2, "k%.*s", (int)(2 * ks), hex.p + 1);
				free(hex.p);
			}
			break;
		}
	}
	free(keys), free(val);
	return rc;
}

/* "b<u32>": a kernel bucket token; "k<hex key>": the anchor of a key walk. */
static int cursor_ok(const char *c, __u32 key_size)
{
	char key[key_size];
	char *end;

	if (c[0] == 'k')
		return !hex_decode(c + 1, key, key_size);
	if (c[0] != 'b' || c[1] < '0' || c[1] > '9')
		return 0;
	errno = 0;
	return strtoul(c + 1, &end, 10) <= UINT32_MAX && !errno && !*end;
}

int walk_delete(struct req *r, const struct map_ref *m, struct walk *w)
{
	int rc = 1;

	if (!w->by_keys && !(w->cursor && w->cursor[0] == 'k'))
		rc = walk_batches(r, m, w);
	return rc == 1 ? walk_keys(r, m, w) : rc;
}

/* {name, map, field, before, batch?, max?, cursor?, walk?} -> {scanned, deleted,
 * cursor?}: deletes every entry whose u64 at byte `field` of the value is below
 * `before`. */
int cmd_expire(struct req *r)
{
	struct walk w = { 0 };
	struct map_ref m;
	__u64 field, batch;
	const char *how;
	int rc;

	if (find_map(r, &m) || req_uint(r, "field", 0, UINT32_MAX, 0, &field) ||
	    req_u64_str(r, "before", &w.before) ||
	    req_uint(r, "batch", 1, MAX_BATCH, 4096, &batch) ||
	    req_uint(r, "max", 0, 1ULL << 53, 0, &w.max) ||
	    req_str(r, "cursor", 2 * m.key_size + 16, 0, &w.cursor) ||
	    req_str(r, "walk", 8, 0, &how))
		return -1;
	if (!json_get(r->j, "field"))
		return fail(r, EINVAL, "field is required");
	if (m.type != BPF_MAP_TYPE_HASH && m.type != BPF_MAP_TYPE_LRU_HASH)
		return fail(r, EINVAL, "expire works on hash and LRU hash maps, not %s", m.name);
	if (field % 8 || field + 8 > m.value_size)
		return fail(r, EINVAL, "field must be a multiple of 8 and at most %u (value_size - 8)",
			    m.value_size < 8 ? 0 : m.value_size - 8);
	if (how && strcmp(how, "batch") && strcmp(how, "keys"))
		return fail(r, EINVAL, "walk must be batch or keys");
	if (w.cursor && !cursor_ok(w.cursor, m.key_size))
		return fail(r, EINVAL, "cursor must be one an earlier expire of this map answered");
	w.batch = batch;
	w.field = field;
	w.by_keys = how && !strcmp(how, "keys");
	rc = walk_delete(r, &m, &w);
	sb_printf(r->out, ",\"scanned\":%llu,\"deleted\":%llu", (unsigned long long)w.scanned,
		  (unsigned long long)w.deleted);
	if (w.next) {
		sb_puts(r->out, ",\"cursor\":");
		sb_str(r->out, w.next);
	}
	free(w.next);
	r->out_on_fail = 1; /* what was deleted before an error is reported too */
	return rc;
}
