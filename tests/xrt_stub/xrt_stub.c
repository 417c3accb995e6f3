/*
 * A stand-in for libxrt_coreutil: the XRT native C calls the xrt backend makes, implemented on
 * the Verilator model of the nasmac kernel (sim/sim.h), so that the backend's own code runs in
 * CI without a card. Link it in place of -lxrt_coreutil.
 *
 * What it models: one device per xrtDeviceOpen (a fresh kernel model), one compute unit that
 * runs queued runs in start order (a run executes when it is waited for, as nothing else clocks
 * the model), buffer objects with a host mapping that xrtBOSync copies to and from the model's
 * memory, and the kernel's argument list from hw/layout.txt (desc, arena, result, num_jobs,
 * arena_bytes) as the xclbin metadata would give it. Any xclbin path loads.
 *
 * Faults for tests: NASMAC_XRT_STUB_FAULT=hang|refuse|rd_err|wr_err makes run number 1 (the
 * second run started after the variable took that value) never complete, fail to start, or
 * meet an SLVERR on its first read or write burst. xrtKernelReadRegister reads the model's
 * registers (as XRT does for a kernel opened for exclusive access).
 *
 * NASMAC_XRT_STUB_EAGER=1 models what XRT does with a queue of runs: the moment a waited-for run
 * ends, the compute unit starts the next queued one; here it runs that one to its end before the
 * wait returns, so the host's RUN_STATUS read comes after two runs (the race RUN_STATUS is
 * sticky for). nasmac_xrt_stub_max_runs is the largest RUNS any RUN_STATUS read returned.
 */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <xrt/xrt_bo.h>
#include <xrt/xrt_device.h>
#include <xrt/xrt_kernel.h>

#include "nasmac_layout.h"
#include "sim.h"

/* Lets the xrt backend skip its probe for a card and an XRT install. */
const int nasmac_xrt_stub = 1;

#define RUN_CHUNK 20000u
#define NARGS 6

struct stub_dev {
	nasmac_sim_t *sim;
	unsigned char uuid[16];
	int loaded;
};

struct stub_bo {
	struct stub_dev *dev;
	uint64_t addr;
	size_t size;
	void *map;
};

#define STUB_QUEUE 64

struct stub_run;

struct stub_kernel {
	struct stub_dev *dev;
	struct stub_run *queue[STUB_QUEUE]; /* started runs not yet ended, in start order */
	int nq;
};

unsigned nasmac_xrt_stub_max_runs;

struct stub_run {
	struct stub_kernel *k;
	uint64_t arg[NARGS];
	int state; /* enum ert_cmd_state */
	int hang;
	int bus_err; /* 0, or 1 + write: an SLVERR on the run's first read (write) burst */
};

static const uint32_t arg_reg[NARGS] = { NASMAC_REG_DESC_ADDR, NASMAC_REG_ARENA_ADDR,
					 NASMAC_REG_RESULT_ADDR, NASMAC_REG_NUM_JOBS,
					 NASMAC_REG_ARENA_BYTES, NASMAC_REG_MAX_JOBS };

static char fault_seen[32];
static unsigned long fault_runs;

static int fault_is(const char *what)
{
	const char *f = getenv("NASMAC_XRT_STUB_FAULT");

	return f && !strcmp(f, what);
}

xrtDeviceHandle xrtDeviceOpen(unsigned int index)
{
	struct stub_dev *d;
	const char *f = getenv("NASMAC_XRT_STUB_FAULT");

	if (index != 0) {
		errno = ENOENT;
		return NULL;
	}
	if (strncmp(fault_seen, f ? f : "", sizeof(fault_seen) - 1)) {
		snprintf(fault_seen, sizeof(fault_seen), "%s", f ? f : "");
		fault_runs = 0;
	}
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	if (nasmac_sim_create(NULL, &d->sim)) {
		free(d);
		errno = ENODEV;
		return NULL;
	}
	return d;
}

static void *free_model(void *sim)
{
	nasmac_sim_free(sim);
	return NULL;
}

int xrtDeviceClose(xrtDeviceHandle dhdl)
{
	struct stub_dev *d = dhdl;
	pthread_t t;

	if (!d)
		return -EINVAL;
	/* The backend may reopen the device from its worker thread and close it from the
	 * caller's. Verilator tears a model down through the context last constructed in the
	 * freeing thread (Verilated::threadContextp), so the model is freed on a fresh thread,
	 * which falls back to the last context constructed anywhere: this one, as the tests
	 * keep one device open at a time. */
	if (pthread_create(&t, NULL, free_model, d->sim) == 0)
		pthread_join(t, NULL);
	else
		nasmac_sim_free(d->sim);
	free(d);
	return 0;
}

int xrtDeviceLoadXclbinFile(xrtDeviceHandle dhdl, const char *xclbin_fnm)
{
	struct stub_dev *d = dhdl;

	if (!d || !xclbin_fnm || !*xclbin_fnm)
		return -EINVAL;
	memcpy(d->uuid, "nasmac-stub-uuid", 16);
	d->loaded = 1;
	return 0;
}

int xrtDeviceGetXclbinUUID(xrtDeviceHandle dhdl, xuid_t out)
{
	struct stub_dev *d = dhdl;

	if (!d || !d->loaded)
		return -EINVAL;
	memcpy(out, d->uuid, 16);
	return 0;
}

xrtKernelHandle xrtPLKernelOpen(xrtDeviceHandle dhdl, const xuid_t xclbin_id, const char *name)
{
	struct stub_dev *d = dhdl;
	struct stub_kernel *k;

	if (!d || memcmp(xclbin_id, d->uuid, 16) || strcmp(name, "nasmac"))
		return NULL;
	k = calloc(1, sizeof(*k));
	if (k)
		k->dev = d;
	return k;
}

xrtKernelHandle xrtPLKernelOpenExclusive(xrtDeviceHandle dhdl, const xuid_t xclbin_id,
					 const char *name)
{
	return xrtPLKernelOpen(dhdl, xclbin_id, name);
}

int xrtKernelReadRegister(xrtKernelHandle khdl, uint32_t offset, uint32_t *datap)
{
	struct stub_kernel *k = khdl;

	int rc;

	if (!k || !datap)
		return -EINVAL;
	rc = nasmac_sim_reg_read(k->dev->sim, offset, datap);
	if (!rc && offset == NASMAC_REG_RUN_STATUS) {
		unsigned runs = (*datap & NASMAC_DEV_RUN_RUNS_MASK) >> NASMAC_DEV_RUN_RUNS_SHIFT;

		if (runs > nasmac_xrt_stub_max_runs)
			nasmac_xrt_stub_max_runs = runs;
	}
	return rc;
}

int xrtKernelClose(xrtKernelHandle khdl)
{
	free(khdl);
	return 0;
}

int xrtKernelArgGroupId(xrtKernelHandle khdl, int argno)
{
	(void)khdl;
	/* One memory bank for the three buffer arguments; scalars have none. */
	return argno >= 0 && argno < 3 ? 0 : -EINVAL;
}

xrtBufferHandle xrtBOAlloc(xrtDeviceHandle dhdl, size_t size, xrtBufferFlags flags,
			   xrtMemoryGroup grp)
{
	struct stub_dev *d = dhdl;
	struct stub_bo *b;

	if (!d || size == 0 || flags != XRT_BO_FLAGS_NONE || grp != 0)
		return NULL;
	b = calloc(1, sizeof(*b));
	if (!b)
		return NULL;
	b->dev = d;
	b->size = size;
	b->map = calloc(1, size);
	if (!b->map || nasmac_sim_mem_alloc(d->sim, size, &b->addr)) {
		free(b->map);
		free(b);
		return NULL;
	}
	return b;
}

int xrtBOFree(xrtBufferHandle bhdl)
{
	struct stub_bo *b = bhdl;

	if (!b)
		return -EINVAL;
	nasmac_sim_mem_free(b->dev->sim, b->addr);
	free(b->map);
	free(b);
	return 0;
}

void *xrtBOMap(xrtBufferHandle bhdl)
{
	struct stub_bo *b = bhdl;

	return b ? b->map : NULL;
}

uint64_t xrtBOAddress(xrtBufferHandle bhdl)
{
	struct stub_bo *b = bhdl;

	return b ? b->addr : 0;
}

int xrtBOSync(xrtBufferHandle bhdl, enum xclBOSyncDirection dir, size_t size, size_t offset)
{
	struct stub_bo *b = bhdl;

	if (!b || offset > b->size || size > b->size - offset)
		return -EINVAL;
	if (dir == XCL_BO_SYNC_BO_TO_DEVICE)
		return nasmac_sim_mem_write(b->dev->sim, b->addr + offset, (char *)b->map + offset,
					    size);
	if (dir == XCL_BO_SYNC_BO_FROM_DEVICE)
		return nasmac_sim_mem_read(b->dev->sim, b->addr + offset, (char *)b->map + offset,
					   size);
	return -EINVAL;
}

xrtRunHandle xrtRunOpen(xrtKernelHandle khdl)
{
	struct stub_run *r;

	if (!khdl)
		return NULL;
	r = calloc(1, sizeof(*r));
	if (!r)
		return NULL;
	r->k = khdl;
	r->state = ERT_CMD_STATE_NEW;
	return r;
}

int xrtRunSetArg(xrtRunHandle rhdl, int index, ...)
{
	struct stub_run *r = rhdl;
	va_list ap;

	if (!r || index < 0 || index >= NARGS)
		return -EINVAL;
	va_start(ap, index);
	if (index < 3) {
		struct stub_bo *b = va_arg(ap, xrtBufferHandle);

		r->arg[index] = b ? b->addr : 0;
	} else {
		r->arg[index] = va_arg(ap, uint32_t);
	}
	va_end(ap);
	return 0;
}

int xrtRunStart(xrtRunHandle rhdl)
{
	struct stub_run *r = rhdl;
	unsigned long n = fault_runs++;

	if (!r)
		return -EINVAL;
	if (n == 1 && fault_is("refuse"))
		return -EIO;
	r->hang = n == 1 && fault_is("hang");
	r->bus_err = n == 1 && fault_is("rd_err") ? 1 : n == 1 && fault_is("wr_err") ? 2 : 0;
	r->state = ERT_CMD_STATE_QUEUED;
	if (r->k->nq < STUB_QUEUE)
		r->k->queue[r->k->nq++] = r;
	return 0;
}

static void dequeue(struct stub_run *r)
{
	struct stub_kernel *k = r->k;

	for (int i = 0; i < k->nq; i++)
		if (k->queue[i] == r) {
			memmove(&k->queue[i], &k->queue[i + 1], (size_t)(k->nq - i - 1) * sizeof(k->queue[0]));
			k->nq--;
			return;
		}
}

/* Runs the queued run on the model: arguments, ap_start, clock until done or timeout. */
static int execute(struct stub_run *r, unsigned int timeout_ms)
{
	nasmac_sim_t *sim = r->k->dev->sim;
	struct timespec ts;
	uint64_t until, cyc;
	uint32_t v;
	int rc = 0;

	for (int i = 0; i < NARGS && !rc; i++) {
		rc = nasmac_sim_reg_write(sim, arg_reg[i], (uint32_t)r->arg[i]);
		if (!rc && i < 3)
			rc = nasmac_sim_reg_write(sim, arg_reg[i] + 4, (uint32_t)(r->arg[i] >> 32));
	}
	if (!rc && r->bus_err) {
		nasmac_sim_fault_t f = { .write = r->bus_err - 1, .resp = NASMAC_SIM_SLVERR, .nth = 1,
					 .count = 1 };

		rc = nasmac_sim_inject(sim, &f);
	}
	if (!rc && !r->hang)
		rc = nasmac_sim_reg_write(sim, NASMAC_REG_AP_CTRL, NASMAC_DEV_AP_START);
	if (rc)
		return ERT_CMD_STATE_ERROR;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	until = (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u + timeout_ms;
	for (;;) {
		cyc = 0;
		rc = nasmac_sim_run(sim, RUN_CHUNK, &cyc);
		if (rc == 0)
			break;
		if (rc != -ETIMEDOUT)
			return ERT_CMD_STATE_ERROR;
		clock_gettime(CLOCK_MONOTONIC, &ts);
		if ((uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u >= until)
			return ERT_CMD_STATE_RUNNING;
	}
	nasmac_sim_inject(sim, NULL);
	nasmac_sim_reg_read(sim, NASMAC_REG_AP_CTRL, &v);
	return ERT_CMD_STATE_COMPLETED;
}

enum ert_cmd_state xrtRunWaitFor(xrtRunHandle rhdl, unsigned int timeout_ms)
{
	struct stub_run *r = rhdl;

	if (!r)
		return ERT_CMD_STATE_ERROR;
	if (r->state == ERT_CMD_STATE_QUEUED || r->state == ERT_CMD_STATE_RUNNING) {
		r->state = execute(r, timeout_ms);
		if (r->state != ERT_CMD_STATE_RUNNING)
			dequeue(r);
		if (r->state == ERT_CMD_STATE_COMPLETED && getenv("NASMAC_XRT_STUB_EAGER") &&
		    r->k->nq > 0) {
			struct stub_run *next = r->k->queue[0];

			next->state = execute(next, timeout_ms);
			if (next->state != ERT_CMD_STATE_RUNNING)
				dequeue(next);
		}
	}
	return (enum ert_cmd_state)r->state;
}

enum ert_cmd_state xrtRunWait(xrtRunHandle rhdl)
{
	return xrtRunWaitFor(rhdl, 60000);
}

enum ert_cmd_state xrtRunState(xrtRunHandle rhdl)
{
	struct stub_run *r = rhdl;

	return r ? (enum ert_cmd_state)r->state : ERT_CMD_STATE_ERROR;
}

int xrtRunClose(xrtRunHandle rhdl)
{
	if (rhdl)
		dequeue(rhdl);
	free(rhdl);
	return 0;
}
