/*
 * The xrt backend: the nasmac kernel on an Alveo card through XRT's native C++ API, behind
 * the no-throw C shim (xrt_shim.h).
 *
 * Each slot owns three buffer objects in the kernel's memory banks (descriptors, message
 * arena, result records) and one run handle. .start copies the slot's staging into the
 * mapped buffers, syncs them to the card and starts the run (MAX_JOBS tells the kernel the
 * buffers' capacity); XRT queues runs on the compute unit, so several slots can be in flight.
 * .wait waits for the oldest run with a timeout, reads RUN_STATUS and syncs the result records
 * back. .recover closes everything and opens the card again.
 *
 * Before any XRT call the backend checks that a card and an XRT runtime can be there at all
 * (XRT aborts the process in some of those cases); the checks are skipped when the tests link
 * the XRT stand-in library (tests/xrt_stub), which defines nasmac_xrt_stub.
 */
#include <dlfcn.h>
#include <errno.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "drv.h"
#include "xrt_shim.h"

/* Defined only by the XRT stand-in used in tests. */
extern const int nasmac_xrt_stub __attribute__((weak));

struct xrt_slot {
	void *bo[3];  /* descriptors, arena, results */
	void *map[3];
	void *run;
};

struct xrt_be {
	unsigned int index;
	char *xclbin;
	void *dev, *kernel;
	int groups[3];
};

static int any_path(const char *pattern)
{
	glob_t g;
	int found = glob(pattern, 0, NULL, &g) == 0 && g.gl_pathc > 0;

	globfree(&g);
	return found;
}

/* Says in one line why XRT cannot work here, or returns 0. */
static int probe(void)
{
	const char *root = getenv("XILINX_XRT");
	char lib[4096];
	void *h;

	if (&nasmac_xrt_stub != NULL)
		return 0;
	if (!any_path("/dev/xclmgmt*") && !any_path("/dev/dri/renderD*") &&
	    !any_path("/dev/xfa/*")) {
		fprintf(stderr, "nasmac: xrt: no Alveo card here (no /dev/xclmgmt* or "
				"/dev/dri/renderD* device nodes)\n");
		return -ENODEV;
	}
	/* XRT's core library is loaded by XRT itself when a device opens: from $XILINX_XRT/lib in
	 * Xilinx's packages (/opt/xilinx/xrt), from the loader's path in Debian's (multiarch). */
	if (root && *root) {
		snprintf(lib, sizeof(lib), "%s/lib/libxrt_core.so.2", root);
		if (access(lib, R_OK) == 0)
			return 0;
	}
	h = dlopen("libxrt_core.so.2", RTLD_LAZY | RTLD_LOCAL);
	if (h) {
		dlclose(h);
		return 0;
	}
	fprintf(stderr, "nasmac: xrt: no XRT core library (libxrt_core.so.2 %s%s%s; install "
			"XRT, or source /opt/xilinx/xrt/setup.sh)\n",
		root && *root ? "not in " : "not on the loader's path and XILINX_XRT unset",
		root && *root ? root : "", root && *root ? "/lib nor on the loader's path" : "");
	return -ENODEV;
}

static int xrt_connect(struct xrt_be *x)
{
	return nasmac__xrt_open(x->index, x->xclbin, "nasmac", &x->dev, &x->kernel, x->groups);
}

static int xrt_open(struct nasmac_dev *dev, const char *arg)
{
	const char *path = dev->opts.xclbin ? dev->opts.xclbin : getenv("NASMAC_XCLBIN");
	struct xrt_be *x;
	unsigned long index = 0;
	char *end = NULL;
	int rc;

	if (arg) {
		index = strtoul(arg, &end, 10);
		if (*end || index > 255)
			return -EINVAL; /* not xrt:N */
	}
	rc = probe();
	if (rc)
		return rc;
	if (!path || !*path) {
		fprintf(stderr, "nasmac: xrt: no xclbin (set NASMAC_XCLBIN or opts.xclbin)\n");
		return -ENODEV;
	}
	x = calloc(1, sizeof(*x));
	if (!x)
		return -ENOMEM;
	x->index = (unsigned int)index;
	x->xclbin = strdup(path);
	if (!x->xclbin) {
		free(x);
		return -ENOMEM;
	}
	rc = xrt_connect(x);
	if (rc) {
		free(x->xclbin);
		free(x);
		return rc == -ENOMEM ? rc : -ENODEV;
	}
	dev->be = x;
	return 0;
}

static void xrt_close(struct nasmac_dev *dev)
{
	struct xrt_be *x = dev->be;

	if (!x)
		return;
	nasmac__xrt_close(x->dev, x->kernel);
	free(x->xclbin);
	free(x);
	dev->be = NULL;
}

static void slot_release(struct xrt_slot *xs)
{
	nasmac__xrt_run_close(xs->run);
	xs->run = NULL;
	for (int i = 0; i < 3; i++) {
		nasmac__xrt_bo_free(xs->bo[i]);
		xs->bo[i] = NULL;
		xs->map[i] = NULL;
	}
}

static int xrt_slot_init(struct nasmac_dev *dev, struct nasmac__slot *slot)
{
	struct xrt_be *x = dev->be;
	struct xrt_slot *xs = slot->be;
	size_t size[3] = { (size_t)dev->opts.batch_max * NASMAC_DESC_BYTES, dev->arena_bytes,
			   (size_t)dev->opts.batch_max * NASMAC_RES_BYTES };
	int rc = 0;

	if (!xs) {
		xs = calloc(1, sizeof(*xs));
		if (!xs)
			return -ENOMEM;
		slot->be = xs;
	}
	for (int i = 0; !rc && i < 3; i++)
		rc = nasmac__xrt_bo_alloc(x->dev, size[i], x->groups[i], &xs->bo[i], &xs->map[i]);
	if (!rc)
		rc = nasmac__xrt_run_open(x->kernel, &xs->run);
	if (rc)
		slot_release(xs);
	return rc;
}

static void xrt_slot_fini(struct nasmac_dev *dev, struct nasmac__slot *slot)
{
	(void)dev;
	if (slot->be)
		slot_release(slot->be);
	free(slot->be);
	slot->be = NULL;
}

static int xrt_start(struct nasmac_dev *dev, struct nasmac__slot *slot)
{
	struct xrt_slot *xs = slot->be;
	size_t desc = (size_t)slot->n * NASMAC_DESC_BYTES, res = (size_t)slot->n * NASMAC_RES_BYTES;
	int rc;

	if (!xs->run)
		return -EIO;
	memcpy(xs->map[0], slot->desc, desc);
	memcpy(xs->map[1], slot->arena, slot->arena_used);
	memset(xs->map[2], 0, res);
	rc = nasmac__xrt_bo_sync(xs->bo[0], 1, desc);
	if (!rc && slot->arena_used)
		rc = nasmac__xrt_bo_sync(xs->bo[1], 1, slot->arena_used);
	if (!rc)
		rc = nasmac__xrt_bo_sync(xs->bo[2], 1, res);
	/* The device copy holds the keys now; the mapped host copy does not need them. */
	for (uint32_t i = 0; i < slot->n; i++)
		nasmac__wipe((uint8_t *)xs->map[0] + (size_t)i * NASMAC_DESC_BYTES +
				     NASMAC_DESC_KEY_OFF,
			     NASMAC_KEY_LEN);
	if (!rc)
		rc = nasmac__xrt_run_start(xs->run, xs->bo[0], xs->bo[1], xs->bo[2], slot->n,
					   (uint32_t)dev->arena_bytes, dev->opts.batch_max);
	return rc;
}

static int xrt_wait(struct nasmac_dev *dev, struct nasmac__slot *slot, uint32_t timeout_ms)
{
	struct xrt_be *x = dev->be;
	struct xrt_slot *xs = slot->be;
	size_t res = (size_t)slot->n * NASMAC_RES_BYTES;
	int rc;

	rc = nasmac__xrt_run_wait(xs->run, timeout_ms);
	/* XRT starts the next queued run as soon as this one is done, so the next one may have
	 * ended too before this read. RUN_STATUS (layout 3.0) is therefore sticky across ap_start
	 * and cleared by this read: it ORs the errors of every run that ended since the last read
	 * and counts them (RUNS). The core (nasmac__run_verdict) applies a read to that many runs
	 * in start order and distrusts all of them when it reports an error. */
	if (!rc)
		rc = nasmac__xrt_read_reg(x->kernel, NASMAC_REG_RUN_STATUS, &slot->run_status);
	if (!rc)
		rc = nasmac__xrt_bo_sync(xs->bo[2], 0, res);
	if (!rc)
		memcpy(slot->res, xs->map[2], res);
	slot->cycles = 0;
	return rc;
}

static int xrt_recover(struct nasmac_dev *dev)
{
	struct xrt_be *x = dev->be;
	int rc;

	for (uint32_t i = 0; i < dev->nslots; i++)
		if (dev->slots[i].be)
			slot_release(dev->slots[i].be);
	nasmac__xrt_close(x->dev, x->kernel);
	x->dev = x->kernel = NULL;
	rc = xrt_connect(x);
	for (uint32_t i = 0; !rc && i < dev->nslots; i++)
		rc = xrt_slot_init(dev, &dev->slots[i]);
	return rc;
}

const struct nasmac__backend_ops nasmac__xrt_ops = {
	.name = "xrt",
	.open = xrt_open,
	.close = xrt_close,
	.slot_init = xrt_slot_init,
	.slot_fini = xrt_slot_fini,
	.start = xrt_start,
	.wait = xrt_wait,
	.recover = xrt_recover,
	.default_batch_max = 256,
};
