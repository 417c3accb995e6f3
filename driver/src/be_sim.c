/*
 * The sim backend: batches go through the Verilator model of the whole nasmac kernel with the
 * register and memory protocol a card sees. .start plays the host-to-card DMA (descriptors,
 * messages and a zeroed result array written into device memory); .wait plays the one compute
 * unit: it writes the arguments, sets ap_start, clocks the model until ap_done or until the
 * cycle budget or the wall-clock timeout runs out, and reads the result records back.
 *
 * Fault injection (opts.fault, from batch opts.fault_batch on) exercises the core's fallback:
 * HANG never sets ap_start (the run never reports done), WRONG_RESULT corrupts the records
 * read back, REFUSE_START fails .start. A failed batch is followed by .recover, which builds a
 * fresh model (a reset) and fresh device buffers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drv.h"

#ifndef NASMAC_NO_SIM
#include "sim.h"

/* Cycles per nasmac_sim_run() call: the wall-clock timeout is checked between calls. */
#define RUN_CHUNK 20000u

struct sim_slot {
	uint64_t desc, arena, res; /* device addresses */
};

struct sim_be {
	nasmac_sim_t *sim;
	nasmac_sim_opts_t so;
	/* The model was rebuilt by .recover in the worker thread. Verilator ties a model's
	 * teardown to the VerilatedContext last constructed in the freeing thread, so such a
	 * model is freed by the worker as it leaves, not by close in the caller's thread. */
	int built_by_worker;
};

static int faulty(const struct nasmac_dev *dev, const struct nasmac__slot *slot, uint32_t f)
{
	const nasmac_opts_t *o = &dev->opts;

	return (o->fault & f) && slot->seq >= o->fault_batch &&
	       (o->fault_batches == 0 || slot->seq - o->fault_batch < o->fault_batches);
}

static int reg_write64(nasmac_sim_t *sim, uint32_t off, uint64_t v)
{
	int rc = nasmac_sim_reg_write(sim, off, (uint32_t)v);

	return rc ? rc : nasmac_sim_reg_write(sim, off + 4, (uint32_t)(v >> 32));
}

static int model_create(struct sim_be *s)
{
	uint32_t id = 0, version = 0;
	int rc = nasmac_sim_create(&s->so, &s->sim);

	if (rc)
		return rc;
	rc = nasmac_sim_reg_read(s->sim, NASMAC_REG_ID, &id);
	if (!rc)
		rc = nasmac_sim_reg_read(s->sim, NASMAC_REG_VERSION, &version);
	if (rc || id != NASMAC_DEV_ID_VALUE || (version >> 16) != (NASMAC_DEV_VERSION >> 16)) {
		fprintf(stderr, "nasmac: sim: the model reports ID 0x%08x version 0x%08x "
				"(expected 0x%08x, major %u)\n",
			id, version, NASMAC_DEV_ID_VALUE, NASMAC_DEV_VERSION >> 16);
		nasmac_sim_free(s->sim);
		s->sim = NULL;
		return -ENODEV;
	}
	return 0;
}

static int sim_open(struct nasmac_dev *dev, const char *arg)
{
	struct sim_be *s;
	int rc;

	if (arg)
		return -EINVAL; /* "sim" takes no argument */
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->so.mem_latency = dev->opts.sim_mem_latency;
	s->so.stall_pct = dev->opts.sim_stall_pct;
	s->so.seed = dev->opts.sim_seed;
	/* Room for every slot's buffers, twice over for the allocator's alignment. */
	s->so.mem_bytes = (size_t)dev->nslots * 2 *
			  ((size_t)dev->opts.batch_max * (NASMAC_DESC_BYTES + NASMAC_RES_BYTES) +
			   dev->arena_bytes) + (1u << 20);
	rc = model_create(s);
	if (rc) {
		if (rc != -ENODEV)
			fprintf(stderr, "nasmac: sim: cannot build the kernel model: %s\n",
				nasmac_strerror(rc));
		free(s);
		return -ENODEV;
	}
	dev->be = s;
	return 0;
}

static void sim_close(struct nasmac_dev *dev)
{
	struct sim_be *s = dev->be;

	if (!s)
		return;
	if (!s->built_by_worker)
		nasmac_sim_free(s->sim);
	free(s);
	dev->be = NULL;
}

static void sim_worker_exit(struct nasmac_dev *dev)
{
	struct sim_be *s = dev->be;

	if (s->built_by_worker) {
		nasmac_sim_free(s->sim);
		s->sim = NULL;
	}
}

static int sim_slot_init(struct nasmac_dev *dev, struct nasmac__slot *slot)
{
	struct sim_be *s = dev->be;
	struct sim_slot *ss = slot->be;
	size_t bm = dev->opts.batch_max;
	int rc;

	if (!ss) {
		ss = calloc(1, sizeof(*ss));
		if (!ss)
			return -ENOMEM;
		slot->be = ss;
	}
	rc = nasmac_sim_mem_alloc(s->sim, bm * NASMAC_DESC_BYTES, &ss->desc);
	if (!rc)
		rc = nasmac_sim_mem_alloc(s->sim, dev->arena_bytes, &ss->arena);
	if (!rc)
		rc = nasmac_sim_mem_alloc(s->sim, bm * NASMAC_RES_BYTES, &ss->res);
	return rc;
}

static void sim_slot_fini(struct nasmac_dev *dev, struct nasmac__slot *slot)
{
	(void)dev;
	free(slot->be);
	slot->be = NULL;
}

static int sim_start(struct nasmac_dev *dev, struct nasmac__slot *slot)
{
	struct sim_be *s = dev->be;
	struct sim_slot *ss = slot->be;
	int rc;

	if (faulty(dev, slot, NASMAC_FAULT_REFUSE_START))
		return -EIO;
	rc = nasmac_sim_mem_write(s->sim, ss->desc, slot->desc, (size_t)slot->n * NASMAC_DESC_BYTES);
	if (!rc)
		rc = nasmac_sim_mem_write(s->sim, ss->arena, slot->arena, slot->arena_used);
	if (!rc)
		rc = nasmac_sim_mem_write(s->sim, ss->res, slot->res, (size_t)slot->n * NASMAC_RES_BYTES);
	return rc;
}

/* A generous bound on the cycles a correct kernel needs for this batch. */
static uint64_t cycle_budget(const struct nasmac_dev *dev, const struct nasmac__slot *slot)
{
	uint64_t b = 200000u + 4000u * (uint64_t)slot->n + 64u * slot->arena_used;

	b *= 1u + dev->opts.sim_mem_latency;
	if (dev->opts.sim_stall_pct)
		b *= 100u / (100u - (dev->opts.sim_stall_pct < 99 ? dev->opts.sim_stall_pct : 99));
	return b;
}

static int sim_wait(struct nasmac_dev *dev, struct nasmac__slot *slot, uint32_t timeout_ms)
{
	struct sim_be *s = dev->be;
	struct sim_slot *ss = slot->be;
	uint64_t until = nasmac__drv_now_ns() + (uint64_t)timeout_ms * 1000000u;
	uint64_t budget = cycle_budget(dev, slot), total = 0, cyc;
	uint32_t v;
	int rc;

	rc = reg_write64(s->sim, NASMAC_REG_DESC_ADDR, ss->desc);
	if (!rc)
		rc = reg_write64(s->sim, NASMAC_REG_ARENA_ADDR, ss->arena);
	if (!rc)
		rc = reg_write64(s->sim, NASMAC_REG_RESULT_ADDR, ss->res);
	if (!rc)
		rc = nasmac_sim_reg_write(s->sim, NASMAC_REG_NUM_JOBS, slot->n);
	if (!rc)
		rc = nasmac_sim_reg_write(s->sim, NASMAC_REG_ARENA_BYTES, (uint32_t)dev->arena_bytes);
	if (!rc)
		rc = nasmac_sim_reg_write(s->sim, NASMAC_REG_MAX_JOBS, dev->opts.batch_max);
	if (!rc && !faulty(dev, slot, NASMAC_FAULT_HANG))
		rc = nasmac_sim_reg_write(s->sim, NASMAC_REG_AP_CTRL, NASMAC_DEV_AP_START);
	if (rc)
		return rc;
	for (;;) {
		cyc = 0;
		rc = nasmac_sim_run(s->sim, RUN_CHUNK, &cyc);
		total += cyc;
		if (rc == 0)
			break;
		if (rc != -ETIMEDOUT)
			return rc;
		if (total >= budget || nasmac__drv_now_ns() >= until)
			return -ETIMEDOUT;
	}
	/* Reading AP_CTRL clears ap_done, as the XRT scheduler does after a run. */
	rc = nasmac_sim_reg_read(s->sim, NASMAC_REG_AP_CTRL, &v);
	if (!rc)
		rc = nasmac_sim_reg_read(s->sim, NASMAC_REG_CYCLES, &v);
	if (rc)
		return rc;
	slot->cycles = v;
	rc = nasmac_sim_mem_read(s->sim, ss->res, slot->res, (size_t)slot->n * NASMAC_RES_BYTES);
	if (rc)
		return rc;
	if (faulty(dev, slot, NASMAC_FAULT_WRONG_RESULT) && slot->n > 0) {
		/* Flip the status of the last record (verified <-> mismatch, bad -> never
		 * written) and, in another record, one MAC bit. */
		if (slot->n > 1)
			slot->res[NASMAC_RES_MAC_OFF] ^= 0x01;
		slot->res[(size_t)(slot->n - 1) * NASMAC_RES_BYTES + NASMAC_RES_STATUS_OFF] ^= 0x03;
	}
	return 0;
}

static int sim_recover(struct nasmac_dev *dev)
{
	struct sim_be *s = dev->be;
	int rc;

	nasmac_sim_free(s->sim);
	s->sim = NULL;
	s->built_by_worker = 1;
	rc = model_create(s);
	for (uint32_t i = 0; !rc && i < dev->nslots; i++)
		rc = sim_slot_init(dev, &dev->slots[i]);
	return rc;
}

const struct nasmac__backend_ops nasmac__sim_ops = {
	.name = "sim",
	.open = sim_open,
	.close = sim_close,
	.slot_init = sim_slot_init,
	.slot_fini = sim_slot_fini,
	.start = sim_start,
	.wait = sim_wait,
	.recover = sim_recover,
	.worker_exit = sim_worker_exit,
	.default_batch_max = 64,
};
#else /* NASMAC_NO_SIM: this build has no kernel model. */

static int sim_open(struct nasmac_dev *dev, const char *arg)
{
	(void)dev;
	(void)arg;
	fprintf(stderr, "nasmac: sim: this build has no kernel model (sim/ was not built)\n");
	return -ENODEV;
}

static void sim_close(struct nasmac_dev *dev)
{
	(void)dev;
}

static int sim_never(struct nasmac_dev *dev, struct nasmac__slot *slot)
{
	(void)dev;
	(void)slot;
	return -ENODEV;
}

const struct nasmac__backend_ops nasmac__sim_ops = {
	.name = "sim",
	.open = sim_open,
	.close = sim_close,
	.start = sim_never,
	.default_batch_max = 64,
};
#endif
