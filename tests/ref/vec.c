#include "vec.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "hex.h"

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

size_t vec_hex(const vec_file_t *v, size_t i, uint8_t *out, size_t cap)
{
	size_t n;
	if (i >= v->nf)
		fail_msg("%s:%u: missing field %zu", v->path, v->lineno, i + 1);
	if (strcmp(v->field[i], "-") == 0)
		return 0;
	n = strlen(v->field[i]);
	if (n % 2 || n / 2 > cap || nasmac__hex_octets(v->field[i], n / 2, out))
		fail_msg("%s:%u: field %zu is not hex (or too long)", v->path, v->lineno, i + 1);
	return n / 2;
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
