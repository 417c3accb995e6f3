/* Reading the files of tests/vectors/ in the C tests: one vector per line, blank-separated fields,
 * '#' starts a comment (tests/vectors/README.md). */
#ifndef NASMAC_TESTS_REF_VEC_H
#define NASMAC_TESTS_REF_VEC_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define VEC_MAX_FIELDS 16

typedef struct vec_file {
	FILE *f;
	const char *path;
	char *line;
	size_t cap;
	unsigned lineno;
	size_t nf;
	char *field[VEC_MAX_FIELDS];
} vec_file_t;

/* Opens $NASMAC_VECTORS/name (default tests/vectors/name); fails the test when missing. */
void vec_open(vec_file_t *v, const char *name);
/* Next vector line split into fields; 0 at end of file. */
int vec_next(vec_file_t *v);
void vec_close(vec_file_t *v);
/* Hex field to octets ("-" is empty); fails the test on bad hex. Returns the octet count. */
size_t vec_hex(const vec_file_t *v, size_t i, uint8_t *out, size_t cap);
unsigned long vec_ul(const vec_file_t *v, size_t i, int base);

#endif
