/* The UE context store and the UE db file format (host/README.md) (the GUTI mapping: test_guti.c).
 * K_NASint derivation is checked against srsRAN's test_generate_k_nas vector
 * (srsRAN_4G lib/test/common/test_security_kdf.cc, 128-EIA1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixtures.h"
#include "host.h"

static void test_parse_format(void **state)
{
	static const uint8_t knas_int[16] = { 0xb7, 0x94, 0x08, 0xe2, 0x43, 0xdd, 0x36, 0x7d,
					      0xc8, 0xc6, 0x39, 0x22, 0x95, 0xb3, 0xb4, 0x51 };
	struct nasmac__ue ue;
	char buf[512];

	(void)state;
	assert_int_equal(nasmac__ue_parse(fx_ue_line, &ue), 0);
	assert_true(ue.ue_id == 7);
	assert_string_equal(ue.imsi, "001010000000007");
	assert_int_equal(ue.ksi, 2);
	assert_int_equal(ue.eia, 1);
	assert_int_equal(ue.ul_count, 261);
	assert_int_equal(ue.dl_count, 9);
	assert_int_equal(ue.upgraded, 1);
	assert_int_equal(ue.echo5g, 1);
	assert_memory_equal(ue.knas_int, knas_int, 16);
	assert_true(nasmac__ue_format(&ue, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, fx_ue_line);
	assert_int_equal(nasmac__ue_format(&ue, buf, 20), -ENOSPC);
}

static void test_parse_errors(void **state)
{
	struct nasmac__ue ue;

	(void)state;
	assert_int_equal(nasmac__ue_parse("# comment\n", &ue), 1);
	assert_int_equal(nasmac__ue_parse("   \n", &ue), 1);
	assert_int_equal(nasmac__ue_parse("xx id=1\n", &ue), -EINVAL);
	/* Missing kasme. */
	assert_int_equal(nasmac__ue_parse("ue id=1 imsi=00101123 guti=00f11080010ac0000007 eia=2 "
					  "ul=0\n",
					  &ue),
			 -EINVAL);
	/* Bad algorithm, bad COUNT, unknown field, short key. */
	assert_int_equal(nasmac__ue_parse("ue id=1 imsi=00101123 guti=00f11080010ac0000007 eia=4 "
					  "ul=0 kasme=" "00000000000000000000000000000000"
					  "00000000000000000000000000000000\n",
					  &ue),
			 -EINVAL);
	assert_int_equal(nasmac__ue_parse("ue id=1 imsi=00101123 guti=00f11080010ac0000007 eia=2 "
					  "ul=16777216 kasme=" "00000000000000000000000000000000"
					  "00000000000000000000000000000000\n",
					  &ue),
			 -EINVAL);
	assert_int_equal(nasmac__ue_parse("ue id=1 color=red\n", &ue), -EINVAL);
	assert_int_equal(nasmac__ue_parse("ue id=1 imsi=00101123 guti=00f11080010ac0000007 eia=2 "
					  "ul=1 kasme=00\n",
					  &ue),
			 -EINVAL);
}

static void make_ue(struct nasmac__ue *ue, uint32_t i)
{
	memset(ue, 0, sizeof(*ue));
	ue->ue_id = i;
	snprintf(ue->imsi, sizeof(ue->imsi), "00101%010u", i);
	memcpy(ue->guti, "\x00\xf1\x10\x80\x01\x0a", 6);
	ue->guti[6] = (uint8_t)(i >> 24);
	ue->guti[7] = (uint8_t)(i >> 16);
	ue->guti[8] = (uint8_t)(i >> 8);
	ue->guti[9] = (uint8_t)i;
	ue->eia = 2;
}

static void test_store_lookup(void **state)
{
	struct nasmac__store st;
	struct nasmac__ue ue, *p;
	uint8_t guti[NASMAC__GUTI_LEN];

	(void)state;
	assert_int_equal(nasmac__store_init(&st, 1000), 0);
	for (uint32_t i = 0; i < 1000; i++) {
		make_ue(&ue, i);
		assert_int_equal(nasmac__store_add(&st, &ue), 0);
	}
	make_ue(&ue, 1000);
	assert_int_equal(nasmac__store_add(&st, &ue), -ENOSPC);
	for (uint32_t i = 0; i < 1000; i += 37) {
		make_ue(&ue, i);
		p = nasmac__store_by_guti(&st, ue.guti);
		assert_non_null(p);
		assert_true(p->ue_id == i);
		/* From the slot the burst prefetch computed: the same record. */
		assert_ptr_equal(nasmac__store_by_guti_at(&st, ue.guti,
							  nasmac__store_prefetch_slot(&st, ue.guti)),
				 p);
		assert_ptr_equal(nasmac__store_by_guti_at(&st, ue.guti, UINT32_MAX), p);
		p = nasmac__store_by_imsi(&st, ue.imsi);
		assert_non_null(p);
		assert_true(p->ue_id == i);
	}
	make_ue(&ue, 5000);
	assert_null(nasmac__store_by_guti(&st, ue.guti));
	assert_null(nasmac__store_by_guti_at(&st, ue.guti, nasmac__store_prefetch_slot(&st, ue.guti)));
	assert_null(nasmac__store_by_imsi(&st, ue.imsi));
	assert_null(nasmac__store_by_imsi(&st, ""));
	memcpy(guti, ue.guti, sizeof(guti));
	guti[0] ^= 1;
	assert_null(nasmac__store_by_guti(&st, guti));
	nasmac__store_free(&st);
	assert_int_equal(nasmac__store_init(&st, 0), -EINVAL);
}

static void test_store_duplicates(void **state)
{
	struct nasmac__store st;
	struct nasmac__ue ue;

	(void)state;
	assert_int_equal(nasmac__store_init(&st, 4), 0);
	make_ue(&ue, 1);
	assert_int_equal(nasmac__store_add(&st, &ue), 0);
	assert_int_equal(nasmac__store_add(&st, &ue), -EEXIST);
	/* Same IMSI, other GUTI. */
	ue.guti[9] ^= 0x55;
	assert_int_equal(nasmac__store_add(&st, &ue), -EEXIST);
	nasmac__store_free(&st);
}

static void test_store_load(void **state)
{
	char path[] = "/tmp/nasmac-test-store-XXXXXX";
	struct nasmac__store st;
	uint32_t bad;
	int fd = mkstemp(path);
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("# nasmac ue db\n", f);
	fputs(fx_ue_line, f);
	fputs("\n", f);
	fclose(f);
	assert_int_equal(nasmac__store_init(&st, 8), 0);
	assert_int_equal(nasmac__store_load(&st, path, &bad), 0);
	assert_int_equal(st.n, 1);
	/* Loading the same file again collides on line 2. */
	assert_int_equal(nasmac__store_load(&st, path, &bad), -EEXIST);
	assert_int_equal(bad, 2);
	nasmac__store_free(&st);
	f = fopen(path, "a");
	fputs("ue id=garbage\n", f);
	fclose(f);
	assert_int_equal(nasmac__store_init(&st, 8), 0);
	assert_int_equal(nasmac__store_load(&st, path, &bad), -EINVAL);
	assert_int_equal(bad, 4);
	nasmac__store_free(&st);
	unlink(path);
	assert_int_equal(nasmac__store_init(&st, 8), 0);
	assert_true(nasmac__store_load(&st, "/nonexistent/ue.db", &bad) < 0);
	nasmac__store_free(&st);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_format),   cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_store_lookup),   cmocka_unit_test(test_store_duplicates),
		cmocka_unit_test(test_store_load),
	};
	return cmocka_run_group_tests_name("host_store", tests, NULL, NULL);
}
