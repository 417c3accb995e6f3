/*
 * nasmac bench engine: batches of jobs through the whole-kernel Verilator model (sim/sim.h), the
 * engine's cycles per MAC from its CYCLES register, projected to a 300 MHz kernel clock, beside
 * libipsec-mb on one CPU core in the same run (new key per job, 64-octet messages).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <intel-ipsec-mb.h>

#include "cmd.h"
#include "nasmac.h"
#include "nasmac_layout.h"
#include "sim.h"

#define KERNEL_HZ 300e6
#define BATCH_MAX 4096u
#define MAX_MSG 160u
#define CPU_MSG 64u

static const char *const alg_names[] = {"mixed", "eia1", "eia2", "eia3"};

struct bjob {
	uint8_t alg;
	uint8_t key[16];
	uint32_t count;
	uint8_t bearer, dir;
	uint32_t len_bits;
	uint8_t msg[MAX_MSG];
	uint8_t mac[4];
};

static struct bjob g_jobs[BATCH_MAX];
static uint8_t g_descs[BATCH_MAX * NASMAC_DESC_BYTES];
static uint8_t g_res[BATCH_MAX * NASMAC_RES_BYTES];
static uint8_t g_arena[BATCH_MAX * MAX_MSG];
static uint64_t g_rng = 0x243F6A8885A308D3ull;
static volatile uint32_t g_sink;

static uint64_t rnd(void)
{
	g_rng ^= g_rng << 13;
	g_rng ^= g_rng >> 7;
	g_rng ^= g_rng << 17;
	return g_rng;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* alg 0: mixed (all three algorithms, 16..160 octets); else that algorithm, 64 octets. */
static void make_jobs(unsigned alg, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		struct bjob *j = &g_jobs[i];
		j->alg = (uint8_t)(alg ? alg : 1 + rnd() % 3);
		for (int k = 0; k < 16; k++)
			j->key[k] = (uint8_t)rnd();
		j->count = (uint32_t)rnd();
		j->bearer = (uint8_t)(rnd() % 32);
		j->dir = (uint8_t)(rnd() % 2);
		j->len_bits = 8 * (alg ? CPU_MSG : 16 + (uint32_t)(rnd() % (MAX_MSG - 16 + 1)));
		for (uint32_t k = 0; k < j->len_bits / 8; k++)
			j->msg[k] = (uint8_t)rnd();
		nasmac_mac((nasmac_alg_t)j->alg, j->key, j->count, j->bearer, j->dir, j->msg, j->len_bits,
			   j->mac);
	}
}

struct engine_result {
	uint64_t cycles;   /* kernel CYCLES register */
	uint64_t blocks2;  /* AES blocks the EIA2 jobs need */
	double wall_s;     /* simulation time of the run */
	uint64_t sim_cycles;
	size_t bad;        /* records that did not verify */
};

static int run_engine(nasmac_sim_t *sim, uint64_t desc, uint64_t arena, uint64_t res, size_t n,
		      struct engine_result *out)
{
	uint64_t off = 0;
	memset(out, 0, sizeof(*out));
	memset(g_descs, 0, n * NASMAC_DESC_BYTES);
	for (size_t i = 0; i < n; i++) {
		const struct bjob *j = &g_jobs[i];
		uint8_t *p = g_descs + i * NASMAC_DESC_BYTES;
		memcpy(p + NASMAC_DESC_KEY_OFF, j->key, 16);
		put32(p + NASMAC_DESC_COUNT_OFF, j->count);
		p[NASMAC_DESC_BEARER_OFF] = j->bearer;
		p[NASMAC_DESC_DIRECTION_OFF] = j->dir;
		p[NASMAC_DESC_ALG_OFF] = j->alg;
		put32(p + NASMAC_DESC_LEN_BITS_OFF, j->len_bits);
		memcpy(p + NASMAC_DESC_EXP_MAC_OFF, j->mac, 4);
		put32(p + NASMAC_DESC_MSG_OFFSET_OFF, (uint32_t)off);
		put32(p + NASMAC_DESC_INDEX_OFF, (uint32_t)i);
		memcpy(g_arena + off, j->msg, j->len_bits / 8);
		off += j->len_bits / 8; /* packed back to back, as the driver packs them */
		if (j->alg == NASMAC_EIA2)
			out->blocks2 += (j->len_bits + 64 + 127) / 128 + 1;
	}
	int rc = nasmac_sim_mem_write(sim, desc, g_descs, n * NASMAC_DESC_BYTES);
	if (!rc)
		rc = nasmac_sim_mem_write(sim, arena, g_arena, off);
	if (rc)
		return rc;
	nasmac_sim_reg_write(sim, NASMAC_REG_DESC_ADDR, (uint32_t)desc);
	nasmac_sim_reg_write(sim, NASMAC_REG_DESC_ADDR_HI, (uint32_t)(desc >> 32));
	nasmac_sim_reg_write(sim, NASMAC_REG_ARENA_ADDR, (uint32_t)arena);
	nasmac_sim_reg_write(sim, NASMAC_REG_ARENA_ADDR_HI, (uint32_t)(arena >> 32));
	nasmac_sim_reg_write(sim, NASMAC_REG_RESULT_ADDR, (uint32_t)res);
	nasmac_sim_reg_write(sim, NASMAC_REG_RESULT_ADDR_HI, (uint32_t)(res >> 32));
	nasmac_sim_reg_write(sim, NASMAC_REG_NUM_JOBS, (uint32_t)n);
	nasmac_sim_reg_write(sim, NASMAC_REG_ARENA_BYTES, (uint32_t)off);
	nasmac_sim_reg_write(sim, NASMAC_REG_MAX_JOBS, BATCH_MAX);
	double t0 = now_s();
	uint64_t c0 = nasmac_sim_cycles(sim);
	nasmac_sim_reg_write(sim, NASMAC_REG_AP_CTRL, NASMAC_DEV_AP_START);
	rc = nasmac_sim_run(sim, 100000000ull, NULL);
	out->wall_s = now_s() - t0;
	out->sim_cycles = nasmac_sim_cycles(sim) - c0;
	if (rc)
		return rc;
	uint32_t lo = 0, hi = 0, ctrl = 0;
	nasmac_sim_reg_read(sim, NASMAC_REG_AP_CTRL, &ctrl);
	nasmac_sim_reg_read(sim, NASMAC_REG_CYCLES, &lo);
	nasmac_sim_reg_read(sim, NASMAC_REG_CYCLES_HI, &hi);
	out->cycles = (uint64_t)hi << 32 | lo;
	rc = nasmac_sim_mem_read(sim, res, g_res, n * NASMAC_RES_BYTES);
	if (rc)
		return rc;
	/* A benchmark of wrong answers is worthless: every record must verify. */
	for (size_t i = 0; i < n; i++)
		if (g_res[i * NASMAC_RES_BYTES + NASMAC_RES_STATUS_OFF] != NASMAC_DEV_ST_VERIFIED)
			out->bad++;
	return 0;
}

/* ---- libipsec-mb on one core: new key per job, 64-octet messages ---------------------------- */

struct cpu_ctx {
	IMB_MGR *m;
	DECLARE_ALIGNED(uint32_t ks[4 * 15], 16);
	DECLARE_ALIGNED(uint32_t dks[4 * 15], 16);
	DECLARE_ALIGNED(uint8_t k1[16], 16);
	DECLARE_ALIGNED(uint8_t k2[16], 16);
	DECLARE_ALIGNED(uint8_t iv[16], 16);
	DECLARE_ALIGNED(uint8_t tag[16], 16);
	snow3g_key_schedule_t sks;
	uint8_t buf[8 + CPU_MSG];
};

static void cpu_one(struct cpu_ctx *c, unsigned alg, const struct bjob *j)
{
	uint32_t mac = 0;
	if (alg == 1) {
		IMB_SNOW3G_INIT_KEY_SCHED(c->m, j->key, &c->sks);
		snow3g_f9_iv_gen(j->count, (uint32_t)j->bearer << 27, j->dir, c->iv);
		IMB_SNOW3G_F9_1_BUFFER(c->m, &c->sks, c->iv, j->msg, j->len_bits, &mac);
	} else if (alg == 3) {
		zuc_eia3_iv_gen(j->count, j->bearer, j->dir, c->iv);
		IMB_ZUC_EIA3_1_BUFFER(c->m, j->key, c->iv, j->msg, j->len_bits, &mac);
	} else {
		/* 128-EIA2: CMAC over COUNT || BEARER || DIRECTION || 0^26 || MESSAGE. */
		c->buf[0] = (uint8_t)(j->count >> 24);
		c->buf[1] = (uint8_t)(j->count >> 16);
		c->buf[2] = (uint8_t)(j->count >> 8);
		c->buf[3] = (uint8_t)j->count;
		c->buf[4] = (uint8_t)(j->bearer << 3 | j->dir << 2);
		c->buf[5] = c->buf[6] = c->buf[7] = 0;
		memcpy(c->buf + 8, j->msg, CPU_MSG);
		IMB_AES_KEYEXP_128(c->m, j->key, c->ks, c->dks);
		IMB_AES_CMAC_SUBKEY_GEN_128(c->m, c->ks, c->k1, c->k2);
		IMB_JOB *job = IMB_GET_NEXT_JOB(c->m);
		job->cipher_mode = IMB_CIPHER_NULL;
		job->cipher_direction = IMB_DIR_ENCRYPT;
		job->chain_order = IMB_ORDER_HASH_CIPHER;
		job->hash_alg = IMB_AUTH_AES_CMAC_BITLEN;
		job->src = c->buf;
		job->hash_start_src_offset_in_bytes = 0;
		job->msg_len_to_hash_in_bits = 64 + j->len_bits;
		job->u.CMAC._key_expanded = c->ks;
		job->u.CMAC._skey1 = c->k1;
		job->u.CMAC._skey2 = c->k2;
		job->auth_tag_output = c->tag;
		job->auth_tag_output_len_in_bytes = 4;
		/* One job in, flushed at once: the per-job latency a verifier sees, new key each time. */
		job = IMB_SUBMIT_JOB(c->m);
		if (!job)
			job = IMB_FLUSH_JOB(c->m);
		memcpy(&mac, c->tag, 4);
	}
	g_sink += mac;
}

static double cpu_rate(struct cpu_ctx *c, unsigned alg, size_t pool)
{
	uint64_t n = 0;
	double t0 = now_s(), t;
	for (size_t i = 0; i < pool; i++) /* warm-up */
		cpu_one(c, alg, &g_jobs[i]);
	t0 = now_s();
	do {
		for (size_t i = 0; i < pool; i++)
			cpu_one(c, alg, &g_jobs[i]);
		n += pool;
		t = now_s() - t0;
	} while (t < 0.3);
	return (double)n / t;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: nasmac bench engine [--json] [--jobs N]\n"
		   "  Batches of N (default 4096) jobs through the whole-kernel model: per algorithm with\n"
		   "  64-octet messages and a mixed batch (16..160 octets); cycles per MAC, MAC/s at\n"
		   "  300 MHz, EIA2 AES blocks per cycle, and libipsec-mb on one core in the same run.\n");
}

int nasmac__bench_engine(int argc, char **argv)
{
	int json = 0, rc, status = 0;
	size_t n = BATCH_MAX;
	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			json = 1;
		} else if (!strcmp(argv[i], "--jobs") && i + 1 < argc) {
			n = strtoul(argv[++i], NULL, 0);
			if (n == 0 || n > BATCH_MAX) {
				fprintf(stderr, "nasmac bench engine: --jobs 1..%u\n", BATCH_MAX);
				return 2;
			}
		} else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
			usage(stdout);
			return 0;
		} else {
			usage(stderr);
			return 2;
		}
	}

	nasmac_sim_t *sim = NULL;
	uint64_t desc, arena, res;
	rc = nasmac_sim_create(NULL, &sim);
	if (!rc)
		rc = nasmac_sim_mem_alloc(sim, BATCH_MAX * NASMAC_DESC_BYTES, &desc);
	if (!rc)
		rc = nasmac_sim_mem_alloc(sim, sizeof(g_arena), &arena);
	if (!rc)
		rc = nasmac_sim_mem_alloc(sim, BATCH_MAX * NASMAC_RES_BYTES, &res);
	if (rc) {
		fprintf(stderr, "nasmac bench engine: model: %s\n", strerror(-rc));
		nasmac_sim_free(sim);
		return 1;
	}
	if (!json)
		printf("engine (Verilator model of the kernel, %zu jobs per batch, projected to %.0f MHz):\n", n,
		       KERNEL_HZ / 1e6);
	uint64_t all_cycles = 0;
	double all_wall = 0;
	static const unsigned order[] = {1, 2, 3, 0};
	for (size_t k = 0; k < 4; k++) {
		unsigned alg = order[k];
		struct engine_result r;
		make_jobs(alg, n);
		rc = run_engine(sim, desc, arena, res, n, &r);
		if (rc || r.bad) {
			fprintf(stderr, "nasmac bench engine: %s batch: %s, %zu records did not verify\n",
				alg_names[alg], rc ? strerror(-rc) : "ran", r.bad);
			status = 1;
			continue;
		}
		all_cycles += r.sim_cycles;
		all_wall += r.wall_s;
		double cpm = (double)r.cycles / (double)n;
		double bpc = (double)r.blocks2 / (double)r.cycles;
		if (json) {
			printf("{\"alg\":\"%s\",\"jobs\":%zu,\"cycles\":%" PRIu64 ",\"cycles_per_mac\":%.3f,"
			       "\"mac_per_s\":%.0f",
			       alg_names[alg], n, r.cycles, cpm, KERNEL_HZ / cpm);
			if (alg == 2)
				printf(",\"blocks_per_cycle\":%.3f", bpc);
			printf(",\"sim_cycles_per_s\":%.0f}\n", (double)r.sim_cycles / r.wall_s);
		} else {
			printf("  %-5s %8" PRIu64 " cycles  %7.2f cycles/MAC  %12.0f MAC/s", alg_names[alg], r.cycles,
			       cpm, KERNEL_HZ / cpm);
			if (alg == 2)
				printf("  %.3f AES blocks/cycle", bpc);
			printf("\n");
		}
	}
	nasmac_sim_free(sim);
	if (!json)
		printf("  simulation speed: %.0f cycles/s\n", all_wall > 0 ? (double)all_cycles / all_wall : 0.0);

	struct cpu_ctx *c = aligned_alloc(64, (sizeof(struct cpu_ctx) + 63) & ~(size_t)63);
	IMB_MGR *m = alloc_mb_mgr(0);
	if (!c || !m) {
		fprintf(stderr, "nasmac bench engine: out of memory\n");
		free(c);
		if (m)
			free_mb_mgr(m);
		return 1;
	}
	init_mb_mgr_auto(m, NULL);
	c->m = m;
	if (!json)
		printf("libipsec-mb %s, one core, new key per job, %u-octet messages:\n", imb_get_version_str(),
		       CPU_MSG);
	for (unsigned alg = 1; alg <= 3; alg++) {
		make_jobs(alg, 1024);
		double rate = cpu_rate(c, alg, 1024);
		if (json)
			printf("{\"alg\":\"ipsec-mb-%s\",\"mac_per_s\":%.0f,\"ns_per_mac\":%.1f}\n", alg_names[alg],
			       rate, 1e9 / rate);
		else
			printf("  %-5s %12.0f MAC/s  %7.1f ns/MAC\n", alg_names[alg], rate, 1e9 / rate);
	}
	free_mb_mgr(m);
	free(c);
	return status;
}
