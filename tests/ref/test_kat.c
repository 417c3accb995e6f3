/*
 * Known-answer tests of the reference crypto against every file in tests/vectors/, plus the
 * error paths of the public reference and KDF functions and an independent recomputation of the
 * KDFs that have no published vectors (K_AMF' FC 0x75, 5G K_NASint FC 0x69).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "ref.h"
#include "nasmac.h"
#include "vec.h"

#define MAX_MSG 8192 /* octets; the longest vector (EIA2 set 8) has 2056 */

/* One line of a vector file, its fields already counted and named; ctx is the caller's. */
typedef void (*vec_check_fn)(const vec_file_t *v, void *ctx);

/* Runs check on every line of tests/vectors/<file>: each line must have nf fields (0: the check
 * counts them) and start with name, and the file must hold at least min_vectors lines. */
static void each_vector(const char *file, const char *name, size_t nf, unsigned min_vectors,
			vec_check_fn check, void *ctx)
{
	vec_file_t v;
	unsigned n = 0;

	vec_open(&v, file);
	while (vec_next(&v)) {
		if ((nf && v.nf != nf) || strcmp(v.field[0], name) != 0)
			fail_msg("%s:%u: expected %zu fields starting with %s", v.path, v.lineno,
				 nf, name);
		check(&v, ctx);
		n++;
	}
	vec_close(&v);
	if (n < min_vectors)
		fail_msg("%s: only %u vectors", file, n);
	printf("  %s: %u vectors\n", file, n);
}

static void check_eia_line(const vec_file_t *v, void *ctx)
{
	static uint8_t msg[MAX_MSG];
	const nasmac_alg_t alg = *(const nasmac_alg_t *)ctx;
	uint8_t key[16], want[4], got[4], again[4];

	assert_int_equal(vec_hex(v, 1, key, sizeof(key)), 16);
	uint32_t count = (uint32_t)vec_ul(v, 2, 16);
	uint8_t bearer = (uint8_t)vec_ul(v, 3, 10);
	uint8_t dir = (uint8_t)vec_ul(v, 4, 10);
	size_t len_bits = vec_ul(v, 5, 10);
	size_t len = vec_hex(v, 6, msg, sizeof(msg));
	assert_int_equal(len, (len_bits + 7) / 8);
	assert_int_equal(vec_hex(v, 7, want, sizeof(want)), 4);

	assert_int_equal(nasmac_mac(alg, key, count, bearer, dir, msg, len_bits, got), 0);
	if (memcmp(got, want, 4) != 0)
		fail_msg("%s:%u: MAC %02x%02x%02x%02x, expected %s", v->path, v->lineno, got[0],
			 got[1], got[2], got[3], v->field[7]);
	assert_int_equal(nasmac_mac_equal(got, want), 1);

	/* Bits after LENGTH are not part of the message: flipping them changes nothing. */
	if (len_bits % 8) {
		uint8_t keep = msg[len - 1];
		msg[len - 1] ^= (uint8_t)(0xffu >> (len_bits % 8));
		assert_int_equal(nasmac_mac(alg, key, count, bearer, dir, msg, len_bits, again), 0);
		assert_memory_equal(again, want, 4);
		msg[len - 1] = keep;
	}
	/* Bits inside LENGTH are: flipping the last one changes the MAC. */
	if (len_bits) {
		size_t last = len_bits - 1;
		msg[last / 8] ^= (uint8_t)(0x80u >> (last % 8));
		assert_int_equal(nasmac_mac(alg, key, count, bearer, dir, msg, len_bits, again), 0);
		assert_int_equal(nasmac_mac_equal(again, want), 0);
	}
}

static void check_uia2_line(const vec_file_t *v, void *ctx)
{
	static uint8_t msg[MAX_MSG];
	uint8_t key[16], want[4], got[4];

	(void)ctx;
	assert_int_equal(vec_hex(v, 1, key, sizeof(key)), 16);
	uint32_t count = (uint32_t)vec_ul(v, 2, 16);
	uint32_t fresh = (uint32_t)vec_ul(v, 3, 16);
	uint8_t dir = (uint8_t)vec_ul(v, 4, 10);
	size_t len_bits = vec_ul(v, 5, 10);
	assert_int_equal(vec_hex(v, 6, msg, sizeof(msg)), (len_bits + 7) / 8);
	assert_int_equal(vec_hex(v, 7, want, sizeof(want)), 4);
	nasmac__store_be32(got, nasmac__uia2_f9(key, count, fresh, dir, msg, len_bits));
	if (memcmp(got, want, 4) != 0)
		fail_msg("%s:%u: MAC-I mismatch", v->path, v->lineno);
}

static void check_aes128_line(const vec_file_t *v, void *ctx)
{
	uint8_t key[16], pt[16], ct[16], got[16];
	nasmac__aes128_t aes;

	(void)ctx;
	assert_int_equal(vec_hex(v, 1, key, 16), 16);
	assert_int_equal(vec_hex(v, 2, pt, 16), 16);
	assert_int_equal(vec_hex(v, 3, ct, 16), 16);
	assert_int_equal(nasmac__aes128_init(&aes, key), 0);
	assert_int_equal(nasmac__aes128_encrypt(&aes, pt, got), 0);
	assert_memory_equal(got, ct, 16);
	/* The same context again, in place: no chaining state may leak between calls. */
	memcpy(got, pt, 16);
	assert_int_equal(nasmac__aes128_encrypt(&aes, got, got), 0);
	assert_memory_equal(got, ct, 16);
	nasmac__aes128_free(&aes);
	assert_null(aes.evp);
}

static void check_cmac_line(const vec_file_t *v, void *ctx)
{
	unsigned *empty = ctx;
	uint8_t key[16], msg[256], tag[16], got[16];

	assert_int_equal(vec_hex(v, 1, key, 16), 16);
	size_t len = vec_hex(v, 2, msg, sizeof(msg));
	assert_int_equal(vec_hex(v, 3, tag, 16), 16);
	assert_int_equal(nasmac__aes_cmac(key, len ? msg : NULL, len * 8, got), 0);
	if (memcmp(got, tag, 16) != 0)
		fail_msg("%s:%u: tag mismatch", v->path, v->lineno);
	/* The same string split into a header and a message gives the same tag. */
	if (len >= 8) {
		nasmac__aes128_t aes;
		assert_int_equal(nasmac__aes128_init(&aes, key), 0);
		assert_int_equal(nasmac__cmac(&aes, msg, 8, msg + 8, (len - 8) * 8, got), 0);
		nasmac__aes128_free(&aes);
		assert_memory_equal(got, tag, 16);
	}
	*empty += len == 0;
}

static void test_cmac_vectors(void **state)
{
	unsigned empty = 0;

	(void)state;
	each_vector("cmac.txt", "cmac", 4, 4, check_cmac_line, &empty);
	assert_true(empty >= 1); /* RFC 4493 Example 1, the empty message */
}

static void test_cmac_subkeys(void **state)
{
	/* RFC 4493 section 4, "Subkey Generation" for K = 2b7e1516 28aed2a6 abf71588 09cf4f3c. */
	static const uint8_t key[16] = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6,
					0xab, 0xf7, 0x15, 0x88, 0x09, 0xcf, 0x4f, 0x3c};
	static const uint8_t k1[16] = {0xfb, 0xee, 0xd6, 0x18, 0x35, 0x71, 0x33, 0x66,
				       0x7c, 0x85, 0xe0, 0x8f, 0x72, 0x36, 0xa8, 0xde};
	static const uint8_t k2[16] = {0xf7, 0xdd, 0xac, 0x30, 0x6a, 0xe2, 0x66, 0xcc,
				       0xf9, 0x0b, 0xc1, 0x1e, 0xe4, 0x6d, 0x51, 0x3b};
	uint8_t g1[16], g2[16];
	nasmac__aes128_t aes;
	(void)state;
	assert_int_equal(nasmac__aes128_init(&aes, key), 0);
	assert_int_equal(nasmac__cmac_subkeys(&aes, g1, g2), 0);
	nasmac__aes128_free(&aes);
	assert_memory_equal(g1, k1, 16);
	assert_memory_equal(g2, k2, 16);
}

typedef void (*keystream_fn)(const uint8_t key[16], const uint8_t iv[16], uint32_t *z, size_t n);

static void check_keystream_line(const vec_file_t *v, void *ctx)
{
	static uint32_t z[4096];
	keystream_fn ks = *(keystream_fn *)ctx;
	uint8_t key[16], iv[16], w[4];

	assert_int_equal(vec_hex(v, 1, key, 16), 16);
	assert_int_equal(vec_hex(v, 2, iv, 16), 16);
	unsigned long idx = vec_ul(v, 3, 10);
	assert_true(idx >= 1 && idx <= sizeof(z) / sizeof(z[0]));
	assert_int_equal(vec_hex(v, 4, w, 4), 4);
	ks(key, iv, z, idx);
	if (z[idx - 1] != nasmac__load_be32(w))
		fail_msg("%s:%u: z%lu = %08x, expected %s", v->path, v->lineno, idx, z[idx - 1],
			 v->field[4]);
}

/* The files whose lines need no count across lines: one test each, named after the file. */
struct vec_case {
	const char *file, *name;
	size_t nf;
	unsigned min_vectors;
	vec_check_fn check;
	void *ctx;
};

static nasmac_alg_t g_eia[3] = { NASMAC_EIA1, NASMAC_EIA2, NASMAC_EIA3 };
static keystream_fn g_keystream[2] = { nasmac__snow3g_keystream, nasmac__zuc_keystream };

static struct vec_case g_vec_cases[] = {
	{ "eia1.txt", "eia1", 8, 7, check_eia_line, &g_eia[0] },
	{ "eia2.txt", "eia2", 8, 8, check_eia_line, &g_eia[1] },
	{ "eia3.txt", "eia3", 8, 5, check_eia_line, &g_eia[2] },
	{ "uia2.txt", "uia2", 8, 6, check_uia2_line, NULL },
	{ "aes128.txt", "aes128", 4, 6, check_aes128_line, NULL },
	{ "snow3g.txt", "snow3g", 5, 8, check_keystream_line, &g_keystream[0] },
	{ "zuc.txt", "zuc", 5, 8, check_keystream_line, &g_keystream[1] },
};

static void test_vector_file(void **state)
{
	const struct vec_case *c = *state;

	each_vector(c->file, c->name, c->nf, c->min_vectors, c->check, c->ctx);
}

/* ---- KDFs ------------------------------------------------------------------------------------ */

static uint8_t alg_type_arg(const vec_file_t *v, size_t i)
{
	unsigned long t = vec_ul(v, i, 10);
	assert_true(t <= 255);
	return (uint8_t)t;
}

/* ctx: unsigned[5], how many lines of each KDF name (generic, eps-nas, 5g-nas, kamf, hmac). */
static void check_kdf_line(const vec_file_t *v, void *ctx)
{
	unsigned *names = ctx;
	uint8_t key[256], want[32], got[32];

	assert_true(v->nf >= 4);
	const char *name = v->field[1];
	size_t key_len = vec_hex(v, 2, key, sizeof(key));
	size_t want_len = vec_hex(v, v->nf - 1, want, sizeof(want));
	if (strcmp(name, "generic") == 0) {
		uint8_t fc[1], params[8][256];
		const uint8_t *p[8];
		size_t len[8], np = v->nf - 5;
		assert_true(v->nf >= 5 && np <= 8);
		assert_int_equal(vec_hex(v, 3, fc, 1), 1);
		for (size_t i = 0; i < np; i++) {
			len[i] = vec_hex(v, 4 + i, params[i], sizeof(params[i]));
			p[i] = params[i];
		}
		assert_int_equal(nasmac_kdf(key, key_len, fc[0], p, len, np, got), 0);
		assert_int_equal(want_len, 32);
		names[0]++;
	} else if (strcmp(name, "eps-nas") == 0 || strcmp(name, "5g-nas") == 0) {
		assert_int_equal(v->nf, 6);
		assert_int_equal(key_len, 32);
		assert_int_equal(want_len, 16);
		int eps = name[0] == 'e';
		uint8_t t = alg_type_arg(v, 3), a = alg_type_arg(v, 4);
		assert_int_equal(eps ? nasmac_kdf_eps_nas(key, t, a, got)
				     : nasmac_kdf_5g_nas(key, t, a, got),
				 0);
		names[eps ? 1 : 2]++;
	} else if (strcmp(name, "kamf") == 0) {
		uint8_t c[4];
		assert_int_equal(v->nf, 5);
		assert_int_equal(key_len, 32);
		assert_int_equal(vec_hex(v, 3, c, 4), 4);
		assert_int_equal(want_len, 32);
		assert_int_equal(nasmac_kdf_kamf_from_kasme(key, nasmac__load_be32(c), got), 0);
		names[3]++;
	} else if (strcmp(name, "hmac-sha256") == 0) {
		uint8_t data[256];
		unsigned outl = 0;
		assert_int_equal(v->nf, 5);
		size_t dl = vec_hex(v, 3, data, sizeof(data));
		/* Checks the primitive the KDFs are built on. */
		assert_non_null(HMAC(EVP_sha256(), key, (int)key_len, data, dl, got, &outl));
		assert_int_equal(outl, 32);
		names[4]++;
	} else {
		fail_msg("%s:%u: unknown kdf name %s", v->path, v->lineno, name);
	}
	if (memcmp(got, want, want_len) != 0)
		fail_msg("%s:%u: %s output mismatch", v->path, v->lineno, name);
}

static void test_kdf_vectors(void **state)
{
	unsigned names[5] = { 0 };

	(void)state;
	each_vector("kdf.txt", "kdf", 0, 5, check_kdf_line, names);
	for (int i = 0; i < 5; i++)
		assert_true(names[i] > 0);
}

/* HMAC-SHA-256 through OpenSSL's one-shot HMAC() over an input string S built here octet by
 * octet from the clause text, i.e. independently of nasmac_kdf()'s incremental EVP_MAC path. */
static void hmac_s(const uint8_t key[32], const uint8_t *s, size_t s_len, uint8_t out[32])
{
	unsigned outl = 0;
	assert_non_null(HMAC(EVP_sha256(), key, 32, s, s_len, out, &outl));
	assert_int_equal(outl, 32);
}

static uint64_t prng_state = 0x6e61736d61634b44u; /* fixed: these cases are deterministic */

static uint64_t prng(void)
{
	/* splitmix64 */
	uint64_t z = (prng_state += 0x9e3779b97f4a7c15u);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
	return z ^ (z >> 31);
}

static void test_kdf_independent(void **state)
{
	(void)state;
	for (int round = 0; round < 200; round++) {
		uint8_t key[32], s[32], want[32], got[32];
		for (int i = 0; i < 32; i++)
			key[i] = (uint8_t)prng();
		uint32_t count = (uint32_t)prng() & 0x00ffffffu; /* 0x00 || OVERFLOW || SQN */
		uint8_t alg_id = (uint8_t)(prng() % 16);

		/* TS 33.501 A.15.1: S = 0x75 || UL NAS COUNT (4 octets) || 0x00 0x04. */
		uint8_t s75[] = {0x75, (uint8_t)(count >> 24), (uint8_t)(count >> 16),
				 (uint8_t)(count >> 8), (uint8_t)count, 0x00, 0x04};
		hmac_s(key, s75, sizeof(s75), want);
		assert_int_equal(nasmac_kdf_kamf_from_kasme(key, count, got), 0);
		assert_memory_equal(got, want, 32);

		/* TS 33.501 A.8: S = 0x69 || type || 0x00 0x01 || alg id || 0x00 0x01; key = last 16. */
		for (uint8_t type = NASMAC_ALG_TYPE_NAS_ENC; type <= NASMAC_ALG_TYPE_NAS_INT; type++) {
			uint8_t s69[] = {0x69, type, 0x00, 0x01, alg_id, 0x00, 0x01};
			hmac_s(key, s69, sizeof(s69), want);
			assert_int_equal(nasmac_kdf_5g_nas(key, type, alg_id, got), 0);
			assert_memory_equal(got, want + 16, 16);
			/* TS 33.401 A.7: the same string with FC 0x15. */
			s69[0] = 0x15;
			hmac_s(key, s69, sizeof(s69), want);
			assert_int_equal(nasmac_kdf_eps_nas(key, type, alg_id, got), 0);
			assert_memory_equal(got, want + 16, 16);
		}

		/* The generic KDF with three parameters of 0..4 octets. */
		uint8_t fc = (uint8_t)prng(), prm[3][4];
		const uint8_t *p[3] = {prm[0], prm[1], prm[2]};
		size_t len[3], sl = 0;
		s[sl++] = fc;
		for (int i = 0; i < 3; i++) {
			len[i] = (size_t)(prng() % 5);
			for (size_t j = 0; j < len[i]; j++)
				s[sl++] = prm[i][j] = (uint8_t)prng();
			s[sl++] = 0;
			s[sl++] = (uint8_t)len[i];
		}
		hmac_s(key, s, sl, want);
		assert_int_equal(nasmac_kdf(key, 32, fc, p, len, 3, got), 0);
		assert_memory_equal(got, want, 32);
	}
}

/* ---- Error paths and small properties -------------------------------------------------------- */

static void test_errors(void **state)
{
	static const uint8_t key[16], kk[32];
	uint8_t msg[4] = {1, 2, 3, 4}, mac[4], out[32];
	(void)state;

	for (int alg = 1; alg <= 3; alg++) {
		nasmac_alg_t a = (nasmac_alg_t)alg;
		assert_int_equal(nasmac_mac(a, key, 0, 32, 0, msg, 32, mac), -EINVAL); /* bearer */
		assert_int_equal(nasmac_mac(a, key, 0, 0, 2, msg, 32, mac), -EINVAL);  /* direction */
		assert_int_equal(nasmac_mac(a, key, 0, 0, 0, NULL, 1, mac), -EINVAL);  /* no message */
		assert_int_equal(nasmac_mac(a, NULL, 0, 0, 0, msg, 32, mac), -EINVAL);
		assert_int_equal(nasmac_mac(a, key, 0, 0, 0, msg, 32, NULL), -EINVAL);
		/* Length 0 is defined by all three algorithms; msg may then be NULL. */
		assert_int_equal(nasmac_mac(a, key, 0, 31, 1, NULL, 0, mac), 0);
	}
	assert_int_equal(nasmac_mac((nasmac_alg_t)0, key, 0, 0, 0, msg, 32, mac), -EINVAL);
	assert_int_equal(nasmac_mac((nasmac_alg_t)4, key, 0, 0, 0, msg, 32, mac), -EINVAL);

	/* KDF parameters: bad algorithm type or identity, an oversized parameter, NULLs. */
	assert_int_equal(nasmac_kdf_eps_nas(kk, 0, 1, out), -EINVAL);
	assert_int_equal(nasmac_kdf_eps_nas(kk, 7, 1, out), -EINVAL);
	assert_int_equal(nasmac_kdf_eps_nas(kk, 2, 16, out), -EINVAL);
	assert_int_equal(nasmac_kdf_5g_nas(kk, 2, 16, out), -EINVAL);
	assert_int_equal(nasmac_kdf_5g_nas(NULL, 2, 1, out), -EINVAL);
	assert_int_equal(nasmac_kdf_kamf_from_kasme(NULL, 0, out), -EINVAL);
	static uint8_t big[65536];
	const uint8_t *p[1] = {big};
	size_t len[1] = {65536};
	assert_int_equal(nasmac_kdf(kk, 32, 0x10, p, len, 1, out), -EINVAL);
	len[0] = 65535; /* the largest a 2-octet L can describe */
	assert_int_equal(nasmac_kdf(kk, 32, 0x10, p, len, 1, out), 0);
	p[0] = NULL;
	len[0] = 1;
	assert_int_equal(nasmac_kdf(kk, 32, 0x10, p, len, 1, out), -EINVAL);
	assert_int_equal(nasmac_kdf(kk, 32, 0x10, NULL, NULL, 1, out), -EINVAL);
	assert_int_equal(nasmac_kdf(NULL, 1, 0x10, NULL, NULL, 0, out), -EINVAL);
	/* An empty key and no parameters are legal for the generic function. */
	assert_int_equal(nasmac_kdf(NULL, 0, 0x10, NULL, NULL, 0, out), 0);

	nasmac__aes128_t aes;
	uint8_t tag[16];
	assert_int_equal(nasmac__aes128_init(&aes, key), 0);
	assert_int_equal(nasmac__cmac(&aes, msg, 16, msg, 0, tag), -EINVAL);
	assert_int_equal(nasmac__cmac(&aes, NULL, 0, NULL, 8, tag), -EINVAL);
	nasmac__aes128_free(&aes);
}

static void test_mac_equal(void **state)
{
	uint8_t a[4] = {0xde, 0xad, 0xbe, 0xef}, b[4];
	(void)state;
	memcpy(b, a, 4);
	assert_int_equal(nasmac_mac_equal(a, b), 1);
	for (int bit = 0; bit < 32; bit++) {
		b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		assert_int_equal(nasmac_mac_equal(a, b), 0);
		b[bit / 8] ^= (uint8_t)(1u << (bit % 8));
	}
	memset(b, 0, 4);
	assert_int_equal(nasmac_mac_equal(a, b), 0);
	memset(a, 0, 4);
	assert_int_equal(nasmac_mac_equal(a, b), 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		{ "test_eia1_vectors", test_vector_file, NULL, NULL, &g_vec_cases[0] },
		{ "test_eia2_vectors", test_vector_file, NULL, NULL, &g_vec_cases[1] },
		{ "test_eia3_vectors", test_vector_file, NULL, NULL, &g_vec_cases[2] },
		{ "test_uia2_vectors", test_vector_file, NULL, NULL, &g_vec_cases[3] },
		{ "test_aes128_vectors", test_vector_file, NULL, NULL, &g_vec_cases[4] },
		cmocka_unit_test(test_cmac_vectors),
		cmocka_unit_test(test_cmac_subkeys),
		{ "test_snow3g_vectors", test_vector_file, NULL, NULL, &g_vec_cases[5] },
		{ "test_zuc_vectors", test_vector_file, NULL, NULL, &g_vec_cases[6] },
		cmocka_unit_test(test_kdf_vectors),
		cmocka_unit_test(test_kdf_independent),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_mac_equal),
	};
	return cmocka_run_group_tests_name("ref_kat", tests, NULL, NULL);
}
