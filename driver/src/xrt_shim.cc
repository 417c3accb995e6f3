// The XRT native C++ API (xrt::device, xrt::kernel, xrt::bo, xrt::run) behind C functions that
// never throw (see xrt_shim.h for why). Each handle the C side holds is one heap object owning
// the XRT object; XRT's objects are reference-counted handles themselves, so closing ours drops
// our reference and XRT frees the device, buffer or run when its last user is gone.
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <exception>
#include <new>
#include <string>
#include <system_error>

#include <xrt/xrt_bo.h>
#include <xrt/xrt_device.h>
#include <xrt/xrt_kernel.h>
#include <xrt/xrt_uuid.h>

#include "xrt_shim.h"

namespace {

struct shim_dev {
	xrt::device dev;
};

struct shim_kernel {
	xrt::kernel kernel;
};

struct shim_bo {
	xrt::bo bo;
};

struct shim_run {
	xrt::run run;
};

// Runs f; an escaping exception becomes a negative errno and one line on stderr. XRT reports
// driver failures as std::system_error (xrt_core::system_error) carrying the errno of the
// failing call: that errno is kept. Anything else becomes on_throw.
template <typename F> int guarded(const char *what, int on_throw, F f) noexcept
{
	try {
		return f();
	} catch (const std::system_error &e) {
		int code = e.code().value();

		std::fprintf(stderr, "nasmac: xrt: %s: %s\n", what, e.what());
		if (code < 0)
			code = -code;
		return code > 0 && e.code().category() == std::generic_category() ? -code
										 : on_throw;
	} catch (const std::bad_alloc &) {
		std::fprintf(stderr, "nasmac: xrt: %s: out of memory\n", what);
		return -ENOMEM;
	} catch (const std::exception &e) {
		std::fprintf(stderr, "nasmac: xrt: %s: %s\n", what, e.what());
	} catch (...) {
		std::fprintf(stderr, "nasmac: xrt: %s: unknown exception\n", what);
	}
	return on_throw;
}

} // namespace

extern "C" int nasmac__xrt_open(unsigned int index, const char *xclbin, const char *name,
				void **dev, void **kernel, int groups[3])
{
	shim_dev *d = nullptr;
	shim_kernel *k = nullptr;
	int rc;

	*dev = nullptr;
	*kernel = nullptr;
	rc = guarded("open", -ENODEV, [&]() -> int {
		d = new shim_dev{ xrt::device(index) };
		xrt::uuid uuid = d->dev.load_xclbin(std::string(xclbin));
		// Exclusive: XRT reads a compute unit's registers (RUN_STATUS) only for its
		// exclusive owner.
		k = new shim_kernel{ xrt::kernel(d->dev, uuid, std::string(name),
						 xrt::kernel::cu_access_mode::exclusive) };
		for (int i = 0; i < 3; i++) {
			groups[i] = k->kernel.group_id(i);
			if (groups[i] < 0) {
				std::fprintf(stderr, "nasmac: xrt: %s: argument %d of '%s' is not "
						     "a buffer\n", xclbin, i, name);
				return -ENODEV;
			}
		}
		return 0;
	});
	// Opening fails as a whole: a device or a kernel that cannot be used is no device.
	if (rc) {
		nasmac__xrt_close(d, k);
		return rc == -ENOMEM ? rc : -ENODEV;
	}
	*dev = d;
	*kernel = k;
	return 0;
}

extern "C" void nasmac__xrt_close(void *dev, void *kernel)
{
	guarded("close", 0, [&]() -> int {
		delete static_cast<shim_kernel *>(kernel);
		delete static_cast<shim_dev *>(dev);
		return 0;
	});
}

extern "C" int nasmac__xrt_bo_alloc(void *dev, size_t size, int group, void **bo, void **map)
{
	shim_bo *b = nullptr;
	int rc;

	*bo = nullptr;
	*map = nullptr;
	rc = guarded("buffer", -ENOMEM, [&]() -> int {
		const shim_dev *d = static_cast<const shim_dev *>(dev);

		b = new shim_bo{ xrt::bo(d->dev, size, xrt::bo::flags::normal,
					 static_cast<xrt::memory_group>(group)) };
		*map = b->bo.map();
		return *map ? 0 : -ENOMEM;
	});
	if (rc) {
		nasmac__xrt_bo_free(b);
		*map = nullptr;
		return rc;
	}
	*bo = b;
	return 0;
}

extern "C" void nasmac__xrt_bo_free(void *bo)
{
	guarded("free", 0, [&]() -> int {
		delete static_cast<shim_bo *>(bo);
		return 0;
	});
}

extern "C" int nasmac__xrt_bo_sync(void *bo, int to_device, size_t size)
{
	return guarded("sync", -EIO, [&]() -> int {
		auto dir = to_device ? XCL_BO_SYNC_BO_TO_DEVICE : XCL_BO_SYNC_BO_FROM_DEVICE;

		static_cast<shim_bo *>(bo)->bo.sync(dir, size, 0);
		return 0;
	});
}

extern "C" int nasmac__xrt_run_open(void *kernel, void **run)
{
	shim_run *r = nullptr;
	int rc;

	*run = nullptr;
	rc = guarded("run", -EIO, [&]() -> int {
		r = new shim_run{ xrt::run(static_cast<shim_kernel *>(kernel)->kernel) };
		return 0;
	});
	if (rc) {
		nasmac__xrt_run_close(r);
		return rc;
	}
	*run = r;
	return 0;
}

extern "C" int nasmac__xrt_run_start(void *run, void *desc, void *arena, void *result,
				     uint32_t num_jobs, uint32_t arena_bytes, uint32_t max_jobs)
{
	return guarded("start", -EIO, [&]() -> int {
		xrt::run &r = static_cast<shim_run *>(run)->run;

		// Buffers as xrt::bo, 32-bit scalars as uint32_t: set_arg copies sizeof(arg)
		// bytes, which must be the argument's size in the xclbin.
		r.set_arg(NASMAC__ARG_DESC, static_cast<shim_bo *>(desc)->bo);
		r.set_arg(NASMAC__ARG_ARENA, static_cast<shim_bo *>(arena)->bo);
		r.set_arg(NASMAC__ARG_RESULT, static_cast<shim_bo *>(result)->bo);
		r.set_arg(NASMAC__ARG_NUM_JOBS, num_jobs);
		r.set_arg(NASMAC__ARG_ARENA_BYTES, arena_bytes);
		r.set_arg(NASMAC__ARG_MAX_JOBS, max_jobs);
		r.start();
		return 0;
	});
}

extern "C" int nasmac__xrt_run_wait(void *run, unsigned int timeout_ms)
{
	return guarded("wait", -EIO, [&]() -> int {
		// A timeout of 0 ms means "block until done" to xrt::run::wait: never ask for it.
		std::chrono::milliseconds t(timeout_ms ? timeout_ms : 1u);
		ert_cmd_state st = static_cast<shim_run *>(run)->run.wait(t);

		if (st == ERT_CMD_STATE_COMPLETED)
			return 0;
		if (st == ERT_CMD_STATE_NEW || st == ERT_CMD_STATE_QUEUED ||
		    st == ERT_CMD_STATE_RUNNING || st == ERT_CMD_STATE_SUBMITTED ||
		    st == ERT_CMD_STATE_TIMEOUT)
			return -ETIMEDOUT;
		return -EIO;
	});
}

extern "C" int nasmac__xrt_read_reg(void *kernel, uint32_t offset, uint32_t *value)
{
	return guarded("register", -EIO, [&]() -> int {
		*value = static_cast<shim_kernel *>(kernel)->kernel.read_register(offset);
		return 0;
	});
}

extern "C" void nasmac__xrt_run_close(void *run)
{
	guarded("run close", 0, [&]() -> int {
		delete static_cast<shim_run *>(run);
		return 0;
	});
}
