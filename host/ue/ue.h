/*
 * The UE simulator (ue.c) and the load generator around it (load.c, run.c). A simulated UE holds
 * an EPS security context shared with its MME (the UE db file) and, per attempt, what it expects
 * to happen; it builds its NAS messages through the codecs (gtp.h, nas.h), computes its own MACs and
 * keys with the reference functions, and checks the AMF's answers.
 */
#ifndef NASMAC_UE_H
#define NASMAC_UE_H

#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "host.h"

enum nasmac__ue_flow { NASMAC__FLOW_3GPP = 0, NASMAC__FLOW_FIG2 = 2, NASMAC__FLOW_FIG3 = 3 };
enum nasmac__tamper { NASMAC__TAMPER_NONE = 0, NASMAC__TAMPER_FIRST, NASMAC__TAMPER_SECOND };
enum nasmac__uesim_state {
	NASMAC__SIM_IDLE = 0,
	NASMAC__SIM_SENT,     /* Registration Request sent */
	NASMAC__SIM_SMC_DONE, /* SMC verified, SMC Complete sent */
	NASMAC__SIM_DONE,
};

struct nasmac__uesim {
	struct nasmac__ue ctx; /* the EPS context, as in the UE db */
	uint64_t link_id;      /* UE id on the test link */
	uint8_t flow, manner, tamper;
	uint8_t in_db;       /* 0: the MME has never heard of this UE */
	uint8_t expect;      /* enum nasmac__diag: NONE means "registered" */
	uint8_t state;
	uint8_t outcome;     /* enum nasmac__diag, NONE when registered */
	uint8_t unexpected;  /* the outcome differs from the expectation (or a check failed) */
	const char *why;     /* what went wrong, for the log */
	uint32_t kamf_count; /* the uplink COUNT K_AMF is derived from */
	uint32_t kamf_check; /* nasmac__key_check() of kamf, compared with the AMF's (tests) */
	uint8_t kamf_seen;   /* the AMF logged a check value for this UE */
	uint8_t kamf[32], knas5[16];
	uint8_t frame[NASMAC__LINK_MAX]; /* the initial frame (replayed as it is by an attacker) */
	size_t frame_len;
	uint64_t t_start_ns, t_end_ns;
	uint32_t active_slot;
	uint32_t attacker;   /* index + 1 of the attacker that replays this UE's frame, 0: none */
};

/* Builds the initial test link frame (Registration Request, and TAU Request for FIG. 2) from
 * the UE's context and flow, and advances its uplink COUNT as a real UE would. */
int nasmac__uesim_build(struct nasmac__uesim *u);
/* A protected TAU Request of context c at COUNT count (for the benchmark's requests). */
int nasmac__uesim_tau(const struct nasmac__ue *c, uint32_t count, uint8_t *out, size_t size);
/* A Context Request as the AMF sends it (TS 29.274 7.3.5: GUTI, Complete Request Message type 1
 * with c's TAU Request protected at COUNT count, sender F-TEID of interface type 40 with TEID
 * teid, RAT type NR) under sequence number seq; tamper spoils a NAS-MAC octet. For tests and
 * benchmarks that play the AMF. Returns the length or a negative errno. */
int nasmac__uesim_ctx_req(const struct nasmac__ue *c, uint32_t count, uint32_t seq, uint32_t teid,
			  int tamper, uint8_t *out, size_t size);
/* Handles one downlink NAS PDU from the AMF; may write an uplink frame to send into out
 * (returns its length), 0 when nothing is to be sent, negative on a failed check (u->why says). */
int nasmac__uesim_on_dl(struct nasmac__uesim *u, const uint8_t *pdu, size_t len, uint8_t diag,
			uint8_t *out, size_t size);

/* The load generator, shared by `nasmac load` and `nasmac run`. */
struct nasmac__load_opts {
	uint32_t ues;
	double tampered, replayed, unknown, upgraded, kamf_by_mme;
	double echo_mismatch; /* share of UEs whose attach-time echo5g no longer fits their MME */
	uint32_t mmes;          /* UEs spread over this many MMECs (an MME pool), 1..32 */
	double unknown_gummei;  /* share of UEs whose GUTI names an MME outside the pool */
	int mode_3gpp;
	int allow_overload;   /* a "no resources" reject is a permitted outcome (overload tests) */
	uint32_t manner; /* 0: rotate 1..4 */
	uint64_t seed;
	uint32_t window;
	uint32_t timeout_ms;
	const char *amf;
	int json, progress;
};

struct nasmac__load_result {
	uint64_t attempts, registered, rejected[NASMAC__DIAG_COUNT], unexpected;
	uint64_t fig2, fig3, mode3gpp;
	uint64_t kamf_checked, kamf_mismatch; /* UE vs AMF K_AMF check values (--kamf-check) */
	double seconds, rps, p50_us, p99_us, p999_us;
};

void nasmac__load_defaults(struct nasmac__load_opts *o);
/* Creates the UEs of a run (deterministic from the seed). */
int nasmac__load_make(const struct nasmac__load_opts *o, struct nasmac__uesim **out);
int nasmac__load_write_db(const struct nasmac__uesim *ues, uint32_t n, const char *path);
int nasmac__load_run(const struct nasmac__load_opts *o, struct nasmac__uesim *ues,
		     struct nasmac__load_result *res);
/* What each attempt is planned to be and to end in, one line per attempt (tests derive the
 * expected counts from it). */
int nasmac__load_write_plan(const struct nasmac__uesim *ues, uint32_t n, const char *path);
/* Compares the UEs' K_AMF check values with the "K_AMF check value" lines of an AMF log
 * (nasmacd amf --kamf-check); fills res->kamf_checked / kamf_mismatch. */
int nasmac__load_kamf_compare(struct nasmac__uesim *ues, uint32_t n, uint32_t n_ues,
			      const char *amf_log, struct nasmac__load_result *res);
void nasmac__load_print(const struct nasmac__load_opts *o, const struct nasmac__load_result *r,
			FILE *f);
/* The GUTIs of UE i name MME i % mmes of the pool: PLMN 001/01, MMEGI 0x8001, MMEC 0x4a + k
 * (k = 0 for every UE without --mmes). UEs of --unknown-gummei name MMEGI 0x80ff, which no
 * pool of nasmac run has. */
#define NASMAC__LOAD_MMEGI 0x8001u
#define NASMAC__LOAD_MMEGI_NONE 0x80ffu
#define NASMAC__LOAD_MMEC0 0x4au
#define NASMAC__LOAD_MAX_MMES 32u
void nasmac__load_gummei(uint32_t k, struct nasmac__gummei *g);
/* Options shared by load and run; returns 1 when the option was consumed, 0 if not ours, -1 on
 * a bad value. */
int nasmac__load_opt(struct nasmac__load_opts *o, const char *name, const char *val);

/* The options nasmac load and run share, in their getopt_long loop after their own: c and,
 * for a long option, its name and value. Returns 0 when it took c, -1 after --help (exit status
 * 0), 2 for a bad value or an unknown option (having said so, prefixed with prog, or the usage). */
int nasmac__load_getopt(struct nasmac__load_opts *o, const char *prog, int c, const char *name,
			const char *val, void (*usage)(FILE *f));

/* The daemons' harness of nasmac run (host/ue/run.c), also the benchmark's: the nasmacd beside
 * this program's binary into out (0, or a negative errno), and waiting until the log at path
 * holds `times` lines with `what` (a daemon says it serves; with --workers, each worker does):
 * 0, -ECHILD when the process pid ended first (reaped), -ETIMEDOUT after timeout_ms. */
int nasmac__nasmacd_path(char *out, size_t size);
int nasmac__wait_log(const char *path, const char *what, unsigned times, pid_t pid,
		     int timeout_ms);

/* Long options shared by `nasmac load` and `nasmac run` (nasmac__load_getopt takes them). */
#define NASMAC__LOAD_LONGOPTS                                                                       \
	{ "ues", required_argument, NULL, 1 }, { "tampered", required_argument, NULL, 1 },  \
		{ "replayed", required_argument, NULL, 1 },                                 \
		{ "unknown", required_argument, NULL, 1 },                                  \
		{ "upgraded", required_argument, NULL, 1 },                                 \
		{ "kamf-by-mme", required_argument, NULL, 1 },                              \
		{ "echo-mismatch", required_argument, NULL, 1 },                            \
		{ "mmes", required_argument, NULL, 1 },                                     \
		{ "unknown-gummei", required_argument, NULL, 1 },                           \
		{ "allow-overload", no_argument, NULL, 1 },                                 \
		{ "mode", required_argument, NULL, 1 }, { "manner", required_argument, NULL, 1 }, \
		{ "seed", required_argument, NULL, 1 }, { "window", required_argument, NULL, 1 }, \
		{ "timeout-ms", required_argument, NULL, 1 },                               \
		{ "json", no_argument, NULL, 'j' }, { "no-progress", no_argument, NULL, 'q' }, \
		{ "help", no_argument, NULL, 'h' }

#endif /* NASMAC_UE_H */
