/* A deliberately small JSON reader for the loader's request lines: enough for
 * objects, arrays, strings, numbers, booleans and null; depth-limited. */
#pragma once
#include <stddef.h>

enum jtype { J_NULL, J_BOOL, J_NUM, J_STR, J_ARR, J_OBJ };

struct jval {
	enum jtype t;
	double num;
	char *str; /* J_STR */
	size_t n; /* items in J_ARR / J_OBJ */
	struct jval *items;
	char **keys; /* J_OBJ */
};

/* Returns 0 on success; on failure writes a message into err. */
int json_parse(const char *s, struct jval *out, char *err, size_t errlen);
void json_free(struct jval *v);
struct jval *json_get(const struct jval *obj, const char *key);
const char *json_str(const struct jval *obj, const char *key);
/* Missing or non-numeric -> def. */
double json_num(const struct jval *obj, const char *key, double def);
int json_bool(const struct jval *obj, const char *key, int def);

/* Growable output buffer with JSON string escaping. */
struct sbuf {
	char *p;
	size_t len, cap;
};
void sb_putc(struct sbuf *b, char c);
void sb_puts(struct sbuf *b, const char *s);
void sb_printf(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_str(struct sbuf *b, const char *s); /* quoted and escaped */
void sb_hex(struct sbuf *b, const void *data, size_t n); /* quoted lowercase hex */
