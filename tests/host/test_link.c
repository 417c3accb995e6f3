/* The UE <-> AMF test link framing (host/README.md): round trips and malformed frames. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "host.h"

static void test_roundtrip(void **state)
{
	static const uint8_t rr[] = { 0x7e, 0x01, 1, 2, 3, 4, 5, 0x7e, 0x00, 0x41 };
	static const uint8_t tau[] = { 0x17, 9, 9, 9, 9, 7, 0x07, 0x48 };
	struct nasmac__link_frame f = { .ue_id = 0x0102030405060708ull, .kind = NASMAC__LINK_UL,
					.info = 3, .n_pdu = 2 };
	struct nasmac__link_frame g;
	uint8_t buf[128];
	int n;

	(void)state;
	f.pdu[0] = rr;
	f.pdu_len[0] = sizeof(rr);
	f.pdu[1] = tau;
	f.pdu_len[1] = sizeof(tau);
	n = nasmac__link_encode(&f, buf, sizeof(buf));
	assert_int_equal(n, NASMAC__LINK_HDR + 2 + sizeof(rr) + 2 + sizeof(tau));
	assert_memory_equal(buf, "\x01\x02\x03\x04\x05\x06\x07\x08\x01\x03\x00\x0a", 12);
	assert_int_equal(nasmac__link_decode(buf, (size_t)n, &g), 0);
	assert_true(g.ue_id == f.ue_id);
	assert_int_equal(g.kind, NASMAC__LINK_UL);
	assert_int_equal(g.info, 3);
	assert_int_equal(g.n_pdu, 2);
	assert_int_equal(g.pdu_len[0], sizeof(rr));
	assert_memory_equal(g.pdu[0], rr, sizeof(rr));
	assert_memory_equal(g.pdu[1], tau, sizeof(tau));
}

static void test_malformed(void **state)
{
	uint8_t buf[64] = { 0, 0, 0, 0, 0, 0, 0, 1, NASMAC__LINK_UL, 0, 0x00, 0x02, 0xaa, 0xbb };
	struct nasmac__link_frame g;

	(void)state;
	assert_int_equal(nasmac__link_decode(buf, 14, &g), 0);
	/* Truncated: the PDU length says 3, two octets follow. */
	buf[11] = 3;
	assert_int_equal(nasmac__link_decode(buf, 14, &g), -EINVAL);
	/* Zero-length PDU. */
	buf[11] = 0;
	assert_int_equal(nasmac__link_decode(buf, 14, &g), -EINVAL);
	buf[11] = 2;
	/* Unknown kind. */
	buf[8] = 0x55;
	assert_int_equal(nasmac__link_decode(buf, 14, &g), -EINVAL);
	buf[8] = NASMAC__LINK_UL;
	/* Too short for a header, and a dangling length octet after the PDU. */
	assert_int_equal(nasmac__link_decode(buf, 9, &g), -EINVAL);
	assert_int_equal(nasmac__link_decode(buf, 15, &g), -EINVAL);
	/* Three PDUs are one too many. */
	memcpy(buf + 14, "\x00\x01\x01\x00\x01\x02", 6);
	assert_int_equal(nasmac__link_decode(buf, 17, &g), 0);
	assert_int_equal(nasmac__link_decode(buf, 20, &g), -EINVAL);
	/* Oversized. */
	assert_int_equal(nasmac__link_decode(buf, NASMAC__LINK_MAX + 1, &g), -EINVAL);
}

static void test_encode_limits(void **state)
{
	static uint8_t big[NASMAC__LINK_MAX];
	struct nasmac__link_frame f = { .kind = NASMAC__LINK_DL, .n_pdu = 1 };
	uint8_t buf[NASMAC__LINK_MAX + 64];

	(void)state;
	f.pdu[0] = big;
	f.pdu_len[0] = sizeof(big);
	assert_int_equal(nasmac__link_encode(&f, buf, sizeof(buf)), -ENOSPC);
	f.pdu_len[0] = 0;
	assert_int_equal(nasmac__link_encode(&f, buf, sizeof(buf)), -EINVAL);
	f.n_pdu = 3;
	assert_int_equal(nasmac__link_encode(&f, buf, sizeof(buf)), -EINVAL);
}

static void test_diag_names(void **state)
{
	(void)state;
	assert_string_equal(nasmac__diag_name(NASMAC__DIAG_MAC), "mac");
	assert_string_equal(nasmac__diag_name(NASMAC__DIAG_REPLAY), "replay");
	assert_string_equal(nasmac__diag_name(99), "invalid");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_encode_limits),
		cmocka_unit_test(test_diag_names),
	};
	return cmocka_run_group_tests_name("host_link", tests, NULL, NULL);
}
