/*
 * The first line of every benchmark's output: what was measured, on what, under which load.
 * A figure without its conditions is not a figure: the commit and library versions, the CPU,
 * its online cores and the load average at the start (the benchmarks share the machine with
 * whatever else runs), and the bench's own parameters.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include <intel-ipsec-mb.h>
#include <openssl/crypto.h>

#include "bench.h"
#include "nasmac.h"
#include "ref/ref.h"
#include "nasmac_build.h"
#include "nasmac_layout.h"

static void cpu_model(char *out, size_t len)
{
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(out, len, "unknown");
	while (f && fgets(line, sizeof(line), f)) {
		char *v = strchr(line, ':');

		if (!strncmp(line, "model name", 10) && v) {
			v += 1 + strspn(v + 1, " \t");
			v[strcspn(v, "\n")] = '\0';
			snprintf(out, len, "%s", v);
			break;
		}
	}
	if (f)
		fclose(f);
	/* Quotes or backslashes would break the JSON line. */
	for (char *p = out; *p; p++)
		if (*p == '"' || *p == '\\')
			*p = ' ';
}

/* json: 0 text, 1 the JSON header record, 2 the same record behind "# " (CSV). */
void nasmac__bench_header(const char *bench, int json, const char *params)
{
	char cpu[160], date[32], rec[2048];
	double load[3] = { 0, 0, 0 };
	struct utsname u;
	time_t now = time(NULL);
	struct tm tm;

	cpu_model(cpu, sizeof(cpu));
	if (getloadavg(load, 3) < 0)
		load[0] = load[1] = load[2] = -1;
	if (uname(&u)) {
		snprintf(u.release, sizeof(u.release), "unknown");
		snprintf(u.machine, sizeof(u.machine), "unknown");
		snprintf(u.nodename, sizeof(u.nodename), "unknown");
	}
	gmtime_r(&now, &tm);
	strftime(date, sizeof(date), "%Y-%m-%dT%H:%M:%SZ", &tm);
	snprintf(rec, sizeof(rec),
		 "\"kind\":\"header\",\"bench\":\"%s\",\"date\":\"%s\",\"version\":\"%s\","
		 "\"commit\":\"%s\",\"layout\":\"%u.%u\",\"host\":\"%s\",\"machine\":\"%s\","
		 "\"cpu\":\"%s\",\"online_cores\":%ld,\"kernel\":\"%s\","
		 "\"loadavg\":[%.2f,%.2f,%.2f],\"ipsec_mb\":\"%s\",\"openssl\":\"%s\"%s%s",
		 bench, date, nasmac_version(), NASMAC_BUILD_GIT,
		 (unsigned)(NASMAC_DEV_VERSION >> 16), (unsigned)(NASMAC_DEV_VERSION & 0xffff),
		 u.nodename, u.machine, cpu, sysconf(_SC_NPROCESSORS_ONLN), u.release, load[0],
		 load[1], load[2], imb_get_version_str(), OpenSSL_version(OPENSSL_VERSION_STRING),
		 params && *params ? "," : "", params ? params : "");
	if (json == 1) {
		printf("{%s}\n", rec);
	} else if (json == 2) {
		/* CSV: the same record on a comment line, which CSV readers skip. */
		printf("# {%s}\n", rec);
	} else {
		printf("# nasmac bench %s, %s, nasmac %s (git %s)\n# %s, %ld cores online, Linux %s, "
		       "load average %.2f %.2f %.2f at the start\n# libipsec-mb %s, OpenSSL %s\n",
		       bench, date, nasmac_version(), NASMAC_BUILD_GIT, cpu,
		       sysconf(_SC_NPROCESSORS_ONLN), u.release, load[0], load[1], load[2],
		       imb_get_version_str(), OpenSSL_version(OPENSSL_VERSION_STRING));
		if (params && *params)
			printf("# parameters: %s\n", params);
	}
	fflush(stdout);
}

/* ---- output --------------------------------------------------------------------------------- */

static enum nasmac__bench_fmt g_fmt;
static const char *g_bench = "";

void nasmac__bench_begin(const char *bench, enum nasmac__bench_fmt fmt, const char *params_fmt, ...)
{
	char params[1024];
	va_list ap;

	if (params_fmt) {
		va_start(ap, params_fmt);
		vsnprintf(params, sizeof(params), params_fmt, ap);
		va_end(ap);
	}
	g_fmt = fmt;
	g_bench = bench;
	nasmac__bench_header(bench, fmt == NASMAC__BENCH_JSON ? 1 : fmt == NASMAC__BENCH_CSV ? 2 : 0,
			     params_fmt ? params : NULL);
	if (fmt == NASMAC__BENCH_CSV)
		printf("kind,bench,section,backend,alg,msg_bytes,burst,mem_latency,mac_per_s,"
		       "ns_per_mac,cycles_per_mac,clock_mhz,p50_us,p99_us,vs_ipsec_mb,skipped,extra\n");
	fflush(stdout);
}

/* One member, in the order of the CSV column line: JSON "name":value, CSV value; NULL
 * strings and numbers below 0 are null / empty. */
static void m_str(const char *name, const char *v)
{
	int json = g_fmt == NASMAC__BENCH_JSON;

	if (strcmp(name, "kind"))
		putchar(',');
	if (json)
		printf("\"%s\":", name);
	if (!v) {
		printf("%s", json ? "null" : "");
	} else if (json) {
		printf("\"%s\"", v);
	} else if (!strpbrk(v, ",\"")) {
		fputs(v, stdout);
	} else {
		/* CSV: quoted, inner quotes doubled. */
		putchar('"');
		for (; *v; v++) {
			if (*v == '"')
				putchar('"');
			putchar(*v);
		}
		putchar('"');
	}
}

static void m_num(const char *name, double v, int prec)
{
	int json = g_fmt == NASMAC__BENCH_JSON;

	putchar(',');
	if (json)
		printf("\"%s\":", name);
	if (v < 0)
		printf("%s", json ? "null" : "");
	else
		printf("%.*f", prec, v);
}

static void row_text(const struct nasmac__bench_row *r)
{
	printf("  %-10s %-5s", r->backend ? r->backend : "", r->alg ? r->alg : "");
	if (r->msg_bytes > 0)
		printf(" %5ld B", r->msg_bytes);
	else if (r->msg_bytes == 0)
		printf("  mixed");
	if (r->burst >= 0)
		printf("  burst %4ld", r->burst);
	if (r->mem_latency >= 0)
		printf("  latency %4ld", r->mem_latency);
	if (r->skipped)
		printf("  skipped (%s)", r->skipped);
	if (r->cycles_per_mac >= 0)
		printf("  %7.2f cycles/MAC", r->cycles_per_mac);
	if (r->mac_per_s >= 0)
		printf("  %12.0f MAC/s  %8.1f ns/MAC", r->mac_per_s, r->ns_per_mac);
	if (r->clock_mhz >= 0)
		printf(" at %.0f MHz", r->clock_mhz);
	if (r->vs_ipsec_mb >= 0)
		printf("  %.2fx ipsec-mb", r->vs_ipsec_mb);
	if (r->p50_us >= 0)
		printf("  p50 %.1f us  p99 %.1f us", r->p50_us, r->p99_us);
	if (r->extra)
		printf("  (%s)", r->extra);
	printf("\n");
}

void nasmac__bench_row(const struct nasmac__bench_row *r)
{
	struct nasmac__bench_row v = *r;
	char extra[512];

	if (v.mac_per_s > 0 && v.ns_per_mac < 0)
		v.ns_per_mac = 1e9 / v.mac_per_s;
	if (g_fmt == NASMAC__BENCH_TEXT) {
		row_text(&v);
		fflush(stdout);
		return;
	}
	if (g_fmt == NASMAC__BENCH_JSON)
		putchar('{');
	m_str("kind", "row");
	m_str("bench", g_bench);
	m_str("section", v.section);
	m_str("backend", v.backend);
	m_str("alg", v.alg);
	m_num("msg_bytes", (double)v.msg_bytes, 0);
	m_num("burst", (double)v.burst, 0);
	m_num("mem_latency", (double)v.mem_latency, 0);
	m_num("mac_per_s", v.mac_per_s, 0);
	m_num("ns_per_mac", v.ns_per_mac, 1);
	m_num("cycles_per_mac", v.cycles_per_mac, 3);
	m_num("clock_mhz", v.clock_mhz, 1);
	m_num("p50_us", v.p50_us, 1);
	m_num("p99_us", v.p99_us, 1);
	m_num("vs_ipsec_mb", v.vs_ipsec_mb, 3);
	m_str("skipped", v.skipped);
	if (g_fmt == NASMAC__BENCH_JSON) {
		/* The section's own members, as an object. */
		printf(",\"extra\":");
		if (v.extra)
			printf("{%s}", v.extra);
		else
			printf("null");
		printf("}\n");
	} else {
		snprintf(extra, sizeof(extra), "{%s}", v.extra ? v.extra : "");
		m_str("extra", v.extra ? extra : NULL);
		printf("\n");
	}
	fflush(stdout);
}

void nasmac__bench_progress(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "nasmac bench %s: ", g_bench);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

size_t nasmac__bench_list(const char *s, uint32_t *out, size_t max, uint32_t lo, uint32_t hi)
{
	size_t n = 0;

	while (*s) {
		char *end;
		unsigned long v = strtoul(s, &end, 10);

		if (end == s || n == max || v < lo || v > hi || (*end && *end != ','))
			return 0;
		out[n++] = (uint32_t)v;
		s = *end ? end + 1 : end;
	}
	return n;
}

void nasmac__bench_list_str(const uint32_t *v, size_t n, char *buf, size_t len)
{
	size_t k = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < n && k < len; i++) {
		int w = snprintf(buf + k, len - k, "%s%u", i ? "," : "", v[i]);

		if (w < 0)
			break;
		k += (size_t)w;
	}
}

int nasmac__bench_usage(const char *arg, void (*usage)(FILE *f))
{
	int help = !strcmp(arg, "--help") || !strcmp(arg, "-h");

	usage(help ? stdout : stderr);
	return help ? 0 : 2;
}

double nasmac__bench_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

const char *nasmac__bench_alg(int alg)
{
	static const char *const names[] = { "mixed", "eia1", "eia2", "eia3" };

	return alg >= 0 && alg <= 3 ? names[alg] : "?";
}

static double cpu_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

double nasmac__bench_measure(double (*run)(void *ctx, uint64_t n), void *ctx, double min_s,
			     uint64_t n_fixed, struct nasmac__bench_cpu *cpu)
{
	uint64_t n = n_fixed ? n_fixed : 20000;
	double s, t0, p0;

	for (;;) {
		t0 = cpu_s(CLOCK_THREAD_CPUTIME_ID);
		p0 = cpu_s(CLOCK_PROCESS_CPUTIME_ID);
		s = run(ctx, n);
		if (n_fixed || s >= min_s || n > (1ull << 32))
			break;
		n = (uint64_t)((double)n * (s > 0.01 ? min_s * 1.2 / s : 10));
	}
	if (cpu) {
		cpu->thread_ns = (cpu_s(CLOCK_THREAD_CPUTIME_ID) - t0) * 1e9 / (double)n;
		cpu->process_ns = (cpu_s(CLOCK_PROCESS_CPUTIME_ID) - p0) * 1e9 / (double)n;
	}
	return s > 0 ? (double)n / s : 0;
}

/* ---- the shared inputs ----------------------------------------------------------------------- */

uint8_t nasmac__bench_keys[NASMAC__BENCH_POOL][16];
uint8_t nasmac__bench_msgs[NASMAC__BENCH_POOL * NASMAC__BENCH_MAX_MSG];

void nasmac__bench_pool_init(void)
{
	uint64_t s = 0x9e3779b97f4a7c15ULL;

	for (uint32_t i = 0; i < NASMAC__BENCH_POOL; i++)
		for (int k = 0; k < 16; k++)
			nasmac__bench_keys[i][k] = (uint8_t)((s = s * 6364136223846793005ULL + 1) >> 56);
	for (size_t i = 0; i < sizeof(nasmac__bench_msgs); i++)
		nasmac__bench_msgs[i] = (uint8_t)((s = s * 6364136223846793005ULL + 1) >> 56);
}

/* ---- the baseline: raw libipsec-mb, what the cpu backend does without the driver ----------- */

struct raw_ent {
	DECLARE_ALIGNED(uint32_t ks[4 * 15], 16);
	DECLARE_ALIGNED(uint8_t sk1[16], 16);
	DECLARE_ALIGNED(uint8_t sk2[16], 16);
	snow3g_key_schedule_t sks;
	DECLARE_ALIGNED(uint8_t key[16], 16);
	DECLARE_ALIGNED(uint8_t iv[16], 16);
	DECLARE_ALIGNED(uint8_t tag[16], 16);
};

struct raw_ctx {
	IMB_MGR *m;
	struct raw_ent *ents; /* 2 * IMB_MAX_JOBS: a job's inputs live until it completes */
	uint8_t *bufs;        /* as many EIA2 inputs (prefix + message), buf_room octets apart */
	size_t buf_room;
	int alg;
	uint32_t msg_bytes;
	uint32_t sink;
};

static double raw_run(void *arg, uint64_t n)
{
	struct raw_ctx *c = arg;
	IMB_MGR *m = c->m;
	DECLARE_ALIGNED(uint32_t dks[4 * 15], 16);
	uint32_t bytes = c->msg_bytes;
	double t0 = nasmac__bench_now();

	for (uint64_t i = 0; i < n; i++) {
		struct raw_ent *e = &c->ents[i % (2 * IMB_MAX_JOBS)];
		uint8_t *buf = c->bufs + (i % (2 * IMB_MAX_JOBS)) * c->buf_room;
		uint32_t k = (uint32_t)(i % NASMAC__BENCH_POOL), count = (uint32_t)i;
		const uint8_t *msg = nasmac__bench_msg(k, bytes), *key = nasmac__bench_keys[k];
		IMB_JOB *j;

		if (c->alg == 2) {
			nasmac__eia2_prefix(buf, count, 1, 0); /* bearer 1, uplink */
			memcpy(buf + 8, msg, bytes);
			IMB_AES_KEYEXP_128(m, key, e->ks, dks);
			IMB_AES_CMAC_SUBKEY_GEN_128(m, e->ks, e->sk1, e->sk2);
		} else if (c->alg == 1) {
			IMB_SNOW3G_INIT_KEY_SCHED(m, key, &e->sks);
			snow3g_f9_iv_gen(count, 1u << 27, 0, e->iv);
		} else {
			memcpy(e->key, key, 16);
			zuc_eia3_iv_gen(count, 1, 0, e->iv);
		}
		j = IMB_GET_NEXT_JOB(m);
		j->cipher_mode = IMB_CIPHER_NULL;
		j->cipher_direction = IMB_DIR_ENCRYPT;
		j->chain_order = IMB_ORDER_HASH_CIPHER;
		j->hash_start_src_offset_in_bytes = 0;
		j->auth_tag_output = e->tag;
		j->auth_tag_output_len_in_bytes = 4;
		if (c->alg == 2) {
			j->hash_alg = IMB_AUTH_AES_CMAC_BITLEN;
			j->src = buf;
			j->msg_len_to_hash_in_bits = 64 + 8 * (uint64_t)bytes;
			j->u.CMAC._key_expanded = e->ks;
			j->u.CMAC._skey1 = e->sk1;
			j->u.CMAC._skey2 = e->sk2;
		} else if (c->alg == 1) {
			j->hash_alg = IMB_AUTH_SNOW3G_UIA2_BITLEN;
			j->src = msg;
			j->msg_len_to_hash_in_bits = 8 * (uint64_t)bytes;
			j->u.SNOW3G_UIA2._key = &e->sks;
			j->u.SNOW3G_UIA2._iv = e->iv;
		} else {
			j->hash_alg = IMB_AUTH_ZUC_EIA3_BITLEN;
			j->src = msg;
			j->msg_len_to_hash_in_bits = 8 * (uint64_t)bytes;
			j->u.ZUC_EIA3._key = e->key;
			j->u.ZUC_EIA3._iv = e->iv;
			j->u.ZUC_EIA3._iv23 = NULL;
		}
		for (j = IMB_SUBMIT_JOB(m); j; j = IMB_GET_COMPLETED_JOB(m))
			c->sink += (uint32_t)j->status;
	}
	for (IMB_JOB *j = IMB_FLUSH_JOB(m); j; j = IMB_FLUSH_JOB(m))
		c->sink += (uint32_t)j->status;
	return nasmac__bench_now() - t0;
}

static volatile uint32_t g_raw_sink;

double nasmac__bench_ipsec_mb(int alg, uint32_t msg_bytes, double min_s, uint64_t n,
			      struct nasmac__bench_cpu *cpu)
{
	struct raw_ctx c = { .alg = alg, .msg_bytes = msg_bytes };
	double rate = 0;

	/* The staging is as long as the messages, as the cpu backend's ring is: a fixed room for
	 * the longest would spread short messages over more cache lines and pages. */
	c.buf_room = (8 + msg_bytes + 63) & ~(size_t)63;
	c.m = alloc_mb_mgr(0);
	c.ents = aligned_alloc(64, 2 * IMB_MAX_JOBS * sizeof(*c.ents));
	c.bufs = aligned_alloc(64, 2 * IMB_MAX_JOBS * c.buf_room);
	if (c.m && c.ents && c.bufs) {
		init_mb_mgr_auto(c.m, NULL);
		if (!imb_get_errno(c.m)) {
			raw_run(&c, 20000); /* warm-up */
			rate = nasmac__bench_measure(raw_run, &c, min_s, n, cpu);
		}
	}
	g_raw_sink += c.sink;
	free(c.bufs);
	free(c.ents);
	if (c.m)
		free_mb_mgr(c.m);
	return rate;
}
