/*
 * What every `nasmac bench` section shares (bench/bench_common.c): one row schema, the header
 * record, the output formats, list options, progress on stderr, and the one CPU baseline.
 *
 * Output. --json: JSON Lines, the header record first ({"kind":"header", ...}), then one
 * {"kind":"row", ...} per measurement with every member of struct nasmac__bench_row (null
 * where it does not apply). --csv: the header record as "# key: value" comment lines, then a
 * line of column names (the row members, in order) and one line per row. Otherwise text for a
 * person. A script reads any section the same way (scripts/bench_report.py).
 *
 * The CPU baseline is libipsec-mb's multi-buffer job API on one core, a new key for every job
 * (nothing cached), jobs submitted back to back: the most a CPU core does with it, and what
 * the cpu backend runs. Every section compares against this one (nasmac__bench_ipsec_mb).
 */
#ifndef NASMAC_BENCH_H
#define NASMAC_BENCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "cmd.h"

enum nasmac__bench_fmt { NASMAC__BENCH_TEXT, NASMAC__BENCH_JSON, NASMAC__BENCH_CSV };

/* One measurement. Numbers below 0 (and NULL strings) are "does not apply": null in JSON,
 * empty in CSV. */
struct nasmac__bench_row {
	const char *section;   /* "throughput", "latency", "model", "baseline" ... */
	const char *backend;   /* "ipsec-mb", "cpu", "sim", "xrt:0", "openssl", "engine" */
	const char *alg;       /* "eia1", "eia2", "eia3", "mixed" */
	long msg_bytes;        /* message length in octets (0: mixed lengths) */
	long burst;            /* jobs per enqueue call (driver) or per kernel batch (engine) */
	long mem_latency;      /* engine: memory latency in kernel clock cycles */
	double mac_per_s;      /* MACs per second (engine: at clock_mhz) */
	double ns_per_mac;     /* 1e9 / mac_per_s */
	double cycles_per_mac; /* engine: kernel cycles per MAC */
	double clock_mhz;      /* engine: the clock mac_per_s assumes */
	double p50_us, p99_us; /* latency rows: enqueue to dequeue */
	double vs_ipsec_mb;    /* mac_per_s / the baseline's at the same size, same run */
	const char *skipped;   /* why this backend did not run */
	const char *extra;     /* section-specific JSON members ("\"k\":v,..."), or NULL */
};

/* CPU time per job of a measured run: the calling thread's, and the whole process's (with any
 * driver thread). Unlike wall time these hardly move when other processes share the cores. */
struct nasmac__bench_cpu {
	double thread_ns, process_ns;
};

/* A row with every field "does not apply"; set what does. */
#define NASMAC__BENCH_ROW                                                                    \
	{ .msg_bytes = -1, .burst = -1, .mem_latency = -1, .mac_per_s = -1, .ns_per_mac = -1,  \
	  .cycles_per_mac = -1, .clock_mhz = -1, .p50_us = -1, .p99_us = -1, .vs_ipsec_mb = -1 }

/* The header record (machine, CPU model, cores, kernel, versions, commit, load average) with
 * the section's parameters, JSON members "\"k\":v,..." formatted by printf from params_fmt
 * (or NULL: none); CSV also gets its column line. */
void nasmac__bench_begin(const char *bench, enum nasmac__bench_fmt fmt, const char *params_fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* One row in the format of begin (text: one line). */
void nasmac__bench_row(const struct nasmac__bench_row *r);
/* A line on stderr saying where a long run is ("nasmac bench <bench>: ..."). */
void nasmac__bench_progress(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* "16,64,256" -> out[]; the count, or 0 when malformed, empty, over max entries, or a value
 * outside lo..hi. */
size_t nasmac__bench_list(const char *s, uint32_t *out, size_t max, uint32_t lo, uint32_t hi);
/* The same list back as text ("16,64,256") into buf. */
void nasmac__bench_list_str(const uint32_t *v, size_t n, char *buf, size_t len);
/* For an argument no option of the bench took: --help / -h prints usage on stdout and returns
 * 0, anything else prints it on stderr and returns 2 (the exit status either way). */
int nasmac__bench_usage(const char *arg, void (*usage)(FILE *f));

/* The shared inputs: NASMAC__BENCH_POOL keys and messages of up to NASMAC__BENCH_MAX_MSG
 * octets from a fixed seed; message k of msg_bytes octets starts at k * msg_bytes (the
 * messages of a run are contiguous whatever their size). */
#define NASMAC__BENCH_POOL 4096u
#define NASMAC__BENCH_MAX_MSG 1024u
void nasmac__bench_pool_init(void);
extern uint8_t nasmac__bench_keys[NASMAC__BENCH_POOL][16];
extern uint8_t nasmac__bench_msgs[NASMAC__BENCH_POOL * NASMAC__BENCH_MAX_MSG];

/* Inline: the baseline's loop gets its inputs without a call, and so must a backend's. */
static inline const uint8_t *nasmac__bench_key(uint32_t k)
{
	return nasmac__bench_keys[k % NASMAC__BENCH_POOL];
}

static inline const uint8_t *nasmac__bench_msg(uint32_t k, uint32_t msg_bytes)
{
	return nasmac__bench_msgs + (size_t)(k % NASMAC__BENCH_POOL) * msg_bytes;
}

/* The baseline: MAC/s of raw libipsec-mb for alg (1..3) on msg_bytes-octet messages, timed
 * over at least min_s seconds after a warm-up; n > 0: exactly n jobs instead (for profiling).
 * 0 when libipsec-mb cannot run here. */
double nasmac__bench_ipsec_mb(int alg, uint32_t msg_bytes, double min_s, uint64_t n,
			      struct nasmac__bench_cpu *cpu);

/* Runs run(ctx, n) with growing n until one run lasts min_s (n_fixed > 0: once with that n);
 * returns jobs per second of that run, and its CPU time per job in *cpu (may be NULL). run
 * returns its seconds. */
double nasmac__bench_measure(double (*run)(void *ctx, uint64_t n), void *ctx, double min_s,
			     uint64_t n_fixed, struct nasmac__bench_cpu *cpu);

double nasmac__bench_now(void);
const char *nasmac__bench_alg(int alg); /* 0 "mixed", 1 "eia1", 2 "eia2", 3 "eia3" */

#endif /* NASMAC_BENCH_H */
