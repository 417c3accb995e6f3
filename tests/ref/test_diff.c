/*
 * Differential tests of the reference 128-EIA1/2/3 against libipsec-mb 1.3 (an independent,
 * assembly implementation) and, for byte-aligned 128-EIA2, against OpenSSL's CMAC; plus the raw
 * SNOW 3G and ZUC keystreams against ipsec-mb's F8 / EEA3 on zeros.
 *
 * Every length from 1 to 1024 bits is covered (several times), plus random longer lengths up to
 * NASMAC_MAX_LEN_BITS and the maximum itself. Each message sits at the very end of an allocation
 * of exactly ceil(len_bits/8) octets, so an ASan build catches any read past the message, and
 * its bits after len_bits are random, which both sides must ignore.
 *
 * NASMAC_SEED overrides the random seed (printed at start and on failure); NASMAC_DIFF_CASES
 * overrides the number of cases per algorithm (default 10240).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>
#include <intel-ipsec-mb.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "ref.h"
#include "nasmac.h"

#define DEFAULT_CASES 10240u
#define EVERY_LEN 1024u /* every length 1..EVERY_LEN is tested */
/* ipsec-mb 1.3 refuses IMB_AUTH_AES_CMAC_BITLEN jobs of 65535 bits or more ("Invalid
 * authentication message length"), i.e. 128-EIA2 messages longer than 65534 - 64 bits. Those
 * are checked against OpenSSL when byte-aligned and by the trailing-bits property otherwise. */
#define IPSEC_MB_CMAC_MAX_BITS 65534u

static uint64_t seed;
static uint64_t rng;
static unsigned ncases = DEFAULT_CASES;
static IMB_MGR *mgr;

static uint64_t rnd(void)
{
	/* splitmix64 */
	uint64_t z = (rng += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static void rnd_bytes(uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rnd();
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The length of case i: every length 1..EVERY_LEN in turn, then random ones above it, with the
 * last three cases at the maximum, one below it, and the longest EIA2 message ipsec-mb takes. */
static size_t case_len(unsigned i)
{
	if (i == ncases - 1)
		return NASMAC_MAX_LEN_BITS;
	if (i == ncases - 2)
		return NASMAC_MAX_LEN_BITS - 1;
	if (i == ncases - 3)
		return IPSEC_MB_CMAC_MAX_BITS - 64;
	if (i < ncases - ncases / 10)
		return 1 + i % EVERY_LEN;
	return EVERY_LEN + 1 + (size_t)(rnd() % (NASMAC_MAX_LEN_BITS - EVERY_LEN));
}

/* ---- The peers ----------------------------------------------------------------------------- */

static void peer_eia1(const uint8_t key[16], uint32_t count, uint8_t bearer, uint8_t dir,
		      const uint8_t *msg, size_t len_bits, uint8_t mac[4])
{
	snow3g_key_schedule_t ks;
	DECLARE_ALIGNED(uint8_t iv[16], 16);
	assert_int_equal(IMB_SNOW3G_INIT_KEY_SCHED(mgr, key, &ks), 0);
	assert_int_equal(snow3g_f9_iv_gen(count, (uint32_t)bearer << 27, dir, iv), 0);
	IMB_SNOW3G_F9_1_BUFFER(mgr, &ks, iv, msg, len_bits, mac);
}

static void peer_eia3(const uint8_t key[16], uint32_t count, uint8_t bearer, uint8_t dir,
		      const uint8_t *msg, size_t len_bits, uint8_t mac[4])
{
	DECLARE_ALIGNED(uint8_t iv[16], 16);
	uint32_t tag;
	assert_int_equal(zuc_eia3_iv_gen(count, bearer, dir, iv), 0);
	IMB_ZUC_EIA3_1_BUFFER(mgr, key, iv, msg, (uint32_t)len_bits, &tag);
	memcpy(mac, &tag, 4); /* ipsec-mb stores the tag octets in specification order */
}

/* 128-EIA2 through ipsec-mb's IMB_AUTH_AES_CMAC_BITLEN job: the caller prepends the 64-bit
 * COUNT || BEARER || DIRECTION || 0^26 header (buf) and passes the total length in bits. */
static void peer_eia2(const uint8_t key[16], const uint8_t *buf, size_t total_bits, uint8_t mac[4])
{
	DECLARE_ALIGNED(uint32_t enc[4 * 15], 16);
	DECLARE_ALIGNED(uint32_t dec[4 * 15], 16);
	DECLARE_ALIGNED(uint8_t k1[16], 16);
	DECLARE_ALIGNED(uint8_t k2[16], 16);
	IMB_AES_KEYEXP_128(mgr, key, enc, dec);
	IMB_AES_CMAC_SUBKEY_GEN_128(mgr, enc, k1, k2);
	IMB_JOB *job = IMB_GET_NEXT_JOB(mgr);
	memset(job, 0, sizeof(*job));
	job->cipher_mode = IMB_CIPHER_NULL;
	job->cipher_direction = IMB_DIR_ENCRYPT;
	job->chain_order = IMB_ORDER_HASH_CIPHER;
	job->hash_alg = IMB_AUTH_AES_CMAC_BITLEN;
	job->src = buf;
	job->hash_start_src_offset_in_bytes = 0;
	job->msg_len_to_hash_in_bits = total_bits;
	job->u.CMAC._key_expanded = enc;
	job->u.CMAC._skey1 = k1;
	job->u.CMAC._skey2 = k2;
	job->auth_tag_output = mac;
	job->auth_tag_output_len_in_bytes = 4;
	job = IMB_SUBMIT_JOB(mgr);
	if (!job)
		job = IMB_FLUSH_JOB(mgr);
	assert_non_null(job);
	if (job->status != IMB_STATUS_COMPLETED)
		fail_msg("ipsec-mb CMAC job (%zu bits): %s", total_bits,
			 imb_get_strerror(imb_get_errno(mgr)));
}

/* Byte-aligned 128-EIA2 through OpenSSL's CMAC (EVP_MAC), a third implementation. */
static void openssl_cmac4(const uint8_t key[16], const uint8_t *buf, size_t len, uint8_t mac[4])
{
	char cipher[] = "AES-128-CBC";
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER, cipher, 0),
		OSSL_PARAM_construct_end(),
	};
	uint8_t tag[16];
	size_t tl = 0;
	EVP_MAC *m = EVP_MAC_fetch(NULL, "CMAC", NULL);
	assert_non_null(m);
	EVP_MAC_CTX *c = EVP_MAC_CTX_new(m);
	assert_non_null(c);
	assert_int_equal(EVP_MAC_init(c, key, 16, params), 1);
	assert_int_equal(EVP_MAC_update(c, buf, len), 1);
	assert_int_equal(EVP_MAC_final(c, tag, &tl, sizeof(tag)), 1);
	assert_int_equal(tl, 16);
	memcpy(mac, tag, 4);
	EVP_MAC_CTX_free(c);
	EVP_MAC_free(m);
}

/* ---- The loop ------------------------------------------------------------------------------- */

static void report(const char *what, unsigned i, size_t len_bits, const uint8_t *ref,
		   const uint8_t *peer)
{
	fail_msg("%s: case %u, len_bits %zu: reference %02x%02x%02x%02x, peer %02x%02x%02x%02x "
		 "(rerun with NASMAC_SEED=0x%016llx)",
		 what, i, len_bits, ref[0], ref[1], ref[2], ref[3], peer[0], peer[1], peer[2],
		 peer[3], (unsigned long long)seed);
}

static void run_alg(nasmac_alg_t alg)
{
	unsigned openssl_checked = 0, ipsec_checked = 0;
	double t0 = now_s();
	uint8_t *buf = malloc(8 + NASMAC_MAX_LEN_BITS / 8 + 1);
	assert_non_null(buf);

	for (unsigned i = 0; i < ncases; i++) {
		uint8_t key[16], ref[4], again[4], peer[4];
		size_t len_bits = case_len(i), len = (len_bits + 7) / 8;
		uint32_t count = (uint32_t)rnd();
		uint8_t bearer = (uint8_t)(rnd() % 32), dir = (uint8_t)(rnd() & 1);
		rnd_bytes(key, sizeof(key));
		uint8_t *msg = malloc(len); /* exactly the message: over-reads show under ASan */
		assert_non_null(msg);
		rnd_bytes(msg, len);

		assert_int_equal(nasmac_mac(alg, key, count, bearer, dir, msg, len_bits, ref), 0);

		switch (alg) {
		case NASMAC_EIA1:
			peer_eia1(key, count, bearer, dir, msg, len_bits, peer);
			ipsec_checked++;
			break;
		case NASMAC_EIA3:
			peer_eia3(key, count, bearer, dir, msg, len_bits, peer);
			ipsec_checked++;
			break;
		case NASMAC_EIA2:
			nasmac__store_be32(buf, count);
			buf[4] = (uint8_t)(bearer << 3 | dir << 2);
			buf[5] = buf[6] = buf[7] = 0;
			memcpy(buf + 8, msg, len);
			if (len_bits + 64 <= IPSEC_MB_CMAC_MAX_BITS) {
				peer_eia2(key, buf, len_bits + 64, peer);
				ipsec_checked++;
			} else {
				memcpy(peer, ref, 4);
			}
			if (len_bits % 8 == 0) {
				uint8_t ossl[4];
				openssl_cmac4(key, buf, len + 8, ossl);
				if (memcmp(ref, ossl, 4) != 0)
					report("eia2 vs OpenSSL CMAC", i, len_bits, ref, ossl);
				openssl_checked++;
			}
			break;
		}
		if (memcmp(ref, peer, 4) != 0)
			report(alg == NASMAC_EIA1 ? "eia1 vs ipsec-mb" :
			       alg == NASMAC_EIA2 ? "eia2 vs ipsec-mb" : "eia3 vs ipsec-mb",
			       i, len_bits, ref, peer);

		/* The bits after len_bits are ignored: clearing them changes nothing. */
		if (len_bits % 8) {
			msg[len - 1] &= (uint8_t)(0xff00u >> (len_bits % 8));
			assert_int_equal(nasmac_mac(alg, key, count, bearer, dir, msg, len_bits, again),
					 0);
			if (memcmp(ref, again, 4) != 0)
				report("trailing bits not ignored", i, len_bits, ref, again);
		}
		free(msg);
	}
	free(buf);
	printf("  eia%d: %u cases, %u vs ipsec-mb (every length 1..%u, longest %u bits)",
	       (int)alg, ncases, ipsec_checked, EVERY_LEN, NASMAC_MAX_LEN_BITS);
	if (alg == NASMAC_EIA2)
		printf(", %u byte-aligned also vs OpenSSL CMAC", openssl_checked);
	printf(", %.2f s\n", now_s() - t0);
}

static void test_eia1_diff(void **state)
{
	(void)state;
	run_alg(NASMAC_EIA1);
}

static void test_eia2_diff(void **state)
{
	(void)state;
	run_alg(NASMAC_EIA2);
}

static void test_eia3_diff(void **state)
{
	(void)state;
	run_alg(NASMAC_EIA3);
}

/* Zero-length messages: ipsec-mb refuses them, so 128-EIA2 is checked against OpenSSL's CMAC of
 * the bare 8-octet header, and 128-EIA1/3 against their definitions through the raw generators. */
static void test_zero_length(void **state)
{
	(void)state;
	for (int r = 0; r < 100; r++) {
		uint8_t key[16], mac[4], want[4], hdr[8] = {0}, iv[16];
		uint32_t count = (uint32_t)rnd(), z[5];
		uint8_t bearer = (uint8_t)(rnd() % 32), dir = (uint8_t)(rnd() & 1);
		rnd_bytes(key, sizeof(key));

		assert_int_equal(nasmac_eia2(key, count, bearer, dir, NULL, 0, mac), 0);
		nasmac__store_be32(hdr, count);
		hdr[4] = (uint8_t)(bearer << 3 | dir << 2);
		openssl_cmac4(key, hdr, sizeof(hdr), want);
		assert_memory_equal(mac, want, 4);

		/* EIA3, LENGTH 0: L = 2 words, T = W(0) = z1, MAC = T ^ z2. */
		assert_int_equal(nasmac_eia3(key, count, bearer, dir, NULL, 0, mac), 0);
		nasmac__eia3_iv(count, bearer, dir, iv);
		nasmac__zuc_keystream(key, iv, z, 2);
		nasmac__store_be32(want, z[0] ^ z[1]);
		assert_memory_equal(mac, want, 4);

		/* EIA1, LENGTH 0: EVAL = MUL64(0 ^ 0, Q) = 0, so MAC-I = z5. */
		assert_int_equal(nasmac_eia1(key, count, bearer, dir, NULL, 0, mac), 0);
		nasmac__store_be32(iv, count);
		nasmac__store_be32(iv + 4, (uint32_t)bearer << 27);
		nasmac__store_be32(iv + 8, count ^ ((uint32_t)dir << 31));
		nasmac__store_be32(iv + 12, ((uint32_t)bearer << 27) ^ ((uint32_t)dir << 15));
		nasmac__snow3g_keystream(key, iv, z, 5);
		nasmac__store_be32(want, z[4]);
		assert_memory_equal(mac, want, 4);
	}
}

static void test_keystreams(void **state)
{
	enum { WORDS = 64, ROUNDS = 1000 };
	(void)state;
	for (int r = 0; r < ROUNDS; r++) {
		DECLARE_ALIGNED(uint8_t key[16], 16);
		DECLARE_ALIGNED(uint8_t iv[16], 16);
		uint8_t zero[WORDS * 4] = {0}, out[WORDS * 4];
		uint32_t z[WORDS];
		snow3g_key_schedule_t ks;
		rnd_bytes(key, sizeof(key));
		rnd_bytes(iv, sizeof(iv));

		/* F8 encrypts by xoring the keystream, so F8 of zeros is the keystream. */
		assert_int_equal(IMB_SNOW3G_INIT_KEY_SCHED(mgr, key, &ks), 0);
		IMB_SNOW3G_F8_1_BUFFER(mgr, &ks, iv, zero, out, sizeof(out));
		nasmac__snow3g_keystream(key, iv, z, WORDS);
		for (int i = 0; i < WORDS; i++)
			if (z[i] != nasmac__load_be32(out + 4 * i))
				fail_msg("snow3g z%d differs (NASMAC_SEED=0x%016llx)", i + 1,
					 (unsigned long long)seed);

		IMB_ZUC_EEA3_1_BUFFER(mgr, key, iv, zero, out, sizeof(out));
		nasmac__zuc_keystream(key, iv, z, WORDS);
		for (int i = 0; i < WORDS; i++)
			if (z[i] != nasmac__load_be32(out + 4 * i))
				fail_msg("zuc z%d differs (NASMAC_SEED=0x%016llx)", i + 1,
					 (unsigned long long)seed);
	}
	printf("  snow3g, zuc: %d keys x %d words vs ipsec-mb F8 / EEA3\n", ROUNDS, WORDS);
}

int main(void)
{
	const char *s = getenv("NASMAC_SEED");
	const char *n = getenv("NASMAC_DIFF_CASES");
	seed = ((uint64_t)time(NULL) << 20) ^ (uint64_t)getpid() ^ (uint64_t)clock();
	if (s)
		seed = (uint64_t)strtoull(s, NULL, 0);
	rng = seed;
	if (n)
		ncases = (unsigned)strtoul(n, NULL, 0);
	if (ncases < 16)
		ncases = 16;
	printf("ref_diff: seed 0x%016llx (set NASMAC_SEED to repeat), %u cases per algorithm\n",
	       (unsigned long long)seed, ncases);

	IMB_ARCH arch;
	mgr = alloc_mb_mgr(0);
	if (!mgr) {
		fprintf(stderr, "ref_diff: alloc_mb_mgr failed\n");
		return 1;
	}
	init_mb_mgr_auto(mgr, &arch);

	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_eia1_diff),   cmocka_unit_test(test_eia2_diff),
		cmocka_unit_test(test_eia3_diff),   cmocka_unit_test(test_zero_length),
		cmocka_unit_test(test_keystreams),
	};
	int rc = cmocka_run_group_tests_name("ref_diff", tests, NULL, NULL);
	free_mb_mgr(mgr);
	return rc;
}
