/*
 * GTP-C transactions bound to their peer (host/common/gtp_txn.c) and the log rate limiter
 * (host/common/log.c): the in-flight table against a plain model under random adds and
 * deletes, fresh keys, SipHash-2-4 against the reference vectors of its authors, token buckets,
 * the MME's Acknowledge bookkeeping (peer, sequence number, TEID, timeout), and the "N
 * suppressed" summary printed by the timer once a burst is over.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "gtp_txn.h"
#include "host.h"

static void test_tab_model(void **state)
{
	enum { MAX = 1000, KEYS = 4096 };
	static int64_t model[KEYS];
	struct nasmac__txn_tab t;
	uint64_t x = 88172645463325252ull; /* seed, printed on failure through the asserts */

	(void)state;
	assert_int_equal(nasmac__txn_tab_init(&t, MAX), 0);
	for (int k = 0; k < KEYS; k++)
		model[k] = -1;
	for (int step = 0; step < 200000; step++) {
		uint32_t key;
		int k;

		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		k = (int)(x % KEYS);
		/* Keys that crowd into few home slots, to exercise the backward shift. */
		key = (uint32_t)k * 0x10000u;
		if ((x >> 20) % 3 == 0) {
			int full = t.n >= MAX;
			int rc = nasmac__txn_tab_add(&t, key, (uint32_t)step);
			if (full) {
				assert_int_equal(rc, -ENOSPC);
			} else if (model[k] >= 0) {
				assert_int_equal(rc, -EEXIST);
			} else {
				assert_int_equal(rc, 0);
				model[k] = step;
			}
		} else if ((x >> 20) % 3 == 1) {
			nasmac__txn_tab_del(&t, key);
			model[k] = -1;
		}
		assert_int_equal(nasmac__txn_tab_find(&t, key), model[k]);
	}
	for (int k = 0; k < KEYS; k++)
		assert_int_equal(nasmac__txn_tab_find(&t, (uint32_t)k * 0x10000u), model[k]);
	nasmac__txn_tab_free(&t);
}

static void test_fresh_keys(void **state)
{
	struct nasmac__txn_tab t;
	uint32_t k, small = 0, top = 0;

	(void)state;
	assert_int_equal(nasmac__txn_tab_init(&t, 4096), 0);
	for (uint32_t i = 0; i < 4096; i++) {
		assert_int_equal(nasmac__txn_tab_fresh(&t, 24, &k), 0);
		assert_true(k != 0 && k <= 0xffffffu);
		assert_int_equal(nasmac__txn_tab_add(&t, k, i), 0); /* never one in use */
		small += k < 4096;
		top += k >> 23;
	}
	assert_int_equal(nasmac__txn_tab_fresh(&t, 24, &k), -ENOSPC);
	/* Random, not a counter: hardly any below 4096, about half with the top bit set. */
	assert_true(small < 8);
	assert_true(top > 1700 && top < 2400);
	nasmac__txn_tab_free(&t);
}

/* SipHash-2-4, key 00 01 .. 0f (the reference implementation's vectors.h and the paper,
 * Appendix A). */
static void test_siphash_vectors(void **state)
{
	static const uint8_t want128_empty[16] = { 0xa3, 0x81, 0x7f, 0x04, 0xba, 0x25, 0xa8, 0xe6,
						   0x6d, 0xf6, 0x72, 0x14, 0xc7, 0x55, 0x02, 0x93 };
	static const uint8_t want64_15[8] = { 0xe5, 0x45, 0xbe, 0x49, 0x61, 0xca, 0x29, 0xa1 };
	static const uint8_t want64_empty[8] = { 0x31, 0x0e, 0x0e, 0xdd, 0x47, 0xdb, 0x6f, 0x72 };
	struct nasmac__digest_key key;
	uint8_t raw[16], msg[15], out[16];

	(void)state;
	for (int i = 0; i < 16; i++)
		raw[i] = (uint8_t)i;
	for (int i = 0; i < 15; i++)
		msg[i] = (uint8_t)i;
	memset(&key, 0, sizeof(key));
	for (int i = 7; i >= 0; i--) {
		key.k0 = key.k0 << 8 | raw[i];
		key.k1 = key.k1 << 8 | raw[8 + i];
	}
	nasmac__siphash64(&key, msg, 15, out);
	assert_memory_equal(out, want64_15, 8);
	nasmac__siphash64(&key, msg, 0, out);
	assert_memory_equal(out, want64_empty, 8);
	nasmac__siphash128(&key, msg, 0, out);
	assert_memory_equal(out, want128_empty, 16);
	/* One flipped octet anywhere changes the digest. */
	{
		uint8_t a[300], d0[16], d1[16];
		for (size_t i = 0; i < sizeof(a); i++)
			a[i] = (uint8_t)(i * 7);
		nasmac__siphash128(&key, a, sizeof(a), d0);
		for (size_t i = 0; i < sizeof(a); i++) {
			a[i] ^= 0x10;
			nasmac__siphash128(&key, a, sizeof(a), d1);
			assert_memory_not_equal(d0, d1, 16);
			a[i] ^= 0x10;
		}
	}
}

static void test_bucket(void **state)
{
	struct nasmac__bucket b = { .rate = 10, .burst = 5 };
	int got = 0;

	(void)state;
	for (int i = 0; i < 100; i++)
		got += nasmac__bucket_take(&b, 1000);
	assert_int_equal(got, 5);
	/* 10 per second: one per 100 ms. */
	assert_int_equal(nasmac__bucket_take(&b, 1050), 0);
	assert_int_equal(nasmac__bucket_take(&b, 1100), 1);
	assert_int_equal(nasmac__bucket_take(&b, 1100), 0);
	/* Never more than the burst, however long the pause. */
	got = 0;
	for (int i = 0; i < 100; i++)
		got += nasmac__bucket_take(&b, 100000);
	assert_int_equal(got, 5);
}

static void test_peer_limit(void **state)
{
	static struct nasmac__peer_limit l;
	struct sockaddr_in a = { .sin_family = AF_INET }, b;
	int got_a = 0, got_b = 0;

	(void)state;
	nasmac__peer_limit_init(&l, 10, 20, 1000);
	a.sin_addr.s_addr = htonl(0x7f000001);
	a.sin_port = htons(4000);
	b = a;
	b.sin_port = htons(4001);
	for (int i = 0; i < 1000; i++)
		got_a += nasmac__peer_limit_take(&l, &a, 5);
	for (int i = 0; i < 10; i++)
		got_b += nasmac__peer_limit_take(&l, &b, 5);
	assert_int_equal(got_a, 20);
	/* The flood of a did not use up b's answers (unless both hash to one bucket). */
	assert_true(got_b == 10 || got_b == 0);
}

/* NH (RFC 4418 5.2) as gtp_txn.h states it, from its definition: one 8-octet block under a
 * chosen key is (m0 + k0)(m1 + k1) and (m0 + k4)(m1 + k5), words little-endian, sums mod 2^32,
 * products mod 2^64; a short tail is zero-padded. Then what the retransmission check relies on:
 * every one-bit change of a request changes the digest, and -EINVAL outside 1..4096 octets. */
static void test_nh128(void **state)
{
	static uint32_t key[NASMAC__NH_KEY_WORDS];
	uint8_t m[NASMAC__NH_MAX + 1], d0[16], d1[16];
	uint64_t a, b;

	(void)state;
	for (uint32_t i = 0; i < NASMAC__NH_KEY_WORDS; i++)
		key[i] = 0x9e3779b9u * (i + 1);
	memcpy(m, "\x01\x02\x03\x04\xff\xff\xff\xff", 8);
	assert_int_equal(nasmac__nh128(key, m, 8, d0), 0);
	a = (uint64_t)(uint32_t)(0x04030201u + key[0]) * (uint32_t)(0xffffffffu + key[1]);
	b = (uint64_t)(uint32_t)(0x04030201u + key[4]) * (uint32_t)(0xffffffffu + key[5]);
	for (int k = 0; k < 8; k++) {
		assert_int_equal(d0[k], (uint8_t)(a >> (8 * k)));
		assert_int_equal(d0[8 + k], (uint8_t)(b >> (8 * k)));
	}
	/* 3 octets: zero-padded to one block. */
	assert_int_equal(nasmac__nh128(key, m, 3, d0), 0);
	a = (uint64_t)(uint32_t)(0x030201u + key[0]) * key[1];
	for (int k = 0; k < 8; k++)
		assert_int_equal(d0[k], (uint8_t)(a >> (8 * k)));

	nasmac__rand_bytes(key, sizeof(key));
	for (size_t i = 0; i < sizeof(m); i++)
		m[i] = (uint8_t)(i * 7 + 1);
	/* Every length up to 300 octets and the longest against the definition, one step of
	 * 8 octets at a time (gtp_txn.c sums 16 octets at a time where it can). */
	for (size_t len = 1; len <= NASMAC__NH_MAX; len = len < 300 ? len + 1 : NASMAC__NH_MAX) {
		uint8_t t[8];

		a = b = 0;
		for (size_t i = 0; i < len; i += 8) {
			uint32_t w0, w1;

			memset(t, 0, sizeof(t));
			memcpy(t, m + i, len - i < 8 ? len - i : 8);
			w0 = (uint32_t)t[0] | (uint32_t)t[1] << 8 | (uint32_t)t[2] << 16 |
			     (uint32_t)t[3] << 24;
			w1 = (uint32_t)t[4] | (uint32_t)t[5] << 8 | (uint32_t)t[6] << 16 |
			     (uint32_t)t[7] << 24;
			a += (uint64_t)(uint32_t)(w0 + key[i / 4]) * (uint32_t)(w1 + key[i / 4 + 1]);
			b += (uint64_t)(uint32_t)(w0 + key[i / 4 + 4]) *
			     (uint32_t)(w1 + key[i / 4 + 5]);
		}
		assert_int_equal(nasmac__nh128(key, m, len, d0), 0);
		for (int k = 0; k < 8; k++) {
			assert_int_equal(d0[k], (uint8_t)(a >> (8 * k)));
			assert_int_equal(d0[8 + k], (uint8_t)(b >> (8 * k)));
		}
		if (len == NASMAC__NH_MAX)
			break;
	}
	assert_int_equal(nasmac__nh128(key, m, 0, d0), -EINVAL);
	assert_int_equal(nasmac__nh128(key, m, NASMAC__NH_MAX + 1, d0), -EINVAL);
	assert_int_equal(nasmac__nh128(key, m, NASMAC__NH_MAX, d0), 0);
	for (size_t len = 99; len <= 100; len++) {
		assert_int_equal(nasmac__nh128(key, m, len, d0), 0);
		assert_int_equal(nasmac__nh128(key, m, len, d1), 0);
		assert_memory_equal(d0, d1, 16);
		for (size_t bit = 0; bit < len * 8; bit++) {
			m[bit / 8] ^= (uint8_t)(1u << (bit % 8));
			assert_int_equal(nasmac__nh128(key, m, len, d1), 0);
			assert_memory_not_equal(d0, d1, 16);
			m[bit / 8] ^= (uint8_t)(1u << (bit % 8));
		}
	}
}

static void test_ctx_txns(void **state)
{
	struct nasmac__ctx_txns t;
	struct sockaddr_in amf = { .sin_family = AF_INET }, other;
	uint8_t req[100];
	uint32_t teid, teid2, ue;

	(void)state;
	amf.sin_addr.s_addr = htonl(0x7f000001);
	amf.sin_port = htons(2123);
	other = amf;
	other.sin_port = htons(2124);
	memset(req, 0x5a, sizeof(req));
	assert_int_equal(nasmac__ctx_txns_init(&t, 8), 0);

	/* Retransmission: same peer, sequence number and every octet. */
	nasmac__ctx_txns_note(&t, 3, &amf, 77, req, sizeof(req), 1000);
	assert_true(nasmac__ctx_txns_is_retx(&t, 3, &amf, 77, req, sizeof(req)));
	assert_false(nasmac__ctx_txns_is_retx(&t, 3, &other, 77, req, sizeof(req)));
	assert_false(nasmac__ctx_txns_is_retx(&t, 3, &amf, 78, req, sizeof(req)));
	assert_false(nasmac__ctx_txns_is_retx(&t, 3, &amf, 77, req, sizeof(req) - 1));
	req[99] ^= 1;
	assert_false(nasmac__ctx_txns_is_retx(&t, 3, &amf, 77, req, sizeof(req)));
	req[99] ^= 1;
	req[0] ^= 0x80;
	assert_false(nasmac__ctx_txns_is_retx(&t, 3, &amf, 77, req, sizeof(req)));
	req[0] ^= 0x80;
	/* The same octets and a zero more: the padding does not make them one request. */
	req[98] = 0;
	req[99] = 0;
	nasmac__ctx_txns_note(&t, 3, &amf, 77, req, sizeof(req) - 1, 1000);
	assert_true(nasmac__ctx_txns_is_retx(&t, 3, &amf, 77, req, sizeof(req) - 1));
	assert_false(nasmac__ctx_txns_is_retx(&t, 3, &amf, 77, req, sizeof(req)));
	memset(req, 0x5a, sizeof(req));
	nasmac__ctx_txns_note(&t, 3, &amf, 77, req, sizeof(req), 1000);
	assert_false(nasmac__ctx_txns_is_retx(&t, 4, &amf, 77, req, sizeof(req)));

	/* The Ack: only from the peer, with the sequence number, under the TEID. */
	assert_int_equal(nasmac__ctx_txns_sent(&t, 3, &amf, 77, 1000, 500, 0, &teid), 0);
	assert_int_not_equal(teid, 0);
	assert_int_equal(nasmac__ctx_txns_sent(&t, 3, &amf, 77, 1001, 500, 1, &teid2), 0);
	assert_int_equal(teid, teid2); /* a resend keeps the TEID */
	assert_int_equal(nasmac__ctx_txns_ack(&t, teid, &other, 77, &ue), -EPERM);
	assert_int_equal(nasmac__ctx_txns_ack(&t, teid, &amf, 78, &ue), -EPERM);
	assert_int_equal(nasmac__ctx_txns_ack(&t, teid ^ 1, &amf, 77, &ue), -ENOENT);
	assert_int_equal(nasmac__ctx_txns_ack(&t, 0, &amf, 77, &ue), -ENOENT);
	assert_int_equal(nasmac__ctx_txns_ack(&t, teid, &amf, 77, &ue), 0);
	assert_int_equal(ue, 3);
	assert_int_equal(nasmac__ctx_txns_ack(&t, teid, &amf, 77, &ue), -ENOENT);

	/* A newer context for the same UE replaces the older one; timeouts in order. */
	assert_int_equal(nasmac__ctx_txns_sent(&t, 1, &amf, 10, 2000, 500, 0, &teid), 0);
	assert_int_equal(nasmac__ctx_txns_sent(&t, 2, &amf, 11, 2100, 500, 0, &teid2), 0);
	assert_int_equal(nasmac__ctx_txns_sent(&t, 1, &amf, 12, 2200, 500, 0, &teid), 0);
	assert_int_equal(nasmac__ctx_txns_expired(&t, 2599, &ue), 0);
	assert_int_equal(nasmac__ctx_txns_expired(&t, 2600, &ue), 1);
	assert_int_equal(ue, 2);
	assert_int_equal(nasmac__ctx_txns_ack(&t, teid2, &amf, 11, &ue), -ENOENT);
	assert_int_equal(nasmac__ctx_txns_expired(&t, 2650, &ue), 0);
	assert_int_equal(nasmac__ctx_txns_expired(&t, 2700, &ue), 1);
	assert_int_equal(ue, 1);
	assert_int_equal(nasmac__ctx_txns_expired(&t, 99999, &ue), 0);
	nasmac__ctx_txns_free(&t);
}

/* The log rate limiter with a test clock. */
static uint64_t fake_ms;
static uint64_t fake_clock(void)
{
	return fake_ms;
}

static int count_lines(char *buf, const char *needle)
{
	int n = 0;

	for (char *p = buf; (p = strstr(p, needle)); p++)
		n++;
	return n;
}

static void test_log_rl_summary_on_tick(void **state)
{
	struct nasmac__ratelimit rl = { .burst = 5 };
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	nasmac__log_init("test", NASMAC__LOG_INFO);
	nasmac__log_set_output(f);
	nasmac__log_set_clock(fake_clock);
	fake_ms = 10000;
	for (int i = 0; i < 20; i++)
		nasmac__log_rl(&rl, NASMAC__LOG_WARN, "forged answer %d from a peer", i);
	nasmac__log_rl_tick(); /* the window is not over: no summary yet */
	fflush(f);
	assert_int_equal(count_lines(buf, "forged answer"), 5);
	assert_int_equal(count_lines(buf, "suppressed"), 0);
	/* The burst is over; nothing else of that kind comes, the timer prints the summary. */
	fake_ms += 1200;
	nasmac__log_rl_tick();
	fflush(f);
	assert_int_equal(count_lines(buf, "15 similar lines suppressed"), 1);
	assert_int_equal(count_lines(buf, "\"forged answer ...\""), 1);
	/* Only once, and not for a quiet limiter. */
	fake_ms += 5000;
	nasmac__log_rl_tick();
	fflush(f);
	assert_int_equal(count_lines(buf, "suppressed"), 1);
	/* A new burst: 5 lines again, its own summary with the next line after it. */
	for (int i = 0; i < 7; i++)
		nasmac__log_rl(&rl, NASMAC__LOG_WARN, "forged answer %d from a peer", i);
	fake_ms += 1000;
	nasmac__log_rl(&rl, NASMAC__LOG_WARN, "forged answer %d from a peer", 99);
	fflush(f);
	assert_int_equal(count_lines(buf, "2 similar lines suppressed"), 1);
	assert_int_equal(count_lines(buf, "forged answer 99"), 1);
	nasmac__log_rl_forget(&rl);
	nasmac__log_set_output(NULL);
	nasmac__log_set_clock(NULL);
	fclose(f);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tab_model),
		cmocka_unit_test(test_fresh_keys),
		cmocka_unit_test(test_siphash_vectors),
		cmocka_unit_test(test_nh128),
		cmocka_unit_test(test_bucket),
		cmocka_unit_test(test_peer_limit),
		cmocka_unit_test(test_ctx_txns),
		cmocka_unit_test(test_log_rl_summary_on_tick),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
