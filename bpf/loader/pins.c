/* Versioned pin directories. An object loaded with pin P and layout N keeps its
 * maps in P/maps-vN/<map> (layout 0 is the unversioned P/maps/ of releases before
 * layout versions). A map set pinned by another version is never reused: load
 * lists it under "previous", open_pinned opens it as a pseudo-object for the agent
 * to migrate from, and remove_pinned (or unload with remove) deletes it. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "loader.h"

int maps_dir_path(struct req *r, char *buf, size_t size, const char *pin, long layout)
{
	if (layout == 0)
		return req_path(r, buf, size, "%s/maps", pin);
	return req_path(r, buf, size, "%s/maps-v%ld", pin, layout);
}

/* "maps" -> 0, "maps-v<N>" -> N (digits only, no leading zero), else -1. */
long maps_dir_version(const char *name)
{
	long v = 0;

	if (!strcmp(name, "maps"))
		return 0;
	if (strncmp(name, "maps-v", 6) || !name[6] || (name[6] == '0' && name[7]))
		return -1;
	for (const char *c = name + 6; *c; c++) {
		if (*c < '0' || *c > '9' || v > MAX_LAYOUT / 10)
			return -1;
		v = v * 10 + (*c - '0');
	}
	return v <= MAX_LAYOUT ? v : -1;
}

/* An fd from bpf_obj_get may be a map, a program or a link. */
static int is_map_fd(int fd)
{
	char path[64], link[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	n = readlink(path, link, sizeof(link) - 1);
	if (n < 0)
		return 0;
	link[n] = 0;
	return !strcmp(link, "anon_inode:bpf-map");
}

/* Opens the map pinned at path: fd >= 0 with info, -1 with errno (EINVAL: not a map). */
static int open_map_pin(const char *path, struct bpf_map_info *info)
{
	__u32 len = sizeof(*info);
	int fd = bpf_obj_get(path);

	if (fd < 0)
		return -1;
	memset(info, 0, sizeof(*info));
	if (!is_map_fd(fd) || bpf_obj_get_info_by_fd(fd, info, &len)) {
		close(fd);
		errno = EINVAL;
		return -1;
	}
	return fd;
}

/* libbpf reuses a pinned map only when these match; checked first so that a
 * mismatch is a clear error and nothing gets created or pinned. */
int pins_check_reuse(struct req *r, struct bpf_object *obj, long layout)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, obj) {
		const char *path = bpf_map__pin_path(m);
		struct bpf_map_info info;
		const char *what = NULL;
		__u64 pinned = 0, want = 0;
		int fd;

		if (!path)
			continue;
		fd = open_map_pin(path, &info);
		if (fd < 0 && errno == ENOENT)
			continue; /* not pinned yet: libbpf creates and pins it */
		if (fd < 0)
			return fail(r, errno, "%s is not a usable map pin", path);
		close(fd);
#define CMP(field, value)                                                  \
	if (!what && info.field != (value)) {                              \
		what = #field, pinned = info.field, want = (value);        \
	}
		CMP(type, bpf_map__type(m));
		CMP(key_size, bpf_map__key_size(m));
		CMP(value_size, bpf_map__value_size(m));
		CMP(max_entries, bpf_map__max_entries(m));
		CMP(map_flags, bpf_map__map_flags(m));
#undef CMP
		if (what)
			return fail(r, EINVAL,
				    "pinned map %s does not match the object (%s %llu pinned, %llu in "
				    "the object) though both are layout %ld: a layout change needs a new "
				    "DP_LAYOUT_VERSION and a migration",
				    path, what, (unsigned long long)pinned, (unsigned long long)want,
				    layout);
	}
	return 0;
}

static void describe_info(struct sbuf *o, const char *name, const struct bpf_map_info *i)
{
	sb_str(o, name);
	sb_printf(o,
		  ":{\"type\":%u,\"key_size\":%u,\"value_size\":%u,\"max_entries\":%u,\"flags\":%u}",
		  i->type, i->key_size, i->value_size, i->max_entries, i->map_flags);
}

/* Opens every map pinned directly in dir. Other entries (programs, links,
 * directories, anything unreadable) are named in `skipped`, not fatal. */
int pins_open(struct req *r, const char *dir, struct pin_set *set, struct sbuf *skipped)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	int first = 1;

	memset(set, 0, sizeof(*set));
	if (!d)
		return fail(r, errno, "open %s", dir);
	set->maps = calloc(MAX_SET_MAPS, sizeof(*set->maps));
	if (!set->maps) {
		closedir(d);
		return fail(r, ENOMEM, "open %s", dir);
	}
	while ((e = readdir(d))) {
		struct pinned_map *pm = &set->maps[set->n];
		char path[PATH_MAX];

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (set->n == MAX_SET_MAPS) {
			closedir(d);
			pins_close(set);
			return fail(r, E2BIG, "more than %d entries in %s", MAX_SET_MAPS, dir);
		}
		if (strlen(e->d_name) > MAX_SYM_NAME ||
		    snprintf(path, sizeof(path), "%s/%s", dir, e->d_name) >= (int)sizeof(path) ||
		    (pm->fd = open_map_pin(path, &pm->info)) < 0) {
			sb_puts(skipped, first ? "" : ",");
			sb_str(skipped, e->d_name);
			first = 0;
			continue;
		}
		pm->name = strdup(e->d_name);
		set->n++;
	}
	closedir(d);
	return 0;
}

void pins_close(struct pin_set *set)
{
	for (size_t i = 0; i < set->n; i++) {
		ringbuf_forget(set->maps[i].fd);
		close(set->maps[i].fd);
		free(set->maps[i].name);
	}
	free(set->maps);
	memset(set, 0, sizeof(*set));
}

void pins_describe(struct sbuf *o, const struct pin_set *set)
{
	sb_puts(o, "{");
	for (size_t i = 0; i < set->n; i++) {
		sb_puts(o, i ? "," : "");
		describe_info(o, set->maps[i].name, &set->maps[i].info);
	}
	sb_puts(o, "}");
}

/* ,"previous":[{"version":N,"dir":...,"maps":{...},"skipped":[...]}...]: every
 * other version's map set under pin (at most 16, lowest versions first listed
 * as found). */
void pins_list_previous(struct req *r, const char *pin, long layout)
{
	DIR *d = opendir(pin);
	struct dirent *e;
	int listed = 0;

	sb_puts(r->out, ",\"previous\":[");
	while (d && (e = readdir(d)) && listed < 16) {
		long v = maps_dir_version(e->d_name);
		struct sbuf skipped = { 0 };
		struct req scratch = { 0 };
		char dir[PATH_MAX];
		struct pin_set set;

		if (v < 0 || v == layout ||
		    snprintf(dir, sizeof(dir), "%s/%s", pin, e->d_name) >= (int)sizeof(dir))
			continue;
		sb_printf(r->out, "%s{\"version\":%ld,\"dir\":", listed++ ? "," : "", v);
		sb_str(r->out, dir);
		if (pins_open(&scratch, dir, &set, &skipped)) {
			sb_puts(r->out, ",\"maps\":{},\"error\":");
			sb_str(r->out, scratch.err);
		} else {
			sb_puts(r->out, ",\"maps\":");
			pins_describe(r->out, &set);
			pins_close(&set);
		}
		sb_printf(r->out, ",\"skipped\":[%s]}", skipped.p ? skipped.p : "");
		free(skipped.p);
	}
	if (d)
		closedir(d);
	sb_puts(r->out, "]");
}

/* bpffs holds only pins and directories, so removing a tree there never deletes
 * a file's data; the depth limit guards against a maliciously deep tree. */
static int remove_tree(struct req *r, const char *dir, int depth, size_t *removed)
{
	DIR *d;
	struct dirent *e;
	int rc = 0;

	if (depth > 4)
		return fail(r, ELOOP, "%s is nested too deep", dir);
	d = opendir(dir);
	if (!d)
		return fail(r, errno, "open %s", dir);
	while (!rc && (e = readdir(d))) {
		char path[PATH_MAX];
		struct stat st;

		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		if (req_path(r, path, sizeof(path), "%s/%s", dir, e->d_name))
			rc = -1;
		else if (lstat(path, &st))
			rc = fail(r, errno, "stat %s", path);
		else if (S_ISDIR(st.st_mode))
			rc = remove_tree(r, path, depth + 1, removed);
		else if (unlink(path))
			rc = fail(r, errno, "unlink %s", path);
		else
			(*removed)++;
	}
	closedir(d);
	if (!rc && rmdir(dir))
		rc = fail(r, errno, "rmdir %s", dir);
	return rc;
}

int pins_remove_dir(struct req *r, const char *dir, size_t *removed)
{
	const char *base = strrchr(dir, '/');
	struct statfs fs;

	*removed = 0;
	if (!base || maps_dir_version(base + 1) < 0)
		return fail(r, EINVAL, "%s is not a map set directory (.../maps or .../maps-v<N>)", dir);
	if (statfs(dir, &fs))
		return fail(r, errno, "%s", dir);
	if (fs.f_type != BPF_FS_MAGIC)
		return fail(r, EINVAL, "%s is not on bpffs", dir);
	if (dir_in_use(dir))
		return fail(r, EBUSY, "%s belongs to a loaded object or an open set", dir);
	return remove_tree(r, dir, 0, removed);
}

int cmd_remove_pinned(struct req *r)
{
	const char *dir;
	size_t removed;

	if (req_str(r, "dir", MAX_PATH_LEN, 1, &dir) || pins_remove_dir(r, dir, &removed))
		return -1;
	sb_printf(r->out, ",\"removed\":%zu", removed);
	return 0;
}
