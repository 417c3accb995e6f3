/*
 * The libnasmac device core: job queues, the batching policy, the worker thread, the eventfd,
 * CPU fallback and the public job/device API. Backends (be_cpu.c, be_sim.c, be_xrt.c) only
 * move work to and from their engine; everything a caller can observe is decided here.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

#include "drv.h"

#define DEFAULT_DEADLINE_US 50u
#define DEFAULT_INFLIGHT 2u
#define DEFAULT_TIMEOUT_MS 1000u
#define DEFAULT_QUEUE_DEPTH 65536u
#define MAX_MSG_BYTES ((NASMAC_MAX_LEN_BITS + 7u) / 8u)
/* Messages start 64-octet aligned in the arena, so that every message begins a bus beat. */
#define ARENA_ALIGN 64u
/* The arena holds batch_max messages of this many octets on average, and at least one of the
 * longest; a batch whose messages are longer on average is sent before it is full. */
#define ARENA_PER_JOB 256u

static size_t align_up(size_t v, size_t a)
{
	return (v + a - 1) & ~(a - 1);
}

uint64_t nasmac__drv_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

void nasmac__compute_ref(nasmac_job_t *job)
{
	int rc = nasmac__job_check(job);

	if (rc == 0)
		rc = nasmac_mac((nasmac_alg_t)nasmac__job_alg(job), nasmac__job_key(job),
				job->count, job->bearer, job->direction, job->msg, job->len_bits,
				job->mac);
	if (rc) {
		memset(job->mac, 0, sizeof(job->mac));
		job->status = NASMAC_ST_ERROR;
		job->err = rc;
		return;
	}
	nasmac__set_status(job);
}

static void arm_fd(struct nasmac_dev *dev)
{
	uint64_t one = 1;

	if (dev->fd_armed)
		return;
	/* The counter cannot overflow (it is read back to 0 before every new write), so the
	 * write only fails if the fd is gone, which close() prevents while jobs are queued. */
	if (write(dev->efd, &one, sizeof(one)) == (ssize_t)sizeof(one))
		dev->fd_armed = 1;
}

static void disarm_fd(struct nasmac_dev *dev)
{
	uint64_t v;

	if (!dev->fd_armed)
		return;
	if (read(dev->efd, &v, sizeof(v)) == (ssize_t)sizeof(v) || errno == EAGAIN)
		dev->fd_armed = 0;
}

int nasmac__take_sync(struct nasmac_dev *dev, const nasmac_job_t *job)
{
	for (struct nasmac__sync **w = &dev->sync; *w; w = &(*w)->next) {
		if ((*w)->job == job) {
			(*w)->done = 1;
			*w = (*w)->next;
			return 1;
		}
	}
	return 0;
}

void nasmac__done_wake(struct nasmac_dev *dev)
{
	if (dev->done_count > 0)
		arm_fd(dev);
	if (dev->waiters)
		pthread_cond_broadcast(&dev->idle);
}

/* The wake-up after jobs finished on the caller's thread (inside enqueue or flush). A caller
 * that dequeues right after those calls sees them without the fd: the eventfd write here and
 * its read in dequeue would be two syscalls per loop iteration for nothing (and the fd stays
 * armed when a driver thread's completions armed it first). */
static void caller_done_wake(struct nasmac_dev *dev)
{
	if (dev->opts.flags & NASMAC_OPT_CALLER_DEQUEUES) {
		if (dev->waiters)
			pthread_cond_broadcast(&dev->idle);
		return;
	}
	nasmac__done_wake(dev);
}

void nasmac__complete(struct nasmac_dev *dev, nasmac_job_t *job)
{
	nasmac__complete_q(dev, job);
	nasmac__done_wake(dev);
}

/* ------------------------------------------------------------------------------------------
 * Batch backends: filling slots, checking results, falling back.
 */

static size_t msg_room(const nasmac_job_t *job)
{
	return align_up(((size_t)job->len_bits + 7) / 8, ARENA_ALIGN);
}

/* Moves pending jobs into a free slot (lock held); the copying happens in fill_slot(). */
static struct nasmac__slot *take_batch(struct nasmac_dev *dev)
{
	struct nasmac__slot *slot = &dev->slots[dev->free_slots[--dev->nfree]];
	size_t used = 0;
	uint32_t tail;

	slot->n = 0;
	while (dev->pend_count > 0 && slot->n < dev->opts.batch_max) {
		nasmac_job_t *job = dev->pend[dev->pend_head];
		size_t room = msg_room(job);

		if (used + room > dev->arena_bytes)
			break;
		used += room;
		slot->jobs[slot->n++] = job;
		if (++dev->pend_head == dev->cap)
			dev->pend_head = 0;
		dev->pend_count--;
	}
	slot->arena_used = used;
	slot->seq = dev->batch_seq++;
	slot->state = dev->dead ? NASMAC__SLOT_FAILED : NASMAC__SLOT_FILLED;
	tail = dev->run_head + dev->run_count;
	if (tail >= dev->nslots)
		tail -= dev->nslots;
	dev->run[tail] = slot->idx;
	dev->run_count++;
	return slot;
}

/* Writes the descriptors and the message arena exactly as the device reads them. */
static void fill_slot(struct nasmac__slot *slot)
{
	size_t off = 0;

	for (uint32_t i = 0; i < slot->n; i++) {
		const nasmac_job_t *job = slot->jobs[i];
		size_t bytes = ((size_t)job->len_bits + 7) / 8;
		size_t room = msg_room(job);
		nasmac__desc_t d = {
			.count = job->count,
			.bearer = job->bearer,
			.direction = job->direction,
			.alg = nasmac__job_alg(job),
			.len_bits = job->len_bits,
			.msg_offset = off,
			.index = i,
		};

		memcpy(d.key, nasmac__job_key(job), NASMAC_KEY_LEN);
		memcpy(d.exp_mac, job->expected_mac, NASMAC_MAC_LEN);
		nasmac__desc_pack(slot->desc + (size_t)i * NASMAC_DESC_BYTES, &d);
		nasmac__drv_wipe(d.key, sizeof(d.key));
		memcpy(slot->arena + off, job->msg, bytes);
		/* The bits after len_bits are the caller's; the device gets zeros there. */
		if (job->len_bits % 8)
			slot->arena[off + bytes - 1] &= (uint8_t)(0xffu << (8 - job->len_bits % 8));
		memset(slot->arena + off + bytes, 0, room - bytes);
		off += room;
	}
	memset(slot->res, 0, (size_t)slot->n * NASMAC_RES_BYTES);
}

/* Checks every result record: the right index, a known status, and a status that agrees with
 * the MAC it reports. One bad record condemns the whole batch. */
static int check_results(const struct nasmac__slot *slot)
{
	for (uint32_t i = 0; i < slot->n; i++) {
		nasmac__res_t r;
		int equal;

		nasmac__res_unpack(slot->res + (size_t)i * NASMAC_RES_BYTES, &r);
		equal = nasmac_mac_equal(r.mac, slot->jobs[i]->expected_mac);
		if (r.index != i)
			return -EIO;
		if (r.status == NASMAC_DEV_ST_VERIFIED && equal)
			continue;
		if (r.status == NASMAC_DEV_ST_MISMATCH && !equal)
			continue;
		/* Bad descriptor for a job the core checked, or a corrupted record. */
		return -EIO;
	}
	return 0;
}

/* Sets every job's MAC and status (no lock): from the result records, or on the CPU. */
static void resolve_slot(struct nasmac__slot *slot, int ok)
{
	for (uint32_t i = 0; i < slot->n; i++) {
		nasmac_job_t *job = slot->jobs[i];

		if (ok) {
			nasmac__res_t r;

			nasmac__res_unpack(slot->res + (size_t)i * NASMAC_RES_BYTES, &r);
			memcpy(job->mac, r.mac, NASMAC_MAC_LEN);
			nasmac__set_status(job);
		} else {
			nasmac__compute_ref(job);
		}
	}
	/* The keys in the staging copy are no longer needed. */
	for (uint32_t i = 0; i < slot->n; i++)
		nasmac__wipe(slot->desc + (size_t)i * NASMAC_DESC_BYTES + NASMAC_DESC_KEY_OFF,
			     NASMAC_KEY_LEN);
}

/* Hands a resolved slot's jobs to the done ring and frees the slot (lock held). */
static void finish_slot(struct nasmac_dev *dev, struct nasmac__slot *slot, int ok)
{
	for (uint32_t i = 0; i < slot->n; i++)
		nasmac__complete(dev, slot->jobs[i]);
	if (!ok) {
		dev->st.fallbacks += slot->n;
		dev->st.failed_batches++;
	}
	dev->st.batches++;
	slot->n = 0;
	slot->state = NASMAC__SLOT_FREE;
	dev->free_slots[dev->nfree++] = slot->idx;
}

static struct nasmac__slot *run_at(struct nasmac_dev *dev, uint32_t k)
{
	uint32_t i = dev->run_head + k;

	if (i >= dev->nslots)
		i -= dev->nslots;
	return &dev->slots[dev->run[i]];
}

/* Starts every filled slot in order (no lock: only the worker touches started slots). */
static void start_filled(struct nasmac_dev *dev, uint32_t count)
{
	for (uint32_t k = 0; k < count; k++) {
		struct nasmac__slot *slot = run_at(dev, k);

		if (slot->state != NASMAC__SLOT_FILLED)
			continue;
		slot->t_start_ns = nasmac__drv_now_ns();
		slot->state = dev->ops->start(dev, slot) ? NASMAC__SLOT_FAILED : NASMAC__SLOT_STARTED;
	}
}

int nasmac__run_verdict(struct nasmac__run_verdicts *rs, uint32_t run_status)
{
	uint32_t runs = (run_status & NASMAC_DEV_RUN_RUNS_MASK) >> NASMAC_DEV_RUN_RUNS_SHIFT;
	uint64_t bad = (run_status & NASMAC_DEV_RUN_ERR_MASK) != 0;
	int verdict;

	/* More runs than can be on the device (255 means "at least"): the count is not to be
	 * believed, nor anything queued with it. */
	if (rs->ahead + runs > NASMAC__MAX_INFLIGHT) {
		rs->bad = 0;
		rs->ahead = 0;
		return 1;
	}
	/* The error bits are ORed over the runs of one read: which one failed is unknown, so an
	 * error marks them all; a read without one clears them all. */
	for (uint32_t k = 0; k < runs; k++)
		rs->bad |= bad << (rs->ahead + k);
	rs->ahead += runs;
	if (rs->ahead == 0)
		return 1; /* the run ended, but the kernel counted none */
	verdict = (int)(rs->bad & 1);
	rs->bad >>= 1;
	rs->ahead--;
	return verdict;
}

/* Waits for the oldest slot and finishes it; on a failure, recovers the device and restarts
 * the slots started after it. Called and returns with the lock held. */
static void reap_head(struct nasmac_dev *dev)
{
	struct nasmac__slot *slot = run_at(dev, 0);
	uint32_t count = dev->run_count;
	uint64_t t_end;
	int rc = -EIO, refused = 0;

	pthread_mutex_unlock(&dev->lock);
	start_filled(dev, count);
	if (slot->state == NASMAC__SLOT_STARTED) {
		slot->run_status = 0;
		rc = dev->ops->wait(dev, slot, dev->opts.timeout_ms);
		/* The kernel says its records are not to be trusted (a bus error, refused
		 * arguments, in this run or in one reported with it): none is looked at. It
		 * stopped cleanly, so no reset is needed. */
		if (rc == 0 && nasmac__run_verdict(&dev->rs, slot->run_status)) {
			rc = -EIO;
			refused = 1;
		}
		if (rc == 0)
			rc = check_results(slot);
	}
	t_end = nasmac__drv_now_ns();
	resolve_slot(slot, rc == 0);
	if (rc && !refused && !dev->dead && dev->ops->recover) {
		/* The reset clears RUN_STATUS: verdicts read before it no longer apply to the
		 * runs that are started again. */
		dev->rs = (struct nasmac__run_verdicts){ 0 };
		if (dev->ops->recover(dev)) {
			fprintf(stderr, "nasmac: %s device lost after a failed batch; "
					"computing on the CPU from now on\n", dev->ops->name);
			dev->dead = 1;
		}
		for (uint32_t k = 1; k < count; k++) {
			struct nasmac__slot *s = run_at(dev, k);

			if (s->state == NASMAC__SLOT_STARTED)
				s->state = dev->dead ? NASMAC__SLOT_FAILED : NASMAC__SLOT_FILLED;
		}
	}
	pthread_mutex_lock(&dev->lock);
	if (slot->state == NASMAC__SLOT_STARTED || rc == 0) {
		/* Runs queued behind one another overlap from their start calls: count the
		 * device's busy time once, from whichever came later, this start or the end of
		 * the run before. */
		uint64_t from = slot->t_start_ns > dev->dev_end_ns ? slot->t_start_ns
								     : dev->dev_end_ns;

		dev->st.device_ns += t_end - from;
		dev->dev_end_ns = t_end;
		dev->st.device_cycles += slot->cycles;
	}
	dev->st.run_errors += (uint64_t)refused;
	if (++dev->run_head == dev->nslots)
		dev->run_head = 0;
	dev->run_count--;
	finish_slot(dev, slot, rc == 0);
}

static int batch_due(const struct nasmac_dev *dev, uint64_t now)
{
	if (dev->pend_count == 0 || dev->nfree == 0)
		return 0;
	if (dev->pend_count >= dev->opts.batch_max || dev->flush_req || dev->stopping)
		return 1;
	return now >= dev->pend_ns[dev->pend_head] + (uint64_t)dev->opts.deadline_us * 1000u;
}

static void timed_wait(struct nasmac_dev *dev, uint64_t until_ns)
{
	struct timespec ts = { .tv_sec = (time_t)(until_ns / 1000000000u),
			       .tv_nsec = (long)(until_ns % 1000000000u) };

	pthread_cond_timedwait(&dev->wake, &dev->lock, &ts);
}

/* Linux delays timed sleeps by up to the thread's timer slack (50 us by default), which
 * would add that much to every deadline; the workers ask for 1 us. */
static void tight_timers(void)
{
	prctl(PR_SET_TIMERSLACK, 1000UL, 0UL, 0UL, 0UL);
}

static void *batch_worker(void *arg)
{
	struct nasmac_dev *dev = arg;

	tight_timers();
	pthread_mutex_lock(&dev->lock);
	for (;;) {
		uint64_t now = nasmac__drv_now_ns();

		if (batch_due(dev, now)) {
			struct nasmac__slot *slot = take_batch(dev);

			if (dev->pend_count == 0)
				dev->flush_req = 0;
			pthread_mutex_unlock(&dev->lock);
			fill_slot(slot);
			pthread_mutex_lock(&dev->lock);
			continue;
		}
		if (dev->run_count > 0) {
			reap_head(dev);
			continue;
		}
		if (dev->stopping && dev->pend_count == 0)
			break;
		if (dev->pend_count > 0)
			timed_wait(dev, dev->pend_ns[dev->pend_head] +
						(uint64_t)dev->opts.deadline_us * 1000u);
		else
			pthread_cond_wait(&dev->wake, &dev->lock);
	}
	pthread_mutex_unlock(&dev->lock);
	if (dev->ops->worker_exit)
		dev->ops->worker_exit(dev);
	return NULL;
}

/* The lull worker's sleep: on its own lock and condition, so that close can cut it short
 * without the worker ever holding the device lock while it sleeps. 1 when close did. */
static int nap_until(struct nasmac_dev *dev, uint64_t ns)
{
	struct timespec ts = { .tv_sec = (time_t)(ns / 1000000000u),
			       .tv_nsec = (long)(ns % 1000000000u) };
	int stop;

	pthread_mutex_lock(&dev->nap_lock);
	while (!dev->nap_stop && nasmac__drv_now_ns() < ns)
		if (pthread_cond_timedwait(&dev->nap, &dev->nap_lock, &ts) == ETIMEDOUT)
			break;
	stop = dev->nap_stop;
	pthread_mutex_unlock(&dev->nap_lock);
	return stop;
}

/* Inline backends: after each .submit and .drain (with the lock), when the oldest job the
 * backend holds is due (0: it holds none; LULL_BUSY while a caller is inside enqueue). The
 * lull worker reads it without the lock. */
#define LULL_BUSY UINT64_MAX

static void publish_due(struct nasmac_dev *dev)
{
	uint64_t oldest = 0, due = 0;

	if (dev->ops->held(dev, &oldest) > 0)
		due = oldest + (uint64_t)dev->opts.deadline_us * 1000u;
	__atomic_store_n(&dev->lull_due_ns, due, __ATOMIC_RELAXED);
}

/* Inline backends: the worker finishes the jobs a backend holds once the oldest of them has
 * waited deadline_us (multi-buffer lanes only run when full, so a lull would strand them).
 * It sleeps without the lock and only ever try-locks when it wakes: a caller inside enqueue
 * is feeding the lanes itself and must never wait for the worker. While callers keep the
 * lanes moving it does not touch the lock at all: each wake reads the due time the callers
 * publish (publish_due) and sleeps again until it. A worker that try-locked on every wake
 * cost the caller as much as a quarter of raw libipsec-mb's time per job (the lock's cache
 * line moving between cores, ~50 k wakes/s), and half a core of its own. While nothing is
 * held it sleeps without a timer, and a full burst leaves nothing held (enqueue_inline), so
 * callers that send full bursts never wake it; the enqueue that leaves jobs held while it
 * sleeps so signals it, once. */
static void *lull_worker(void *arg)
{
	struct nasmac_dev *dev = arg;
	uint64_t deadline = (uint64_t)dev->opts.deadline_us * 1000u;

	tight_timers();
	pthread_mutex_lock(&dev->lock);
	while (!dev->stopping) {
		uint64_t due = 0;

		if (dev->ops->held(dev, &due) == 0) {
			dev->worker_idle = 1;
			pthread_cond_wait(&dev->wake, &dev->lock);
			dev->worker_idle = 0;
			continue;
		}
		due += deadline;
		if (nasmac__drv_now_ns() >= due) {
			dev->ops->drain(dev);
			dev->st.batches++;
			nasmac__done_wake(dev);
			publish_due(dev);
			continue;
		}
		pthread_mutex_unlock(&dev->lock);
		for (;;) {
			uint64_t next;

			if (nap_until(dev, due))
				break; /* closing: the lock and stopping end the loop */
			next = __atomic_load_n(&dev->lull_due_ns, __ATOMIC_RELAXED);
			if (next == LULL_BUSY) {
				/* A caller is inside enqueue, feeding the lanes: what it leaves
				 * held, it publishes when it is done. */
				due = nasmac__drv_now_ns() + deadline;
				continue;
			}
			/* 0: nothing held any more, the lock decides whether to sleep without a
			 * timer. Passed: the jobs wait, drain them. Else newer jobs are the
			 * oldest now: sleep until they are due. */
			if (next == 0 || next <= nasmac__drv_now_ns())
				break;
			due = next;
		}
		while (pthread_mutex_trylock(&dev->lock) != 0)
			nap_until(dev, nasmac__drv_now_ns() + deadline / 4 + 1000u);
	}
	pthread_mutex_unlock(&dev->lock);
	return NULL;
}

/* ------------------------------------------------------------------------------------------
 * Public API.
 */

static void free_slots(struct nasmac_dev *dev)
{
	for (uint32_t i = 0; dev->slots && i < dev->nslots; i++) {
		struct nasmac__slot *s = &dev->slots[i];

		if (s->desc)
			nasmac__wipe(s->desc, (size_t)dev->opts.batch_max * NASMAC_DESC_BYTES);
		free(s->jobs);
		free(s->desc);
		free(s->arena);
		free(s->res);
	}
	free(dev->slots);
	free(dev->free_slots);
	free(dev->run);
}

static int alloc_slots(struct nasmac_dev *dev)
{
	uint32_t bm = dev->opts.batch_max;

	dev->nslots = dev->opts.inflight;
	dev->arena_bytes = align_up((size_t)bm * ARENA_PER_JOB, ARENA_ALIGN);
	if (dev->arena_bytes < align_up(MAX_MSG_BYTES, ARENA_ALIGN))
		dev->arena_bytes = align_up(MAX_MSG_BYTES, ARENA_ALIGN);
	dev->slots = calloc(dev->nslots, sizeof(*dev->slots));
	dev->free_slots = calloc(dev->nslots, sizeof(*dev->free_slots));
	dev->run = calloc(dev->nslots, sizeof(*dev->run));
	if (!dev->slots || !dev->free_slots || !dev->run)
		return -ENOMEM;
	for (uint32_t i = 0; i < dev->nslots; i++) {
		struct nasmac__slot *s = &dev->slots[i];

		s->idx = i;
		s->jobs = calloc(bm, sizeof(*s->jobs));
		s->desc = aligned_alloc(64, align_up((size_t)bm * NASMAC_DESC_BYTES, 64));
		s->arena = aligned_alloc(64, dev->arena_bytes);
		s->res = aligned_alloc(64, align_up((size_t)bm * NASMAC_RES_BYTES, 64));
		if (!s->jobs || !s->desc || !s->arena || !s->res)
			return -ENOMEM;
		dev->free_slots[dev->nfree++] = i;
	}
	return 0;
}

static int set_opts(struct nasmac_dev *dev, const nasmac_opts_t *opts)
{
	if (opts)
		dev->opts = *opts;
	if (dev->opts.batch_max == 0)
		dev->opts.batch_max = dev->ops->default_batch_max;
	if (dev->opts.deadline_us == 0)
		dev->opts.deadline_us = DEFAULT_DEADLINE_US;
	if (dev->opts.inflight == 0)
		dev->opts.inflight = DEFAULT_INFLIGHT;
	if (dev->opts.timeout_ms == 0)
		dev->opts.timeout_ms = DEFAULT_TIMEOUT_MS;
	if (dev->opts.queue_depth == 0)
		dev->opts.queue_depth = DEFAULT_QUEUE_DEPTH;
	if (dev->opts.batch_max > (1u << 20) || dev->opts.inflight > NASMAC__MAX_INFLIGHT ||
	    (dev->opts.flags & ~(NASMAC_OPT_CALLER_FLUSHES | NASMAC_OPT_CALLER_DEQUEUES)))
		return -EINVAL;
	dev->cap = dev->opts.queue_depth;
	return 0;
}

static void close_backend(struct nasmac_dev *dev)
{
	for (uint32_t i = 0; dev->ops->slot_fini && i < dev->nslots; i++)
		dev->ops->slot_fini(dev, &dev->slots[i]);
	dev->ops->close(dev);
}

static void destroy_sync(struct nasmac_dev *dev)
{
	pthread_mutex_destroy(&dev->nap_lock);
	pthread_cond_destroy(&dev->nap);
	pthread_cond_destroy(&dev->idle);
	pthread_cond_destroy(&dev->wake);
	pthread_mutex_destroy(&dev->lock);
	close(dev->efd);
}

int nasmac_open(const char *spec, const nasmac_opts_t *opts, nasmac_dev_t **out)
{
	pthread_condattr_t ca;
	struct nasmac_dev *dev;
	const char *arg = NULL;
	int rc;

	if (!spec || !out)
		return -EINVAL;
	*out = NULL;
	/* Aligned: lull_due_ns has a cache line of its own (drv.h). */
	dev = aligned_alloc(64, (sizeof(*dev) + 63) & ~(size_t)63);
	if (!dev)
		return -ENOMEM;
	memset(dev, 0, sizeof(*dev));
	dev->efd = -1;
	/* A malformed spec is the caller's to report (-EINVAL); a backend that cannot run here
	 * (no module, no card) says why in one line (-ENODEV). */
	rc = nasmac__find_backend(spec, &dev->ops, &arg);
	if (rc)
		goto out_free_dev;
	rc = set_opts(dev, opts);
	if (rc)
		goto out_free_dev;
	rc = -ENOMEM;
	dev->pend = calloc(dev->cap, sizeof(*dev->pend));
	dev->pend_ns = calloc(dev->cap, sizeof(*dev->pend_ns));
	dev->done = calloc(dev->cap, sizeof(*dev->done));
	if (!dev->pend || !dev->pend_ns || !dev->done)
		goto out_free_rings;
	if (dev->ops->start) {
		rc = alloc_slots(dev);
		if (rc)
			goto out_free_slots;
	}
	dev->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	if (dev->efd < 0) {
		rc = -errno;
		goto out_free_slots;
	}
	pthread_mutex_init(&dev->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&dev->wake, &ca);
	pthread_cond_init(&dev->idle, &ca);
	pthread_cond_init(&dev->nap, &ca);
	pthread_mutex_init(&dev->nap_lock, NULL);
	pthread_condattr_destroy(&ca);

	rc = dev->ops->open(dev, arg);
	if (rc)
		goto out_destroy_sync;
	for (uint32_t i = 0; dev->ops->slot_init && i < dev->nslots; i++) {
		rc = dev->ops->slot_init(dev, &dev->slots[i]);
		if (rc)
			goto out_fini_slots;
	}
	/* An inline backend whose caller flushes has no use for a lull worker. */
	if (dev->ops->start || !(dev->opts.flags & NASMAC_OPT_CALLER_FLUSHES)) {
		rc = -pthread_create(&dev->thread, NULL,
				     dev->ops->start ? batch_worker : lull_worker, dev);
		if (rc)
			goto out_fini_slots;
		dev->thread_started = 1;
	}
	*out = dev;
	return 0;

out_fini_slots:
	close_backend(dev);
out_destroy_sync:
	destroy_sync(dev);
out_free_slots:
	free_slots(dev);
out_free_rings:
	free(dev->pend);
	free(dev->pend_ns);
	free(dev->done);
out_free_dev:
	free(dev);
	return rc;
}

/* Inline backends: the burst goes to the backend in one pass, under the lock. */
static void enqueue_inline(struct nasmac_dev *dev, nasmac_job_t *const *jobs, uint32_t n)
{
	uint64_t oldest;

	__atomic_store_n(&dev->lull_due_ns, LULL_BUSY, __ATOMIC_RELAXED);
	dev->ops->submit(dev, jobs, n);
	/* A full burst leaves nothing in the lanes. Finishing the few jobs of its last, partly
	 * filled round costs one round (~1 % of a 256-job burst), while leaving them held
	 * costs a lull worker wake-up at every deadline for as long as callers keep sending
	 * (the oldest held job is always a recent one): two context switches per deadline on
	 * a busy machine, 5-15 % of raw libipsec-mb at the 50 us default (measured, 2 cores,
	 * load 1-4). With nothing held the worker sleeps without a timer. */
	if (n >= dev->ops->full_burst && dev->ops->held(dev, &oldest) > 0) {
		dev->ops->drain(dev);
		dev->st.batches++;
	}
	caller_done_wake(dev);
	publish_due(dev);
	/* The empty -> non-empty edge wakes a worker sleeping without a timer; a worker with
	 * a timer is due no later than the jobs just left held (they are the newest). */
	if (dev->worker_idle && __atomic_load_n(&dev->lull_due_ns, __ATOMIC_RELAXED) != 0)
		pthread_cond_signal(&dev->wake);
}

uint32_t nasmac_enqueue_burst(nasmac_dev_t *dev, nasmac_job_t *const *jobs, uint32_t n)
{
	uint32_t take;
	uint64_t now;

	if (!dev || !jobs || n == 0)
		return 0;
	pthread_mutex_lock(&dev->lock);
	if (dev->stopping) {
		pthread_mutex_unlock(&dev->lock);
		return 0;
	}
	take = dev->cap - dev->in_queue;
	if (take > n)
		take = n;
	now = nasmac__drv_now_ns();
	dev->now_ns = now;
	dev->in_queue += take;
	dev->st.enqueued += take;
	if (dev->ops->submit) {
		if (take > 0)
			enqueue_inline(dev, jobs, take);
		pthread_mutex_unlock(&dev->lock);
		return take;
	}
	for (uint32_t i = 0; i < take; i++) {
		nasmac_job_t *job = jobs[i];
		int rc = nasmac__job_check(job);
		uint32_t tail;

		if (rc) {
			nasmac__fail_q(dev, job, rc);
			continue;
		}
		job->status = NASMAC_ST_PENDING;
		job->err = 0;
		tail = dev->pend_head + dev->pend_count;
		if (tail >= dev->cap)
			tail -= dev->cap;
		dev->pend[tail] = job;
		dev->pend_ns[tail] = now;
		dev->pend_count++;
	}
	caller_done_wake(dev);
	if (dev->pend_count > 0)
		pthread_cond_signal(&dev->wake);
	pthread_mutex_unlock(&dev->lock);
	return take;
}

uint32_t nasmac_dequeue_burst(nasmac_dev_t *dev, nasmac_job_t **jobs, uint32_t n)
{
	uint32_t k, first;

	if (!dev || !jobs)
		return 0;
	pthread_mutex_lock(&dev->lock);
	k = dev->done_count < n ? dev->done_count : n;
	/* At most two runs of the ring, copied whole rather than a pointer and a wrap test at
	 * a time. */
	first = dev->cap - dev->done_head < k ? dev->cap - dev->done_head : k;
	memcpy(jobs, dev->done + dev->done_head, (size_t)first * sizeof(*jobs));
	memcpy(jobs + first, dev->done, (size_t)(k - first) * sizeof(*jobs));
	dev->done_head += k;
	if (dev->done_head >= dev->cap)
		dev->done_head -= dev->cap;
	dev->done_count -= k;
	dev->in_queue -= k;
	/* Empty: the ring starts over at its first slot, so that a caller that keeps a few
	 * hundred jobs in flight writes and reads the same few lines instead of walking all
	 * queue_depth slots (512 KiB by default) through the cache. */
	if (dev->done_count == 0) {
		dev->done_head = 0;
		disarm_fd(dev);
	}
	pthread_mutex_unlock(&dev->lock);
	return k;
}

int nasmac_flush(nasmac_dev_t *dev)
{
	if (!dev)
		return -EINVAL;
	pthread_mutex_lock(&dev->lock);
	if (dev->ops->drain) {
		uint64_t since;

		if (dev->ops->held(dev, &since) > 0) {
			dev->ops->drain(dev);
			dev->st.batches++;
			caller_done_wake(dev);
			publish_due(dev);
		}
	} else if (dev->pend_count > 0) {
		dev->flush_req = 1;
		pthread_cond_signal(&dev->wake);
	}
	pthread_mutex_unlock(&dev->lock);
	return 0;
}

int nasmac_fd(const nasmac_dev_t *dev)
{
	return dev ? dev->efd : -EINVAL;
}

int nasmac_stats(const nasmac_dev_t *dev, nasmac_stats_t *st)
{
	if (!dev || !st)
		return -EINVAL;
	pthread_mutex_lock((pthread_mutex_t *)&dev->lock);
	*st = dev->st;
	st->verified = dev->by_status[NASMAC_ST_VERIFIED];
	st->mismatched = dev->by_status[NASMAC_ST_MISMATCH];
	st->errors = dev->by_status[NASMAC_ST_ERROR] + dev->by_status[NASMAC_ST_PENDING];
	st->completed = st->verified + st->mismatched + st->errors;
	pthread_mutex_unlock((pthread_mutex_t *)&dev->lock);
	return 0;
}

int nasmac_close(nasmac_dev_t *dev)
{
	if (!dev)
		return -EINVAL;
	pthread_mutex_lock(&dev->lock);
	dev->stopping = 1;
	dev->flush_req = 1;
	pthread_cond_signal(&dev->wake);
	pthread_mutex_unlock(&dev->lock);
	pthread_mutex_lock(&dev->nap_lock);
	dev->nap_stop = 1;
	pthread_cond_signal(&dev->nap);
	pthread_mutex_unlock(&dev->nap_lock);
	if (dev->thread_started)
		pthread_join(dev->thread, NULL);
	/* The batch worker leaves only when every batch is finished; inline backends drain here. */
	pthread_mutex_lock(&dev->lock);
	if (dev->ops->drain) {
		dev->ops->drain(dev);
		nasmac__done_wake(dev);
	}
	pthread_mutex_unlock(&dev->lock);
	close_backend(dev);
	destroy_sync(dev);
	free_slots(dev);
	free(dev->pend);
	free(dev->pend_ns);
	free(dev->done);
	free(dev);
	return 0;
}

int nasmac_verify(nasmac_dev_t *dev, nasmac_job_t *job)
{
	nasmac_job_t *one[1] = { job };
	struct nasmac__sync w = { .job = job, .done = 0, .next = NULL };

	if (!job)
		return -EINVAL;
	if (!dev) {
		nasmac__compute_ref(job);
		nasmac__wipe(job->key, sizeof(job->key));
		return 0;
	}
	/* Registered before the enqueue: a bad job is finished inside it. The job is done when
	 * complete() says so under the lock, never because its status changed: the status is
	 * written before the job is handed over, without the lock. */
	pthread_mutex_lock(&dev->lock);
	w.next = dev->sync;
	dev->sync = &w;
	dev->waiters++;
	pthread_mutex_unlock(&dev->lock);
	if (nasmac_enqueue_burst(dev, one, 1) != 1) {
		pthread_mutex_lock(&dev->lock);
		nasmac__take_sync(dev, job);
		dev->waiters--;
		pthread_mutex_unlock(&dev->lock);
		return dev->stopping ? -EINVAL : -EBUSY;
	}
	nasmac_flush(dev);
	pthread_mutex_lock(&dev->lock);
	while (!w.done)
		pthread_cond_wait(&dev->idle, &dev->lock);
	dev->waiters--;
	pthread_mutex_unlock(&dev->lock);
	return 0;
}

const char *nasmac_strerror(int err)
{
	switch (err) {
	case 0:
		return "success";
	case -EINVAL:
		return "invalid argument";
	case -ENOMEM:
		return "out of memory";
	case -EBUSY:
		return "device queue full";
	case -ETIMEDOUT:
		return "device run timed out";
	case -ENODEV:
		return "backend not available on this machine";
	case -EIO:
		return "device I/O error";
	case -ENOENT:
		return "no such file";
	default:
		return "unknown error";
	}
}
