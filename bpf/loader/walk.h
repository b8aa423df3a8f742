/* Bounded walks over hash-like maps: a batch of entries at a time (kernel batch
 * lookups, or get_next_key where a map has none), deleting the entries a filter
 * selects. Never holds more than one batch in memory. */
#pragma once
#include "loader.h"

struct walk {
	__u32 batch; /* entries per step */
	__u64 max; /* stop once this many were scanned; 0 = the whole map */
	int by_keys; /* use get_next_key even where batch lookups work */
	int field; /* byte offset of a u64 in the value: delete when it is < before; -1: all */
	__u64 before;
	const char *cursor; /* where an earlier walk stopped (its answer's cursor) */
	/* out */
	__u64 scanned, deleted;
	char *next; /* set (malloc'd) when stopped by max before the end */
};

int walk_delete(struct req *r, const struct map_ref *m, struct walk *w);
