/* Typed, bounded access to request fields. A field that is present must have the
 * right type and range: a number like 1e400 or 4294967296 is an error, never a
 * silently wrapped or clamped value. */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "loader.h"

int req_str(struct req *r, const char *key, size_t max_len, int required, const char **out)
{
	const struct jval *v = json_get(r->j, key);

	*out = NULL;
	if (!v)
		return required ? fail(r, EINVAL, "%s is required", key) : 0;
	if (v->t != J_STR)
		return fail(r, EINVAL, "%s must be a string", key);
	if (!v->str[0] && required)
		return fail(r, EINVAL, "%s must not be empty", key);
	if (strlen(v->str) > max_len)
		return fail(r, ENAMETOOLONG, "%s must be at most %zu bytes", key, max_len);
	*out = v->str;
	return 0;
}

int req_uint(struct req *r, const char *key, __u64 lo, __u64 hi, __u64 def, __u64 *out)
{
	const struct jval *v = json_get(r->j, key);

	*out = def;
	if (!v)
		return 0;
	/* doubles hold every integer up to 2^53 exactly, far above any bound used here */
	if (v->t != J_NUM || !isfinite(v->num) || v->num != trunc(v->num) || v->num < (double)lo ||
	    v->num > (double)hi)
		return fail(r, EINVAL, "%s must be an integer in %llu..%llu", key,
			    (unsigned long long)lo, (unsigned long long)hi);
	*out = (__u64)v->num;
	return 0;
}

int req_bool(struct req *r, const char *key, int def, int *out)
{
	const struct jval *v = json_get(r->j, key);

	*out = def;
	if (!v)
		return 0;
	if (v->t != J_BOOL)
		return fail(r, EINVAL, "%s must be true or false", key);
	*out = v->num != 0;
	return 0;
}

int req_u64_str(struct req *r, const char *key, __u64 *out)
{
	const char *s;
	__u64 v = 0;

	if (req_str(r, key, 20, 1, &s))
		return -1;
	for (const char *c = s; *c; c++) {
		unsigned d = *c - '0';

		if (d > 9 || v > (~0ULL - d) / 10)
			return fail(r, EINVAL, "%s must be a decimal string of a u64", key);
		v = v * 10 + d;
	}
	*out = v;
	return 0;
}

int req_path(struct req *r, char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= size)
		return fail(r, ENAMETOOLONG, "path too long");
	return 0;
}
