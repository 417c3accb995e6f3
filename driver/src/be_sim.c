/*
 * The sim backend: batches go through the Verilator model of the whole nasmac kernel with the
 * register and memory protocol a card sees. .start plays the host-to-card DMA (descriptors,
 * messages and a zeroed result array written into device memory); .wait plays the one compute
 * unit: it writes the arguments, sets ap_start, clocks the model until ap_done or until the
 * cycle budget or the wall-clock timeout runs out, and reads the result records back.
 *
 * The test knobs come from the spec ("sim:latency=100,stall=25", documented in nasmac.h): the
 * memory model's latency, stalls and limits, and fault injection into chosen batches, which
 * exercises the core's fallback: hang never sets ap_start (the run never reports done), wrong
 * corrupts the records read back, refuse fails .start, rd_err/wr_err make the memory answer one
 * burst of the run with SLVERR or DECERR (the kernel reports it in RUN_STATUS). A failed batch is
 * followed by .recover, which builds a fresh model (a reset) and fresh device buffers.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "drv.h"

#include "sim.h"

/* Cycles per nasmac_sim_run() call: the wall-clock timeout is checked between calls. */
#define RUN_CHUNK 20000u

#define FAULT_HANG (1u << 0)
#define FAULT_WRONG (1u << 1)
#define FAULT_REFUSE (1u << 2)
#define FAULT_BUS (1u << 3) /* rd_err or wr_err */

struct sim_slot {
	uint64_t desc, arena, res; /* device addresses */
};

struct sim_be {
	nasmac_sim_t *sim;
	nasmac_sim_opts_t so;
	uint32_t fault; /* FAULT_* */
	uint64_t fault_batch, fault_batches;
	uint32_t rd_err, wr_err; /* 0, NASMAC_SIM_SLVERR or NASMAC_SIM_DECERR */
	uint64_t err_burst;
	/* The model was rebuilt by .recover in the worker thread. Verilator ties a model's
	 * teardown to the VerilatedContext last constructed in the freeing thread, so such a
	 * model is freed by the worker as it leaves, not by close in the caller's thread. */
	int built_by_worker;
};

static int faulty(const struct nasmac_dev *dev, const struct nasmac__slot *slot, uint32_t f)
{
	const struct sim_be *s = dev->be;

	return (s->fault & f) && slot->seq >= s->fault_batch &&
	       (s->fault_batches == 0 || slot->seq - s->fault_batch < s->fault_batches);
}

static int parse_num(const char *v, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long n;

	if (*v < '0' || *v > '9')
		return -EINVAL;
	n = strtoull(v, &end, 0);
	if (*end || n > max)
		return -EINVAL;
	*out = n;
	return 0;
}

static int parse_u32(const char *v, uint32_t max, uint32_t *out)
{
	uint64_t n;
	int rc = parse_num(v, max, &n);

	if (!rc)
		*out = (uint32_t)n;
	return rc;
}

static int parse_resp(const char *v, uint32_t *out)
{
	if (!strcmp(v, "slverr"))
		*out = NASMAC_SIM_SLVERR;
	else if (!strcmp(v, "decerr"))
		*out = NASMAC_SIM_DECERR;
	else
		return -EINVAL;
	return 0;
}

static int parse_faults(char *v, uint32_t *out)
{
	char *save = NULL;

	for (char *f = strtok_r(v, "+", &save); f; f = strtok_r(NULL, "+", &save)) {
		if (!strcmp(f, "hang"))
			*out |= FAULT_HANG;
		else if (!strcmp(f, "wrong"))
			*out |= FAULT_WRONG;
		else if (!strcmp(f, "refuse"))
			*out |= FAULT_REFUSE;
		else
			return -EINVAL;
	}
	return 0;
}

/* "key=value,key=value" (the part of the spec after "sim:"), as nasmac.h documents it. */
static int parse_args(struct sim_be *s, const char *arg)
{
	char buf[512], *save = NULL;
	int rc = 0;

	if (strlen(arg) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, arg);
	for (char *kv = strtok_r(buf, ",", &save); kv && !rc; kv = strtok_r(NULL, ",", &save)) {
		char *v = strchr(kv, '=');

		if (!v) {
			rc = -EINVAL;
			break;
		}
		*v++ = '\0';
		if (!strcmp(kv, "latency"))
			rc = parse_u32(v, 1000000, &s->so.mem_latency);
		else if (!strcmp(kv, "stall"))
			rc = parse_u32(v, 99, &s->so.stall_pct);
		else if (!strcmp(kv, "seed"))
			rc = parse_num(v, UINT64_MAX, &s->so.seed);
		else if (!strcmp(kv, "max_reads"))
			rc = parse_u32(v, UINT32_MAX, &s->so.max_reads);
		else if (!strcmp(kv, "max_writes"))
			rc = parse_u32(v, UINT32_MAX, &s->so.max_writes);
		else if (!strcmp(kv, "fault"))
			rc = parse_faults(v, &s->fault);
		else if (!strcmp(kv, "rd_err"))
			rc = parse_resp(v, &s->rd_err);
		else if (!strcmp(kv, "wr_err"))
			rc = parse_resp(v, &s->wr_err);
		else if (!strcmp(kv, "err_burst"))
			rc = parse_num(v, UINT32_MAX, &s->err_burst);
		else if (!strcmp(kv, "fault_batch"))
			rc = parse_num(v, UINT64_MAX, &s->fault_batch);
		else if (!strcmp(kv, "fault_batches"))
			rc = parse_num(v, UINT64_MAX, &s->fault_batches);
		else
			rc = -EINVAL;
	}
	if (s->rd_err || s->wr_err)
		s->fault |= FAULT_BUS;
	if (rc)
		fprintf(stderr, "nasmac: sim: bad argument in '%s' (keys: latency, stall, seed, max_reads, "
				"max_writes, fault, rd_err, wr_err, err_burst, fault_batch, fault_batches)\n",
			arg);
	return rc;
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

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->err_burst = 1;
	if (arg && parse_args(s, arg)) {
		free(s);
		return -EINVAL;
	}
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

	if (faulty(dev, slot, FAULT_REFUSE))
		return -EIO;
	rc = nasmac_sim_mem_write(s->sim, ss->desc, slot->desc, (size_t)slot->n * NASMAC_DESC_BYTES);
	if (!rc)
		rc = nasmac_sim_mem_write(s->sim, ss->arena, slot->arena, slot->arena_used);
	if (!rc)
		rc = nasmac_sim_mem_write(s->sim, ss->res, slot->res, (size_t)slot->n * NASMAC_RES_BYTES);
	return rc;
}

/* A generous bound on the cycles a correct kernel needs for this batch. */
static uint64_t cycle_budget(const struct sim_be *s, const struct nasmac__slot *slot)
{
	uint64_t b = 200000u + 4000u * (uint64_t)slot->n + 64u * slot->arena_used;

	b *= 1u + s->so.mem_latency;
	if (s->so.stall_pct)
		b *= 100u / (100u - s->so.stall_pct);
	return b;
}

/* rd_err / wr_err: the memory answers burst err_burst of this run with an error. */
static int inject_bus_error(struct sim_be *s)
{
	nasmac_sim_fault_t f = { .nth = s->err_burst, .count = 1 };
	int rc = 0;

	if (s->rd_err) {
		f.resp = s->rd_err;
		rc = nasmac_sim_inject(s->sim, &f);
	}
	if (!rc && s->wr_err) {
		f.write = 1;
		f.resp = s->wr_err;
		rc = nasmac_sim_inject(s->sim, &f);
	}
	return rc;
}

static int sim_wait(struct nasmac_dev *dev, struct nasmac__slot *slot, uint32_t timeout_ms)
{
	struct sim_be *s = dev->be;
	struct sim_slot *ss = slot->be;
	uint64_t until = nasmac__drv_now_ns() + (uint64_t)timeout_ms * 1000000u;
	uint64_t budget = cycle_budget(s, slot), total = 0, cyc;
	uint32_t v;
	int rc, bus = faulty(dev, slot, FAULT_BUS);

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
	if (!rc && bus)
		rc = inject_bus_error(s);
	if (!rc && !faulty(dev, slot, FAULT_HANG))
		rc = nasmac_sim_reg_write(s->sim, NASMAC_REG_AP_CTRL, NASMAC_DEV_AP_START);
	for (; !rc;) {
		cyc = 0;
		rc = nasmac_sim_run(s->sim, RUN_CHUNK, &cyc);
		total += cyc;
		if (rc == 0)
			break;
		if (rc == -ETIMEDOUT && total < budget && nasmac__drv_now_ns() < until)
			rc = 0;
	}
	if (bus)
		nasmac_sim_inject(s->sim, NULL);
	if (rc)
		return rc;
	/* Reading AP_CTRL clears ap_done, as the XRT scheduler does after a run. */
	rc = nasmac_sim_reg_read(s->sim, NASMAC_REG_AP_CTRL, &v);
	if (!rc)
		rc = nasmac_sim_reg_read(s->sim, NASMAC_REG_RUN_STATUS, &slot->run_status);
	if (!rc)
		rc = nasmac_sim_reg_read(s->sim, NASMAC_REG_CYCLES, &v);
	if (rc)
		return rc;
	slot->cycles = v;
	rc = nasmac_sim_mem_read(s->sim, ss->res, slot->res, (size_t)slot->n * NASMAC_RES_BYTES);
	if (rc)
		return rc;
	if (faulty(dev, slot, FAULT_WRONG) && slot->n > 0) {
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
