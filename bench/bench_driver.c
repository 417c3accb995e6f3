/*
 * nasmac bench driver: MAC/s and ns per MAC through each libnasmac backend beside the one CPU
 * baseline (raw libipsec-mb multi-buffer, bench/bench.h) and OpenSSL (EVP_MAC CMAC), all in one
 * run on one core, a new key for every job (no cached key schedules), swept over message sizes
 * (--buffer-sz) and enqueue burst sizes (--burst-sz) as dpdk-test-crypto-perf does. Then job
 * latency percentiles through the driver for a few burst sizes and deadlines.
 *
 * Rows follow the shared schema (bench/bench.h): --json, --csv, or text.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "bench.h"
#include "nasmac.h"
#include "ref/ref.h"

#define MAX_LIST 16
#define MAX_BURST 1024u

static double g_min_s = 0.4; /* each throughput figure runs at least this long */
static uint64_t g_jobs_fixed; /* --jobs: exactly this many per figure (profiling) */
static uint32_t g_msg = 64;   /* message size of the figure being measured */
static volatile uint32_t g_sink;

/* Keeps the least CPU time per job of the rounds (0: none yet). */
static void least(struct nasmac__bench_cpu *best, const struct nasmac__bench_cpu *t)
{
	if (best->thread_ns == 0 || t->thread_ns < best->thread_ns)
		best->thread_ns = t->thread_ns;
	if (best->process_ns == 0 || t->process_ns < best->process_ns)
		best->process_ns = t->process_ns;
}

static double ratio(double x, double base)
{
	return base > 0 && x > 0 ? x / base : -1;
}

/* ---- OpenSSL EVP_MAC CMAC, new key per job (cipher set once, key at every init) ----------- */

static double ossl_run(void *arg, uint64_t n)
{
	EVP_MAC_CTX *ctx = arg;
	uint8_t buf[8 + NASMAC__BENCH_MAX_MSG], tag[16];
	double t0 = nasmac__bench_now();

	for (uint64_t i = 0; i < n; i++) {
		uint32_t k = (uint32_t)i, count = (uint32_t)i;
		size_t len = 0;

		nasmac__eia2_prefix(buf, count, 1, 0); /* bearer 1, uplink */
		memcpy(buf + 8, nasmac__bench_msg(k, g_msg), g_msg);
		if (!EVP_MAC_init(ctx, nasmac__bench_key(k), 16, NULL) ||
		    !EVP_MAC_update(ctx, buf, 8 + (size_t)g_msg) ||
		    !EVP_MAC_final(ctx, tag, &len, sizeof(tag)))
			return -1;
		g_sink += tag[0];
	}
	return nasmac__bench_now() - t0;
}

/* OpenSSL EVP_MAC CMAC at g_msg octets: MAC/s, or 0 when it cannot run. */
static double bench_openssl(void)
{
	EVP_MAC *mac = EVP_MAC_fetch(NULL, "CMAC", NULL);
	EVP_MAC_CTX *ctx = mac ? EVP_MAC_CTX_new(mac) : NULL;
	OSSL_PARAM params[] = { OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_CIPHER,
								  (char *)"AES-128-CBC", 0),
				OSSL_PARAM_construct_end() };
	double rate = 0;

	if (ctx && EVP_MAC_init(ctx, nasmac__bench_key(0), 16, params) && ossl_run(ctx, 2000) >= 0)
		rate = nasmac__bench_measure(ossl_run, ctx, g_min_s, g_jobs_fixed, NULL);
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(mac);
	return rate;
}

/* ---- libnasmac backends --------------------------------------------------------------------- */

struct drv_ctx {
	nasmac_dev_t *dev;
	nasmac_job_t *jobs; /* pool() */
	uint32_t burst;
	int alg;
};

static void prep_job(nasmac_job_t *j, int alg, uint64_t i)
{
	uint32_t k = (uint32_t)i;

	memcpy(j->key, nasmac__bench_key(k), 16);
	j->alg = (uint8_t)alg;
	j->count = (uint32_t)i;
	j->bearer = 1;
	j->direction = 0;
	j->msg = nasmac__bench_msg(k, g_msg);
	j->len_bits = 8 * g_msg;
	memset(j->expected_mac, 0, 4);
}

static int wait_fd(nasmac_dev_t *dev, int ms)
{
	struct pollfd p = { .fd = nasmac_fd(dev), .events = POLLIN };

	return poll(&p, 1, ms);
}

/* Jobs a run keeps in flight: two bursts, and at least twice what the multi-buffer manager
 * holds (256), so that a small burst does not wait for the deadline for lack of jobs. */
static uint32_t pool(uint32_t burst)
{
	return 2 * burst > 512 ? 2 * burst : 512;
}

/* n jobs through the device in bursts of c->burst, keeping up to pool(burst) in flight. */
static double drv_run(void *arg, uint64_t n)
{
	struct drv_ctx *c = arg;
	nasmac_dev_t *dev = c->dev;
	nasmac_job_t *free_jobs[2 * MAX_BURST], *out[2 * MAX_BURST];
	uint32_t nfree = pool(c->burst);
	uint64_t sent = 0, got = 0;
	uint32_t sink = 0;
	double t0 = nasmac__bench_now();

	for (uint32_t i = 0; i < nfree; i++)
		free_jobs[i] = &c->jobs[i];
	while (got < n) {
		uint32_t want = nfree < c->burst ? nfree : c->burst, took, k;

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
		k = nasmac_dequeue_burst(dev, out, 2 * MAX_BURST);
		/* A local sum, as the baseline keeps: adding to the volatile global per job is a
		 * load and a store in one dependency chain, ~2 ns a job charged to the driver. */
		for (uint32_t i = 0; i < k; i++) {
			sink += (uint32_t)out[i]->status;
			free_jobs[nfree++] = out[i];
		}
		got += k;
		if (k == 0 && (took == 0 || sent == n))
			wait_fd(dev, 100);
	}
	g_sink += sink;
	return nasmac__bench_now() - t0;
}

/* MAC/s of one backend for alg at g_msg octets in bursts of burst; *extra (when not NULL)
 * gets the device's figures for a row (kernel cycles per MAC, host time per job). */
static int bench_backend(const char *spec, const nasmac_opts_t *o, double min_s, int alg,
			 uint32_t burst, double *rate, struct nasmac__bench_cpu *cpu, char *extra,
			 size_t extra_len)
{
	struct drv_ctx c = { .alg = alg, .burst = burst };
	nasmac_stats_t st;
	uint64_t done0, cyc0, dns0;
	double wall;
	int rc;

	rc = nasmac_open(spec, o, &c.dev);
	if (rc)
		return rc;
	c.jobs = calloc(pool(burst), sizeof(*c.jobs));
	if (!c.jobs) {
		nasmac_close(c.dev);
		return -ENOMEM;
	}
	drv_run(&c, 2000); /* warm-up */
	nasmac_stats(c.dev, &st);
	done0 = st.completed;
	cyc0 = st.device_cycles;
	dns0 = st.device_ns;
	wall = nasmac__bench_now();
	*rate = nasmac__bench_measure(drv_run, &c, min_s, g_jobs_fixed, cpu);
	wall = nasmac__bench_now() - wall;
	nasmac_stats(c.dev, &st);
	if (extra && st.device_cycles > cyc0) {
		double done = (double)(st.completed - done0);

		/* Host time per job: the wall time minus the time the batches spent in the
		 * device (here, in the model), i.e. the driver's own cost. */
		snprintf(extra, extra_len, "\"device_cycles_per_mac\":%.2f,\"host_ns_per_job\":%.1f",
			 (double)(st.device_cycles - cyc0) / done,
			 (wall * 1e9 - (double)(st.device_ns - dns0)) / done);
	} else if (extra) {
		extra[0] = '\0';
	}
	free(c.jobs);
	nasmac_close(c.dev);
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
	double *lat = calloc((size_t)burst * rounds, sizeof(*lat)), t_all = nasmac__bench_now();
	nasmac_dev_t *dev = NULL;
	size_t nl = 0;
	char extra[96];
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
		t0 = nasmac__bench_now();
		while (got < burst) {
			uint32_t k;

			if (sent < burst)
				sent += nasmac_enqueue_burst(dev, ptr + sent, burst - sent);
			k = nasmac_dequeue_burst(dev, out, 256);
			if (k == 0) {
				wait_fd(dev, 100);
				continue;
			}
			double t = nasmac__bench_now();

			for (uint32_t i = 0; i < k; i++)
				lat[nl++] = (t - t0) * 1e6;
			got += k;
		}
	}
	t_all = nasmac__bench_now() - t_all;
	qsort(lat, nl, sizeof(*lat), cmp_double);
	snprintf(extra, sizeof(extra), "\"batch_max\":%u,\"deadline_us\":%u", batch_max,
		 deadline_us);
	{
		struct nasmac__bench_row row = NASMAC__BENCH_ROW;

		row.section = "latency";
		row.backend = spec;
		row.alg = "eia2";
		row.msg_bytes = g_msg;
		row.burst = burst;
		row.mac_per_s = (double)nl / t_all;
		row.p50_us = lat[nl / 2];
		row.p99_us = lat[nl * 99 / 100];
		row.extra = extra;
		nasmac__bench_row(&row);
	}
	nasmac_close(dev);
out:
	free(jobs);
	free(ptr);
	free(lat);
	return rc;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: nasmac bench driver [--json | --csv] [--seconds S] [--rounds N] [--jobs N]\n"
		"                           [--buffer-sz LIST] [--burst-sz LIST] [--no-sim] [--no-latency]\n"
		"MAC/s and ns per MAC per libnasmac backend (cpu, sim, xrt if a card is there) beside\n"
		"raw libipsec-mb (multi-buffer, the baseline) and OpenSSL EVP_MAC, a new key per job,\n"
		"all in one run on one core; then latency percentiles for a few bursts and deadlines.\n"
		"  --buffer-sz LIST  message sizes in octets, 16..%u (default 64), e.g. 16,64,256,1024\n"
		"  --burst-sz LIST   jobs per nasmac_enqueue_burst call, 1..%u (default 256)\n"
		"  --seconds S       each figure runs at least S seconds (default 0.4)\n"
		"  --rounds N        raw libipsec-mb and the cpu backend take turns N times, the best\n"
		"                    round of each counts (default 3; the machine may be shared)\n"
		"  --jobs N          each figure runs exactly N jobs once (for a profiler)\n"
		"  --no-sim          leave out the Verilator model (slow)\n"
		"  --no-latency      leave out the latency section\n"
		"Progress goes to stderr.\n",
		NASMAC__BENCH_MAX_MSG, MAX_BURST);
}

/* The sim backend at one message size: the model is slow, so one burst size. */
static void bench_sim(int alg)
{
	nasmac_opts_t o = { .batch_max = 256, .inflight = 2, .timeout_ms = 600000 };
	struct nasmac__bench_row row = NASMAC__BENCH_ROW;
	char extra[160];
	double r = 0;
	int rc;

	nasmac__bench_progress("sim %s %u B", nasmac__bench_alg(alg), g_msg);
	rc = bench_backend("sim", &o, 0.5, alg, 256, &r, NULL, extra, sizeof(extra));
	row.section = "throughput";
	row.backend = "sim";
	row.alg = nasmac__bench_alg(alg);
	row.msg_bytes = g_msg;
	row.burst = 256;
	if (rc) {
		row.skipped = nasmac_strerror(rc);
	} else {
		row.mac_per_s = r;
		row.extra = extra[0] ? extra : NULL;
	}
	nasmac__bench_row(&row);
}

int nasmac__bench_driver(int argc, char **argv)
{
	enum nasmac__bench_fmt fmt = NASMAC__BENCH_TEXT;
	uint32_t sizes[MAX_LIST] = { 64 }, bursts[MAX_LIST] = { 256 };
	size_t nsizes = 1, nbursts = 1;
	int no_sim = 0, no_lat = 0, rounds = 3, rc;
	char bl[96], sl[96];
	const nasmac_opts_t cpu_opts = { .flags = NASMAC_OPT_CALLER_DEQUEUES };

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(a, "--json")) {
			fmt = NASMAC__BENCH_JSON;
		} else if (!strcmp(a, "--csv")) {
			fmt = NASMAC__BENCH_CSV;
		} else if (!strcmp(a, "--no-sim")) {
			no_sim = 1;
		} else if (!strcmp(a, "--no-latency")) {
			no_lat = 1;
		} else if (!strcmp(a, "--seconds") && v) {
			g_min_s = atof(argv[++i]);
			if (g_min_s <= 0 || g_min_s > 60) {
				fprintf(stderr, "nasmac bench driver: --seconds 0..60\n");
				return 2;
			}
		} else if (!strcmp(a, "--rounds") && v) {
			rounds = atoi(argv[++i]);
			if (rounds < 1 || rounds > 20) {
				fprintf(stderr, "nasmac bench driver: --rounds 1..20\n");
				return 2;
			}
		} else if (!strcmp(a, "--jobs") && v) {
			g_jobs_fixed = strtoull(argv[++i], NULL, 10);
			if (g_jobs_fixed < 1000) {
				fprintf(stderr, "nasmac bench driver: --jobs 1000 or more\n");
				return 2;
			}
		} else if (!strcmp(a, "--buffer-sz") && v) {
			nsizes = nasmac__bench_list(argv[++i], sizes, MAX_LIST, 16,
						    NASMAC__BENCH_MAX_MSG);
			if (!nsizes) {
				fprintf(stderr, "nasmac bench driver: --buffer-sz N[,N...] (16..%u, at "
						"most %d)\n", NASMAC__BENCH_MAX_MSG, MAX_LIST);
				return 2;
			}
		} else if (!strcmp(a, "--burst-sz") && v) {
			nbursts = nasmac__bench_list(argv[++i], bursts, MAX_LIST, 1, MAX_BURST);
			if (!nbursts) {
				fprintf(stderr, "nasmac bench driver: --burst-sz N[,N...] (1..%u, at "
						"most %d)\n", MAX_BURST, MAX_LIST);
				return 2;
			}
		} else {
			return nasmac__bench_usage(a, usage);
		}
	}
	nasmac__bench_pool_init();
	nasmac__bench_list_str(bursts, nbursts, bl, sizeof(bl));
	nasmac__bench_list_str(sizes, nsizes, sl, sizeof(sl));
	nasmac__bench_begin("driver", fmt,
			    "\"buffer_sz\":[%s],\"burst_sz\":[%s],\"seconds\":%.2f,\"rounds\":%d,"
			    "\"jobs\":%llu,\"sim\":%s,\"new_key_per_job\":true,\"cores\":1,"
			    "\"cpu_flags\":\"caller_dequeues\"",
			    sl, bl, g_min_s, rounds, (unsigned long long)g_jobs_fixed,
			    no_sim ? "false" : "true");
	/* Raw ipsec-mb and the cpu backend take turns, `rounds` times each, and the best round
	 * of each counts: the machine is shared, and load that comes and goes between two
	 * back-to-back runs would otherwise decide the ratio. drv_run() dequeues right after
	 * each enqueue and flush, so it opens the cpu backend with NASMAC_OPT_CALLER_DEQUEUES,
	 * as the daemons' loop (host/common/vq.c) does: without it every burst also pays an
	 * eventfd write in enqueue and a read in dequeue for jobs the loop takes anyway (~630 ns
	 * the pair on the 2-core VM, 2.5 ns a job in bursts of 256). */
	for (size_t si = 0; si < nsizes; si++) {
		g_msg = sizes[si];
		for (int alg = 1; alg <= 3; alg++) {
			double raw = 0, cpu[MAX_LIST] = { 0 };
			struct nasmac__bench_cpu raw_t = { 0, 0 }, cpu_t[MAX_LIST];
			struct nasmac__bench_row row = NASMAC__BENCH_ROW;
			char extra[MAX_LIST][200];

			nasmac__bench_progress("%s %u B: ipsec-mb and cpu (bursts of %s), %d rounds",
					       nasmac__bench_alg(alg), g_msg, bl, rounds);
			memset(cpu_t, 0, sizeof(cpu_t));
			for (int round = 0; round < rounds; round++) {
				struct nasmac__bench_cpu t;
				double r = nasmac__bench_ipsec_mb(alg, g_msg, g_min_s, g_jobs_fixed, &t);

				if (r > raw)
					raw = r;
				least(&raw_t, &t);
				for (size_t bi = 0; bi < nbursts; bi++) {
					rc = bench_backend("cpu", &cpu_opts, g_min_s, alg, bursts[bi],
							   &r, &t, NULL, 0);
					if (rc) {
						fprintf(stderr, "nasmac bench driver: cpu: %s\n",
							nasmac_strerror(rc));
						return 1;
					}
					if (r > cpu[bi])
						cpu[bi] = r;
					least(&cpu_t[bi], &t);
				}
			}
			row.section = "throughput";
			row.alg = nasmac__bench_alg(alg);
			row.msg_bytes = g_msg;
			row.backend = "ipsec-mb";
			row.mac_per_s = raw;
			row.vs_ipsec_mb = raw > 0 ? 1.0 : -1;
			if (raw <= 0)
				row.skipped = "libipsec-mb cannot run here";
			snprintf(extra[0], sizeof(extra[0]), "\"cpu_ns_per_mac\":%.1f", raw_t.process_ns);
			row.extra = extra[0];
			nasmac__bench_row(&row);
			row.skipped = NULL;
			row.backend = "cpu";
			for (size_t bi = 0; bi < nbursts; bi++) {
				/* CPU time per MAC: the whole process (the caller and the driver's
				 * lull thread), the caller's thread alone, and the baseline's over
				 * the process's, which load on the machine hardly moves. */
				snprintf(extra[bi], sizeof(extra[bi]),
					 "\"cpu_ns_per_mac\":%.1f,\"caller_cpu_ns_per_mac\":%.1f,"
					 "\"vs_ipsec_mb_cpu_time\":%.3f",
					 cpu_t[bi].process_ns, cpu_t[bi].thread_ns,
					 cpu_t[bi].process_ns > 0 ? raw_t.process_ns / cpu_t[bi].process_ns : 0);
				row.burst = bursts[bi];
				row.mac_per_s = cpu[bi];
				row.ns_per_mac = -1;
				row.vs_ipsec_mb = ratio(cpu[bi], raw);
				row.extra = extra[bi];
				nasmac__bench_row(&row);
			}
			row.extra = NULL;
			if (alg == 2) {
				double o = bench_openssl();

				row.backend = "openssl";
				row.burst = -1;
				row.mac_per_s = o > 0 ? o : -1;
				row.ns_per_mac = -1;
				row.vs_ipsec_mb = ratio(o, raw);
				row.skipped = o > 0 ? NULL : "OpenSSL CMAC set-up failed";
				nasmac__bench_row(&row);
			}
		}
	}
	/* The model runs a few thousand jobs per second: one size (the first), one burst. */
	g_msg = sizes[0];
	if (!no_sim)
		for (int alg = 1; alg <= 3; alg++)
			bench_sim(alg);
	{
		nasmac_opts_t o = { .batch_max = 256, .inflight = 4 };
		struct nasmac__bench_row row = NASMAC__BENCH_ROW;
		double r = 0;

		rc = bench_backend("xrt:0", &o, g_min_s, 2, 256, &r, NULL, NULL, 0);
		row.section = "throughput";
		row.backend = "xrt:0";
		row.alg = "eia2";
		row.msg_bytes = g_msg;
		row.burst = 256;
		if (rc)
			row.skipped = rc == -ENODEV ? "no card" : nasmac_strerror(rc);
		else
			row.mac_per_s = r;
		nasmac__bench_row(&row);
	}
	if (no_lat)
		return g_sink == 0xffffffffu ? 1 : 0;
	nasmac__bench_progress("latency");
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
