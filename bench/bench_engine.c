/*
 * nasmac bench engine: batches of jobs through the whole-kernel Verilator model (sim/sim.h), the
 * engine's cycles per MAC from its CYCLES register at a stated memory latency (cycles from an
 * accepted AXI request to its first data beat; DDR4 behind an Alveo shell answers in roughly
 * 40-80 kernel cycles, HBM in 80-150) and random stall rate, projected to a 300 MHz kernel
 * clock, beside the CPU baseline (libipsec-mb multi-buffer on one core, new key per job,
 * bench/bench.h) in the same run, at each message size of --buffer-sz and batch size of
 * --burst-sz. Rows follow the shared schema: --json, --csv, or text.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "bench.h"
#include "nasmac.h"
#include "nasmac_layout.h"
#include "sim.h"

/* The clock figures are projected to: none without evidence (cycles per MAC only). */
static double g_clock_hz;
static char g_clock_why[160] = "no clock evidence: run make timing, or give --clock-mhz";

/* The kernel clock from make timing's report: the 300 MHz target when every module is within
 * the budget, else the slowest path's estimate (v++ would scale the clock down to about it). */
static void clock_from_timing(const char *path)
{
	char buf[1 << 16];
	FILE *f = fopen(path, "r");
	size_t n;
	double worst = 0;
	int over = 0;

	if (!f)
		return;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	for (const char *p = buf; (p = strstr(p, "\"fmax_mhz\":")); p++) {
		double v = strtod(p + 11, NULL);

		if (v > 0 && (worst == 0 || v < worst))
			worst = v;
	}
	over = strstr(buf, "\"within_budget\": false") || strstr(buf, "\"within_budget\":false");
	if (worst <= 0)
		return;
	if (!over && worst >= 300) {
		g_clock_hz = 300e6;
		snprintf(g_clock_why, sizeof(g_clock_why),
			 "300 MHz: every path within make timing's budget (slowest estimate %.0f MHz, %s)",
			 worst, path);
	} else {
		g_clock_hz = worst * 1e6;
		snprintf(g_clock_why, sizeof(g_clock_why),
			 "%.0f MHz: make timing's estimate of the slowest path, over the 300 MHz budget (%s)",
			 worst, path);
	}
}
#define BATCH_MAX 4096u
#define DEFAULT_MEM_LATENCY 100u
#define MAX_LATENCIES 16
#define MAX_MSG NASMAC__BENCH_MAX_MSG
#define MIXED_MAX 160u /* the mixed batch: 16..160 octets, NAS messages as they come */
#define MAX_LIST 16

static const char *const alg_names[] = {"mixed", "eia1", "eia2", "eia3"};
static enum nasmac__bench_fmt g_fmt;
static double g_base[MAX_LIST][4]; /* the baseline's MAC/s per size and algorithm */

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
/* Messages start 64-octet aligned (each begins a bus beat), as the driver places them (dev.c). */
#define MSG_ALIGN 64u
#define MSG_ROOM(octets) (((octets) + MSG_ALIGN - 1) / MSG_ALIGN * MSG_ALIGN)
static uint8_t g_arena[BATCH_MAX * MSG_ROOM(MAX_MSG)];
static uint64_t g_rng = 0x243F6A8885A308D3ull;

static uint64_t rnd(void)
{
	g_rng ^= g_rng << 13;
	g_rng ^= g_rng >> 7;
	g_rng ^= g_rng << 17;
	return g_rng;
}

#define now_s nasmac__bench_now

/* alg 0: mixed (all three algorithms, 16..160 octets); else that algorithm, msg octets. */
static void make_jobs(unsigned alg, size_t n, uint32_t msg)
{
	for (size_t i = 0; i < n; i++) {
		struct bjob *j = &g_jobs[i];
		j->alg = (uint8_t)(alg ? alg : 1 + rnd() % 3);
		for (int k = 0; k < 16; k++)
			j->key[k] = (uint8_t)rnd();
		j->count = (uint32_t)rnd();
		j->bearer = (uint8_t)(rnd() % 32);
		j->dir = (uint8_t)(rnd() % 2);
		j->len_bits = 8 * (alg ? msg : 16 + (uint32_t)(rnd() % (MIXED_MAX - 16 + 1)));
		for (uint32_t k = 0; k < j->len_bits / 8; k++)
			j->msg[k] = (uint8_t)rnd();
		nasmac_mac((nasmac_alg_t)j->alg, j->key, j->count, j->bearer, j->dir, j->msg, j->len_bits,
			   j->mac);
	}
}

#define MAX_PORTS 4

struct engine_result {
	uint64_t cycles;   /* kernel CYCLES register */
	double rd_util[MAX_PORTS]; /* R beats per kernel cycle on each m_axi port */
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
		nasmac__desc_t d = {.count = j->count, .bearer = j->bearer, .direction = j->dir, .alg = j->alg,
				    .len_bits = j->len_bits, .msg_offset = off, .index = (uint32_t)i};
		memcpy(d.key, j->key, 16);
		memcpy(d.exp_mac, j->mac, 4);
		nasmac__desc_pack(g_descs + i * NASMAC_DESC_BYTES, &d);
		memcpy(g_arena + off, j->msg, j->len_bits / 8);
		memset(g_arena + off + j->len_bits / 8, 0, MSG_ROOM(j->len_bits / 8) - j->len_bits / 8);
		off += MSG_ROOM(j->len_bits / 8);
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
	/* The descriptor and result buffers hold BATCH_MAX slots (layout 2.0: the kernel never
	 * reads or writes past them). */
	nasmac_sim_reg_write(sim, NASMAC_REG_MAX_JOBS, BATCH_MAX);
	nasmac_sim_reg_write(sim, NASMAC_REG_ARENA_BYTES, (uint32_t)off);
	nasmac_sim_stats_t before[MAX_PORTS], after;
	for (unsigned p = 0; p < MAX_PORTS && nasmac_sim_port(sim, p); p++)
		nasmac_sim_port_stats(sim, nasmac_sim_port(sim, p), &before[p]);
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
	for (unsigned p = 0; p < MAX_PORTS && nasmac_sim_port(sim, p); p++) {
		nasmac_sim_port_stats(sim, nasmac_sim_port(sim, p), &after);
		out->rd_util[p] = out->cycles ? (double)(after.read_beats - before[p].read_beats) / (double)out->cycles : 0;
	}
	rc = nasmac_sim_mem_read(sim, res, g_res, n * NASMAC_RES_BYTES);
	if (rc)
		return rc;
	/* A benchmark of wrong answers is worthless: every record must verify. */
	for (size_t i = 0; i < n; i++) {
		nasmac__res_t r;
		nasmac__res_unpack(g_res + i * NASMAC_RES_BYTES, &r);
		if (r.status != NASMAC_DEV_ST_VERIFIED || r.index != i || memcmp(r.mac, g_jobs[i].mac, 4))
			out->bad++;
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f, "usage: nasmac bench engine [--json | --csv] [--burst-sz LIST] [--buffer-sz LIST]\n"
		   "                           [--mem-latency LIST] [--mem-stall PCT] [--mem-outstanding N]\n"
		   "                           [--timing FILE | --clock-mhz F] [--no-mixed] [--no-baseline]\n"
		   "  Batches of jobs through the whole-kernel model: per algorithm at each message size\n"
		   "  and a mixed batch (16..160 octets); cycles per MAC, EIA2 AES blocks per cycle, and\n"
		   "  the CPU baseline (libipsec-mb multi-buffer, one core) at the same sizes in the same\n"
		   "  run. MAC/s only with a clock: from make timing's report (--timing, default\n"
		   "  build/timing/report.json: 300 MHz when every path is within the budget, else the\n"
		   "  slowest path's estimate) or --clock-mhz.\n"
		   "  --burst-sz LIST   jobs per kernel batch, 1..%u (default %u; --jobs N is one value)\n"
		   "  --buffer-sz LIST  message sizes in octets, 16..%u (default 64)\n"
		   "  --mem-latency LIST  cycles from an accepted AXI request to its first data beat\n"
		   "                    (default %u); each value gets its own model\n"
		   "  --mem-stall    percent of cycles each AXI channel stalls at random (default 0)\n"
		   "  --mem-outstanding  bursts in flight the memory accepts per port and direction\n"
		   "                 (default 0: no limit)\n"
		   "  Each row also says how busy each port's read data channel was (R beats per cycle).\n"
		   "  Progress goes to stderr.\n",
		BATCH_MAX, BATCH_MAX, MAX_MSG, DEFAULT_MEM_LATENCY);
}

struct engine_plan {
	uint32_t stall, outstanding;
	const uint32_t *sizes, *bursts;
	size_t nsizes, nbursts;
	int mixed;
};

/* One batch's row. */
static void engine_row(nasmac_sim_t *sim, unsigned alg, uint32_t msg, size_t si, size_t n,
		       uint32_t latency, const struct engine_plan *p, const struct engine_result *r)
{
	struct nasmac__bench_row row = NASMAC__BENCH_ROW;
	double cpm = (double)r->cycles / (double)n;
	char extra[320];
	int k;

	k = snprintf(extra, sizeof(extra), "\"mem_stall\":%u,\"mem_outstanding\":%u,\"cycles\":%" PRIu64,
		     p->stall, p->outstanding, r->cycles);
	if (alg == 2)
		k += snprintf(extra + k, sizeof(extra) - (size_t)k, ",\"blocks_per_cycle\":%.3f",
			      (double)r->blocks2 / (double)r->cycles);
	for (unsigned q = 0; q < MAX_PORTS && nasmac_sim_port(sim, q) && k > 0 &&
			     (size_t)k < sizeof(extra); q++)
		k += snprintf(extra + k, sizeof(extra) - (size_t)k, ",\"rd_beats_per_cycle_%s\":%.3f",
			      nasmac_sim_port(sim, q), r->rd_util[q]);
	if (k > 0 && (size_t)k < sizeof(extra))
		snprintf(extra + k, sizeof(extra) - (size_t)k, ",\"sim_cycles_per_s\":%.0f",
			 (double)r->sim_cycles / r->wall_s);
	row.section = "model";
	row.backend = "engine";
	row.alg = alg_names[alg];
	row.msg_bytes = alg ? (long)msg : 0;
	row.burst = (long)n;
	row.mem_latency = latency;
	row.cycles_per_mac = cpm;
	if (g_clock_hz > 0) {
		row.clock_mhz = g_clock_hz / 1e6;
		row.mac_per_s = g_clock_hz / cpm;
		if (alg && g_base[si][alg] > 0)
			row.vs_ipsec_mb = row.mac_per_s / g_base[si][alg];
	}
	row.extra = extra;
	nasmac__bench_row(&row);
}

/* One model at this latency; every batch size, message size and algorithm through it. */
static int bench_at(uint32_t latency, const struct engine_plan *p, uint64_t *all_cycles,
		    double *all_wall)
{
	nasmac_sim_opts_t so = {.mem_latency = latency, .stall_pct = p->stall, .seed = 1,
				.max_reads = p->outstanding, .max_writes = p->outstanding};
	nasmac_sim_t *sim = NULL;
	uint64_t desc, arena, res;
	int status = 0;
	int rc = nasmac_sim_create(&so, &sim);
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
	if (g_fmt == NASMAC__BENCH_TEXT) {
		printf("engine (Verilator model of the kernel, memory latency %u cycles, stalls %u%%, ",
		       latency, p->stall);
		if (p->outstanding)
			printf("at most %u bursts in flight per port, ", p->outstanding);
		printf("clock %s):\n", g_clock_why);
	}
	for (size_t bi = 0; bi < p->nbursts; bi++) {
		size_t n = p->bursts[bi];

		for (size_t si = 0; si <= p->nsizes; si++) {
			/* After the sizes, the mixed batch (once per batch size). */
			unsigned first = si < p->nsizes ? 1 : 0, last = si < p->nsizes ? 3 : 0;

			if (si == p->nsizes && !p->mixed)
				break;
			for (unsigned alg = first; alg <= last; alg++) {
				uint32_t msg = si < p->nsizes ? p->sizes[si] : 0;
				struct engine_result r;

				if (msg)
					nasmac__bench_progress("latency %u, %zu jobs, %s %u B", latency,
							       n, alg_names[alg], msg);
				else
					nasmac__bench_progress("latency %u, %zu jobs, mixed 16..%u B",
							       latency, n, MIXED_MAX);
				make_jobs(alg, n, msg);
				rc = run_engine(sim, desc, arena, res, n, &r);
				if (rc || r.bad) {
					fprintf(stderr, "nasmac bench engine: %s batch (latency %u): %s, "
							"%zu records did not verify\n",
						alg_names[alg], latency, rc ? strerror(-rc) : "ran", r.bad);
					status = 1;
					continue;
				}
				*all_cycles += r.sim_cycles;
				*all_wall += r.wall_s;
				engine_row(sim, alg, msg, si, n, latency, p, &r);
			}
		}
	}
	nasmac_sim_free(sim);
	return status;
}

int nasmac__bench_engine(int argc, char **argv)
{
	int status = 0, clock_given = 0, baseline = 1;
	const char *timing = "build/timing/report.json";
	uint32_t lat[MAX_LIST] = {DEFAULT_MEM_LATENCY}, sizes[MAX_LIST] = {64}, bursts[MAX_LIST] = {BATCH_MAX};
	size_t nlat = 1;
	struct engine_plan p = {.sizes = sizes, .bursts = bursts, .nsizes = 1, .nbursts = 1, .mixed = 1};

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		int more = i + 1 < argc;

		if (!strcmp(a, "--json")) {
			g_fmt = NASMAC__BENCH_JSON;
		} else if (!strcmp(a, "--csv")) {
			g_fmt = NASMAC__BENCH_CSV;
		} else if (!strcmp(a, "--no-mixed")) {
			p.mixed = 0;
		} else if (!strcmp(a, "--no-baseline")) {
			baseline = 0;
		} else if ((!strcmp(a, "--jobs") || !strcmp(a, "--burst-sz")) && more) {
			p.nbursts = nasmac__bench_list(argv[++i], bursts, MAX_LIST, 1, BATCH_MAX);
			if (p.nbursts == 0) {
				fprintf(stderr, "nasmac bench engine: %s N[,N...] (1..%u)\n", a, BATCH_MAX);
				return 2;
			}
		} else if (!strcmp(a, "--buffer-sz") && more) {
			p.nsizes = nasmac__bench_list(argv[++i], sizes, MAX_LIST, 16, MAX_MSG);
			if (p.nsizes == 0) {
				fprintf(stderr, "nasmac bench engine: --buffer-sz N[,N...] (16..%u)\n", MAX_MSG);
				return 2;
			}
		} else if (!strcmp(a, "--mem-latency") && more) {
			nlat = nasmac__bench_list(argv[++i], lat, MAX_LIST, 0, 100000);
			if (nlat == 0) {
				fprintf(stderr, "nasmac bench engine: --mem-latency N[,N...] (at most %d values, "
						"each 0..100000)\n", MAX_LIST);
				return 2;
			}
		} else if (!strcmp(a, "--clock-mhz") && more) {
			double v = strtod(argv[++i], NULL);

			if (v <= 0 || v > 1000) {
				fprintf(stderr, "nasmac bench engine: --clock-mhz 1..1000\n");
				return 2;
			}
			g_clock_hz = v * 1e6;
			snprintf(g_clock_why, sizeof(g_clock_why), "%.0f MHz: given with --clock-mhz, "
				 "not established", v);
			clock_given = 1;
		} else if (!strcmp(a, "--timing") && more) {
			timing = argv[++i];
		} else if (!strcmp(a, "--mem-stall") && more) {
			if (!nasmac__bench_list(argv[++i], &p.stall, 1, 0, 90)) {
				fprintf(stderr, "nasmac bench engine: --mem-stall 0..90\n");
				return 2;
			}
		} else if (!strcmp(a, "--mem-outstanding") && more) {
			if (!nasmac__bench_list(argv[++i], &p.outstanding, 1, 0, 4096)) {
				fprintf(stderr, "nasmac bench engine: --mem-outstanding 0..4096\n");
				return 2;
			}
		} else {
			return nasmac__bench_usage(a, usage);
		}
	}

	if (!clock_given)
		clock_from_timing(timing);
	nasmac__bench_pool_init();
	{
		char ls[96], ss[96], bs[96], clk[32] = "null";

		nasmac__bench_list_str(lat, nlat, ls, sizeof(ls));
		nasmac__bench_list_str(sizes, p.nsizes, ss, sizeof(ss));
		nasmac__bench_list_str(bursts, p.nbursts, bs, sizeof(bs));
		if (g_clock_hz > 0)
			snprintf(clk, sizeof(clk), "%.1f", g_clock_hz / 1e6);
		nasmac__bench_begin("engine", g_fmt,
				    "\"burst_sz\":[%s],\"buffer_sz\":[%s],\"mem_latency\":[%s],"
				    "\"mem_stall\":%u,\"mem_outstanding\":%u,\"clock_mhz\":%s,"
				    "\"clock_source\":\"%s\"",
				    bs, ss, ls, p.stall, p.outstanding, clk, g_clock_why);
	}

	/* The baseline first, so that every engine row can say how it compares. */
	for (size_t si = 0; baseline && si < p.nsizes; si++) {
		for (int alg = 1; alg <= 3; alg++) {
			struct nasmac__bench_row row = NASMAC__BENCH_ROW;

			nasmac__bench_progress("ipsec-mb %s %u B", alg_names[alg], sizes[si]);
			g_base[si][alg] = nasmac__bench_ipsec_mb(alg, sizes[si], 0.3, 0, NULL);
			row.section = "baseline";
			row.backend = "ipsec-mb";
			row.alg = alg_names[alg];
			row.msg_bytes = sizes[si];
			if (g_base[si][alg] > 0) {
				row.mac_per_s = g_base[si][alg];
				row.vs_ipsec_mb = 1.0;
			} else {
				row.skipped = "libipsec-mb cannot run here";
			}
			nasmac__bench_row(&row);
		}
	}

	uint64_t all_cycles = 0;
	double all_wall = 0;
	for (size_t k = 0; k < nlat; k++)
		status |= bench_at(lat[k], &p, &all_cycles, &all_wall);
	if (g_fmt == NASMAC__BENCH_TEXT)
		printf("  simulation speed: %.0f cycles/s\n", all_wall > 0 ? (double)all_cycles / all_wall : 0.0);
	return status;
}
