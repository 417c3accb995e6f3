/*
 * Whole-kernel tests through the Verilator model (sim/sim.h): the registers and the interrupt,
 * a zero-job run, the official EIA1/2/3 vectors, a seeded random batch of mixed jobs (lengths
 * 1..8192 bits, corrupted MACs, every kind of bad descriptor, unaligned messages) under random
 * AXI stalls and latency, and back-to-back runs. Every record is checked against the C
 * reference (driver/src/ref). NASMAC_SEED overrides the printed seed; LAT= and STALL= change
 * the memory latency and stall percentage of the random batch (defaults 12 and 25).
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "check.h"
#include "nasmac.h"
#include "nasmac_layout.h"
#include "sim.h"
/* The vectors' hex goes through the tree's one hex codec (host/common/hex.c). */
#include "hex.h"

#define MAX_MSG_OCTETS 8192u
#define RUN_BUDGET 20000000ull

typedef struct job {
	uint8_t alg; /* as written to the descriptor (may be invalid) */
	uint8_t key[16];
	uint32_t count;
	uint8_t bearer, dir;
	uint32_t len_bits;  /* as written (may be invalid) */
	uint64_t msg_off;   /* as written (may be outside the arena) */
	uint32_t index;     /* as written (may be >= n) */
	uint8_t exp_mac[4]; /* as written */
	uint8_t msg[MAX_MSG_OCTETS + 2048];
	int expect_status;  /* 0: no record (bad index) */
	uint8_t expect_mac[4];
} job_t;

static uint64_t rng_state;
static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void ref_mac(const job_t *j, uint8_t mac[4])
{
	int rc = nasmac_mac((nasmac_alg_t)j->alg, j->key, j->count, j->bearer, j->dir, j->msg,
			    j->len_bits, mac);
	if (rc)
		fprintf(stderr, "reference MAC failed: %d\n", rc);
}

typedef struct dev {
	nasmac_sim_t *sim;
	uint64_t desc, arena, res;
	size_t cap_jobs, arena_bytes;
} kdev_t;

static int dev_open(kdev_t *d, uint32_t latency, uint32_t stall, uint64_t seed, size_t cap_jobs,
		    size_t arena_bytes)
{
	nasmac_sim_opts_t o = {.mem_latency = latency, .stall_pct = stall, .seed = seed,
			       .mem_bytes = 64u << 20};
	memset(d, 0, sizeof(*d));
	int rc = nasmac_sim_create(&o, &d->sim);
	if (rc)
		return rc;
	d->cap_jobs = cap_jobs;
	d->arena_bytes = arena_bytes;
	rc = nasmac_sim_mem_alloc(d->sim, cap_jobs * NASMAC_DESC_BYTES, &d->desc);
	if (!rc)
		rc = nasmac_sim_mem_alloc(d->sim, arena_bytes, &d->arena);
	if (!rc)
		rc = nasmac_sim_mem_alloc(d->sim, cap_jobs * NASMAC_RES_BYTES + 64, &d->res);
	return rc;
}

static void wr64(kdev_t *d, uint32_t off, uint64_t v)
{
	nasmac_sim_reg_write(d->sim, off, (uint32_t)v);
	nasmac_sim_reg_write(d->sim, off + 4, (uint32_t)(v >> 32));
}

static uint8_t descs[4096 * NASMAC_DESC_BYTES];
static uint8_t res[4096 * NASMAC_RES_BYTES];

/* Writes descriptors, messages and a zeroed result array, sets the arguments and ap_start.
 * Returns the number of descriptors with a bad INDEX (no record expected). */
static size_t start_run(kdev_t *d, job_t *jobs, size_t n, uint32_t arena_limit)
{
	size_t expect_bad_index = 0;

	memset(descs, 0, n * NASMAC_DESC_BYTES);
	for (size_t i = 0; i < n; i++) {
		job_t *j = &jobs[i];
		nasmac__desc_t dd = {.count = j->count, .bearer = j->bearer, .direction = j->dir, .alg = j->alg,
				     .len_bits = j->len_bits, .msg_offset = j->msg_off, .index = j->index};
		memcpy(dd.key, j->key, 16);
		memcpy(dd.exp_mac, j->exp_mac, 4);
		nasmac__desc_pack(descs + i * NASMAC_DESC_BYTES, &dd);
		if (j->expect_status == 0)
			expect_bad_index++;
		/* Only good jobs' messages are copied (a bad one may lie outside the arena or wrap). */
		uint64_t nb = ((uint64_t)j->len_bits + 7) / 8;
		if (j->expect_status == NASMAC_DEV_ST_VERIFIED || j->expect_status == NASMAC_DEV_ST_MISMATCH)
			nasmac_sim_mem_write(d->sim, d->arena + j->msg_off, j->msg, nb);
	}
	nasmac_sim_mem_write(d->sim, d->desc, descs, n * NASMAC_DESC_BYTES);
	memset(res, 0, n * NASMAC_RES_BYTES);
	nasmac_sim_mem_write(d->sim, d->res, res, n * NASMAC_RES_BYTES);

	wr64(d, NASMAC_REG_DESC_ADDR, d->desc);
	wr64(d, NASMAC_REG_ARENA_ADDR, d->arena);
	wr64(d, NASMAC_REG_RESULT_ADDR, d->res);
	nasmac_sim_reg_write(d->sim, NASMAC_REG_NUM_JOBS, (uint32_t)n);
	nasmac_sim_reg_write(d->sim, NASMAC_REG_ARENA_BYTES, arena_limit);
	nasmac_sim_reg_write(d->sim, NASMAC_REG_MAX_JOBS, (uint32_t)d->cap_jobs);
	nasmac_sim_reg_write(d->sim, NASMAC_REG_AP_CTRL, NASMAC_DEV_AP_START);
	return expect_bad_index;
}

/* Writes descriptors and messages, runs the kernel, checks every record. Returns 0 or -1. */
static int run_and_check(kdev_t *d, job_t *jobs, size_t n, const char *what, uint32_t arena_limit)
{
	unsigned f0 = failed;
	size_t expect_bad_index = start_run(d, jobs, n, arena_limit);

	uint64_t cycles = 0;
	int rc = nasmac_sim_run(d->sim, RUN_BUDGET, &cycles);
	CHECK(rc == 0, "%s: run returned %d after %" PRIu64 " cycles", what, rc, cycles);
	uint32_t ctrl = 0, lo = 0, hi = 0, bad_index = 0;
	nasmac_sim_reg_read(d->sim, NASMAC_REG_AP_CTRL, &ctrl);
	CHECK((ctrl & (NASMAC_DEV_AP_DONE | NASMAC_DEV_AP_IDLE)) == (NASMAC_DEV_AP_DONE | NASMAC_DEV_AP_IDLE) &&
		      !(ctrl & NASMAC_DEV_AP_START),
	      "%s: AP_CTRL 0x%x after the run", what, ctrl);
	nasmac_sim_reg_read(d->sim, NASMAC_REG_CYCLES, &lo);
	nasmac_sim_reg_read(d->sim, NASMAC_REG_CYCLES_HI, &hi);
	uint64_t kcycles = (uint64_t)hi << 32 | lo;
	/* The run began during the AP_START write, a few cycles before nasmac_sim_run(). */
	CHECK(kcycles > 0 && kcycles <= cycles + 16, "%s: CYCLES %" PRIu64 " vs %" PRIu64 " run", what, kcycles,
	      cycles);
	nasmac_sim_reg_read(d->sim, NASMAC_REG_BAD_INDEX, &bad_index);
	CHECK(bad_index == expect_bad_index, "%s: BAD_INDEX %u, expected %zu", what, bad_index,
	      expect_bad_index);

	nasmac_sim_mem_read(d->sim, d->res, res, n * NASMAC_RES_BYTES);
	/* Which slots should hold a record: those named by a descriptor with a good index. */
	static int owner[4096];
	for (size_t i = 0; i < n; i++)
		owner[i] = -1;
	for (size_t i = 0; i < n; i++)
		if (jobs[i].expect_status)
			owner[jobs[i].index] = (int)i;
	size_t bad_records = 0;
	for (size_t s = 0; s < n; s++) {
		const uint8_t *r = res + s * NASMAC_RES_BYTES;
		nasmac__res_t rec;
		nasmac__res_unpack(r, &rec);
		uint32_t st = rec.status;
		if (owner[s] < 0) {
			if (st != 0)
				bad_records++;
			continue;
		}
		const job_t *j = &jobs[owner[s]];
		int ok = st == (uint32_t)j->expect_status && rec.index == s &&
			 nasmac__get_le(r + NASMAC_RES_RSVD_OFF, NASMAC_RES_RSVD_LEN) == 0;
		if (ok && j->expect_status != NASMAC_DEV_ST_BAD_DESC)
			ok = memcmp(rec.mac, j->expect_mac, 4) == 0;
		if (!ok && bad_records < 5)
			fprintf(stderr,
				"%s: slot %zu (job %d alg %u len %u off %" PRIu64 "): status %u mac %02x%02x%02x%02x, "
				"expected status %d mac %02x%02x%02x%02x\n",
				what, s, owner[s], j->alg, j->len_bits, j->msg_off, st, r[0], r[1], r[2], r[3],
				j->expect_status, j->expect_mac[0], j->expect_mac[1], j->expect_mac[2],
				j->expect_mac[3]);
		if (!ok && bad_records < 5 && j->expect_status != NASMAC_DEV_ST_BAD_DESC) {
			/* Tell a corrupted message apart from a wrong computation. */
			static uint8_t back[MAX_MSG_OCTETS];
			size_t nb = (j->len_bits + 7) / 8;
			nasmac_sim_mem_read(d->sim, d->arena + j->msg_off, back, nb);
			fprintf(stderr, "%s: slot %zu: the message in device memory %s\n", what, s,
				memcmp(back, j->msg, nb) ? "differs" : "is intact");
		}
		if (!ok)
			bad_records++;
	}
	CHECK(bad_records == 0, "%s: %zu of %zu records wrong", what, bad_records, n);
	printf("  %-34s %5zu jobs %9" PRIu64 " cycles (%.1f per job)\n", what, n, kcycles,
	       n ? (double)kcycles / (double)n : 0.0);
	return failed == f0 ? 0 : -1;
}

/* A good job: the expected MAC is the reference one, flipped in one bit when corrupt. */
static void make_good(job_t *j, uint8_t alg, uint32_t len_bits, uint64_t off, uint32_t index, int corrupt)
{
	j->alg = alg;
	j->len_bits = len_bits;
	j->msg_off = off;
	j->index = index;
	ref_mac(j, j->expect_mac);
	memcpy(j->exp_mac, j->expect_mac, 4);
	j->expect_status = NASMAC_DEV_ST_VERIFIED;
	if (corrupt) {
		j->exp_mac[rnd() % 4] ^= (uint8_t)(1u << (rnd() % 8));
		j->expect_status = NASMAC_DEV_ST_MISMATCH;
	}
}

static void random_fields(job_t *j)
{
	for (int i = 0; i < 16; i++)
		j->key[i] = (uint8_t)rnd();
	j->count = (uint32_t)rnd();
	j->bearer = (uint8_t)(rnd() % 32);
	j->dir = (uint8_t)(rnd() % 2);
}

/* Reads one tests/vectors/eiaN.txt into jobs[*n..]; returns the number read. */
static size_t load_vectors(const char *path, job_t *jobs, size_t *n, size_t cap)
{
	FILE *f = fopen(path, "r");
	static char line[70000];
	static char alg[8], key[40], count[16], msg[20000], mac[16];
	size_t got = 0;
	if (!f) {
		fprintf(stderr, "cannot open %s\n", path);
		return 0;
	}
	while (fgets(line, sizeof(line), f) && *n < cap) {
		unsigned bearer, dir, len;
		if (line[0] == '#' || line[0] == '\n')
			continue;
		if (sscanf(line, "%7s %39s %15s %u %u %u %19999s %15s", alg, key, count, &bearer, &dir, &len,
			   msg, mac) != 8)
			continue;
		job_t *j = &jobs[*n];
		memset(j, 0, sizeof(*j));
		CHECK(!nasmac__hex_octets(key, sizeof(j->key), j->key) &&
			      !nasmac__hex_octets(mac, sizeof(j->exp_mac), j->exp_mac) &&
			      (msg[0] == '-' || !nasmac__hex_octets(msg, (len + 7) / 8, j->msg)),
		      "%s: a field is not hex: %s", path, line);
		j->count = (uint32_t)strtoul(count, NULL, 16);
		j->bearer = (uint8_t)bearer;
		j->dir = (uint8_t)dir;
		j->len_bits = len;
		j->alg = (uint8_t)(alg[3] - '0');
		memcpy(j->expect_mac, j->exp_mac, 4);
		j->expect_status = NASMAC_DEV_ST_VERIFIED;
		(*n)++;
		got++;
	}
	fclose(f);
	return got;
}

static job_t jobs[4096];

static void test_registers(void)
{
	kdev_t d;
	int rc = dev_open(&d, 0, 0, 1, 16, 4096);
	CHECK(rc == 0, "create: %d", rc);
	if (rc)
		return;
	uint32_t v = 0;
	nasmac_sim_reg_read(d.sim, NASMAC_REG_ID, &v);
	CHECK(v == NASMAC_DEV_ID_VALUE, "ID 0x%x", v);
	nasmac_sim_reg_read(d.sim, NASMAC_REG_VERSION, &v);
	CHECK(v == NASMAC_DEV_VERSION, "VERSION 0x%x", v);
	nasmac_sim_reg_read(d.sim, NASMAC_REG_AP_CTRL, &v);
	CHECK(v == NASMAC_DEV_AP_IDLE, "AP_CTRL after reset 0x%x", v);
	/* Arguments read back; an unmapped offset reads 0. */
	nasmac_sim_reg_write(d.sim, NASMAC_REG_ARENA_BYTES, 0x12345678);
	nasmac_sim_reg_read(d.sim, NASMAC_REG_ARENA_BYTES, &v);
	CHECK(v == 0x12345678, "ARENA_BYTES readback 0x%x", v);
	nasmac_sim_reg_write(d.sim, NASMAC_REG_RESULT_ADDR_HI, 0xa5a5a5a5);
	nasmac_sim_reg_read(d.sim, NASMAC_REG_RESULT_ADDR_HI, &v);
	CHECK(v == 0xa5a5a5a5, "RESULT_ADDR_HI readback 0x%x", v);
	nasmac_sim_reg_read(d.sim, 0x7c, &v);
	CHECK(v == 0, "unmapped register 0x%x", v);
	nasmac_sim_reg_write(d.sim, NASMAC_REG_ID, 0);
	nasmac_sim_reg_read(d.sim, NASMAC_REG_ID, &v);
	CHECK(v == NASMAC_DEV_ID_VALUE, "ID is read-only 0x%x", v);

	/* A zero-job run with the done interrupt enabled but GIE off: ISR bit 0, no interrupt. */
	wr64(&d, NASMAC_REG_RESULT_ADDR, d.res);
	nasmac_sim_reg_write(d.sim, NASMAC_REG_NUM_JOBS, 0);
	nasmac_sim_reg_write(d.sim, NASMAC_REG_IER, NASMAC_DEV_INT_DONE);
	nasmac_sim_reg_write(d.sim, NASMAC_REG_AP_CTRL, NASMAC_DEV_AP_START);
	uint64_t cyc = 0;
	rc = nasmac_sim_run(d.sim, 10000, &cyc);
	CHECK(rc == 0 && cyc < 100, "zero-job run: rc %d, %" PRIu64 " cycles", rc, cyc);
	nasmac_sim_step(d.sim, 2);
	CHECK(nasmac_sim_irq(d.sim) == 0, "interrupt with GIE off");
	nasmac_sim_reg_read(d.sim, NASMAC_REG_ISR, &v);
	CHECK(v == NASMAC_DEV_INT_DONE, "ISR after done 0x%x", v);
	nasmac_sim_reg_read(d.sim, NASMAC_REG_AP_CTRL, &v);
	CHECK((v & 0xf) == (NASMAC_DEV_AP_DONE | NASMAC_DEV_AP_IDLE | NASMAC_DEV_AP_READY), "AP_CTRL 0x%x", v);
	nasmac_sim_reg_read(d.sim, NASMAC_REG_AP_CTRL, &v);
	CHECK(v == NASMAC_DEV_AP_IDLE, "ap_done clears on read: 0x%x", v);
	/* GIE on with ISR still set: the line rises; a toggle-on-write of ISR bit 0 drops it. */
	nasmac_sim_reg_write(d.sim, NASMAC_REG_GIE, 1);
	CHECK(nasmac_sim_irq(d.sim) == 1, "interrupt with GIE on and ISR set");
	nasmac_sim_reg_write(d.sim, NASMAC_REG_ISR, NASMAC_DEV_INT_DONE);
	nasmac_sim_reg_read(d.sim, NASMAC_REG_ISR, &v);
	CHECK(v == 0 && nasmac_sim_irq(d.sim) == 0, "ISR toggle on write: 0x%x irq %d", v, nasmac_sim_irq(d.sim));
	/* The next run raises the interrupt by itself; IER off leaves ISR alone. */
	nasmac_sim_reg_write(d.sim, NASMAC_REG_AP_CTRL, NASMAC_DEV_AP_START);
	rc = nasmac_sim_run(d.sim, 10000, NULL);
	nasmac_sim_step(d.sim, 2);
	CHECK(rc == 0 && nasmac_sim_irq(d.sim) == 1, "interrupt on done: rc %d", rc);
	nasmac_sim_reg_write(d.sim, NASMAC_REG_ISR, NASMAC_DEV_INT_DONE);
	nasmac_sim_reg_write(d.sim, NASMAC_REG_IER, 0);
	nasmac_sim_reg_read(d.sim, NASMAC_REG_AP_CTRL, &v);
	nasmac_sim_reg_write(d.sim, NASMAC_REG_AP_CTRL, NASMAC_DEV_AP_START);
	rc = nasmac_sim_run(d.sim, 10000, NULL);
	nasmac_sim_step(d.sim, 2);
	nasmac_sim_reg_read(d.sim, NASMAC_REG_ISR, &v);
	CHECK(rc == 0 && v == 0 && nasmac_sim_irq(d.sim) == 0, "IER off: ISR 0x%x", v);
	/* The zero-job runs wrote nothing. */
	uint8_t r[64];
	nasmac_sim_mem_read(d.sim, d.res, r, sizeof(r));
	int zero = 1;
	for (size_t i = 0; i < sizeof(r); i++)
		zero &= r[i] == 0;
	CHECK(zero, "a zero-job run wrote results");
	nasmac_sim_free(d.sim);
}

static void test_vectors(void)
{
	size_t n = 0;
	load_vectors("tests/vectors/eia1.txt", jobs, &n, 4096);
	load_vectors("tests/vectors/eia2.txt", jobs, &n, 4096);
	load_vectors("tests/vectors/eia3.txt", jobs, &n, 4096);
	CHECK(n >= 20, "only %zu vectors read", n);
	size_t base = n;
	/* Each vector twice: as published, and with the expected MAC flipped (a mismatch). */
	for (size_t i = 0; i < base && n < 4096; i++) {
		jobs[n] = jobs[i];
		jobs[n].exp_mac[3] ^= 0x80;
		jobs[n].expect_status = NASMAC_DEV_ST_MISMATCH;
		n++;
	}
	uint64_t off = 0;
	for (size_t i = 0; i < n; i++) {
		jobs[i].index = (uint32_t)(n - 1 - i);
		jobs[i].msg_off = off + (i % 17);
		off = (jobs[i].msg_off + (jobs[i].len_bits + 7) / 8 + 63) & ~(uint64_t)63;
	}
	kdev_t d;
	int rc = dev_open(&d, 3, 10, 7, n, off + 64);
	CHECK(rc == 0, "create: %d", rc);
	if (rc)
		return;
	run_and_check(&d, jobs, n, "official vectors (+ mismatches)", (uint32_t)(off + 64));
	nasmac_sim_free(d.sim);
}

/* n mixed jobs: 10% corrupted, about 3% bad descriptors of every kind, unaligned messages. */
static size_t make_random(job_t *js, size_t n, uint32_t max_bits, uint64_t *arena_used)
{
	uint64_t off = 0;
	uint32_t *perm = malloc(n * sizeof(*perm));
	for (size_t i = 0; i < n; i++)
		perm[i] = (uint32_t)i;
	for (size_t i = n - 1; i > 0; i--) {
		size_t k = rnd() % (i + 1);
		uint32_t t = perm[i];
		perm[i] = perm[k];
		perm[k] = t;
	}
	for (size_t i = 0; i < n; i++) {
		job_t *j = &js[i];
		random_fields(j);
		uint32_t len = 1 + (uint32_t)(rnd() % max_bits);
		uint32_t nb = (len + 7) / 8;
		for (uint32_t b = 0; b < nb; b++)
			j->msg[b] = (uint8_t)rnd();
		uint64_t moff = off + rnd() % 64;
		off = moff + nb;
		uint8_t alg = (uint8_t)(1 + rnd() % 3);
		make_good(j, alg, len, moff, perm[i], rnd() % 10 == 0);
		unsigned kind = (unsigned)(rnd() % 100);
		if (kind < 18 && i % 3 == 0) {
			/* A bad descriptor: it keeps its record slot, status 3. */
			j->expect_status = NASMAC_DEV_ST_BAD_DESC;
			switch (kind % 6) {
			case 0: j->alg = 0; break;
			case 1: j->alg = 7; break;
			case 2: j->len_bits = 0; break;
			case 3: j->len_bits = NASMAC_DEV_MAX_LEN_BITS + 1 + (uint32_t)(rnd() % 1000); break;
			case 4: j->msg_off = 0xffffffffffffff00ull + rnd() % 256; break; /* would wrap */
			case 5: j->msg_off = 0; j->len_bits = 0xffffffffu; break;
			}
		} else if (kind < 20 && i % 3 == 1) {
			/* An INDEX outside the result array: no record, counted in BAD_INDEX. */
			j->index = (uint32_t)n + (uint32_t)(rnd() % 1000);
			if (rnd() % 2)
				j->index = 0xffffffffu;
			j->expect_status = 0;
		}
	}
	free(perm);
	*arena_used = off;
	return n;
}

static void test_random(uint64_t seed)
{
	size_t n = 2400;
	uint64_t used = 0;
	make_random(jobs, n, MAX_MSG_OCTETS, &used);
	/* One message ends exactly at ARENA_BYTES (good), one lies one octet past it (bad). */
	uint32_t limit = (uint32_t)used;
	for (size_t i = n; i-- > 0;) {
		job_t *j = &jobs[i];
		if (j->expect_status == NASMAC_DEV_ST_VERIFIED || j->expect_status == NASMAC_DEV_ST_MISMATCH) {
			uint64_t end = j->msg_off + (j->len_bits + 7) / 8;
			if (end == used)
				continue;
			j->msg_off = used - (j->len_bits + 7) / 8 + 1;
			j->expect_status = NASMAC_DEV_ST_BAD_DESC;
			break;
		}
	}
	kdev_t d;
	int rc = dev_open(&d, getenv("LAT") ? (uint32_t)atoi(getenv("LAT")) : 12, getenv("STALL") ? (uint32_t)atoi(getenv("STALL")) : 25, seed, n, used + 4096);
	CHECK(rc == 0, "create: %d", rc);
	if (rc)
		return;
	run_and_check(&d, jobs, n, "random mixed, stalls 25%, latency 12", limit);
	/* Back to back on the same device: a fresh batch, no stalls this time, then a small one. */
	make_random(jobs, 1000, 2048, &used);
	run_and_check(&d, jobs, 1000, "back-to-back run 2", (uint32_t)used);
	make_random(jobs, 37, 300, &used);
	run_and_check(&d, jobs, 37, "back-to-back run 3", (uint32_t)used);
	nasmac_sim_free(d.sim);
}

/* A reset in the middle of a run, with bursts in flight: the memory drops them (as an
 * interconnect reset does), the kernel comes back idle, and the next run is right. */
static void test_reset_midrun(void)
{
	kdev_t d;
	uint64_t used = 0;
	nasmac_sim_stats_t st;
	size_t n = 800;

	/* Room for any batch of n messages of up to 4096 bits, each up to 63 octets apart. */
	int rc = dev_open(&d, 80, 20, rng_state, n, n * (4096 / 8 + 64));
	make_random(jobs, n, 4096, &used);
	CHECK(rc == 0, "create: %d", rc);
	if (rc)
		return;
	start_run(&d, jobs, n, (uint32_t)used);
	nasmac_sim_step(d.sim, 3000);
	uint32_t busy = nasmac_sim_in_flight(d.sim), v = 0;
	CHECK(busy > 0, "reset test: no burst in flight 3000 cycles into the run");
	nasmac_sim_reset(d.sim, 16);
	nasmac_sim_stats(d.sim, &st);
	CHECK(nasmac_sim_in_flight(d.sim) == 0 && st.dropped >= busy,
	      "reset: %u bursts still in flight, %" PRIu64 " dropped (%u before)", nasmac_sim_in_flight(d.sim),
	      st.dropped, busy);
	nasmac_sim_reg_read(d.sim, NASMAC_REG_AP_CTRL, &v);
	CHECK(v == NASMAC_DEV_AP_IDLE, "AP_CTRL after a reset in a run: 0x%x", v);
	printf("  reset with %u bursts in flight: kernel idle again\n", busy);
	make_random(jobs, n, 4096, &used);
	run_and_check(&d, jobs, n, "run after a reset in mid-run", (uint32_t)used);
	nasmac_sim_stats(d.sim, &st);
	CHECK(st.protocol_errors == 0, "%" PRIu64 " AXI protocol errors", st.protocol_errors);
	nasmac_sim_free(d.sim);
}

/* Runs a batch with one injected bus error; the run must end (no hang), the model must have
 * answered one burst with the error, and a kernel with RUN_STATUS (layout 2.0) must report it. */
static void bus_error_run(kdev_t *d, size_t n, int write, uint32_t resp, int has_status,
			  const char *port, uint64_t nth)
{
	nasmac_sim_fault_t f = {.port = port, .write = write, .resp = resp, .nth = nth, .count = 1};
	nasmac_sim_stats_t before, after;
	uint64_t used = 0, cycles = 0;
	uint32_t status = 0;
	const char *what = write ? "write" : "read";

	make_random(jobs, n, 2048, &used);
	nasmac_sim_reg_read(d->sim, NASMAC_REG_RUN_STATUS, &status); /* clear on read */
	nasmac_sim_inject(d->sim, &f);
	nasmac_sim_stats(d->sim, &before);
	start_run(d, jobs, n, (uint32_t)used);
	int rc = nasmac_sim_run(d->sim, RUN_BUDGET, &cycles);
	CHECK(rc == 0, "%s error: run returned %d after %" PRIu64 " cycles", what, rc, cycles);
	nasmac_sim_stats(d->sim, &after);
	CHECK((write ? after.wr_errors - before.wr_errors : after.rd_errors - before.rd_errors) == 1,
	      "%s error: the model injected %" PRIu64 " errors", what,
	      write ? after.wr_errors - before.wr_errors : after.rd_errors - before.rd_errors);
	nasmac_sim_reg_read(d->sim, NASMAC_REG_AP_CTRL, &status);
	nasmac_sim_reg_read(d->sim, NASMAC_REG_RUN_STATUS, &status);
	if (has_status)
		CHECK(status == ((write ? NASMAC_DEV_RUN_WR_ERR : NASMAC_DEV_RUN_RD_ERR) |
				 1u << NASMAC_DEV_RUN_RUNS_SHIFT),
		      "%s %s: RUN_STATUS 0x%x", what, resp == NASMAC_SIM_SLVERR ? "SLVERR" : "DECERR", status);
	printf("  %s %-6s on %s burst %" PRIu64 ": run ended after %" PRIu64 " cycles, RUN_STATUS 0x%x\n", what,
	       resp == NASMAC_SIM_SLVERR ? "SLVERR" : "DECERR", port, nth, cycles, status);
	nasmac_sim_inject(d->sim, NULL);
}

/* Arguments the kernel must refuse (RUN_STATUS bit 2) and still raise ap_done: more jobs than
 * MAX_JOBS (without touching memory), a descriptor array not 64-octet aligned, a result array
 * not 16-octet aligned. */
static void bad_args_runs(kdev_t *d, size_t n)
{
	static const struct {
		const char *what;
		uint32_t num_jobs_extra, desc_off, res_off;
		int no_access;
	} cases[] = {
		{"NUM_JOBS > MAX_JOBS", 1, 0, 0, 1},
		{"DESC_ADDR not 64-octet aligned", 0, 16, 0, 0},
		{"RESULT_ADDR not 16-octet aligned", 0, 0, 8, 0},
	};
	uint64_t used = 0;

	make_random(jobs, n, 2048, &used);
	start_run(d, jobs, n, (uint32_t)used); /* descriptors and messages in place */
	nasmac_sim_run(d->sim, RUN_BUDGET, NULL);
	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		nasmac_sim_stats_t before, after;
		uint32_t v = 0;
		uint64_t cycles = 0;
		nasmac_sim_reg_read(d->sim, NASMAC_REG_AP_CTRL, &v);
		wr64(d, NASMAC_REG_DESC_ADDR, d->desc + cases[k].desc_off);
		wr64(d, NASMAC_REG_RESULT_ADDR, d->res + cases[k].res_off);
		nasmac_sim_reg_write(d->sim, NASMAC_REG_NUM_JOBS, (uint32_t)n + cases[k].num_jobs_extra);
		nasmac_sim_reg_write(d->sim, NASMAC_REG_MAX_JOBS, (uint32_t)n);
		nasmac_sim_stats(d->sim, &before);
		nasmac_sim_reg_write(d->sim, NASMAC_REG_AP_CTRL, NASMAC_DEV_AP_START);
		int rc = nasmac_sim_run(d->sim, RUN_BUDGET, &cycles);
		nasmac_sim_stats(d->sim, &after);
		nasmac_sim_reg_read(d->sim, NASMAC_REG_AP_CTRL, &v);
		nasmac_sim_reg_read(d->sim, NASMAC_REG_RUN_STATUS, &v);
		CHECK(rc == 0 && (v & NASMAC_DEV_RUN_BAD_ARGS), "%s: rc %d, RUN_STATUS 0x%x", cases[k].what, rc, v);
		if (cases[k].no_access)
			CHECK(after.read_bursts == before.read_bursts && after.write_bursts == before.write_bursts,
			      "%s: the kernel touched memory (%" PRIu64 " reads, %" PRIu64 " writes)", cases[k].what,
			      after.read_bursts - before.read_bursts, after.write_bursts - before.write_bursts);
		printf("  refused: %-32s RUN_STATUS 0x%x after %" PRIu64 " cycles\n", cases[k].what, v, cycles);
	}
	wr64(d, NASMAC_REG_DESC_ADDR, d->desc);
	wr64(d, NASMAC_REG_RESULT_ADDR, d->res);
}

/* Runs queued back to back, as XRT starts the next one the moment one ends: a read error in
 * the first, a clean second run started before the host reads RUN_STATUS. The status of the
 * first must survive the second's ap_start (a register cleared at ap_start reported 0 here),
 * and RUNS 2 tells the host that the read speaks for both runs. */
static void queued_runs(kdev_t *d, size_t n)
{
	nasmac_sim_fault_t f = {.port = "gmem", .write = 0, .resp = NASMAC_SIM_SLVERR, .nth = 2, .count = 1};
	uint64_t used = 0;
	uint32_t v = 0;

	make_random(jobs, n, 2048, &used);
	nasmac_sim_inject(d->sim, &f);
	start_run(d, jobs, n, (uint32_t)used);
	CHECK(nasmac_sim_run(d->sim, RUN_BUDGET, NULL) == 0, "queued: the failing run ends");
	nasmac_sim_inject(d->sim, NULL);
	nasmac_sim_reg_read(d->sim, NASMAC_REG_AP_CTRL, &v);
	run_and_check(d, jobs, n, "queued: the clean run after it", (uint32_t)used);
	nasmac_sim_reg_read(d->sim, NASMAC_REG_RUN_STATUS, &v);
	CHECK(v == (NASMAC_DEV_RUN_RD_ERR | 2u << NASMAC_DEV_RUN_RUNS_SHIFT),
	      "queued: RUN_STATUS 0x%x, want the first run's error and RUNS 2", v);
	printf("  two runs back to back, the first with a read error: RUN_STATUS 0x%x\n", v);
	nasmac_sim_reg_read(d->sim, NASMAC_REG_RUN_STATUS, &v);
	CHECK(v == 0, "queued: RUN_STATUS 0x%x after the read that cleared it", v);
}

/* ---- Keys out of the FIFOs ---------------------------------------------------------------- */
/* The keys of a run as 128-bit values the way the kernel stores them: in a descriptor beat (key
 * octet 0 in the lowest octet) and in a job (octet 0 in the top octet); sorted, for bsearch. */
typedef struct kval {
	uint64_t lo, hi;
} kval_t;

struct key_scan {
	kval_t *keys;
	size_t nkeys;
	size_t glue, other, elems; /* elements holding a key: in u_desc / u_fetch, elsewhere */
	char where[160];           /* the first one found */
};

static int kval_cmp(const void *a, const void *b)
{
	const kval_t *x = a, *y = b;
	if (x->hi != y->hi)
		return x->hi < y->hi ? -1 : 1;
	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static uint64_t bits64(const uint32_t *w, uint32_t width, uint32_t at)
{
	uint64_t v = 0;
	for (uint32_t b = 0; b < 64 && at + b < width; b++)
		v |= (uint64_t)(w[(at + b) / 32] >> ((at + b) % 32) & 1u) << b;
	return v;
}

static void scan_elem(void *arg, const char *scope, const char *var, uint32_t elem, const uint32_t *w,
		      uint32_t width)
{
	struct key_scan *ks = arg;
	int zero = 1;

	ks->elems++;
	for (uint32_t i = 0; i < (width + 31) / 32; i++)
		zero &= w[i] == 0;
	if (zero || width < 128)
		return;
	for (uint32_t at = 0; at + 128 <= width; at++) {
		kval_t v = {bits64(w, width, at), bits64(w, width, at + 64)};
		if (!bsearch(&v, ks->keys, ks->nkeys, sizeof(v), kval_cmp))
			continue;
		if (strstr(scope, "u_desc") || strstr(scope, "u_fetch"))
			ks->glue++;
		else
			ks->other++;
		if (!ks->where[0])
			snprintf(ks->where, sizeof(ks->where), "%s.%s[%u] bit %u", scope, var, elem, at);
		return;
	}
}

static void key_scan(kdev_t *d, struct key_scan *ks)
{
	ks->glue = ks->other = ks->elems = 0;
	ks->where[0] = 0;
	nasmac_sim_peek(d->sim, scan_elem, ks);
}

/* Keys leave the kernel's FIFOs with their jobs (nasmac_fifo Wipe in nasmac_desc and
 * nasmac_fetch): peeked through the model (sim/peek.vlt) in the middle of a run, descriptor and
 * job FIFOs hold keys of the run (so the peek sees them); once ap_done has risen, no FIFO entry
 * or RAM word of the kernel holds any. Built with Wipe off, the check after ap_done fails. */
static void test_key_wipe(void)
{
	kdev_t d;
	size_t n = 1200;
	uint64_t used = 0, cycles = 0;
	struct key_scan ks = {0};
	int rc = dev_open(&d, 40, 10, rng_state, n, n * (2048 / 8 + 64));
	CHECK(rc == 0, "create: %d", rc);
	if (rc)
		return;
	make_random(jobs, n, 2048, &used);
	ks.keys = malloc(2 * n * sizeof(kval_t));
	for (size_t i = 0; i < n; i++) {
		uint8_t rev[16];
		for (int b = 0; b < 16; b++)
			rev[b] = jobs[i].key[15 - b];
		ks.keys[ks.nkeys++] = (kval_t){nasmac__get_le(jobs[i].key, 8), nasmac__get_le(jobs[i].key + 8, 8)};
		ks.keys[ks.nkeys++] = (kval_t){nasmac__get_le(rev, 8), nasmac__get_le(rev + 8, 8)};
	}
	qsort(ks.keys, ks.nkeys, sizeof(kval_t), kval_cmp);
	start_run(&d, jobs, n, (uint32_t)used);
	size_t most = 0;
	for (int k = 0; k < 8; k++) {
		nasmac_sim_step(d.sim, 400);
		key_scan(&d, &ks);
		if (ks.glue > most)
			most = ks.glue;
	}
	CHECK(ks.elems > 0, "key wipe: the model shows no storage (sim/peek.vlt missing?)");
	CHECK(most > 0, "key wipe: no key seen in u_desc/u_fetch mid-run (the peek sees nothing?)");
	printf("  mid-run: up to %zu of %zu FIFO/RAM elements in u_desc/u_fetch hold a key of the run\n", most,
	       ks.elems);
	rc = nasmac_sim_run(d.sim, RUN_BUDGET, &cycles);
	CHECK(rc == 0, "key wipe: run returned %d", rc);
	key_scan(&d, &ks);
	CHECK(ks.glue == 0, "key wipe: %zu elements of u_desc/u_fetch hold a key after ap_done (%s)", ks.glue,
	      ks.where);
	CHECK(ks.other == 0, "key wipe: %zu elements outside u_desc/u_fetch hold a key after ap_done (%s)",
	      ks.other, ks.where);
	printf("  after ap_done: %zu of %zu elements hold a key\n", ks.glue + ks.other, ks.elems);
	free(ks.keys);
	nasmac_sim_free(d.sim);
}

static void test_bus_errors(void)
{
	kdev_t d;
	uint32_t v = 0;
	size_t n = 300;
	int rc = dev_open(&d, 20, 10, rng_state, n, n * (2048 / 8 + 64));
	CHECK(rc == 0, "create: %d", rc);
	if (rc)
		return;
	/* A kernel that predates layout 2.0 has no MAX_JOBS (reads 0) and no RUN_STATUS: it must
	 * still end its runs, but only the model's side can be checked. */
	nasmac_sim_reg_write(d.sim, NASMAC_REG_MAX_JOBS, (uint32_t)n);
	nasmac_sim_reg_read(d.sim, NASMAC_REG_MAX_JOBS, &v);
	int has_status = v == n;
	if (!has_status)
		printf("  NOTE: this kernel has no MAX_JOBS/RUN_STATUS yet: RUN_STATUS not checked\n");
	if (has_status)
		bad_args_runs(&d, n);
	bus_error_run(&d, n, 0, NASMAC_SIM_SLVERR, has_status, "gmem", 3);
	bus_error_run(&d, n, 1, NASMAC_SIM_SLVERR, has_status, "gmem", 3);
	bus_error_run(&d, n, 0, NASMAC_SIM_DECERR, has_status, "gmem", 3);
	/* Early message reads of the port the kernel has for them: the run stops with lane jobs
	 * half done, and the clean run below must not inherit anything of them (an EIA1 lane once
	 * started its next job from an aborted job's partial EVAL). */
	uint64_t used = 0;
	for (int k = 0; k < 6; k++) {
		bus_error_run(&d, n, 0, NASMAC_SIM_SLVERR, has_status,
			      nasmac_sim_port(d.sim, 1) ? "msg" : "gmem", (uint64_t)(1 + k % 3));
		make_random(jobs, n, 2048, &used);
		run_and_check(&d, jobs, n, "clean run after a message read error", (uint32_t)used);
	}
	/* The next clean run is right and reports no error (RUNS 1). */
	nasmac_sim_reg_read(d.sim, NASMAC_REG_RUN_STATUS, &v);
	make_random(jobs, n, 2048, &used);
	run_and_check(&d, jobs, n, "clean run after bus errors", (uint32_t)used);
	nasmac_sim_reg_read(d.sim, NASMAC_REG_RUN_STATUS, &v);
	CHECK(v == 1u << NASMAC_DEV_RUN_RUNS_SHIFT, "RUN_STATUS 0x%x after a clean run", v);
	nasmac_sim_reg_read(d.sim, NASMAC_REG_RUN_STATUS, &v);
	CHECK(v == 0, "RUN_STATUS 0x%x: cleared by the read before", v);
	if (has_status)
		queued_runs(&d, n);
	nasmac_sim_free(d.sim);
}

int main(int argc, char **argv)
{
	uint64_t seed = 0;
	const char *s = getenv("NASMAC_SEED");
	seed = s ? (uint64_t)strtoull(s, NULL, 0) : (uint64_t)0x5eed0000u ^ (uint64_t)time(NULL);
	if (!seed)
		seed = 1;
	rng_state = seed;
	printf("test_kernel: seed %" PRIu64 " (NASMAC_SEED=%" PRIu64 " repeats this run)\n", seed, seed);
	if (argc > 1 && !strcmp(argv[1], "key-wipe")) {
		test_key_wipe();
		return check_summary("test_kernel key-wipe");
	}
	test_registers();
	test_vectors();
	test_random(seed);
	test_reset_midrun();
	test_bus_errors();
	test_key_wipe();
	return check_summary("test_kernel");
}
