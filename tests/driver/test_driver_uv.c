/*
 * libnasmac inside a libuv loop: the loop uv_poll's nasmac_fd(), a uv_idle handle feeds jobs
 * with nasmac_enqueue_burst() (which never blocks: it takes what fits), and the poll callback
 * dequeues and checks each job against the CPU reference. Nothing in the loop ever blocks;
 * a uv_timer fails the test if the loop stalls.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <uv.h>

#include "nasmac.h"

#if defined(__SANITIZE_ADDRESS__)
#define SAN_BUILD 1
#else
#define SAN_BUILD 0
#endif

/* A small fixed pool of distinct messages; the jobs cycle through it. */
#define NMSG 64

struct uvt {
	uv_poll_t poll;
	uv_idle_t idle;
	uv_timer_t watchdog;
	nasmac_dev_t *dev;
	nasmac_job_t *jobs;
	nasmac_job_t **ptr;
	uint8_t (*want)[4];
	uint8_t keys[NMSG][16];
	uint8_t msgs[NMSG][64];
	uint32_t n, sent, got, bad, polls;
	uint32_t last_got;
	int stalled;
};

static void fill(struct uvt *u, uint64_t seed)
{
	uint64_t s = seed | 1;

	for (int i = 0; i < NMSG; i++) {
		for (int k = 0; k < 16; k++)
			u->keys[i][k] = (uint8_t)(s = s * 6364136223846793005ULL + 1442695040888963407ULL) ;
		for (int k = 0; k < 64; k++)
			u->msgs[i][k] = (uint8_t)((s = s * 6364136223846793005ULL + 1) >> 33);
	}
	for (uint32_t i = 0; i < u->n; i++) {
		nasmac_job_t *j = &u->jobs[i];
		uint32_t m = i % NMSG;

		memset(j, 0, sizeof(*j));
		memcpy(j->key, u->keys[m], 16);
		j->alg = (uint8_t)(1 + i % 3);
		j->count = i;
		j->bearer = (uint8_t)(i % 32);
		j->direction = (uint8_t)(i & 1);
		j->msg = u->msgs[m];
		j->len_bits = 8 * 64 - (i % 7);
		j->cookie = (void *)(uintptr_t)i;
		assert_int_equal(nasmac_mac((nasmac_alg_t)j->alg, j->key, j->count, j->bearer,
					    j->direction, j->msg, j->len_bits, u->want[i]),
				 0);
		memcpy(j->expected_mac, u->want[i], 4);
		if (i % 10 == 3)
			j->expected_mac[0] ^= 0x80;
		u->ptr[i] = j;
	}
}

static void on_poll(uv_poll_t *h, int status, int events)
{
	struct uvt *u = h->data;
	nasmac_job_t *out[256];
	uint32_t k;

	(void)events;
	assert_int_equal(status, 0);
	u->polls++;
	while ((k = nasmac_dequeue_burst(u->dev, out, 256)) > 0) {
		for (uint32_t i = 0; i < k; i++) {
			uint32_t idx = (uint32_t)(uintptr_t)out[i]->cookie;
			int want = idx % 10 == 3 ? NASMAC_ST_MISMATCH : NASMAC_ST_VERIFIED;

			if (out[i]->status != want || memcmp(out[i]->mac, u->want[idx], 4))
				u->bad++;
		}
		u->got += k;
	}
	if (u->got == u->n) {
		uv_poll_stop(&u->poll);
		uv_timer_stop(&u->watchdog);
	}
}

static void on_idle(uv_idle_t *h)
{
	struct uvt *u = h->data;
	uint32_t want = u->n - u->sent < 128 ? u->n - u->sent : 128;

	u->sent += nasmac_enqueue_burst(u->dev, u->ptr + u->sent, want);
	if (u->sent == u->n) {
		nasmac_flush(u->dev);
		uv_idle_stop(&u->idle);
	}
}

/* Fails the run when no job finished for a whole second. */
static void on_watchdog(uv_timer_t *h)
{
	struct uvt *u = h->data;

	if (u->got == u->last_got) {
		u->stalled = 1;
		uv_poll_stop(&u->poll);
		uv_idle_stop(&u->idle);
		uv_timer_stop(&u->watchdog);
	}
	u->last_got = u->got;
}

static void run_loop(const char *spec, const nasmac_opts_t *o, uint32_t n)
{
	uv_loop_t loop;
	struct uvt *u = calloc(1, sizeof(*u));
	nasmac_stats_t st;

	assert_non_null(u);
	u->n = n;
	u->jobs = calloc(n, sizeof(*u->jobs));
	u->ptr = calloc(n, sizeof(*u->ptr));
	u->want = calloc(n, sizeof(*u->want));
	assert_non_null(u->jobs);
	assert_non_null(u->ptr);
	assert_non_null(u->want);
	fill(u, (uint64_t)time(NULL));
	assert_int_equal(nasmac_open(spec, o, &u->dev), 0);

	assert_int_equal(uv_loop_init(&loop), 0);
	assert_int_equal(uv_poll_init(&loop, &u->poll, nasmac_fd(u->dev)), 0);
	assert_int_equal(uv_idle_init(&loop, &u->idle), 0);
	assert_int_equal(uv_timer_init(&loop, &u->watchdog), 0);
	u->poll.data = u->idle.data = u->watchdog.data = u;
	assert_int_equal(uv_poll_start(&u->poll, UV_READABLE, on_poll), 0);
	assert_int_equal(uv_idle_start(&u->idle, on_idle), 0);
	assert_int_equal(uv_timer_start(&u->watchdog, on_watchdog, 1000, 1000), 0);
	assert_int_equal(uv_run(&loop, UV_RUN_DEFAULT), 0);

	assert_int_equal(u->stalled, 0);
	assert_int_equal(u->got, n);
	assert_int_equal(u->bad, 0);
	assert_true(u->polls > 0);
	assert_int_equal(nasmac_stats(u->dev, &st), 0);
	assert_int_equal(st.completed, n);
	assert_int_equal(st.mismatched, n / 10 + (n % 10 > 3));
	uv_close((uv_handle_t *)&u->poll, NULL);
	uv_close((uv_handle_t *)&u->idle, NULL);
	uv_close((uv_handle_t *)&u->watchdog, NULL);
	uv_run(&loop, UV_RUN_DEFAULT);
	assert_int_equal(uv_loop_close(&loop), 0);
	assert_int_equal(nasmac_close(u->dev), 0);
	free(u->jobs);
	free(u->ptr);
	free(u->want);
	free(u);
}

static void test_uv_cpu(void **state)
{
	(void)state;
	run_loop("cpu", NULL, 100000);
}

static void test_uv_sim(void **state)
{
	nasmac_opts_t o = { .batch_max = 64, .timeout_ms = 60000 };

	(void)state;
	if (getenv("NASMAC_TEST_SKIP_SIM"))
		skip();
	run_loop("sim", &o, SAN_BUILD ? 200 : 3000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_uv_cpu),
		cmocka_unit_test(test_uv_sim),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
