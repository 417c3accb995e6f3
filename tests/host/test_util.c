/* The K_AMF check value (nasmac__key_check): the same key gives the same value, a changed key
 * another, and the value is not the key's own first octets. (Its exact value is checked end to
 * end against `nasmac kdf generic` by tests/e2e/flows.sh.) */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "host.h"

static void fill(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)i;
}

static void test_key_check(void **state)
{
	uint8_t a[32], b[32];

	(void)state;
	fill(a, sizeof(a));
	memcpy(b, a, sizeof(b));
	assert_int_equal(nasmac__key_check(a), nasmac__key_check(b));
	b[31] ^= 1;
	assert_int_not_equal(nasmac__key_check(a), nasmac__key_check(b));
	/* Not a truncation of the key itself. */
	assert_int_not_equal(nasmac__key_check(a), 0x00010203u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
