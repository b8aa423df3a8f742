/* patronus-loader: a long-lived helper the edge agent drives with one JSON
 * request per line on stdin, one JSON answer per line on stdout:
 *   {"id":1,"cmd":"load","name":"main","path":"build/patronus.bpf.o","pin":"/sys/fs/bpf/x"}
 *   {"id":1,"ok":true,...} | {"id":1,"ok":false,"error":"...: <strerror>","errno":2}
 * Every line gets exactly one answer, valid JSON whatever the line held; bad
 * requests are answered, never fatal. See docs/dataplane.md for the commands. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
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

int err_prefix(struct req *r, const char *fmt, ...)
{
	char msg[sizeof(r->err)];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n > 0 && (size_t)n < sizeof(msg)) {
		size_t len = strlen(r->err), room = sizeof(msg) - n - 1;

		memcpy(msg + n, r->err, len < room ? len : room);
		msg[n + (len < room ? len : room)] = 0;
		memcpy(r->err, msg, sizeof(msg));
	}
	return -1;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int hex_decode(const char *hex, void *out, size_t want)
{
	unsigned char *o = out;

	if (!hex || strlen(hex) != want * 2)
		return -1;
	for (size_t i = 0; i < want; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		o[i] = hi << 4 | lo;
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
	{ "open_pinned", cmd_open_pinned },
	{ "remove_pinned", cmd_remove_pinned },
	{ "now", cmd_now },
	{ "update", cmd_update },
	{ "update_batch", cmd_update_batch },
	{ "lookup", cmd_lookup },
	{ "delete", cmd_delete },
	{ "dump", cmd_dump },
	{ "clear", cmd_clear },
	{ "expire", cmd_expire },
	{ "ringbuf_read", cmd_ringbuf_read },
	{ "ifindex", cmd_ifindex },
	{ "attach_xdp", cmd_attach_xdp },
	{ "detach_xdp", cmd_detach_xdp },
	{ "attach_tc", cmd_attach_tc },
	{ "detach_tc", cmd_detach_tc },
	{ "test_run", cmd_test_run },
};

/* Only integers JavaScript holds exactly are echoed; anything else answers null. */
static void put_id(struct sbuf *out, const struct jval *id)
{
	if (id && id->t == J_NUM && isfinite(id->num) && id->num == trunc(id->num) &&
	    fabs(id->num) <= 9007199254740991.0)
		sb_printf(out, "%lld", (long long)id->num);
	else
		sb_puts(out, "null");
}

static void answer_error(struct sbuf *out, const char *err, int err_no)
{
	sb_puts(out, ",\"ok\":false,\"error\":");
	sb_str(out, err);
	sb_printf(out, ",\"errno\":%d}", err_no);
}

static void handle(const char *line, size_t len, struct sbuf *out)
{
	struct req r = { 0 };
	struct sbuf extra = { 0 };
	struct jval j;
	const char *cmd = NULL;
	int rc = -1;

	out->len = 0;
	sb_puts(out, "{\"id\":");
	if (json_parse(line, len, &j, r.err, sizeof(r.err))) {
		sb_puts(out, "null");
		answer_error(out, r.err, EINVAL);
		return;
	}
	put_id(out, json_get(&j, "id"));
	r.j = &j;
	r.out = &extra;
	if (j.t != J_OBJ)
		fail(&r, EINVAL, "a request must be a JSON object");
	else if (req_str(&r, "cmd", MAX_SYM_NAME, 1, &cmd) == 0) {
		size_t i = 0;

		while (i < sizeof(cmds) / sizeof(cmds[0]) && strcmp(cmds[i].name, cmd))
			i++;
		if (i < sizeof(cmds) / sizeof(cmds[0]))
			rc = cmds[i].fn(&r);
		else
			fail(&r, EINVAL, "unknown cmd '%s'", cmd);
	}
	if (rc == 0) {
		sb_puts(out, ",\"ok\":true");
		if (extra.p)
			sb_put(out, extra.p, extra.len);
		sb_putc(out, '}');
	} else {
		if (r.out_on_fail && extra.p)
			sb_put(out, extra.p, extra.len);
		answer_error(out, r.err, r.err_no);
	}
	free(extra.p);
	json_free(&j);
}

/* Reads stdin in chunks and hands out lines of at most MAX_LINE bytes; the rest
 * of a longer line is skipped as it arrives, never buffered. */
struct line_reader {
	struct sbuf line;
	char chunk[1 << 16];
	size_t pos, end;
	int too_long;
};

/* 1: a line (too_long says whether it was cut), 0: end of input. */
static int next_line(struct line_reader *lr)
{
	lr->line.len = 0;
	lr->too_long = 0;
	for (;;) {
		char *nl;
		size_t n;
		ssize_t got;

		if (lr->pos == lr->end) {
			got = read(STDIN_FILENO, lr->chunk, sizeof(lr->chunk));
			if (got < 0 && errno == EINTR)
				continue;
			if (got <= 0) /* a last line without '\n' still counts */
				return lr->line.len > 0 || lr->too_long;
			lr->pos = 0;
			lr->end = got;
		}
		nl = memchr(lr->chunk + lr->pos, '\n', lr->end - lr->pos);
		n = (nl ? (size_t)(nl - lr->chunk) : lr->end) - lr->pos;
		if (lr->line.len + n > MAX_LINE)
			lr->too_long = 1;
		if (!lr->too_long)
			sb_put(&lr->line, lr->chunk + lr->pos, n);
		lr->pos += n + (nl ? 1 : 0);
		if (nl)
			return 1;
	}
}

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

int main(void)
{
	static struct line_reader lr;
	struct sbuf out = { 0 };

	libbpf_set_print(print_libbpf);
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	while (next_line(&lr)) {
		if (lr.too_long) {
			char msg[64];

			snprintf(msg, sizeof(msg), "request line longer than %d bytes", MAX_LINE);
			out.len = 0;
			sb_puts(&out, "{\"id\":null");
			answer_error(&out, msg, E2BIG);
		} else {
			handle(lr.line.p ? lr.line.p : "", lr.line.len, &out);
		}
		fwrite(out.p, 1, out.len, stdout);
		fputc('\n', stdout);
		fflush(stdout);
	}
	/* stdin closed: the agent is gone. Pins stay (by design) unless unloaded. */
	free(lr.line.p);
	free(out.p);
	return 0;
}
