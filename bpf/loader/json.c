#include "json.h"
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DEPTH 32

struct parser {
	const char *s;
	char *err;
	size_t errlen;
};

static void ws(struct parser *p)
{
	while (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r')
		p->s++;
}

static int fail(struct parser *p, const char *msg)
{
	snprintf(p->err, p->errlen, "invalid JSON: %s", msg);
	return -1;
}

static int parse_value(struct parser *p, struct jval *v, int depth);

static int parse_string(struct parser *p, char **out)
{
	struct sbuf b = { 0 };

	p->s++; /* opening quote */
	while (*p->s && *p->s != '"') {
		char c = *p->s++;

		if (c == '\\') {
			char e = *p->s++;

			switch (e) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case '"': case '\\': case '/': c = e; break;
			case 'u': {
				unsigned code = 0;

				for (int i = 0; i < 4; i++) {
					char h = *p->s++;

					code <<= 4;
					if (h >= '0' && h <= '9') code |= h - '0';
					else if (h >= 'a' && h <= 'f') code |= h - 'a' + 10;
					else if (h >= 'A' && h <= 'F') code |= h - 'A' + 10;
					else { free(b.p); return fail(p, "bad \\u escape"); }
				}
				c = code < 0x80 ? (char)code : '?'; /* requests are ASCII */
				break;
			}
			default:
				free(b.p);
				return fail(p, "bad escape");
			}
		}
		sb_putc(&b, c);
	}
	if (*p->s != '"') {
		free(b.p);
		return fail(p, "unterminated string");
	}
	p->s++;
	sb_putc(&b, 0);
	*out = b.p;
	return 0;
}

static int push(struct jval *v, struct jval *item, char *key)
{
	struct jval *items = realloc(v->items, (v->n + 1) * sizeof(*items));

	if (!items)
		return -1;
	v->items = items;
	if (v->t == J_OBJ) {
		char **keys = realloc(v->keys, (v->n + 1) * sizeof(*keys));

		if (!keys)
			return -1;
		v->keys = keys;
		keys[v->n] = key;
	}
	items[v->n++] = *item;
	return 0;
}

static int parse_container(struct parser *p, struct jval *v, int depth, char close)
{
	v->t = close == '}' ? J_OBJ : J_ARR;
	p->s++;
	ws(p);
	if (*p->s == close) {
		p->s++;
		return 0;
	}
	for (;;) {
		struct jval item = { 0 };
		char *key = NULL;

		ws(p);
		if (v->t == J_OBJ) {
			if (*p->s != '"' || parse_string(p, &key))
				return fail(p, "expected key");
			ws(p);
			if (*p->s++ != ':') {
				free(key);
				return fail(p, "expected ':'");
			}
		}
		if (parse_value(p, &item, depth + 1) || push(v, &item, key)) {
			free(key);
			json_free(&item);
			return -1;
		}
		ws(p);
		if (*p->s == ',') {
			p->s++;
			continue;
		}
		if (*p->s == close) {
			p->s++;
			return 0;
		}
		return fail(p, "expected ',' or close");
	}
}

static int parse_value(struct parser *p, struct jval *v, int depth)
{
	if (depth > MAX_DEPTH)
		return fail(p, "too deep");
	ws(p);
	memset(v, 0, sizeof(*v));
	switch (*p->s) {
	case '{': return parse_container(p, v, depth, '}');
	case '[': return parse_container(p, v, depth, ']');
	case '"': v->t = J_STR; return parse_string(p, &v->str);
	case 't': if (strncmp(p->s, "true", 4)) break; v->t = J_BOOL; v->num = 1; p->s += 4; return 0;
	case 'f': if (strncmp(p->s, "false", 5)) break; v->t = J_BOOL; p->s += 5; return 0;
	case 'n': if (strncmp(p->s, "null", 4)) break; v->t = J_NULL; p->s += 4; return 0;
	default: {
		char *end;

		v->num = strtod(p->s, &end);
		if (end == p->s)
			break;
		v->t = J_NUM;
		p->s = end;
		return 0;
	}
	}
	return fail(p, "unexpected character");
}

int json_parse(const char *s, struct jval *out, char *err, size_t errlen)
{
	struct parser p = { s, err, errlen };

	if (parse_value(&p, out, 0)) {
		json_free(out);
		return -1;
	}
	ws(&p);
	if (*p.s) {
		json_free(out);
		return fail(&p, "trailing data");
	}
	return 0;
}

void json_free(struct jval *v)
{
	for (size_t i = 0; i < v->n; i++) {
		json_free(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
	memset(v, 0, sizeof(*v));
}

struct jval *json_get(const struct jval *obj, const char *key)
{
	if (!obj || obj->t != J_OBJ)
		return NULL;
	for (size_t i = 0; i < obj->n; i++)
		if (!strcmp(obj->keys[i], key))
			return &obj->items[i];
	return NULL;
}

const char *json_str(const struct jval *obj, const char *key)
{
	struct jval *v = json_get(obj, key);

	return v && v->t == J_STR ? v->str : NULL;
}

double json_num(const struct jval *obj, const char *key, double def)
{
	struct jval *v = json_get(obj, key);

	return v && v->t == J_NUM ? v->num : def;
}

int json_bool(const struct jval *obj, const char *key, int def)
{
	struct jval *v = json_get(obj, key);

	return v && v->t == J_BOOL ? (int)v->num : def;
}

void sb_putc(struct sbuf *b, char c)
{
	if (b->len + 1 >= b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 256;
		char *p = realloc(b->p, cap);

		if (!p) {
			fputs("{\"ok\":false,\"error\":\"out of memory\"}\n", stdout);
			exit(1);
		}
		b->p = p;
		b->cap = cap;
	}
	b->p[b->len++] = c;
	b->p[b->len] = 0;
}

void sb_puts(struct sbuf *b, const char *s)
{
	while (*s)
		sb_putc(b, *s++);
}

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	sb_puts(b, tmp);
}

void sb_str(struct sbuf *b, const char *s)
{
	sb_putc(b, '"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\') {
			sb_putc(b, '\\');
			sb_putc(b, c);
		} else if (c < 0x20 || c >= 0x7f) {
			sb_printf(b, "\\u%04x", c);
		} else {
			sb_putc(b, c);
		}
	}
	sb_putc(b, '"');
}

void sb_hex(struct sbuf *b, const void *data, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *d = data;

	sb_putc(b, '"');
	for (size_t i = 0; i < n; i++) {
		sb_putc(b, digits[d[i] >> 4]);
		sb_putc(b, digits[d[i] & 15]);
	}
	sb_putc(b, '"');
}
