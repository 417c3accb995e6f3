/*
 * nasmac_verify() must not return before its job is finished in the driver's sense: handed to
 * the done ring and taken back out. The job's status is written before the job reaches the
 * ring (the batch is resolved without the lock), so a waiter that took "status != PENDING" as
 * its exit condition could leave in that window on any wakeup; its job then came out of another
 * thread's nasmac_dequeue_burst() later, a pointer into a stack frame long gone.
 *
 * Thread A calls nasmac_verify() on a job on its stack, over and over. Thread B keeps the
 * condition variable busy (bad jobs complete at once, and every completion wakes the waiters)
 * and fills A's batches with long jobs, so each batch takes a while to resolve after A's job
 * was resolved. B must only ever dequeue its own jobs, and every one exactly once.
 *
 * Without the fix this failed within a second on the sim backend (B dequeued A's job).
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "nasmac.h"

#define B_JOBS 512u
#define B_LONG_BITS 8192u

static nasmac_dev_t *g_dev;
static atomic_int g_stop;
static atomic_int g_fail;
static atomic_ulong g_verifies;

static void fail(const char *what, const void *p)
{
	if (atomic_exchange(&g_fail, 1) == 0)
		fprintf(stderr, "test-driver-race: %s (%p)\n", what, p);
	atomic_store(&g_stop, 1);
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *verifier(void *arg)
{
	static const uint8_t msg[8] = { 0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef };
	(void)arg;

	while (!atomic_load(&g_stop)) {
		nasmac_job_t job;
		uint8_t want[4];

		memset(&job, 0, sizeof(job));
		memset(job.key, 0x5a, sizeof(job.key));
		job.alg = NASMAC_EIA2;
		job.count = (uint32_t)atomic_load(&g_verifies);
		job.msg = msg;
		job.len_bits = 64;
		nasmac_mac(NASMAC_EIA2, job.key, job.count, 0, 0, msg, 64, want);
		memcpy(job.expected_mac, want, 4);
		if (nasmac_verify(g_dev, &job) != 0) {
			fail("nasmac_verify failed", &job);
			break;
		}
		if (job.status != NASMAC_ST_VERIFIED)
			fail("verify returned a job that is not verified", &job);
		/* The frame is about to be reused: poison it as the next call's locals would. */
		memset(&job, 0xee, sizeof(job));
		atomic_fetch_add(&g_verifies, 1);
	}
	return NULL;
}

static void *filler(void *arg)
{
	static uint8_t msg[B_LONG_BITS / 8];
	static nasmac_job_t jobs[B_JOBS];
	static nasmac_job_t *ptr[B_JOBS];
	static uint8_t out_now[B_JOBS]; /* 1 while job i is enqueued and not yet dequeued */
	nasmac_job_t bad;
	nasmac_job_t *badp = &bad;
	nasmac_job_t *out[64];
	uint32_t sent = 0, got = 0;
	(void)arg;

	for (uint32_t i = 0; i < B_JOBS; i++) {
		jobs[i].alg = (uint8_t)(1 + i % 3);
		jobs[i].msg = msg;
		jobs[i].len_bits = B_LONG_BITS;
		ptr[i] = &jobs[i];
	}
	while (!atomic_load(&g_stop)) {
		/* Long jobs in A's batches, a few at a time. */
		if (sent < got + 64 && !out_now[sent % B_JOBS]) {
			uint32_t k = sent % B_JOBS;

			if (nasmac_enqueue_burst(g_dev, &ptr[k], 1) == 1) {
				out_now[k] = 1;
				sent++;
			}
		}
		/* A bad job completes at once and wakes every waiter. */
		memset(&bad, 0, sizeof(bad));
		if (nasmac_enqueue_burst(g_dev, &badp, 1) != 1)
			continue;
		for (int spins = 0; spins < 1000; spins++) {
			uint32_t n = nasmac_dequeue_burst(g_dev, out, 64);
			int got_bad = 0;

			for (uint32_t i = 0; i < n; i++) {
				if (out[i] == &bad) {
					got_bad = 1;
					continue;
				}
				if (out[i] < &jobs[0] || out[i] >= &jobs[B_JOBS]) {
					fail("dequeue returned a job this thread never enqueued", out[i]);
					return NULL;
				}
				if (!out_now[out[i] - jobs]) {
					fail("a job came back twice", out[i]);
					return NULL;
				}
				out_now[out[i] - jobs] = 0;
				got++;
			}
			if (got_bad)
				break;
		}
	}
	/* Drain what is left of B's jobs. */
	for (double t0 = now_s(); got < sent && now_s() - t0 < 30.0;) {
		uint32_t n = nasmac_dequeue_burst(g_dev, out, 64);

		for (uint32_t i = 0; i < n; i++) {
			if (out[i] < &jobs[0] || out[i] >= &jobs[B_JOBS])
				fail("dequeue returned a job this thread never enqueued", out[i]);
			else
				got++;
		}
	}
	if (got != sent)
		fail("filler jobs lost", NULL);
	return NULL;
}

int main(int argc, char **argv)
{
	const char *spec = argc > 1 ? argv[1] : "sim";
	double secs = argc > 2 ? atof(argv[2]) : 3.0;
	nasmac_opts_t o = { .batch_max = 64, .deadline_us = 200, .inflight = 1 };
	pthread_t a, b;
	int rc;

	if (getenv("NASMAC_TEST_SKIP_SIM") && strcmp(spec, "cpu") != 0) {
		printf("test-driver-race: skipped (%s)\n", getenv("NASMAC_TEST_SKIP_SIM"));
		return 0;
	}
	rc = nasmac_open(spec, &o, &g_dev);
	if (rc) {
		fprintf(stderr, "test-driver-race: nasmac_open(%s): %s\n", spec, nasmac_strerror(rc));
		return 1;
	}
	pthread_create(&a, NULL, verifier, NULL);
	pthread_create(&b, NULL, filler, NULL);
	for (double t0 = now_s(); now_s() - t0 < secs && !atomic_load(&g_stop);) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };

		nanosleep(&ts, NULL);
	}
	atomic_store(&g_stop, 1);
	pthread_join(a, NULL);
	pthread_join(b, NULL);
	nasmac_close(g_dev);
	if (atomic_load(&g_verifies) == 0)
		fail("no nasmac_verify() finished", NULL);
	printf("test-driver-race (%s, %.1f s, %lu verifies): %d passed, %d failed\n", spec, secs,
	       (unsigned long)atomic_load(&g_verifies), atomic_load(&g_fail) ? 0 : 1,
	       atomic_load(&g_fail) ? 1 : 0);
	return atomic_load(&g_fail) ? 1 : 0;
}
