/* The keyed request digest of the MME (SipHash-2-4) and the K_AMF check value. SipHash vectors:
 * key 00 01 .. 0f, message 00 01 .. (len-1); the 15-octet value is the worked example of
 * Aumasson and Bernstein, "SipHash: a fast short-input PRF" (2012), Appendix A; the 0- and
 * 8-octet values are entries 0 and 8 of the 64-entry table in the reference implementation
 * (vectors.h, "vectors_sip64"), read there as little-endian 64-bit words. */
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

static void test_siphash_vectors(void **state)
{
	uint8_t key[16], msg[64];

	(void)state;
	fill(key, sizeof(key));
	fill(msg, sizeof(msg));
	assert_true(nasmac__siphash(key, msg, 15) == 0xa129ca6149be45e5ull);
	assert_true(nasmac__siphash(key, msg, 0) == 0x726fdb47dd0e0e31ull);
	assert_true(nasmac__siphash(key, msg, 8) == 0x93f5f5799a932462ull);
}

static void test_siphash_keyed(void **state)
{
	uint8_t key[16], msg[64];
	uint64_t h;

	(void)state;
	fill(key, sizeof(key));
	fill(msg, sizeof(msg));
	h = nasmac__siphash(key, msg, sizeof(msg));
	/* Any changed octet of the message or of the key changes the digest. */
	for (size_t i = 0; i < sizeof(msg); i++) {
		msg[i] ^= 0x01;
		assert_true(nasmac__siphash(key, msg, sizeof(msg)) != h);
		msg[i] ^= 0x01;
	}
	key[15] ^= 0x80;
	assert_true(nasmac__siphash(key, msg, sizeof(msg)) != h);
	/* Length is part of the input: a trailing zero octet is not ignored. */
	msg[7] = 0;
	assert_true(nasmac__siphash(key, msg, 7) != nasmac__siphash(key, msg, 8));
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
		cmocka_unit_test(test_siphash_vectors),
		cmocka_unit_test(test_siphash_keyed),
		cmocka_unit_test(test_key_check),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
