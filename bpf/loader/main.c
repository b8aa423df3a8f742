/* patronus-loader: a long-lived helper the edge agent drives with one JSON
 * request per line on stdin, one JSON response per line on stdout:
 *   {"id":1,"cmd":"load","name":"main","path":"build/patronus.bpf.o","pin":"/sys/fs/bpf/x"}
 *   {"id":1,"ok":true,...} | {"id":1,"ok":false,"error":"...: <strerror>","errno":2}
 * Bad requests are answered, never fatal. See docs/dataplane.md for the commands. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include "loader.h"

int fail(struct req *r, int err_no, const char *fmt, ...)
{
	va_list ap;
	size_t n;

	va_start(ap, fmt);
	vsnprintf(r->err, sizeof(r->err), fmt, ap);
	va_end(ap);
	r->err_no = err_no;
	n = strlen(r->err);
	if (err_no)
		snprintf(r->err + n, sizeof(r->err) - n, ": %s", strerror(err_no));
	return -1;
}

int hex_decode(const char *hex, void *out, size_t want)
{
	unsigned char *o = out;

	if (!hex || strlen(hex) != want * 2)
		return -1;
	for (size_t i = 0; i < want; i++) {
		unsigned v;

		if (sscanf(hex + 2 * i, "%2x", &v) != 1)
			return -1;
		o[i] = v;
	}
	return 0;
}

static int cmd_now(struct req *r)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts); /* same clock as bpf_ktime_get_ns */
	sb_printf(r->out, ",\"now\":\"%llu\",\"ncpus\":%d",
		  (unsigned long long)ts.tv_sec * 1000000000ULL + ts.tv_nsec,
		  libbpf_num_possible_cpus());
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(struct req *r);
} cmds[] = {
	{ "load", cmd_load },
	{ "unload", cmd_unload },
	{ "now", cmd_now },
	{ "update", cmd_update },
	{ "update_batch", cmd_update_batch },
	{ "lookup", cmd_lookup },
	{ "delete", cmd_delete },
	{ "dump", cmd_dump },
	{ "clear", cmd_clear },
	{ "ringbuf_read", cmd_ringbuf_read },
	{ "attach_xdp", cmd_attach_xdp },
	{ "detach_xdp", cmd_detach_xdp },
	{ "attach_tc", cmd_attach_tc },
	{ "detach_tc", cmd_detach_tc },
	{ "test_run", cmd_test_run },
};

static void handle(const char *line, struct sbuf *out)
{
	struct req r = { 0 };
	struct jval j;
	struct jval *id;
	const char *cmd;
	int rc = -1, found = 0;
	struct sbuf extra = { 0 };

	out->len = 0;
	sb_puts(out, "{\"id\":");
	if (json_parse(line, &j, r.err, sizeof(r.err))) {
		sb_puts(out, "null,\"ok\":false,\"error\":");
		sb_str(out, r.err);
		sb_puts(out, ",\"errno\":22}");
		return;
	}
	id = json_get(&j, "id");
	if (id && id->t == J_NUM)
		sb_printf(out, "%.0f", id->num);
	else
		sb_puts(out, "null");
	r.j = &j;
	r.out = &extra;
	cmd = json_str(&j, "cmd");
	for (size_t i = 0; cmd && i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (!strcmp(cmds[i].name, cmd)) {
			found = 1;
			rc = cmds[i].fn(&r);
			break;
		}
	}
	if (!found)
		fail(&r, EINVAL, "unknown cmd '%s'", cmd ? cmd : "");
	if (rc == 0) {
		sb_puts(out, ",\"ok\":true");
		if (extra.p)
			sb_puts(out, extra.p);
		sb_putc(out, '}');
	} else {
		sb_puts(out, ",\"ok\":false,\"error\":");
		sb_str(out, r.err);
		sb_printf(out, ",\"errno\":%d}", r.err_no);
	}
	free(extra.p);
	json_free(&j);
}

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int main(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t n;
	struct sbuf out = { 0 };

	libbpf_set_print(print_libbpf);
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	while ((n = getline(&line, &cap, stdin)) > 0) {
		if (n == 1 && line[0] == '\n')
			continue;
		handle(line, &out);
		fputs(out.p, stdout);
		fputc('\n', stdout);
		fflush(stdout);
	}
	/* stdin closed: the agent is gone. Pins stay (by design) unless unloaded. */
	free(line);
	free(out.p);
	return 0;
}
