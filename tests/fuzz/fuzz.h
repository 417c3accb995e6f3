/* Shared by the libFuzzer targets: a failed consistency check is a crash libFuzzer records. */
#ifndef NASMAC_TESTS_FUZZ_H
#define NASMAC_TESTS_FUZZ_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define FUZZ_CHECK(c)                                                                      \
	do {                                                                               \
		if (!(c)) {                                                                \
			fprintf(stderr, "%s:%d: consistency check failed: %s\n", __FILE__, \
				__LINE__, #c);                                             \
			abort();                                                           \
		}                                                                          \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* NASMAC_TESTS_FUZZ_H */
