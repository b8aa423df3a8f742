/* Loaded objects by name: load (open, load, pin), unload (unpin, close), and the
 * name -> object/map/program lookups every other command starts with. */
#include <errno.h>
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
	const char *name = json_str(r->j, "name");

	for (int i = 0; name && i < MAX_OBJS; i++)
		if (objs[i].name && !strcmp(objs[i].name, name))
			return objs[i].obj;
	fail(r, ENOENT, "no loaded object named '%s'", name ? name : "");
	return NULL;
}

struct bpf_map *find_map(struct req *r)
{
	struct bpf_object *obj = find_obj(r);
	const char *map = json_str(r->j, "map");
	struct bpf_map *m;

	if (!obj)
		return NULL;
	m = map ? bpf_object__find_map_by_name(obj, map) : NULL;
	if (!m)
		fail(r, ENOENT, "no map '%s'", map ? map : "");
	return m;
}

struct bpf_program *find_prog(struct req *r)
{
	struct bpf_object *obj = find_obj(r);
	const char *prog = json_str(r->j, "prog");
	struct bpf_program *p;

	if (!obj)
		return NULL;
	p = prog ? bpf_object__find_program_by_name(obj, prog) : NULL;
	if (!p)
		fail(r, ENOENT, "no program '%s'", prog ? prog : "");
	return p;
}

static void describe(struct sbuf *o, struct bpf_object *obj)
{
	struct bpf_program *p;
	struct bpf_map *m;
	int first = 1;

	sb_puts(o, ",\"maps\":{");
	bpf_object__for_each_map(m, obj) {
		sb_printf(o, "%s\"%s\":{\"type\":%d,\"key_size\":%u,\"value_size\":%u,\"max_entries\":%u}",
			  first ? "" : ",", bpf_map__name(m), bpf_map__type(m), bpf_map__key_size(m),
			  bpf_map__value_size(m), bpf_map__max_entries(m));
		first = 0;
	}
	sb_puts(o, "},\"progs\":[");
	first = 1;
	bpf_object__for_each_program(p, obj) {
		sb_printf(o, "%s\"%s\"", first ? "" : ",", bpf_program__name(p));
		first = 0;
	}
	sb_puts(o, "]");
}

static void unpin_all(struct bpf_object *obj, const char *pin)
{
	char path[512];
	struct bpf_program *p;

	bpf_object__unpin_maps(obj, NULL);
	bpf_object__for_each_program(p, obj) {
		snprintf(path, sizeof(path), "%s/%s", pin, bpf_program__name(p));
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/maps", pin);
	rmdir(path);
	rmdir(pin);
}

int cmd_load(struct req *r)
{
	const char *name = json_str(r->j, "name"), *path = json_str(r->j, "path");
	const char *pin = json_str(r->j, "pin");
	struct bpf_object *obj;
	struct bpf_program *p;
	struct bpf_map *m;
	int slot = -1, err;

	if (!name || !path)
		return fail(r, EINVAL, "load needs name and path");
	for (int i = 0; i < MAX_OBJS; i++) {
		if (objs[i].name && !strcmp(objs[i].name, name))
			return fail(r, EEXIST, "object '%s' already loaded", name);
		if (!objs[i].name && slot < 0)
			slot = i;
	}
	if (slot < 0)
		return fail(r, ENOSPC, "too many objects");
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
		char mp[512];

		/* .rodata & co are per-object constants: never shared, never pinned */
		if (!pin || bpf_map__is_internal(m))
			continue;
		snprintf(mp, sizeof(mp), "%s/maps/%s", pin, bpf_map__name(m));
		if (bpf_map__set_pin_path(m, mp)) {
			bpf_object__close(obj);
			return fail(r, ENAMETOOLONG, "pin path %s", mp);
		}
	}
	if (pin) {
		char md[512];

		snprintf(md, sizeof(md), "%s/maps", pin);
		if (mkdir(md, 0700) && errno != EEXIST) {
			bpf_object__close(obj);
			return fail(r, errno, "mkdir %s", md);
		}
	}
	err = bpf_object__load(obj);
	if (err) {
		bpf_object__close(obj);
		return fail(r, -err, "load %s (verifier log on loader stderr)", path);
	}
	if (pin) {
		char path2[512];

		snprintf(path2, sizeof(path2), "%s/maps", pin);
		err = 0;
		bpf_object__for_each_program(p, obj) {
			if (err)
				break;
			snprintf(path2, sizeof(path2), "%s/%s", pin, bpf_program__name(p));
			unlink(path2); /* a previous helper's pin of the old program */
			err = bpf_program__pin(p, path2);
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
	const char *name = json_str(r->j, "name");

	for (int i = 0; name && i < MAX_OBJS; i++) {
		if (!objs[i].name || strcmp(objs[i].name, name))
			continue;
		/* keep: leave maps and programs pinned for the next helper to reuse */
		if (objs[i].pin && !json_bool(r->j, "keep", 0))
			unpin_all(objs[i].obj, objs[i].pin);
		bpf_object__close(objs[i].obj);
		free(objs[i].name);
		free(objs[i].pin);
		memset(&objs[i], 0, sizeof(objs[i]));
		return 0;
	}
	return fail(r, ENOENT, "no loaded object named '%s'", name ? name : "");
}

