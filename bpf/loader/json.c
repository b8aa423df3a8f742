#include "json.h"
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct parser {
	const char *start, *s, *end;
	size_t values;
	char *err;
	size_t errlen;
};

static int fail(struct parser *p, const char *msg)
{
	snprintf(p->err, p->errlen, "invalid JSON at byte %zu: %s", (size_t)(p->s - p->start), msg);
	return -1;
}

static int more(struct parser *p)
{
	return p->s < p->end;
}

static void ws(struct parser *p)
{
	while (more(p) && (*p->s == ' ' || *p->s == '\t' || *p->s == '\n' || *p->s == '\r'))
		p->s++;
}

/* Length of the well-formed UTF-8 sequence at s (1..4), or 0: rejects overlong
 * forms, encoded surrogates and code points above U+10FFFF. */
static size_t utf8_seq(const unsigned char *s, size_t avail)
{
	unsigned c = s[0], cp;
	size_t n;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		n = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		n = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if (avail < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

static void put_utf8(struct sbuf *b, unsigned cp)
{
	if (cp < 0x80) {
		sb_putc(b, cp);
	} else if (cp < 0x800) {
		sb_putc(b, 0xc0 | cp >> 6);
		sb_putc(b, 0x80 | (cp & 0x3f));
	} else if (cp < 0x10000) {
		sb_putc(b, 0xe0 | cp >> 12);
		sb_putc(b, 0x80 | ((cp >> 6) & 0x3f));
		sb_putc(b, 0x80 | (cp & 0x3f));
	} else {
		sb_putc(b, 0xf0 | cp >> 18);
		sb_putc(b, 0x80 | ((cp >> 12) & 0x3f));
		sb_putc(b, 0x80 | ((cp >> 6) & 0x3f));
		sb_putc(b, 0x80 | (cp & 0x3f));
	}
}

static int hex4(struct parser *p, unsigned *out)
{
	unsigned v = 0;

	if (p->end - p->s < 4)
		return fail(p, "bad \\u escape");
	for (int i = 0; i < 4; i++) {
		char h = *p->s++;

		v <<= 4;
		if (h >= '0' && h <= '9')
			v |= h - '0';
		else if (h >= 'a' && h <= 'f')
			v |= h - 'a' + 10;
		else if (h >= 'A' && h <= 'F')
			v |= h - 'A' + 10;
		else
			return fail(p, "bad \\u escape");
	}
	*out = v;
	return 0;
}

/* \uXXXX, with a surrogate pair for code points above U+FFFF. */
static int parse_u_escape(struct parser *p, struct sbuf *b)
{
	unsigned cp, lo;

	if (hex4(p, &cp))
		return -1;
	if (cp == 0)
		return fail(p, "\\u0000 is not allowed in strings");
	if (cp >= 0xdc00 && cp <= 0xdfff)
		return fail(p, "lone low surrogate");
	if (cp >= 0xd800 && cp <= 0xdbff) {
		if (p->end - p->s < 2 || p->s[0] != '\\' || p->s[1] != 'u')
			return fail(p, "lone high surrogate");
		p->s += 2;
		if (hex4(p, &lo))
			return -1;
		if (lo < 0xdc00 || lo > 0xdfff)
			return fail(p, "lone high surrogate");
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	}
	put_utf8(b, cp);
	return 0;
}

static int parse_string_into(struct parser *p, struct sbuf *b)
{
	p->s++; /* opening quote */
	for (;;) {
		unsigned char c;
		size_t n;

		if (!more(p))
			return fail(p, "unterminated string");
		c = *p->s;
		if (c == '"') {
			p->s++;
			sb_putc(b, 0);
			return 0;
		}
		if (c < 0x20)
			return fail(p, c ? "control character in string" : "NUL byte in string");
		if (c != '\\') {
			n = utf8_seq((const unsigned char *)p->s, p->end - p->s);
			if (!n)
				return fail(p, "invalid UTF-8 in string");
			sb_put(b, p->s, n);
			p->s += n;
			continue;
		}
		if (p->end - p->s < 2)
			return fail(p, "unterminated string");
		p->s += 2;
		switch (p->s[-1]) {
		case 'n': sb_putc(b, '\n'); break;
		case 't': sb_putc(b, '\t'); break;
		case 'r': sb_putc(b, '\r'); break;
		case 'b': sb_putc(b, '\b'); break;
		case 'f': sb_putc(b, '\f'); break;
		case '"': sb_putc(b, '"'); break;
		case '\\': sb_putc(b, '\\'); break;
		case '/': sb_putc(b, '/'); break;
		case 'u':
			if (parse_u_escape(p, b))
				return -1;
			break;
		default:
			return fail(p, "bad escape");
		}
	}
}

static int parse_string(struct parser *p, char **out)
{
	struct sbuf b = { 0 };

	if (parse_string_into(p, &b)) {
		free(b.p);
		return -1;
	}
	*out = b.p;
	return 0;
}

/* number = [ "-" ] ( "0" / [1-9] *DIGIT ) [ "." 1*DIGIT ] [ ( "e" / "E" ) [ "+" / "-" ] 1*DIGIT ] */
static int parse_number(struct parser *p, struct jval *v)
{
	const char *start = p->s;
	char tmp[JSON_MAX_NUMBER + 1];

#define DIGIT() (more(p) && *p->s >= '0' && *p->s <= '9')
	if (more(p) && *p->s == '-')
		p->s++;
	if (!DIGIT())
		return fail(p, "unexpected character");
	if (*p->s++ != '0')
		while (DIGIT())
			p->s++;
	if (more(p) && *p->s == '.') {
		p->s++;
		if (!DIGIT())
			return fail(p, "digit expected after '.'");
		while (DIGIT())
			p->s++;
	}
	if (more(p) && (*p->s == 'e' || *p->s == 'E')) {
		p->s++;
		if (more(p) && (*p->s == '+' || *p->s == '-'))
			p->s++;
		if (!DIGIT())
			return fail(p, "digit expected in exponent");
		while (DIGIT())
			p->s++;
	}
#undef DIGIT
	if (p->s - start > JSON_MAX_NUMBER)
		return fail(p, "number too long");
	/* A bounded copy: strtod must see exactly the token (it also knows hex, nan) */
	memcpy(tmp, start, p->s - start);
	tmp[p->s - start] = 0;
	v->t = J_NUM;
	v->num = strtod(tmp, NULL); /* overflow gives +-inf, which range checks reject */
	return 0;
}

static int parse_value(struct parser *p, struct jval *v, int depth);

static int push(struct jval *v, struct jval *item, char *key)
{
	if (v->n == v->cap) {
		size_t cap = v->cap ? v->cap * 2 : 4;
		struct jval *items = realloc(v->items, cap * sizeof(*items));

		if (!items)
			return -1;
		v->items = items;
		if (v->t == J_OBJ) {
			char **keys = realloc(v->keys, cap * sizeof(*keys));

			if (!keys)
				return -1;
			v->keys = keys;
		}
		v->cap = cap;
	}
	if (v->t == J_OBJ)
		v->keys[v->n] = key;
	v->items[v->n++] = *item;
	return 0;
}

static int parse_member_key(struct parser *p, struct jval *obj, char **key)
{
	if (!more(p) || *p->s != '"')
		return fail(p, "expected a string key");
	if (parse_string(p, key))
		return -1;
	if (obj->n >= JSON_MAX_MEMBERS || json_get(obj, *key)) {
		free(*key);
		return fail(p, obj->n >= JSON_MAX_MEMBERS ? "too many members in an object"
							  : "duplicate key");
	}
	ws(p);
	if (!more(p) || *p->s != ':') {
		free(*key);
		return fail(p, "expected ':'");
	}
	p->s++;
	return 0;
}

static int parse_container(struct parser *p, struct jval *v, int depth, char close)
{
	v->t = close == '}' ? J_OBJ : J_ARR;
	p->s++;
	ws(p);
	if (more(p) && *p->s == close) {
		p->s++;
		return 0;
	}
	for (;;) {
		struct jval item = { 0 };
		char *key = NULL;

		ws(p);
		if (v->t == J_OBJ && parse_member_key(p, v, &key))
			return -1;
		if (parse_value(p, &item, depth + 1) || push(v, &item, key)) {
			free(key);
			json_free(&item);
			return -1;
		}
		ws(p);
		if (more(p) && *p->s == ',') {
			p->s++;
			continue;
		}
		if (more(p) && *p->s == close) {
			p->s++;
			return 0;
		}
		return fail(p, close == '}' ? "expected ',' or '}'" : "expected ',' or ']'");
	}
}

static int literal(struct parser *p, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(p->end - p->s) < n || memcmp(p->s, word, n))
		return fail(p, "unexpected character");
	p->s += n;
	return 0;
}

static int parse_value(struct parser *p, struct jval *v, int depth)
{
	memset(v, 0, sizeof(*v));
	if (depth > JSON_MAX_DEPTH)
		return fail(p, "nested too deep");
	if (++p->values > JSON_MAX_VALUES)
		return fail(p, "too many values");
	ws(p);
	if (!more(p))
		return fail(p, "unexpected end");
	switch (*p->s) {
	case '{': return parse_container(p, v, depth, '}');
	case '[': return parse_container(p, v, depth, ']');
	case '"': v->t = J_STR; return parse_string(p, &v->str);
	case 't': v->t = J_BOOL; v->num = 1; return literal(p, "true");
	case 'f': v->t = J_BOOL; return literal(p, "false");
	case 'n': v->t = J_NULL; return literal(p, "null");
	default: return parse_number(p, v);
	}
}

int json_parse(const char *s, size_t len, struct jval *out, char *err, size_t errlen)
{
	struct parser p = { s, s, s + len, 0, err, errlen };

	if (parse_value(&p, out, 0)) {
		json_free(out);
		return -1;
	}
	ws(&p);
	if (more(&p)) {
		json_free(out);
		return fail(&p, *p.s ? "trailing data" : "NUL byte");
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

static void reserve(struct sbuf *b, size_t n)
{
	size_t cap = b->cap ? b->cap : 256;
	char *p;

	if (b->len + n + 1 <= b->cap)
		return;
	while (cap < b->len + n + 1)
		cap *= 2;
	p = realloc(b->p, cap);
	if (!p) {
		/* Sizes are bounded, so this is the machine, not the request. */
		fputs("{\"id\":null,\"ok\":false,\"error\":\"loader out of memory\",\"errno\":12}\n",
		      stdout);
		exit(1);
	}
	b->p = p;
	b->cap = cap;
}

void sb_put(struct sbuf *b, const char *s, size_t n)
{
	reserve(b, n);
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = 0;
}

void sb_putc(struct sbuf *b, char c)
{
	sb_put(b, &c, 1);
}

void sb_puts(struct sbuf *b, const char *s)
{
	sb_put(b, s, strlen(s));
}

void sb_printf(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(NULL, 0, fmt, ap);
	va_end(ap);
	if (n <= 0)
		return;
	reserve(b, n);
	va_start(ap, fmt);
	vsnprintf(b->p + b->len, n + 1, fmt, ap);
	va_end(ap);
	b->len += n;
}

void sb_str(struct sbuf *b, const char *s)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t left = strlen(s);

	sb_putc(b, '"');
	while (left) {
		size_t n = utf8_seq(u, left); /* 1 for ASCII, 0 for a byte that is not UTF-8 */

		if (*u == '"' || *u == '\\') {
			sb_putc(b, '\\');
			sb_putc(b, *u);
		} else if (*u < 0x20 || *u == 0x7f) {
			sb_printf(b, "\\u%04x", *u);
		} else if (n) {
			sb_put(b, (const char *)u, n);
		} else {
			sb_puts(b, "\\ufffd");
			n = 1;
		}
		u += n;
		left -= n;
	}
	sb_putc(b, '"');
}

void sb_hex(struct sbuf *b, const void *data, size_t n)
{
	static const char digits[] = "0123456789abcdef";
	const unsigned char *d = data;
	char *o;

	reserve(b, 2 * n + 2);
	o = b->p + b->len;
	*o++ = '"';
	for (size_t i = 0; i < n; i++) {
		*o++ = digits[d[i] >> 4];
		*o++ = digits[d[i] & 15];
	}
	*o++ = '"';
	b->len = o - b->p;
	b->p[b->len] = 0;
}
