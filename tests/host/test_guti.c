/*
 * guti.c: the 4G GUTI <-> mapped 5G-GUTI rule and the GUMMEI's octets and text form.
 *
 * Sources: TS 23.003 2.10.2 gives the mapping as a bit rule (AMF Region ID = MMEGI bits 15-8,
 * AMF Set ID = MMEGI bits 7-0 || MMEC bits 7-6, AMF Pointer = MMEC bits 5-0) and no numeric
 * example, so the vectors below are worked by hand from that rule, chosen so that every field
 * boundary is hit (all ones, all zeros, one bit either side of each split). The PLMN octets
 * follow TS 29.274 8.47 (MCC2|MCC1, MNC3|MCC3, MNC2|MNC1, MNC3 = 1111 for two digits); the PLMNs
 * are real ones: 001/01 (the test network of TS 23.003 / ITU-T E.212, also what nasmac load
 * uses), 234/15 (two-digit MNC) and 310/410 (three-digit MNC).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "host.h"

struct map_vec {
	uint16_t mmegi;
	uint8_t mmec;
	uint8_t region;
	uint16_t set;
	uint8_t pointer;
};

static void test_mapping_vectors(void **state)
{
	static const struct map_vec v[] = {
		{ 0x8001, 0x4a, 0x80, 0x005, 0x0a }, /* nasmac load's GUTIs */
		{ 0xffff, 0xff, 0xff, 0x3ff, 0x3f }, /* all ones */
		{ 0x0000, 0x00, 0x00, 0x000, 0x00 }, /* all zeros */
		{ 0x0100, 0x00, 0x01, 0x000, 0x00 }, /* lowest bit of the Region */
		{ 0x00ff, 0x00, 0x00, 0x3fc, 0x00 }, /* the MMEGI's low octet: Set ID bits 9-2 */
		{ 0x0000, 0xc0, 0x00, 0x003, 0x00 }, /* MMEC bits 7-6: Set ID bits 1-0 */
		{ 0x0000, 0x3f, 0x00, 0x000, 0x3f }, /* MMEC bits 5-0: the Pointer */
		{ 0x0000, 0x40, 0x00, 0x001, 0x00 }, /* one bit either side of the MMEC split */
		{ 0x0000, 0x20, 0x00, 0x000, 0x20 },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		uint8_t guti[NASMAC__GUTI_LEN] = { 0x00, 0xf1, 0x10, 0, 0, 0, 0xc1, 0x02, 0x03, 0x04 };
		uint8_t back[NASMAC__GUTI_LEN];
		struct nasmac__guti5g g5;

		guti[3] = (uint8_t)(v[i].mmegi >> 8);
		guti[4] = (uint8_t)v[i].mmegi;
		guti[5] = v[i].mmec;
		nasmac__guti_to_5g(guti, &g5);
		assert_memory_equal(g5.plmn, guti, 3);
		assert_int_equal(g5.region, v[i].region);
		assert_int_equal(g5.set, v[i].set);
		assert_int_equal(g5.pointer, v[i].pointer);
		assert_int_equal(g5.tmsi, 0xc1020304u);
		nasmac__guti_from_5g(&g5, back);
		assert_memory_equal(back, guti, sizeof(back));
	}
}

/* Every MMEGI/MMEC pair maps to a distinct (Region, Set, Pointer) and back: the mapping loses
 * nothing, so an AMF always finds the GUMMEI the UE's old MME gave out. */
static void test_mapping_bijective(void **state)
{
	(void)state;
	for (uint32_t x = 0; x < (1u << 24); x += 7) {
		uint8_t guti[NASMAC__GUTI_LEN] = { 0x13, 0x00, 0x14, (uint8_t)(x >> 16),
						   (uint8_t)(x >> 8), (uint8_t)x, 1, 2, 3, 4 };
		uint8_t back[NASMAC__GUTI_LEN];
		struct nasmac__guti5g g5;

		nasmac__guti_to_5g(guti, &g5);
		assert_true(g5.set < 1024 && g5.pointer < 64);
		assert_int_equal((uint32_t)g5.region << 16 | (uint32_t)g5.set << 6 | g5.pointer, x);
		nasmac__guti_from_5g(&g5, back);
		assert_memory_equal(back, guti, sizeof(back));
	}
}

struct text_vec {
	const char *text, *canonical;
	uint8_t id[NASMAC__GUMMEI_LEN];
};

static void test_parse_format(void **state)
{
	static const struct text_vec v[] = {
		{ "001-01-8001-4a", "001-01-8001-4a", { 0x00, 0xf1, 0x10, 0x80, 0x01, 0x4a } },
		{ "234-15-0001-01", "234-15-0001-01", { 0x32, 0xf4, 0x51, 0x00, 0x01, 0x01 } },
		{ "310-410-ABCD-eF", "310-410-abcd-ef", { 0x13, 0x00, 0x14, 0xab, 0xcd, 0xef } },
		/* A three-digit MNC with a leading zero is not the two-digit one. */
		{ "001-001-0000-00", "001-001-0000-00", { 0x00, 0x11, 0x00, 0x00, 0x00, 0x00 } },
		{ "999-99-ffff-ff", "999-99-ffff-ff", { 0x99, 0xf9, 0x99, 0xff, 0xff, 0xff } },
	};

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		struct nasmac__gummei g;
		char buf[NASMAC__GUMMEI_TEXT];

		assert_int_equal(nasmac__gummei_parse(v[i].text, &g), 0);
		assert_memory_equal(g.id, v[i].id, NASMAC__GUMMEI_LEN);
		assert_int_equal(nasmac__gummei_format(&g, buf, sizeof(buf)),
				 (int)strlen(v[i].canonical));
		assert_string_equal(buf, v[i].canonical);
	}
}

static void test_parse_errors(void **state)
{
	static const char *const bad[] = {
		"", "001-01-8001", "001-01-8001-4a-", "001-01-8001-4a-00", "01-01-8001-4a",
		"0001-01-8001-4a", "001-1-8001-4a", "001-0001-8001-4a", "001-01-801-4a",
		"001-01-08001-4a", "001-01-8001-4", "001-01-8001-04a", "001-01-8001-4g",
		"00a-01-8001-4a", "001-0a-8001-4a", "001-01-8001-4a ", " 001-01-8001-4a",
		"-001-01-8001-4a", "001--8001-4a", "+01-01-8001-4a", "001-01-+801-4a",
		"001-01-0x01-4a", "001.01.8001.4a", "001-01-8001=4a",
	};
	struct nasmac__gummei g;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(nasmac__gummei_parse(bad[i], &g), -EINVAL);
}

static void test_format_errors(void **state)
{
	struct nasmac__gummei g = { { 0x00, 0xf1, 0x10, 0x80, 0x01, 0x4a } };
	char buf[NASMAC__GUMMEI_TEXT];

	(void)state;
	/* "001-01-8001-4a" is 14 characters: 15 octets hold it, 14 do not. */
	assert_int_equal(nasmac__gummei_format(&g, buf, 15), 14);
	assert_int_equal(nasmac__gummei_format(&g, buf, 14), -ENOSPC);
	g.id[0] = 0x0a; /* MCC1 = 10: not a digit */
	assert_int_equal(nasmac__gummei_format(&g, buf, sizeof(buf)), -EINVAL);
	g.id[0] = 0x00;
	g.id[1] = 0xe1; /* MNC3 = 14: neither a digit nor the filler */
	assert_int_equal(nasmac__gummei_format(&g, buf, sizeof(buf)), -EINVAL);
	assert_int_equal(nasmac__gummei_make(1000, 1, 2, 0, 0, &g), -EINVAL);
	assert_int_equal(nasmac__gummei_make(1, 100, 2, 0, 0, &g), -EINVAL);
	assert_int_equal(nasmac__gummei_make(1, 1, 4, 0, 0, &g), -EINVAL);
}

static void test_of_guti(void **state)
{
	static const uint8_t guti[NASMAC__GUTI_LEN] = { 0x00, 0xf1, 0x10, 0x80, 0x01, 0x4b,
							0xc0, 0x00, 0x00, 0x07 };
	struct nasmac__gummei a, b, c;

	(void)state;
	nasmac__gummei_of_guti(guti, &a);
	assert_int_equal(nasmac__gummei_parse("001-01-8001-4b", &b), 0);
	assert_true(nasmac__gummei_eq(&a, &b));
	assert_int_equal(nasmac__gummei_mmegi(&a), 0x8001);
	assert_int_equal(nasmac__gummei_mmec(&a), 0x4b);
	/* Each of the six octets matters. */
	for (int i = 0; i < NASMAC__GUMMEI_LEN; i++) {
		c = a;
		c.id[i] ^= 0x01;
		assert_false(nasmac__gummei_eq(&a, &c));
	}
	assert_int_equal(nasmac__gummei_make(1, 1, 2, 0x8001, 0x4b, &c), 0);
	assert_true(nasmac__gummei_eq(&a, &c));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mapping_vectors), cmocka_unit_test(test_mapping_bijective),
		cmocka_unit_test(test_parse_format),    cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_format_errors),   cmocka_unit_test(test_of_guti),
	};
	return cmocka_run_group_tests_name("host_guti", tests, NULL, NULL);
}
