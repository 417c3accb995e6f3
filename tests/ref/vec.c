#include "vec.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

void vec_open(vec_file_t *v, const char *name)
{
	static char path[512];
	const char *dir = getenv("NASMAC_VECTORS");
	snprintf(path, sizeof(path), "%s/%s", dir ? dir : "tests/vectors", name);
	memset(v, 0, sizeof(*v));
	v->path = path;
	v->f = fopen(path, "r");
	if (!v->f)
		fail_msg("cannot open %s", path);
}

int vec_next(vec_file_t *v)
{
	while (getline(&v->line, &v->cap, v->f) > 0) {
		v->lineno++;
		char *hash = strchr(v->line, '#');
		if (hash)
			*hash = '\0';
		v->nf = 0;
		for (char *save = NULL, *t = strtok_r(v->line, " \t\r\n", &save); t;
		     t = strtok_r(NULL, " \t\r\n", &save)) {
			if (v->nf == VEC_MAX_FIELDS)
				fail_msg("%s:%u: too many fields", v->path, v->lineno);
			v->field[v->nf++] = t;
		}
		if (v->nf)
			return 1;
	}
	return 0;
}

void vec_close(vec_file_t *v)
{
	free(v->line);
	if (v->f)
		fclose(v->f);
	v->f = NULL;
	v->line = NULL;
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

long hex_decode(const char *s, uint8_t *out, size_t cap)
{
	size_t n = strlen(s);
	if (strcmp(s, "-") == 0)
		return 0;
	if (n % 2 || n / 2 > cap)
		return -1;
	for (size_t i = 0; i < n / 2; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);
		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return (long)(n / 2);
}

size_t vec_hex(const vec_file_t *v, size_t i, uint8_t *out, size_t cap)
{
	if (i >= v->nf)
		fail_msg("%s:%u: missing field %zu", v->path, v->lineno, i + 1);
	long n = hex_decode(v->field[i], out, cap);
	if (n < 0)
		fail_msg("%s:%u: field %zu is not hex (or too long)", v->path, v->lineno, i + 1);
	return (size_t)n;
}

unsigned long vec_ul(const vec_file_t *v, size_t i, int base)
{
	char *end;
	if (i >= v->nf)
		fail_msg("%s:%u: missing field %zu", v->path, v->lineno, i + 1);
	unsigned long x = strtoul(v->field[i], &end, base);
	if (*end)
		fail_msg("%s:%u: field %zu is not a number", v->path, v->lineno, i + 1);
	return x;
}
