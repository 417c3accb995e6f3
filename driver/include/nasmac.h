/*
 * libnasmac: NAS integrity (128-EIA1/EIA2/EIA3) verification in batches, on a CPU, on the
 * Verilator model of the nasmac kernel, or on an Alveo card through XRT; plus the reference
 * algorithms and the 3GPP key derivations the front-end needs.
 *
 * Conventions (for every function below):
 *  - Return 0 or a negative errno (-EINVAL, -ENOMEM, -EBUSY, -ETIMEDOUT, -ENODEV, -EIO).
 *    nasmac_strerror() turns one into a line of text.
 *  - Lengths are in bytes unless the name ends in _bits. Message bits are read MSB first: bit 0
 *    of MESSAGE is bit 7 of msg[0]. Bits after len_bits are ignored.
 *  - A MAC is 4 octets, MAC[0] first (the order it has in a NAS PDU).
 *  - Keys are 16 octets in the order the 3GPP test data prints them.
 *  - The caller owns every struct it passes in; the library allocates only in nasmac_open(),
 *    in the key derivations (an OpenSSL HMAC context per call) and, on a CPU without AES-NI,
 *    in 128-EIA2 (an OpenSSL cipher context per call). Jobs never allocate on a CPU with
 *    AES-NI, whatever the backend (its CPU fallback included).
 */
#ifndef NASMAC_H
#define NASMAC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The library's version: the one place it is written (the Makefile, the soname and the tools
 * read it from here). MAJOR changes when the ABI breaks; the soname is libnasmac.so.MAJOR. */
#define NASMAC_VERSION_MAJOR 1
#define NASMAC_VERSION_MINOR 0
#define NASMAC_VERSION_PATCH 0
#define NASMAC_VERSION_NUM \
	(NASMAC_VERSION_MAJOR * 10000 + NASMAC_VERSION_MINOR * 100 + NASMAC_VERSION_PATCH)
/* The version of the library actually loaded, "MAJOR.MINOR.PATCH" (compare with the macros to
 * catch a program built against other headers). */
const char *nasmac_version(void);

#define NASMAC_KEY_LEN 16u
#define NASMAC_MAC_LEN 4u
/* Longest message the device and the job API accept (the reference functions take any length). */
#define NASMAC_MAX_LEN_BITS 65504u

/* Algorithm identifiers; the values are the EIA numbers of TS 33.401 5.1.4.2 (and the device's). */
typedef enum nasmac_alg {
	NASMAC_EIA1 = 1, /* SNOW 3G (UIA2 f9 with FRESH = BEARER || 0^27) */
	NASMAC_EIA2 = 2, /* AES-128 CMAC */
	NASMAC_EIA3 = 3, /* ZUC-128 */
} nasmac_alg_t;

/* ---------------------------------------------------------------------------------------------
 * Reference algorithms (exact to the bit; also the CPU golden model). No allocation (except
 * 128-EIA2 without AES-NI, which may then also return -ENOMEM or -EIO), keys and keystream
 * wiped from the stack before return. 5G 128-NIA1/2/3 are the same functions.
 * bearer is 5 bits (0..31), direction 0 (uplink) or 1 (downlink); -EINVAL otherwise or when
 * msg is NULL with len_bits > 0.
 */
int nasmac_eia1(const uint8_t key[16], uint32_t count, uint8_t bearer, uint8_t direction,
		const uint8_t *msg, size_t len_bits, uint8_t mac[4]);
int nasmac_eia2(const uint8_t key[16], uint32_t count, uint8_t bearer, uint8_t direction,
		const uint8_t *msg, size_t len_bits, uint8_t mac[4]);
int nasmac_eia3(const uint8_t key[16], uint32_t count, uint8_t bearer, uint8_t direction,
		const uint8_t *msg, size_t len_bits, uint8_t mac[4]);
/* Dispatches on alg; -EINVAL for an unknown algorithm. */
int nasmac_mac(nasmac_alg_t alg, const uint8_t key[16], uint32_t count, uint8_t bearer,
	       uint8_t direction, const uint8_t *msg, size_t len_bits, uint8_t mac[4]);
/* Constant-time comparison of two 4-octet MACs: 1 when equal, 0 otherwise. */
int nasmac_mac_equal(const uint8_t a[4], const uint8_t b[4]);

/* ---------------------------------------------------------------------------------------------
 * 3GPP key derivations (HMAC-SHA-256, OpenSSL 3).
 */
/* Generic KDF of TS 33.220 Annex B.2: out = HMAC-SHA-256(key, FC || P0 || L0 || ... ).
 * n parameters p[i] of len[i] octets (each < 65536); out is 32 octets. */
int nasmac_kdf(const uint8_t *key, size_t key_len, uint8_t fc, const uint8_t *const *p,
	       const size_t *len, size_t n, uint8_t out[32]);

/* Algorithm type distinguishers of TS 33.401 A.7 / TS 33.501 A.8 (Table A.8-1). */
#define NASMAC_ALG_TYPE_NAS_ENC 0x01u
#define NASMAC_ALG_TYPE_NAS_INT 0x02u

/* K_NASenc / K_NASint from K_ASME (TS 33.401 A.7, FC 0x15): the 128 least significant bits
 * (last 16 octets) of the 256-bit KDF output. alg_id is the EIA/EEA number (0..15). */
int nasmac_kdf_eps_nas(const uint8_t kasme[32], uint8_t alg_type, uint8_t alg_id,
		       uint8_t out[16]);
/* K_AMF' from K_ASME for idle-mode mobility EPS -> 5GS (TS 33.501 A.15.1, FC 0x75,
 * P0 = uplink NAS COUNT of the TAU Request, 4 octets). */
int nasmac_kdf_kamf_from_kasme(const uint8_t kasme[32], uint32_t ul_nas_count,
			       uint8_t kamf[32]);
/* K_NASenc / K_NASint from K_AMF (TS 33.501 A.8, FC 0x69): last 16 octets of the output. */
int nasmac_kdf_5g_nas(const uint8_t kamf[32], uint8_t alg_type, uint8_t alg_id, uint8_t out[16]);

/* ---------------------------------------------------------------------------------------------
 * Verification jobs and devices (shaped after DPDK cryptodev).
 */
typedef enum nasmac_status {
	NASMAC_ST_PENDING = 0,  /* not finished yet (never seen by a caller after dequeue) */
	NASMAC_ST_VERIFIED = 1, /* computed MAC == expected MAC */
	NASMAC_ST_MISMATCH = 2, /* computed MAC != expected MAC (mac holds the computed one) */
	NASMAC_ST_ERROR = 3,    /* bad job (unknown algorithm, bad length ...): see job->err */
} nasmac_status_t;

/*
 * One verification. The caller fills the inputs and owns the struct; from enqueue until the
 * job comes back from nasmac_dequeue_burst() the struct and the message it points to must stay
 * valid and unchanged. When the job completes the driver wipes job->key.
 */
typedef struct nasmac_job {
	/* inputs */
	uint8_t key[16];
	uint32_t count;
	uint8_t alg;       /* nasmac_alg_t (| NASMAC_ALG_PREPARED: nasmac_job_set_key) */
	uint8_t bearer;    /* 0..31 */
	uint8_t direction; /* 0 uplink, 1 downlink */
	const uint8_t *msg;
	uint32_t len_bits; /* 1..NASMAC_MAX_LEN_BITS */
	uint8_t expected_mac[4];
	void *cookie; /* returned untouched */
	/* outputs */
	uint8_t mac[4]; /* the computed MAC */
	int status;     /* nasmac_status_t */
	int err;        /* 0, or a negative errno when status is NASMAC_ST_ERROR */
} nasmac_job_t;

/*
 * Prepared keys: the per-key part of a MAC done once for the many jobs of one key. A caller that
 * checks many MACs under one key (an MME: one K_NASint per UE) prepares it once and hands each
 * job a reference instead of the key. For 128-EIA2 that is the AES-128 round keys and the CMAC
 * subkeys K1, K2 (SP 800-38B 6.1), which the cpu backend otherwise derives for every job (key
 * expansion and one AES block: on the order of 80 ns a job); for 128-EIA1 and 128-EIA3 a
 * prepared key is just the key (nothing to precompute), so one code path serves every UE.
 *
 * The caller owns the struct: it must stay valid and unchanged from the enqueue of a job that
 * references it until that job is dequeued (or nasmac_verify() returns); it is prepared again
 * when the key changes (a job computes with what the struct holds, never with anything else:
 * a struct left over from an old key verifies the old key's MACs) and wiped with
 * nasmac_key_wipe() when the key is dropped. The driver never writes it.
 */
typedef struct nasmac_key {
	/* The first cache line is what every job reads: the key, what it was prepared for, and
	 * the CMAC subkeys; the round keys follow. */
	uint8_t key[16];
	uint8_t alg;   /* nasmac_alg_t it was prepared for; 0: wiped (a job with it: -EINVAL) */
	uint8_t sched; /* 128-EIA2: 1 when rk, k1, k2 hold the schedule (0 on a CPU without
			* AES-NI: the backends then derive it per job, as from a plain key) */
	uint8_t reserved[14];
	uint8_t k1[16], k2[16];
	uint8_t rk[176]; /* AES-128 encryption round keys 0..10, FIPS-197 byte order */
} __attribute__((aligned(64))) nasmac_key_t;

/* Prepares key for alg (no allocation; -EINVAL for an unknown alg or a NULL pointer). */
int nasmac_key_prepare(nasmac_key_t *k, nasmac_alg_t alg, const uint8_t key[16]);
/* Wipes everything it holds (alg becomes 0). */
void nasmac_key_wipe(nasmac_key_t *k);
/* Makes job use k, for k's algorithm, in place of job->key and job->alg: job->alg becomes
 * k->alg | NASMAC_ALG_PREPARED and job->key holds the reference (the driver wipes it when the
 * job completes, as it wipes a key). The rest of the job is filled as usual. */
#define NASMAC_ALG_PREPARED 0x80u
void nasmac_job_set_key(nasmac_job_t *job, const nasmac_key_t *k);

typedef struct nasmac_opts {
	uint32_t batch_max;   /* jobs per device batch (0: backend default) */
	uint32_t deadline_us; /* send a partial batch after this long (0: default 50 us) */
	uint32_t inflight;    /* device batches in flight at once (0: default 2) */
	uint32_t timeout_ms;  /* a device batch slower than this falls back to the CPU (0: 1000) */
	uint32_t queue_depth; /* jobs the device accepts before enqueue returns short (0: 65536) */
	const char *xclbin;   /* xrt: path of the xclbin (NULL: $NASMAC_XCLBIN) */
	uint32_t flags;       /* NASMAC_OPT_* */
} nasmac_opts_t;

/* The caller calls nasmac_flush() after each run of enqueues (an event loop that gathers one
 * burst per iteration). The cpu backend then runs no driver thread to finish the jobs
 * that wait in the multi-buffer lanes (deadline_us does not apply to it): on a server pinned to
 * one core each such wake-up is two context switches per loop iteration. A caller that breaks
 * the promise leaves those jobs waiting until its next enqueue, flush or close. */
#define NASMAC_OPT_CALLER_FLUSHES (1u << 0)
/* The caller calls nasmac_dequeue_burst() until it returns fewer jobs than asked after each
 * nasmac_enqueue_burst() and nasmac_flush(). Jobs finished inside those calls, on the
 * caller's thread (all of the cpu backend's with NASMAC_OPT_CALLER_FLUSHES, a bad job on any
 * backend), then do not make nasmac_fd() readable: the caller takes them anyway, and the
 * eventfd write and read would be two syscalls per burst. Jobs finished on a driver thread
 * (sim, xrt, the cpu backend's lull worker) still do. */
#define NASMAC_OPT_CALLER_DEQUEUES (1u << 1)

typedef struct nasmac_stats {
	uint64_t enqueued, completed, verified, mismatched, errors;
	uint64_t fallbacks; /* jobs recomputed on the CPU after a failed device batch */
	uint64_t batches, failed_batches;
	uint64_t device_ns; /* wall time spent in device runs */
	uint64_t device_cycles; /* sim: kernel clock cycles spent in runs */
	uint64_t run_errors; /* device batches whose run reported an error in RUN_STATUS (a bus
			      * error, or arguments the kernel refused), or shared one RUN_STATUS
			      * read with such a run (runs queued back to back): their records were
			      * discarded and the batch recomputed on the CPU (each is also in
			      * failed_batches, its jobs in fallbacks) */
} nasmac_stats_t;

typedef struct nasmac_dev nasmac_dev_t;

/*
 * How the backends behave (all behind the same calls):
 *  - "cpu": libipsec-mb's multi-buffer job API, in the caller's thread, inside
 *    nasmac_enqueue_burst(). A burst of 128 jobs or more is finished when it returns; of a
 *    smaller one the last few jobs may wait in the multi-buffer lanes until more jobs arrive,
 *    nasmac_flush(), or deadline_us after the oldest of them arrived (a driver thread, asleep
 *    while no job waits, finishes them then). batch_max and inflight do not apply;
 *    stats.batches counts the times the lanes were finished early.
 *  - "sim": the Verilator model of the nasmac kernel, driven from the driver's worker thread
 *    with the register and memory protocol of a card; stats.device_cycles counts its clocks.
 *  - "xrt:N": the kernel on Alveo card N through XRT (opts.xclbin or $NASMAC_XCLBIN).
 *  For sim and xrt, jobs are gathered into batches of batch_max, sent when full or deadline_us
 *  after the oldest job arrived, with up to inflight batches on the device; a batch that fails,
 *  times out (timeout_ms) or returns inconsistent results is recomputed on the CPU
 *  (stats.fallbacks) and the device is reset. A run whose RUN_STATUS register reports an error
 *  (the kernel saw a bus error or refused its arguments, then stopped cleanly) is recomputed
 *  on the CPU too (stats.run_errors) without a reset. Jobs may finish in a different order
 *  than they were enqueued (a bad job finishes at once).
 */

/* spec: "cpu", "sim[:ARGS]" or "xrt:N" (N = device index). opts may be NULL for defaults.
 * -ENODEV (with one line on stderr saying why) when the backend cannot run here; -EINVAL,
 * silently, for a spec that names no backend (the caller says so), and with one line on stderr
 * for a backend argument it does not take.
 *
 * "sim" takes test knobs as comma-separated key=value pairs (DPDK devargs style), e.g.
 * "sim:latency=100,stall=25,seed=7":
 *   latency=N        memory latency in kernel cycles (AXI request to first data beat; 0)
 *   stall=PCT        percent of cycles each AXI channel stalls at random (0..99; 0)
 *   seed=N           seed of the stall pattern
 *   max_reads=N      read bursts the memory accepts in flight per port (0: no limit)
 *   max_writes=N     write bursts in flight per port (0: no limit)
 *   fault=F[+F...]   inject F into the chosen batches: hang (the run never ends), wrong (result
 *                    records come back corrupted), refuse (the run does not start)
 *   rd_err=E         the memory answers one read burst of each chosen batch with E, slverr or
 *                    decerr (RRESP); wr_err=E the same for a write burst (BRESP)
 *   err_burst=N      which burst of the run gets rd_err / wr_err (1-based; 1)
 *   fault_batch=N    the first chosen batch (batches count from 0 after open; 0)
 *   fault_batches=N  how many batches from fault_batch (0: all from there on; 0)
 */
int nasmac_open(const char *spec, const nasmac_opts_t *opts, nasmac_dev_t **out);
/* Takes up to n jobs, in order; returns how many it took (fewer when the queue is full).
 * Never blocks. */
uint32_t nasmac_enqueue_burst(nasmac_dev_t *dev, nasmac_job_t *const *jobs, uint32_t n);
/* Returns up to n finished jobs; never blocks. Each enqueued job comes back exactly once. */
uint32_t nasmac_dequeue_burst(nasmac_dev_t *dev, nasmac_job_t **jobs, uint32_t n);
/* Sends the partial batch now instead of waiting for the deadline. */
int nasmac_flush(nasmac_dev_t *dev);
/* A file descriptor that is readable while finished jobs wait to be dequeued (for uv_poll);
 * see NASMAC_OPT_CALLER_DEQUEUES for the jobs that do not make it readable. */
int nasmac_fd(const nasmac_dev_t *dev);
int nasmac_stats(const nasmac_dev_t *dev, nasmac_stats_t *st);
/* Finishes every job in flight (their status and mac are written), then frees the device. */
int nasmac_close(nasmac_dev_t *dev);
/* One job, synchronously: dev NULL computes on the CPU reference; otherwise the job is
 * enqueued on dev and waited for. Returns 0 when the job ran (see job->status). Safe from
 * several threads at once and beside other threads' enqueue/dequeue on the same device: the
 * job is never returned by nasmac_dequeue_burst(), and the driver holds no pointer to it once
 * this returns (it may live on the caller's stack). */
int nasmac_verify(nasmac_dev_t *dev, nasmac_job_t *job);
const char *nasmac_strerror(int err);

#ifdef __cplusplus
}
#endif
#endif /* NASMAC_H */
