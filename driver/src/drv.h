/*
 * libnasmac internals shared by the device core (dev.c) and the backends (be_*.c).
 *
 * Two kinds of backend sit behind struct nasmac__backend_ops:
 *  - inline backends (cpu) compute in the caller's thread: the core hands them each burst under
 *    the device lock (.submit) and asks them to finish what they hold (.drain) on flush, on close
 *    and when the deadline passes with no new work (a lull);
 *  - batch backends (sim, xrt) receive whole batches from the core's worker thread: the core
 *    fills a slot's host staging (descriptors + message arena), calls .start and then .wait,
 *    checks the result records and falls back to the CPU when a batch fails.
 */
#ifndef NASMAC_DRV_H
#define NASMAC_DRV_H

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>

#include "nasmac.h"
#include "nasmac_layout.h"

struct nasmac_dev;

enum { NASMAC__SLOT_FREE = 0, NASMAC__SLOT_FILLED, NASMAC__SLOT_STARTED, NASMAC__SLOT_FAILED };

/* One in-flight device batch: host staging laid out exactly as the device reads it. */
struct nasmac__slot {
	uint32_t idx;          /* position in dev->slots */
	uint32_t n;            /* jobs in this batch */
	nasmac_job_t **jobs;   /* batch_max entries */
	uint8_t *desc;         /* batch_max * NASMAC_DESC_BYTES */
	uint8_t *arena;        /* dev->arena_bytes */
	uint8_t *res;          /* batch_max * NASMAC_RES_BYTES, read back by .wait */
	size_t arena_used;     /* octets of the arena this batch uses */
	uint64_t seq;          /* batch number since open (fault injection counts these) */
	uint64_t t_start_ns;   /* when .start was called */
	uint64_t cycles;       /* sim: kernel cycles of the run, set by .wait */
	uint32_t run_status;   /* RUN_STATUS read after the run, set by .wait (nasmac__run_verdict) */
	int state;             /* NASMAC__SLOT_* */
	void *be;              /* backend state for this slot */
};

struct nasmac__backend_ops {
	const char *name;
	/* Sets dev->be (and per-slot state for batch backends). arg is what follows "name:" in the
	 * spec, or NULL. -ENODEV with one line on stderr when the backend cannot run here. */
	int (*open)(struct nasmac_dev *dev, const char *arg);
	void (*close)(struct nasmac_dev *dev);

	/* Inline backends. Both run with dev->lock held and hand finished jobs to
	 * nasmac__complete_q(). .submit takes all n jobs as the caller passed them: it checks
	 * each (nasmac__job_check) and finishes a bad one at once (nasmac__fail_q), in the same
	 * pass that hands the good ones to the engine, so that a job is read once per burst. */
	void (*submit)(struct nasmac_dev *dev, nasmac_job_t *const *jobs, uint32_t n);
	void (*drain)(struct nasmac_dev *dev);
	/* Jobs started but not finished, and when the oldest of them was submitted. */
	uint32_t (*held)(const struct nasmac_dev *dev, uint64_t *oldest_ns);
	/* Inline backends: a burst of at least this many jobs is drained before enqueue returns
	 * (dev.c says why). */
	uint32_t full_burst;

	/* Batch backends, called from the worker thread only, without the lock. .start queues the
	 * slot on the device (copies staging to device memory and starts it, or queues it);
	 * .wait waits at most timeout_ms for the oldest started slot, reads its result records
	 * into slot->res and the kernel's RUN_STATUS into slot->run_status. Each run tells the
	 * kernel the capacity of the slot's buffers (MAX_JOBS = batch_max). .recover brings a
	 * device back after a failed or timed-out run (not after a run that ended with a nonzero
	 * RUN_STATUS: the kernel stopped cleanly); the core then restarts the slots that were
	 * started after it. */
	int (*slot_init)(struct nasmac_dev *dev, struct nasmac__slot *slot);
	void (*slot_fini)(struct nasmac_dev *dev, struct nasmac__slot *slot);
	int (*start)(struct nasmac_dev *dev, struct nasmac__slot *slot);
	int (*wait)(struct nasmac_dev *dev, struct nasmac__slot *slot, uint32_t timeout_ms);
	int (*recover)(struct nasmac_dev *dev);
	/* Called by the worker thread as it leaves (after the last batch), may be NULL. */
	void (*worker_exit)(struct nasmac_dev *dev);
	uint32_t default_batch_max;
};

/* A nasmac_verify() call waiting for its job; lives on the caller's stack while linked. */
struct nasmac__sync {
	const nasmac_job_t *job;
	int done; /* set under the lock when the job is finished */
	struct nasmac__sync *next;
};

/* RUN_STATUS is clear on read and speaks for every run that ended since the last read (RUNS of
 * them, in start order): with XRT one read may come after the next queued run has ended too.
 * The verdicts of runs reported and not yet reaped wait here, bit 0 the oldest (1: distrust). */
/* Runs a device may have started and not yet reaped (opts.inflight's ceiling): also the width of
 * the verdict bitmap below, one bit per such run. */
#define NASMAC__MAX_INFLIGHT 64u

struct nasmac__run_verdicts {
	uint64_t bad; /* bit k: the k-th run after the oldest unreaped one had an error */
	uint32_t ahead;
};
/* Takes the RUN_STATUS value read for the oldest unreaped run; 1 when its records are not to be
 * trusted (an error in the runs that read covered, or no run counted for it). */
int nasmac__run_verdict(struct nasmac__run_verdicts *rs, uint32_t run_status);

struct nasmac_dev {
	const struct nasmac__backend_ops *ops;
	nasmac_opts_t opts; /* with defaults filled in */
	void *be;           /* backend state */

	pthread_mutex_t lock;
	pthread_cond_t wake; /* the worker waits on it */
	pthread_cond_t idle; /* close and nasmac_verify() wait on it */
	pthread_mutex_t nap_lock; /* the lull worker sleeps on nap, under nap_lock */
	pthread_cond_t nap;
	int nap_stop;
	pthread_t thread;
	int thread_started;
	int stopping;
	int flush_req;
	int efd;      /* eventfd, readable while done_count > 0 (NASMAC_OPT_CALLER_DEQUEUES: > 0
		       * jobs that a driver thread finished) */
	int fd_armed; /* the eventfd counter is non-zero */
	int worker_idle; /* the worker sleeps without a timer (inline backends) */
	int waiters;     /* threads waiting on .idle */
	/* nasmac_verify() calls waiting: their jobs never enter the done ring, so no
	 * nasmac_dequeue_burst() can take them and they are finished only when complete() says so. */
	struct nasmac__sync *sync;
	int dead;        /* batch backends: recovery failed, every batch goes to the CPU */

	/* Jobs accepted by enqueue and not yet in a device batch (batch backends). */
	nasmac_job_t **pend;
	uint64_t *pend_ns; /* arrival time of each pending job, for the deadline */
	uint32_t pend_head, pend_count;
	/* Finished jobs waiting for dequeue. */
	nasmac_job_t **done;
	uint32_t done_head, done_count;
	uint32_t cap;      /* queue_depth: size of both rings */
	uint32_t in_queue; /* accepted and not yet dequeued */
	uint64_t now_ns; /* inline backends: when the burst being submitted arrived */

	/* Batch backends: slots, and the ring of started slots in start order. */
	struct nasmac__slot *slots;
	uint32_t nslots;
	uint32_t *free_slots, nfree;
	uint32_t *run, run_head, run_count;
	size_t arena_bytes;
	uint64_t batch_seq;
	uint64_t dev_end_ns; /* when the last finished run ended, for stats.device_ns */
	struct nasmac__run_verdicts rs; /* RUN_STATUS verdicts of runs not yet reaped */

	nasmac_stats_t st; /* completed/verified/mismatched/errors come from by_status */
	uint64_t by_status[4]; /* finished jobs per nasmac_status_t, counted without a branch */

	/* Inline backends: when the oldest held job is due, written by callers under the lock
	 * once per burst, read by the lull worker without it (atomic). On a cache line of its
	 * own, so that the worker's reads do not take the lines callers write per job. */
	_Alignas(64) uint64_t lull_due_ns;
	char lull_pad[56];
};

/* Finishes one job whose status/err/mac are set: wipes job->key, then hands the job to the
 * nasmac_verify() call waiting for it, or appends it to the done ring and arms the fd.
 * Called with dev->lock held: the job counts as finished only from here on. */
void nasmac__complete(struct nasmac_dev *dev, nasmac_job_t *job);
/* Arms the fd when finished jobs wait and wakes the threads waiting on .idle; with the lock. */
void nasmac__done_wake(struct nasmac_dev *dev);
/* Finds the verify call waiting for job, marks it done and unlinks it: 1 when there was one. */
int nasmac__take_sync(struct nasmac_dev *dev, const nasmac_job_t *job);
/* Computes one job on the CPU reference and sets job->mac/status/err (no locking, no queueing). */
void nasmac__compute_ref(nasmac_job_t *job);
/* Sets job->status from job->mac and job->expected_mac in constant time, as
 * nasmac_mac_equal() does, but inline on the hot path: XOR the two MACs as 32-bit words,
 * then turn "no difference" into VERIFIED (= MISMATCH - 1) without a branch (the 64-bit
 * difference minus one has its top bit set only when the difference is zero). */
static inline void nasmac__set_status(nasmac_job_t *job)
{
	uint32_t a, b;

	__builtin_memcpy(&a, job->mac, 4);
	__builtin_memcpy(&b, job->expected_mac, 4);
	job->status = NASMAC_ST_MISMATCH - (int)(((uint64_t)(a ^ b) - 1u) >> 63);
	job->err = 0;
}
/* The prepared key a job references (nasmac_job_set_key), or NULL for a job with its key. */
static inline const nasmac_key_t *nasmac__job_prepared(const nasmac_job_t *job)
{
	const nasmac_key_t *k = NULL;

	if (job->alg & NASMAC_ALG_PREPARED)
		__builtin_memcpy(&k, job->key, sizeof(k));
	return k;
}
/* The job's algorithm and key, wherever they are held. */
static inline uint8_t nasmac__job_alg(const nasmac_job_t *job)
{
	return (uint8_t)(job->alg & ~NASMAC_ALG_PREPARED);
}
static inline const uint8_t *nasmac__job_key(const nasmac_job_t *job)
{
	const nasmac_key_t *k = nasmac__job_prepared(job);

	return k ? k->key : job->key;
}
/* 0 when the job can be computed, -EINVAL otherwise (inline: it runs for every job). A
 * prepared key must be one prepared for the job's algorithm (a wiped one has none). */
static inline int nasmac__job_check(const nasmac_job_t *job)
{
	const nasmac_key_t *k = nasmac__job_prepared(job);

	if (job->alg & NASMAC_ALG_PREPARED && (!k || k->alg != nasmac__job_alg(job)))
		return -EINVAL;
	if (nasmac__job_alg(job) < NASMAC_EIA1 || nasmac__job_alg(job) > NASMAC_EIA3)
		return -EINVAL;
	if (job->len_bits == 0 || job->len_bits > NASMAC_MAX_LEN_BITS || job->msg == NULL)
		return -EINVAL;
	if (job->bearer > 31 || job->direction > 1)
		return -EINVAL;
	return 0;
}
uint64_t nasmac__drv_now_ns(void);
/* Wipes memory in a way the compiler may not remove (defined by the reference code, ref/). */
void nasmac__wipe(void *p, size_t n);

/* The same, inline, for the hot path (a 16-octet key, a 208-octet CMAC key schedule), where a
 * call to explicit_bzero or a `rep stos` costs more than the rest of a job's bookkeeping:
 * 16-octet vector stores, then an empty asm that takes the wiped octets as an input, so the
 * compiler must have stored them (none is a dead store) and sees no other memory touched. A
 * "memory" clobber would do the first as well, but makes the compiler reload everything it
 * kept in registers (the device's counters, the backend's ring positions) after each wipe. */
typedef unsigned char nasmac__v16 __attribute__((vector_size(16), aligned(1), may_alias));

static inline void nasmac__drv_wipe(void *p, size_t n)
{
	unsigned char *b = p;
	size_t i = 0;

#pragma GCC unroll 16
	for (; i + 16 <= n; i += 16)
		*(nasmac__v16 *)(b + i) = (nasmac__v16){ 0 };
	for (; i < n; i++)
		b[i] = 0;
	__asm__ __volatile__("" : : "m"(*(const unsigned char (*)[n])b));
}

/* nasmac__complete() without the wake-up, for an inline backend that finishes a run of jobs
 * under the lock (a dozen instructions a job): dev.c calls nasmac__done_wake() once after each
 * .submit and .drain. Nobody sees the jobs before the lock is released, so one wake-up after
 * the run is the same as one per job, and the eventfd write is one syscall per burst. */
static inline void nasmac__complete_q(struct nasmac_dev *dev, nasmac_job_t *job)
{
	uint32_t tail = dev->done_head + dev->done_count;

	/* Counted before the wipe: the wipe's stores may alias the status (to the compiler). */
	dev->by_status[(unsigned)job->status & 3u]++;
	nasmac__drv_wipe(job->key, sizeof(job->key));
	if (__builtin_expect(dev->sync != NULL, 0) && nasmac__take_sync(dev, job)) {
		dev->in_queue--; /* the verify call takes it, never a dequeue */
		return;
	}
	if (tail >= dev->cap)
		tail -= dev->cap;
	dev->done[tail] = job;
	dev->done_count++;
}

/* Finishes a job that nasmac__job_check() refused (rc), without the wake-up (lock held). */
static inline void nasmac__fail_q(struct nasmac_dev *dev, nasmac_job_t *job, int rc)
{
	__builtin_memset(job->mac, 0, sizeof(job->mac));
	job->status = NASMAC_ST_ERROR;
	job->err = rc;
	nasmac__complete_q(dev, job);
}

extern const struct nasmac__backend_ops nasmac__cpu_ops;
extern const struct nasmac__backend_ops nasmac__sim_ops;
extern const struct nasmac__backend_ops nasmac__xrt_ops;
/* The backend a spec ("name" or "name:arg") names: cpu, one linked in statically, or a module
 * loaded from nasmac-<name>.so (module.c). -EINVAL: malformed or unknown; -ENODEV: no module. */
int nasmac__find_backend(const char *spec, const struct nasmac__backend_ops **ops,
			 const char **arg);

#endif /* NASMAC_DRV_H */
