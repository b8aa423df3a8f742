/* Loaded objects by name: load (open, load, pin), open_pinned (a map set pinned
 * by another layout version, as a pseudo-object with maps only), unload, and the
 * name -> object/map/program lookups every other command starts with. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "loader.h"

#define MAX_OBJS 32

static struct loaded {
	char *name;
	struct bpf_object *obj; /* NULL for a pinned set */
	char *pin; /* load: the pin root */
	char *maps_dir; /* load with pin: pin/maps-vN; pinned set: its directory */
	struct pin_set set; /* pinned set */
} objs[MAX_OBJS];

static struct loaded *find_loaded(struct req *r)
{
	const char *name;

	if (req_str(r, "name", MAX_OBJ_NAME, 1, &name))
		return NULL;
	for (int i = 0; i < MAX_OBJS; i++)
		if (objs[i].name && !strcmp(objs[i].name, name))
			return &objs[i];
	fail(r, ENOENT, "no loaded object named '%s'", name);
	return NULL;
}

struct bpf_object *find_obj(struct req *r)
{
	struct loaded *l = find_loaded(r);

	if (l && !l->obj)
		fail(r, EINVAL, "'%s' is a pinned map set: it has maps only", l->name);
	return l ? l->obj : NULL;
}

int find_map(struct req *r, struct map_ref *ref)
{
	struct loaded *l = find_loaded(r);
	const char *map;
	struct bpf_map *m;

	if (!l || req_str(r, "map", MAX_SYM_NAME, 1, &map))
		return -1;
	if (!l->obj) {
		for (size_t i = 0; i < l->set.n; i++) {
			struct pinned_map *pm = &l->set.maps[i];

			if (strcmp(pm->name, map))
				continue;
			*ref = (struct map_ref){ pm->fd, pm->name, pm->info.type, pm->info.key_size,
						 pm->info.value_size, pm->info.max_entries };
			return 0;
		}
		return fail(r, ENOENT, "no map '%s'", map);
	}
	m = bpf_object__find_map_by_name(l->obj, map);
	if (!m)
		return fail(r, ENOENT, "no map '%s'", map);
	*ref = (struct map_ref){ bpf_map__fd(m), bpf_map__name(m), bpf_map__type(m),
				 bpf_map__key_size(m), bpf_map__value_size(m),
				 bpf_map__max_entries(m) };
	return 0;
}

struct bpf_program *find_prog(struct req *r)
{
	struct bpf_object *obj = find_obj(r);
	const char *prog;
	struct bpf_program *p;

	if (!obj || req_str(r, "prog", MAX_SYM_NAME, 1, &prog))
		return NULL;
	p = bpf_object__find_program_by_name(obj, prog);
	if (!p)
		fail(r, ENOENT, "no program '%s'", prog);
	return p;
}

int dir_in_use(const char *dir)
{
	for (int i = 0; i < MAX_OBJS; i++)
		if (objs[i].maps_dir && !strcmp(objs[i].maps_dir, dir))
			return 1;
	return 0;
}

/* A free slot for a new name, or NULL after failing the request. */
static struct loaded *new_slot(struct req *r, const char *name)
{
	struct loaded *slot = NULL;

	for (int i = 0; i < MAX_OBJS; i++) {
		if (objs[i].name && !strcmp(objs[i].name, name)) {
			fail(r, EEXIST, "object '%s' already loaded", name);
			return NULL;
		}
		if (!objs[i].name && !slot)
			slot = &objs[i];
	}
	if (!slot)
		fail(r, ENOSPC, "too many objects (at most %d)", MAX_OBJS);
	return slot;
}

static void describe(struct sbuf *o, struct bpf_object *obj)
{
	struct bpf_program *p;
	struct bpf_map *m;
	int first = 1;

	sb_puts(o, ",\"maps\":{");
	bpf_object__for_each_map(m, obj) {
		sb_puts(o, first ? "" : ",");
		sb_str(o, bpf_map__name(m));
		sb_printf(o,
			  ":{\"type\":%d,\"key_size\":%u,\"value_size\":%u,\"max_entries\":%u,"
			  "\"flags\":%u}",
			  bpf_map__type(m), bpf_map__key_size(m), bpf_map__value_size(m),
			  bpf_map__max_entries(m), bpf_map__map_flags(m));
		first = 0;
	}
	sb_puts(o, "},\"progs\":[");
	first = 1;
	bpf_object__for_each_program(p, obj) {
		sb_puts(o, first ? "" : ",");
		sb_str(o, bpf_program__name(p));
		first = 0;
	}
	sb_puts(o, "]");
}

static void unpin_all(struct bpf_object *obj, const char *pin, const char *maps_dir)
{
	char path[PATH_MAX];
	struct bpf_program *p;

	bpf_object__unpin_maps(obj, NULL);
	bpf_object__for_each_program(p, obj) {
		if (snprintf(path, sizeof(path), "%s/%s", pin, bpf_program__name(p)) <
		    (int)sizeof(path))
			unlink(path);
	}
	rmdir(maps_dir);
	rmdir(pin); /* fails, harmlessly, while other versions' sets remain */
}

/* Map pin paths under maps_dir, then the reuse check. Internal maps (.rodata &
 * co) are per-object constants: never shared, never pinned. */
static int set_pin_paths(struct req *r, struct bpf_object *obj, const char *maps_dir, long layout)
{
	struct bpf_map *m;
	char mp[PATH_MAX];

	bpf_object__for_each_map(m, obj) {
		if (bpf_map__is_internal(m))
			continue;
		if (req_path(r, mp, sizeof(mp), "%s/%s", maps_dir, bpf_map__name(m)))
			return -1;
		if (bpf_map__set_pin_path(m, mp))
			return fail(r, ENOMEM, "pin path %s", mp);
	}
	return pins_check_reuse(r, obj, layout);
}

static int pin_programs(struct req *r, struct bpf_object *obj, const char *pin)
{
	struct bpf_program *p;
	char pp[PATH_MAX];
	int err;

	bpf_object__for_each_program(p, obj) {
		if (req_path(r, pp, sizeof(pp), "%s/%s", pin, bpf_program__name(p)))
			return -1;
		unlink(pp); /* a previous helper's pin of the old program */
		err = bpf_program__pin(p, pp);
		if (err)
			return fail(r, -err, "pin %s", pp);
	}
	return 0;
}

/* {name, path, pin?, layout (with pin)}: with pin, maps already pinned under
 * pin/maps-v<layout>/ are reused (a restarted helper keeps conntrack, policy and
 * counters), new ones pinned there, programs pinned as pin/<prog>; the answer lists
 * the sets of other layout versions found under pin ("previous"). */
int cmd_load(struct req *r)
{
	const char *name, *path, *pin;
	char maps_dir[PATH_MAX];
	struct bpf_object *obj;
	struct loaded *slot;
	__u64 layout;
	int err;

	if (req_str(r, "name", MAX_OBJ_NAME, 1, &name) ||
	    req_str(r, "path", MAX_PATH_LEN, 1, &path) ||
	    req_str(r, "pin", MAX_PATH_LEN - 300, 0, &pin) ||
	    req_uint(r, "layout", 0, MAX_LAYOUT, 0, &layout) || !(slot = new_slot(r, name)))
		return -1;
	if (pin && !json_get(r->j, "layout"))
		return fail(r, EINVAL, "layout is required with pin (0 = the unversioned maps/)");
	if (pin && maps_dir_path(r, maps_dir, sizeof(maps_dir), pin, layout))
		return -1;
	obj = bpf_object__open_file(path, NULL);
	if (!obj)
		return fail(r, errno, "open %s", path);
	if (pin && set_pin_paths(r, obj, maps_dir, layout)) {
		bpf_object__close(obj);
		return -1;
	}
	if (pin && ((mkdir(pin, 0700) && errno != EEXIST) ||
		    (mkdir(maps_dir, 0700) && errno != EEXIST))) {
		bpf_object__close(obj);
		return fail(r, errno, "mkdir %s", maps_dir);
	}
	/* On failure libbpf unpins the maps it pinned during this load. */
	err = bpf_object__load(obj);
	if (err) {
		bpf_object__close(obj);
		if (pin)
			rmdir(maps_dir); /* only if we made it and it stayed empty */
		return fail(r, -err, "load %s (verifier log on loader stderr)", path);
	}
	if (pin && pin_programs(r, obj, pin)) {
		unpin_all(obj, pin, maps_dir);
		bpf_object__close(obj);
		return -1;
	}
	slot->name = strdup(name);
	slot->obj = obj;
	slot->pin = pin ? strdup(pin) : NULL;
	slot->maps_dir = pin ? strdup(maps_dir) : NULL;
	describe(r->out, obj);
	if (pin) {
		sb_printf(r->out, ",\"layout\":%llu,\"maps_dir\":", (unsigned long long)layout);
		sb_str(r->out, maps_dir);
		pins_list_previous(r, pin, layout);
	}
	return 0;
}

/* {name, dir}: every map pinned in dir, for the map commands (dump, lookup,
 * update, delete, clear, expire...); entries that are not maps are listed in
 * "skipped". */
int cmd_open_pinned(struct req *r)
{
	struct sbuf skipped = { 0 };
	const char *name, *dir;
	struct loaded *slot;

	if (req_str(r, "name", MAX_OBJ_NAME, 1, &name) ||
	    req_str(r, "dir", MAX_PATH_LEN, 1, &dir) || !(slot = new_slot(r, name)))
		return -1;
	if (dir_in_use(dir))
		return fail(r, EBUSY, "%s is already open", dir);
	if (pins_open(r, dir, &slot->set, &skipped)) {
		free(skipped.p);
		return -1;
	}
	slot->name = strdup(name);
	slot->maps_dir = strdup(dir);
	sb_puts(r->out, ",\"maps\":");
	pins_describe(r->out, &slot->set);
	sb_printf(r->out, ",\"skipped\":[%s]", skipped.p ? skipped.p : "");
	free(skipped.p);
	return 0;
}

static void forget_maps(struct bpf_object *obj)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, obj)
		ringbuf_forget(bpf_map__fd(m));
}

/* {name, keep?, remove?}: an object is unpinned unless keep; a pinned set is
 * closed, and with remove its directory is deleted (closed even if that fails). */
int cmd_unload(struct req *r)
{
	struct loaded *l = find_loaded(r);
	size_t removed = 0;
	int keep, remove, rc = 0;
	char *dir;

	if (!l || req_bool(r, "keep", 0, &keep) || req_bool(r, "remove", 0, &remove))
		return -1;
	if (l->obj && remove)
		return fail(r, EINVAL, "remove applies to pinned sets; objects unpin unless keep");
	if (l->obj) {
		if (l->pin && !keep)
			unpin_all(l->obj, l->pin, l->maps_dir);
		forget_maps(l->obj);
		bpf_object__close(l->obj);
	} else {
		pins_close(&l->set);
	}
	dir = l->maps_dir;
	l->maps_dir = NULL; /* closed: no longer in use, so remove may delete it */
	if (remove) {
		rc = pins_remove_dir(r, dir, &removed);
		if (!rc)
			sb_printf(r->out, ",\"removed\":%zu", removed);
	}
	free(dir);
	free(l->name);
	free(l->pin);
	memset(l, 0, sizeof(*l));
	return rc;
}
