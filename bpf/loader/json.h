/* A small, strict JSON reader for the loader's request lines (RFC 8259: no NaN,
 * Infinity, leading zeros or '+', hex, trailing commas, raw control characters,
 * invalid UTF-8 or lone surrogates) with limits on depth, values and sizes, and a
 * writer whose every output is valid JSON in valid UTF-8. */
#pragma once
#include <stddef.h>

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

/* Limits of one parsed line; anything beyond is an error, never a crash. */
enum json_limits {
	JSON_MAX_DEPTH = 32,
	JSON_MAX_VALUES = 1 << 20, /* every value, at any depth */
	JSON_MAX_MEMBERS = 64, /* per object: requests have a dozen fields */
	JSON_MAX_NUMBER = 512, /* characters of one number */
};

struct jval {
	enum jtype t;
	double num; /* J_NUM (may be +-inf for huge exponents: callers range-check) */
	char *str; /* J_STR: valid UTF-8, NUL-terminated, no NUL inside */
	size_t n; /* items in J_ARR / J_OBJ */
	size_t cap;
	struct jval *items;
	char **keys; /* J_OBJ, unique */
};

/* Parses exactly `len` bytes (NUL bytes inside are an error). Returns 0, or -1
 * with a message in err. */
int json_parse(const char *s, size_t len, struct jval *out, char *err, size_t errlen);
void json_free(struct jval *v);
struct jval *json_get(const struct jval *obj, const char *key);
/* The string at key, or NULL when absent or not a string. */
const char *json_str(const struct jval *obj, const char *key);

/* Growable output buffer. */
struct sbuf {
	char *p;
	size_t len, cap;
};
void sb_put(struct sbuf *b, const char *s, size_t n);
void sb_putc(struct sbuf *b, char c);
void sb_puts(struct sbuf *b, const char *s);
void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Quoted JSON string: escapes quotes, backslashes and control characters, copies
 * valid UTF-8 and writes U+FFFD for every byte that is not (a message may quote a
 * request, or be cut in the middle of a character). */
void sb_str(struct sbuf *b, const char *s);
void sb_hex(struct sbuf *b, const void *data, size_t n); /* quoted lowercase hex */
