/*
 * nasmac bench driver: MAC/s and ns per job through each libnasmac backend, beside raw
 * libipsec-mb (the same multi-buffer job API, used straight) and OpenSSL (EVP_MAC CMAC), all in
 * one run on one core: 64-octet messages, a new key for every job (no cached key schedules).
 * Then job latency percentiles through the driver for a few burst sizes and deadlines.
 *
 * --json: one JSON object per line, each with "backend", "alg", "mac_per_s", "ns_per_job".
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <intel-ipsec-mb.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "cmd.h"
#include "nasmac.h"

#define POOL 4096u  /* distinct keys and messages */
#define MSG_BYTES 64u
#define BURST 256u

static uint8_t g_keys[POOL][16];
static uint8_t g_msgs[POOL][MSG_BYTES];
static int g_json;
static double g_min_s = 0.4; /* each throughput figure runs at least this long */
static volatile uint32_t g_sink;
static int g_quiet; /* measure without printing (best-of-N rounds print once) */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static const char *alg_name(int alg)
{
	return alg == 1 ? "eia1" : alg == 2 ? "eia2" : "eia3";
}

static void report(const char *backend, int alg, double jobs, double secs, const char *extra)
{
	double rate = jobs / secs;

	if (g_quiet)
		return;
	if (g_json)
		printf("{\"backend\":\"%s\",\"alg\":\"%s\",\"mac_per_s\":%.0f,\"ns_per_job\":%.1f,"
		       "\"msg_bytes\":%u%s%s}\n",
		       backend, alg_name(alg), rate, 1e9 / rate, MSG_BYTES, extra ? "," : "",
		       extra ? extra : "");
	else
		printf("  %-14s %s  %12.0f MAC/s  %8.1f ns/job%s%s\n", backend, alg_name(alg), rate,
		       1e9 / rate, extra ? "  " : "", extra ? extra : "");
	fflush(stdout);
}

static void skipped(const char *backend, const char *why)
{
	if (g_json)
		printf("{\"backend\":\"%s\",\"alg\":\"eia2\",\"mac_per_s\":null,"
		       "\"ns_per_job\":null,\"skipped\":\"%s\"}\n", backend, why);
	else
		printf("  %-14s skipped (%s)\n", backend, why);
}

/* ---- raw libipsec-mb: what the cpu backend does, without the driver around it ------------ */

struct raw_ent {
	DECLARE_ALIGNED(uint32_t ks[4 * 15], 16);
	DECLARE_ALIGNED(uint8_t sk1[16], 16);
	DECLARE_ALIGNED(uint8_t sk2[16], 16);
	snow3g_key_schedule_t sks;
	DECLARE_ALIGNED(uint8_t key[16], 16);
	DECLARE_ALIGNED(uint8_t iv[16], 16);
	DECLARE_ALIGNED(uint8_t tag[16], 16);
	uint8_t buf[8 + MSG_BYTES];
};

static void raw_collect(IMB_JOB *j)
{
	g_sink += (uint32_t)j->status;
}

static double raw_run(IMB_MGR *m, struct raw_ent *ents, int alg, uint64_t n)
{
	DECLARE_ALIGNED(uint32_t dks[4 * 15], 16);
	double t0 = now_s();

	for (uint64_t i = 0; i < n; i++) {
		struct raw_ent *e = &ents[i % (2 * IMB_MAX_JOBS)];
		uint32_t k = (uint32_t)(i % POOL), count = (uint32_t)i;
		IMB_JOB *j;

		if (alg == 2) {
			e->buf[0] = (uint8_t)(count >> 24);
			e->buf[1] = (uint8_t)(count >> 16);
			e->buf[2] = (uint8_t)(count >> 8);
			e->buf[3] = (uint8_t)count;
			e->buf[4] = 0x08;
			e->buf[5] = e->buf[6] = e->buf[7] = 0;
			memcpy(e->buf + 8, g_msgs[k], MSG_BYTES);
			IMB_AES_KEYEXP_128(m, g_keys[k], e->ks, dks);
			IMB_AES_CMAC_SUBKEY_GEN_128(m, e->ks, e->sk1, e->sk2);
		} else if (alg == 1) {
			IMB_SNOW3G_INIT_KEY_SCHED(m, g_keys[k], &e->sks);
			snow3g_f9_iv_gen(count, 1u << 27, 0, e->iv);
		} else {
			memcpy(e->key, g_keys[k], 16);
			zuc_eia3_iv_gen(count, 1, 0, e->iv);
		}
		j = IMB_GET_NEXT_JOB(m);
		j->cipher_mode = IMB_CIPHER_NULL;
		j->cipher_direction = IMB_DIR_ENCRYPT;
		j->chain_order = IMB_ORDER_HASH_CIPHER;
		j->hash_start_src_offset_in_bytes = 0;
		j->auth_tag_output = e->tag;
		j->auth_tag_output_len_in_bytes = 4;
		if (alg == 2) {
			j->hash_alg = IMB_AUTH_AES_CMAC_BITLEN;
			j->src = e->buf;
			j->msg_len_to_hash_in_bits = 64 + 8 * MSG_BYTES;
			j->u.CMAC._key_expanded = e->ks;
			j->u.CMAC._skey1 = e->sk1;
			j->u.CMAC._skey2 = e->sk2;
		} else if (alg == 1) {
			j->hash_alg = IMB_AUTH_SNOW3G_UIA2_BITLEN;
			j->src = g_msgs[k];
			j->msg_len_to_hash_in_bits = 8 * MSG_BYTES;
			j->u.SNOW3G_UIA2._key = &e->sks;
			j->u.SNOW3G_UIA2._iv = e->iv;
		} else {
			j->hash_alg = IMB_AUTH_ZUC_EIA3_BITLEN;
			j->src = g_msgs[k];
			j->msg_len_to_hash_in_bits = 8 * MSG_BYTES;
			j->u.ZUC_EIA3._key = e->key;
			j->u.ZUC_EIA3._iv = e->iv;
			j->u.ZUC_EIA3._iv23 = NULL;
		}
		j = IMB_SUBMIT_JOB(m);
		while (j) {
			raw_collect(j);
			j = IMB_GET_COMPLETED_JOB(m);
		}
	}
	for (IMB_JOB *j = IMB_FLUSH_JOB(m); j; j = IMB_FLUSH_JOB(m))
		raw_collect(j);
	return now_s() - t0;
}

/* Runs f with growing job counts until one run lasts g_min_s; returns jobs/s of that run. */
#define MEASURE(jobs_out, secs_out, call)                                                  \
	do {                                                                               \
		uint64_t n_ = 20000;                                                       \
		double s_;                                                                 \
		for (;;) {                                                                 \
			uint64_t n = n_;                                                   \
			s_ = (call);                                                       \
			if (s_ >= g_min_s || n_ > (1ull << 32))                            \
				break;                                                     \
			n_ = (uint64_t)((double)n_ * (s_ > 0.01 ? g_min_s * 1.2 / s_ : 10)); \
		}                                                                          \
		(jobs_out) = (double)n_;                                                   \
		(secs_out) = s_;                                                           \
	} while (0)

/* One measurement of raw libipsec-mb for alg: jobs/s. */
static double raw_rate(IMB_MGR *m, struct raw_ent *ents, int alg)
{
	double jobs, secs;

	raw_run(m, ents, alg, 20000); /* warm-up */
	MEASURE(jobs, secs, raw_run(m, ents, alg, n));
	return jobs / secs;
}

/* ---- OpenSSL EVP_MAC CMAC, new key per job (cipher set once, key at every init) ----------- */

static double ossl_run(EVP_MAC_CTX *ctx, uint64_t n)
{
	uint8_t buf[8 + MSG_BYTES], tag[16];
	double t0 = now_s();

	for (uint64_t i = 0; i < n; i++) {
		uint32_t k = (uint32_t)(i % POOL), count = (uint32_t)i;
		size_t len = 0;

		buf[0] = (uint8_t)(count >> 24);
		buf[1] = (uint8_t)(count >> 16);
		buf[2] = (uint8_t)(count >> 8);
		buf[3] = (uint8_t)count;
		buf[4] = 0x08;
		buf[5] = buf[6] = buf[7] = 0;
		memcpy(buf + 8, g_msgs[k], MSG_BYTES);
		if (!EVP_MAC_init(ctx, g_keys[k], 16, NULL) || !EVP_MAC_update(ctx, buf, sizeof(buf)) ||
		    !EVP_MAC_final(ctx, tag, &len, sizeof(tag)))
			return -1;
		g_sink += tag[0];
	}
	return now_s() - t0;
}

static int bench_openssl(double *rate)
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "CMAC", NULL);
	EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
	OSSL_PARAM params[] = { OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER,
								  (char *)"AES-128-CBC", 0),
				OSSL_PARAM_construct_end() };
	double jobs, secs;
	int rc = -EIO;

	if (!ctx || !EVP_MAC_init(ctx, g_keys[0], 16, params))
		goto out;
	ossl_run(ctx, 20000);
	MEASURE(jobs, secs, ossl_run(ctx, n));
	if (secs < 0)
		goto out;
	*rate = jobs / secs;
	report("openssl", 2, jobs, secs, NULL);
	rc = 0;
out:
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return rc;
}

/* ---- libnasmac backends --------------------------------------------------------------------- */

struct drv_ctx {
	nasmac_job_t *jobs; /* BURST * 2 */
	nasmac_job_t **ptr;
	int alg;
};

static void prep_job(nasmac_job_t *j, int alg, uint64_t i)
{
	uint32_t k = (uint32_t)(i % POOL);

	memcpy(j->key, g_keys[k], 16);
	j->alg = (uint8_t)alg;
	j->count = (uint32_t)i;
	j->bearer = 1;
	j->direction = 0;
	j->msg = g_msgs[k];
	j->len_bits = 8 * MSG_BYTES;
	memset(j->expected_mac, 0, 4);
}

static int wait_fd(nasmac_dev_t *dev, int ms)
{
	struct pollfd p = { .fd = nasmac_fd(dev), .events = POLLIN };

	return poll(&p, 1, ms);
}

/* n jobs through dev in bursts, keeping up to 2 * BURST in flight. */
static double drv_run(nasmac_dev_t *dev, struct drv_ctx *c, uint64_t n)
{
	nasmac_job_t *free_jobs[2 * BURST], *out[2 * BURST];
	uint32_t nfree = 2 * BURST;
	uint64_t sent = 0, got = 0;
	double t0 = now_s();

	for (uint32_t i = 0; i < 2 * BURST; i++)
		free_jobs[i] = &c->jobs[i];
	while (got < n) {
		uint32_t want = nfree < BURST ? nfree : BURST, took, k;

		if (want > n - sent)
			want = (uint32_t)(n - sent);
		for (uint32_t i = 0; i < want; i++)
			prep_job(free_jobs[nfree - want + i], c->alg, sent + i);
		took = want ? nasmac_enqueue_burst(dev, free_jobs + nfree - want, want) : 0;
		/* Those not taken stay at the end of the free list, after the taken ones. */
		memmove(free_jobs + nfree - want, free_jobs + nfree - want + took,
			(want - took) * sizeof(*free_jobs));
		nfree -= took;
		sent += took;
		if (sent == n)
			nasmac_flush(dev);
		k = nasmac_dequeue_burst(dev, out, 2 * BURST);
		for (uint32_t i = 0; i < k; i++) {
			g_sink += (uint32_t)out[i]->status;
			free_jobs[nfree++] = out[i];
		}
		got += k;
		if (k == 0 && (took == 0 || sent == n))
			wait_fd(dev, 100);
	}
	return now_s() - t0;
}

static int bench_backend(const char *spec, const nasmac_opts_t *o, double min_s, int alg,
			 double *rate)
{
	struct drv_ctx c = { .alg = alg };
	nasmac_dev_t *dev = NULL;
	nasmac_stats_t st;
	double jobs, secs, save = g_min_s;
	char extra[160];
	int rc;

	rc = nasmac_open(spec, o, &dev);
	if (rc)
		return rc;
	c.jobs = calloc(2 * BURST, sizeof(*c.jobs));
	if (!c.jobs) {
		nasmac_close(dev);
		return -ENOMEM;
	}
	g_min_s = min_s;
	drv_run(dev, &c, 2000);
	nasmac_stats(dev, &st);
	{
		uint64_t done0 = st.completed, cyc0 = st.device_cycles, dns0 = st.device_ns;
		double wall = now_s();

		MEASURE(jobs, secs, drv_run(dev, &c, n));
		wall = now_s() - wall;
		nasmac_stats(dev, &st);
		if (st.device_cycles > cyc0) {
			double done = (double)(st.completed - done0);

			/* Host time per job: the run's wall time minus the time the batches spent
			 * in the device (here, in the model), i.e. the driver's own cost. */
			snprintf(extra, sizeof(extra),
				 "\"device_cycles_per_mac\":%.2f,\"host_ns_per_job\":%.1f",
				 (double)(st.device_cycles - cyc0) / done,
				 (wall * 1e9 - (double)(st.device_ns - dns0)) / done);
		} else {
			extra[0] = '\0';
		}
	}
	g_min_s = save;
	*rate = jobs / secs;
	if (!g_json && extra[0]) {
		char text[160];
		double cyc = 0, host = 0;

		sscanf(extra, "\"device_cycles_per_mac\":%lf,\"host_ns_per_job\":%lf", &cyc, &host);
		snprintf(text, sizeof(text), "(%.2f kernel cycles/MAC; host %.0f ns/job outside the "
					     "device)", cyc, host);
		report(spec, alg, jobs, secs, text);
	} else {
		report(spec, alg, jobs, secs, extra[0] ? extra : NULL);
	}
	free(c.jobs);
	nasmac_close(dev);
	return 0;
}

/* ---- latency -------------------------------------------------------------------------------- */

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* rounds bursts of `burst` jobs, one burst at a time; latency = enqueue to dequeue. */
static int bench_latency(const char *spec, uint32_t batch_max, uint32_t deadline_us,
			 uint32_t burst, uint32_t rounds)
{
	nasmac_opts_t o = { .batch_max = batch_max, .deadline_us = deadline_us,
			    .timeout_ms = 60000 };
	nasmac_job_t *jobs = calloc(burst, sizeof(*jobs)), **ptr = calloc(burst, sizeof(*ptr));
	nasmac_job_t *out[256];
	double *lat = calloc((size_t)burst * rounds, sizeof(*lat)), t_all = now_s();
	nasmac_dev_t *dev = NULL;
	size_t nl = 0;
	char extra[200];
	int rc = -ENOMEM;

	if (!jobs || !ptr || !lat)
		goto out;
	rc = nasmac_open(spec, &o, &dev);
	if (rc)
		goto out;
	for (uint32_t r = 0; r < rounds; r++) {
		uint32_t got = 0, sent = 0;
		double t0;

		for (uint32_t i = 0; i < burst; i++) {
			prep_job(&jobs[i], 2, (uint64_t)r * burst + i);
			ptr[i] = &jobs[i];
		}
		t0 = now_s();
		while (got < burst) {
			uint32_t k;

			if (sent < burst)
				sent += nasmac_enqueue_burst(dev, ptr + sent, burst - sent);
			k = nasmac_dequeue_burst(dev, out, 256);
			if (k == 0) {
				wait_fd(dev, 100);
				continue;
			}
			double t = now_s();

			for (uint32_t i = 0; i < k; i++)
				lat[nl++] = (t - t0) * 1e6;
			got += k;
		}
	}
	t_all = now_s() - t_all;
	qsort(lat, nl, sizeof(*lat), cmp_double);
	snprintf(extra, sizeof(extra),
		 g_json ? "\"kind\":\"latency\",\"batch_max\":%u,\"deadline_us\":%u,\"burst\":%u,"
			  "\"p50_us\":%.1f,\"p99_us\":%.1f"
			: "latency: batch_max %4u deadline %4u us burst %4u: p50 %8.1f us  p99 %8.1f us",
		 batch_max, deadline_us, burst, lat[nl / 2], lat[nl * 99 / 100]);
	report(spec, 2, (double)nl, t_all, extra);
	nasmac_close(dev);
out:
	free(jobs);
	free(ptr);
	free(lat);
	return rc;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: nasmac bench driver [--json] [--seconds S] [--no-sim]\n"
		   "MAC/s and ns per job per libnasmac backend (cpu, sim, xrt if a card is there),\n"
		   "beside raw libipsec-mb and OpenSSL EVP_MAC, 64-octet messages, a new key per job;\n"
		   "then latency percentiles for a few burst sizes and deadlines.\n");
}

int nasmac__bench_driver(int argc, char **argv)
{
	double raw[4] = { 0 }, cpu[4] = { 0 }, ossl = 0, r;
	int no_sim = 0, rc;
	uint64_t s = 0x9e3779b97f4a7c15ULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			g_json = 1;
		} else if (!strcmp(argv[i], "--no-sim")) {
			no_sim = 1;
		} else if (!strcmp(argv[i], "--seconds") && i + 1 < argc) {
			g_min_s = atof(argv[++i]);
			if (g_min_s <= 0)
				g_min_s = 0.4;
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}
	for (uint32_t i = 0; i < POOL; i++) {
		for (int k = 0; k < 16; k++)
			g_keys[i][k] = (uint8_t)((s = s * 6364136223846793005ULL + 1) >> 56);
		for (uint32_t k = 0; k < MSG_BYTES; k++)
			g_msgs[i][k] = (uint8_t)((s = s * 6364136223846793005ULL + 1) >> 56);
	}
	{
		char params[96];

		snprintf(params, sizeof(params), "\"msg_bytes\":%u,\"seconds\":%.2f,\"sim\":%s",
			 MSG_BYTES, g_min_s, no_sim ? "false" : "true");
		nasmac__bench_header("driver", g_json, params);
	}
	if (!g_json)
		printf("nasmac bench driver: one core, %u-octet messages, new key per job\n",
		       MSG_BYTES);
	/* Raw ipsec-mb and the cpu backend take turns, three rounds each, and the best round
	 * of each counts: the machine is shared, and load that comes and goes between two
	 * back-to-back runs would otherwise decide the ratio. */
	{
		IMB_MGR *m = alloc_mb_mgr(0);
		struct raw_ent *ents = aligned_alloc(64, 2 * IMB_MAX_JOBS * sizeof(*ents));

		if (!m || !ents) {
			fprintf(stderr, "nasmac bench driver: out of memory\n");
			free(ents);
			if (m)
				free_mb_mgr(m);
			return 1;
		}
		init_mb_mgr_auto(m, NULL);
		for (int alg = 1; alg <= 3; alg++) {
			for (int round = 0; round < 3; round++) {
				double rr = raw_rate(m, ents, alg);

				if (rr > raw[alg])
					raw[alg] = rr;
				g_quiet = 1;
				rc = bench_backend("cpu", NULL, g_min_s, alg, &r);
				g_quiet = 0;
				if (rc) {
					fprintf(stderr, "nasmac bench driver: cpu: %s\n",
						nasmac_strerror(rc));
					free(ents);
					free_mb_mgr(m);
					return 1;
				}
				if (r > cpu[alg])
					cpu[alg] = r;
			}
			report("ipsec-mb", alg, raw[alg], 1.0, NULL);
		}
		free(ents);
		free_mb_mgr(m);
	}
	if (bench_openssl(&ossl)) {
		fprintf(stderr, "nasmac bench driver: OpenSSL set-up failed\n");
		return 1;
	}
	for (int alg = 1; alg <= 3; alg++)
		report("cpu", alg, cpu[alg], 1.0, NULL);
	if (!g_json)
		for (int alg = 1; alg <= 3; alg++)
			printf("  cpu backend / raw ipsec-mb, %s: %.0f%%%s\n", alg_name(alg),
			       100.0 * cpu[alg] / raw[alg], alg == 2 ? "" : "");
	if (!g_json)
		printf("  cpu backend / openssl, eia2: %.1fx\n", cpu[2] / ossl);
	if (!no_sim) {
		nasmac_opts_t o = { .batch_max = 256, .inflight = 2, .timeout_ms = 600000 };

		for (int alg = 1; alg <= 3; alg++)
			if ((rc = bench_backend("sim", &o, 0.5, alg, &r)) != 0) {
				skipped("sim", nasmac_strerror(rc));
				break;
			}
	}
	{
		nasmac_opts_t o = { .batch_max = 256, .inflight = 4 };

		rc = bench_backend("xrt:0", &o, g_min_s, 2, &r);
		if (rc)
			skipped("xrt:0", rc == -ENODEV ? "no card" : nasmac_strerror(rc));
	}
	/* Latency: a burst below the lane count waits for the deadline on the cpu backend. */
	bench_latency("cpu", 256, 20, 1, 2000);
	bench_latency("cpu", 256, 200, 1, 500);
	bench_latency("cpu", 256, 20, 16, 2000);
	bench_latency("cpu", 256, 20, 256, 500);
	if (!no_sim) {
		bench_latency("sim", 16, 50, 16, 30);
		bench_latency("sim", 64, 50, 64, 20);
		bench_latency("sim", 256, 50, 256, 10);
		bench_latency("sim", 256, 200, 16, 30);
	}
	return g_sink == 0xffffffffu ? 1 : 0;
}
