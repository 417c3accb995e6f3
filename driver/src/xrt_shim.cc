// The XRT C API behind functions that never throw (see xrt_shim.h for why).
#include <cerrno>
#include <cstdio>
#include <exception>

#include <xrt/xrt_bo.h>
#include <xrt/xrt_device.h>
#include <xrt/xrt_kernel.h>

#include "xrt_shim.h"

namespace {

// Runs f; an escaping exception becomes -EIO (-ENODEV for opening) and one line on stderr.
template <typename F> int guarded(const char *what, int on_throw, F f)
{
	try {
		return f();
	} catch (const std::exception &e) {
		std::fprintf(stderr, "nasmac: xrt: %s: %s\n", what, e.what());
	} catch (...) {
		std::fprintf(stderr, "nasmac: xrt: %s: unknown exception\n", what);
	}
	return on_throw;
}

int neg_errno(int fallback)
{
	return errno > 0 ? -errno : fallback;
}

} // namespace

extern "C" int nasmac__xrt_open(unsigned int index, const char *xclbin, const char *name,
				void **dev, void **kernel, int groups[3])
{
	*dev = nullptr;
	*kernel = nullptr;
	int rc = guarded("open", -ENODEV, [&]() -> int {
		xuid_t uuid;

		errno = 0;
		*dev = xrtDeviceOpen(index);
		if (!*dev) {
			std::fprintf(stderr, "nasmac: xrt: no device with index %u\n", index);
			return -ENODEV;
		}
		if (xrtDeviceLoadXclbinFile(*dev, xclbin)) {
			std::fprintf(stderr, "nasmac: xrt: cannot load %s\n", xclbin);
			return -ENODEV;
		}
		if (xrtDeviceGetXclbinUUID(*dev, uuid))
			return -ENODEV;
		*kernel = xrtPLKernelOpen(*dev, uuid, name);
		if (!*kernel) {
			std::fprintf(stderr, "nasmac: xrt: %s has no kernel '%s'\n", xclbin, name);
			return -ENODEV;
		}
		for (int i = 0; i < 3; i++) {
			groups[i] = xrtKernelArgGroupId(*kernel, i);
			if (groups[i] < 0)
				return -ENODEV;
		}
		return 0;
	});
	if (rc) {
		nasmac__xrt_close(*dev, *kernel);
		*dev = nullptr;
		*kernel = nullptr;
	}
	return rc;
}

extern "C" void nasmac__xrt_close(void *dev, void *kernel)
{
	guarded("close", 0, [&]() -> int {
		if (kernel)
			xrtKernelClose(kernel);
		if (dev)
			xrtDeviceClose(dev);
		return 0;
	});
}

extern "C" int nasmac__xrt_bo_alloc(void *dev, size_t size, int group, void **bo, void **map)
{
	*bo = nullptr;
	*map = nullptr;
	return guarded("buffer", -ENOMEM, [&]() -> int {
		errno = 0;
		*bo = xrtBOAlloc(dev, size, XRT_BO_FLAGS_NONE, static_cast<xrtMemoryGroup>(group));
		if (!*bo)
			return neg_errno(-ENOMEM);
		*map = xrtBOMap(*bo);
		if (!*map) {
			xrtBOFree(*bo);
			*bo = nullptr;
			return -ENOMEM;
		}
		return 0;
	});
}

extern "C" void nasmac__xrt_bo_free(void *bo)
{
	guarded("free", 0, [&]() -> int { return bo ? xrtBOFree(bo) : 0; });
}

extern "C" int nasmac__xrt_bo_sync(void *bo, int to_device, size_t size)
{
	return guarded("sync", -EIO, [&]() -> int {
		auto dir = to_device ? XCL_BO_SYNC_BO_TO_DEVICE : XCL_BO_SYNC_BO_FROM_DEVICE;
		return xrtBOSync(bo, dir, size, 0) ? -EIO : 0;
	});
}

extern "C" int nasmac__xrt_run_open(void *kernel, void **run)
{
	*run = nullptr;
	return guarded("run", -EIO, [&]() -> int {
		*run = xrtRunOpen(kernel);
		return *run ? 0 : -EIO;
	});
}

extern "C" int nasmac__xrt_run_start(void *run, void *desc, void *arena, void *result,
				     uint32_t num_jobs, uint32_t arena_bytes, uint32_t max_jobs)
{
	return guarded("start", -EIO, [&]() -> int {
		// Buffer arguments go as handles, 32-bit scalars as uint32_t (their xclbin size).
		if (xrtRunSetArg(run, NASMAC__ARG_DESC, desc) ||
		    xrtRunSetArg(run, NASMAC__ARG_ARENA, arena) ||
		    xrtRunSetArg(run, NASMAC__ARG_RESULT, result) ||
		    xrtRunSetArg(run, NASMAC__ARG_NUM_JOBS, num_jobs) ||
		    xrtRunSetArg(run, NASMAC__ARG_ARENA_BYTES, arena_bytes) ||
		    xrtRunSetArg(run, NASMAC__ARG_MAX_JOBS, max_jobs))
			return -EIO;
		return xrtRunStart(run) ? -EIO : 0;
	});
}

extern "C" int nasmac__xrt_run_wait(void *run, unsigned int timeout_ms)
{
	return guarded("wait", -EIO, [&]() -> int {
		enum ert_cmd_state st = xrtRunWaitFor(run, timeout_ms);

		if (st == ERT_CMD_STATE_COMPLETED)
			return 0;
		if (st == ERT_CMD_STATE_NEW || st == ERT_CMD_STATE_QUEUED ||
		    st == ERT_CMD_STATE_RUNNING || st == ERT_CMD_STATE_SUBMITTED ||
		    st == ERT_CMD_STATE_TIMEOUT)
			return -ETIMEDOUT;
		return -EIO;
	});
}

extern "C" void nasmac__xrt_run_close(void *run)
{
	guarded("run close", 0, [&]() -> int { return run ? xrtRunClose(run) : 0; });
}
