/* Shared by the libFuzzer targets: a failed consistency check is a crash libFuzzer records. */
#ifndef NASMAC_TESTS_FUZZ_H
#define NASMAC_TESTS_FUZZ_H

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "nas.h"

#define FUZZ_CHECK(c)                                                                      \
	do {                                                                               \
		if (!(c)) {                                                                \
			fprintf(stderr, "%s:%d: consistency check failed: %s\n", __FILE__, \
				__LINE__, #c);                                             \
			abort();                                                           \
		}                                                                          \
	} while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* What both NAS security header decoders promise for an input they take (nas.c): a security
 * header type of 1 to 4, an input of at least min_size octets, the MAC at mac_off, and the MAC
 * input (SQN || plain message) and the plain message right after it, to the end of the input. */
static inline void fuzz_check_sec(const struct nasmac__nas_sec *s, const uint8_t *data,
				  size_t size, size_t mac_off, size_t min_size)
{
	FUZZ_CHECK(s->sht >= 1 && s->sht <= 4 && size >= min_size);
	FUZZ_CHECK(!memcmp(s->mac, data + mac_off, 4));
	FUZZ_CHECK(s->msg == data + mac_off + 4 && s->msg_len == size - mac_off - 4 &&
		   s->msg[0] == s->sqn);
	FUZZ_CHECK(s->plain == data + mac_off + 5 && s->plain_len == size - mac_off - 5);
}

#endif /* NASMAC_TESTS_FUZZ_H */
