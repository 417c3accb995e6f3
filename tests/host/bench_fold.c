/* The cost per COUNT advance of lmdb's advance log and its fold (host/common/store_lmdb.c) at a
 * given number of UEs: random UEs, group commits of 120, --sync nosync so that what is measured
 * is the CPU and the octets handed to the kernel (write(2) and pwrite(2), /proc/self/io wchar),
 * not the disk. Prints one line per run; `make bench-store-fold` runs it at 50,000 and 1,000,000
 * UEs (host/README.md, Persistence, quotes its figures).
 * Usage: bench_store_fold UES ADVANCES DIR [FOLD] (DIR is created and must not exist). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store.h"

#define BATCH 120u

static double cpu_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double wall_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static unsigned long long wchar(void)
{
	FILE *f = fopen("/proc/self/io", "r");
	unsigned long long v = 0;
	char key[32] = "";

	/* "key: value" lines: wchar is the second. */
	while (f && fscanf(f, "%31s %llu", key, &v) == 2 && strcmp(key, "wchar:"))
		v = 0;
	if (f)
		fclose(f);
	return v;
}

int main(int argc, char **argv)
{
	struct nasmac__db_opts o = { .sync = NASMAC__DB_SYNC_NONE };
	struct nasmac__db_import_stats st = { 0 };
	struct nasmac__db_adv adv[BATCH];
	struct nasmac__db *db;
	struct nasmac__ue *u;
	uint32_t n, total, *cnt, seed = 1;
	char uri[4200], why[128];

	if (argc < 4 || strlen(argv[3]) > 4000) {
		fprintf(stderr, "usage: bench_store_fold UES ADVANCES DIR [FOLD]\n");
		return 2;
	}
	n = (uint32_t)strtoul(argv[1], NULL, 10);
	total = (uint32_t)strtoul(argv[2], NULL, 10);
	o.cap = n;
	o.log_fold = argc > 4 ? (uint32_t)strtoul(argv[4], NULL, 10) : 0;
	u = calloc(n ? n : 1, sizeof(*u));
	cnt = calloc(n ? n : 1, sizeof(*cnt));
	if (!n || !total || !u || !cnt)
		return 2;
	nasmac__log_init("bench", NASMAC__LOG_WARN);
	for (uint32_t i = 0; i < n; i++) {
		/* One MME's GUTIs (PLMN 001-01, MMEGI 8001, MMEC 01), M-TMSIs spread. */
		static const uint8_t mme[6] = { 0x00, 0xf1, 0x10, 0x80, 0x01, 0x01 };
		uint32_t t = i * 2654435761u;

		u[i].ue_id = i + 1u;
		snprintf(u[i].imsi, sizeof(u[i].imsi), "00101%010u", i);
		memcpy(u[i].guti, mme, sizeof(mme));
		for (int b = 0; b < 4; b++)
			u[i].guti[6 + b] = (uint8_t)(t >> (24 - 8 * b));
		memset(u[i].kasme, 7, sizeof(u[i].kasme));
		u[i].eia = 2;
		u[i].ul_count = cnt[i] = 1;
		if (nasmac__ue_derive(&u[i]))
			return 1;
	}
	snprintf(uri, sizeof(uri), "lmdb:%s", argv[3]);
	if (nasmac__db_open(uri, &o, &db, why, sizeof(why))) {
		fprintf(stderr, "bench_store_fold: %s: %s\n", uri, why);
		return 1;
	}
	for (uint32_t i = 0; i < n; i += 65536u)
		if (nasmac__db_import(db, u + i, n - i < 65536u ? n - i : 65536u, &st))
			return 1;
	/* Half the run's advances first, so that the measured ones start with a log of some
	 * size and a pass under way, as in a long run. */
	for (int phase = 0; phase < 2; phase++) {
		uint32_t todo = phase ? total : total / 2;
		unsigned long long w0 = wchar();
		double c0 = cpu_s(), worst = 0;

		for (uint32_t done = 0; done < todo; done += BATCH) {
			double t0;

			for (uint32_t j = 0; j < BATCH; j++) {
				uint32_t x;

				seed = seed * 1103515245u + 12345u;
				x = (seed >> 4) % n;
				memcpy(adv[j].guti, u[x].guti, NASMAC__GUTI_LEN);
				adv[j].count = ++cnt[x];
			}
			t0 = wall_ms();
			if (nasmac__db_advance(db, adv, BATCH))
				return 1;
			if (wall_ms() - t0 > worst)
				worst = wall_ms() - t0;
			for (uint32_t j = 0; j < BATCH; j++)
				if (!adv[j].ok) {
					fprintf(stderr, "bench_store_fold: COUNT refused\n");
					return 1;
				}
		}
		if (phase)
			printf("lmdb fold: %u UEs, %u advances in commits of %u, sync nosync: "
			       "%.3f us CPU and %.0f octets written per advance, slowest commit "
			       "%.2f ms\n",
			       n, todo, BATCH, (cpu_s() - c0) * 1e6 / todo,
			       (double)(wchar() - w0) / todo, worst);
	}
	nasmac__db_close(db);
	free(u);
	free(cnt);
	return 0;
}
