/* Loaded objects by name: load (open, load, pin), unload (unpin, close), and the
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

static struct {
	char *name;
	char *pin;
	struct bpf_object *obj;
} objs[MAX_OBJS];

struct bpf_object *find_obj(struct req *r)
{
	const char *name;

	if (req_str(r, "name", MAX_OBJ_NAME, 1, &name))
		return NULL;
	for (int i = 0; i < MAX_OBJS; i++)
		if (objs[i].name && !strcmp(objs[i].name, name))
			return objs[i].obj;
	fail(r, ENOENT, "no loaded object named '%s'", name);
	return NULL;
}

int find_map(struct req *r, struct map_ref *ref)
{
	struct bpf_object *obj = find_obj(r);
	const char *map;
	struct bpf_map *m;

	if (!obj || req_str(r, "map", MAX_SYM_NAME, 1, &map))
		return -1;
	m = bpf_object__find_map_by_name(obj, map);
	if (!m)
		return fail(r, ENOENT, "no map '%s'", map);
	ref->fd = bpf_map__fd(m);
	ref->name = bpf_map__name(m);
	ref->type = bpf_map__type(m);
	ref->key_size = bpf_map__key_size(m);
	ref->value_size = bpf_map__value_size(m);
	ref->max_entries = bpf_map__max_entries(m);
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

static void describe(struct sbuf *o, struct bpf_object *obj)
{
	struct bpf_program *p;
	struct bpf_map *m;
	int first = 1;

	sb_puts(o, ",\"maps\":{");
	bpf_object__for_each_map(m, obj) {
		sb_puts(o, first ? "" : ",");
		sb_str(o, bpf_map__name(m));
		sb_printf(o, ":{\"type\":%d,\"key_size\":%u,\"value_size\":%u,\"max_entries\":%u}",
			  bpf_map__type(m), bpf_map__key_size(m), bpf_map__value_size(m),
			  bpf_map__max_entries(m));
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

static void unpin_all(struct bpf_object *obj, const char *pin)
{
	char path[PATH_MAX];
	struct bpf_program *p;

	bpf_object__unpin_maps(obj, NULL);
	bpf_object__for_each_program(p, obj) {
		if (snprintf(path, sizeof(path), "%s/%s", pin, bpf_program__name(p)) <
		    (int)sizeof(path))
			unlink(path);
	}
	snprintf(path, sizeof(path), "%s/maps", pin);
	rmdir(path);
	rmdir(pin);
}

int cmd_load(struct req *r)
{
	const char *name, *path, *pin;
	char md[PATH_MAX];
	struct bpf_object *obj;
	struct bpf_program *p;
	struct bpf_map *m;
	int slot = -1, err;

	if (req_str(r, "name", MAX_OBJ_NAME, 1, &name) ||
	    req_str(r, "path", MAX_PATH_LEN, 1, &path) ||
	    req_str(r, "pin", MAX_PATH_LEN - 300, 0, &pin))
		return -1;
	for (int i = 0; i < MAX_OBJS; i++) {
		if (objs[i].name && !strcmp(objs[i].name, name))
			return fail(r, EEXIST, "object '%s' already loaded", name);
		if (!objs[i].name && slot < 0)
			slot = i;
	}
	if (slot < 0)
		return fail(r, ENOSPC, "too many objects (at most %d)", MAX_OBJS);
	if (pin && req_path(r, md, sizeof(md), "%s/maps", pin))
		return -1;
	obj = bpf_object__open_file(path, NULL);
	if (!obj)
		return fail(r, errno, "open %s", path);
	if (pin && mkdir(pin, 0700) && errno != EEXIST) {
		bpf_object__close(obj);
		return fail(r, errno, "mkdir %s", pin);
	}
	/* With pin paths set, libbpf reuses maps already pinned there (an agent or
	 * helper restart keeps conntrack, policy and counters) and pins new ones. */
	bpf_object__for_each_map(m, obj) {
		char mp[PATH_MAX];

		/* .rodata & co are per-object constants: never shared, never pinned */
		if (!pin || bpf_map__is_internal(m))
			continue;
		if (req_path(r, mp, sizeof(mp), "%s/%s", md, bpf_map__name(m)) ||
		    bpf_map__set_pin_path(m, mp)) {
			bpf_object__close(obj);
			return fail(r, ENAMETOOLONG, "pin path %s/%s", md, bpf_map__name(m));
		}
	}
	if (pin && mkdir(md, 0700) && errno != EEXIST) {
		bpf_object__close(obj);
		return fail(r, errno, "mkdir %s", md);
	}
	err = bpf_object__load(obj);
	if (err) {
		bpf_object__close(obj);
		return fail(r, -err, "load %s (verifier log on loader stderr)", path);
	}
	if (pin) {
		char pp[PATH_MAX];

		err = 0;
		bpf_object__for_each_program(p, obj) {
			if (err)
				break;
			if (req_path(r, pp, sizeof(pp), "%s/%s", pin, bpf_program__name(p))) {
				err = -ENAMETOOLONG;
				break;
			}
			unlink(pp); /* a previous helper's pin of the old program */
			err = bpf_program__pin(p, pp);
		}
		if (err) {
			unpin_all(obj, pin);
			bpf_object__close(obj);
			return fail(r, -err, "pin under %s", pin);
		}
	}
	objs[slot].name = strdup(name);
	objs[slot].pin = pin ? strdup(pin) : NULL;
	objs[slot].obj = obj;
	describe(r->out, obj);
	return 0;
}

int cmd_unload(struct req *r)
{
	const char *name;
	int keep;

	if (req_str(r, "name", MAX_OBJ_NAME, 1, &name) || req_bool(r, "keep", 0, &keep))
		return -1;
	for (int i = 0; i < MAX_OBJS; i++) {
		if (!objs[i].name || strcmp(objs[i].name, name))
			continue;
		/* keep: leave maps and programs pinned for the next helper to reuse */
		if (objs[i].pin && !keep)
			unpin_all(objs[i].obj, objs[i].pin);
		bpf_object__close(objs[i].obj);
		free(objs[i].name);
		free(objs[i].pin);
		memset(&objs[i], 0, sizeof(objs[i]));
		return 0;
	}
	return fail(r, ENOENT, "no loaded object named '%s'", name);
}
