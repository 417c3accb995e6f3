// A stand-in for libxrt_coreutil: the members of XRT's native C++ API that the xrt backend's
// shim (driver/src/xrt_shim.cc) calls, implemented on the Verilator model of the nasmac kernel
// (sim/sim.h), so that the backend's own code runs in CI without a card. Linked in place of
// -lxrt_coreutil; the classes are XRT 2.13's own (its headers), only their members' bodies and
// the implementation types behind their handles (xrt_core::device, xrt::kernel_impl,
// xrt::bo_impl, xrt::run_impl, which the headers only declare) are ours.
//
// What it models: one device per xrt::device (a fresh kernel model), one compute unit that runs
// runs in start order (a run executes when it is waited for, as nothing else clocks the model),
// buffer objects with a host mapping that bo::sync copies to and from the model's memory, and
// the kernel's argument list from hw/layout.txt (desc, arena, result, num_jobs, arena_bytes,
// max_jobs) as the xclbin metadata would give it. Any xclbin path loads. Errors are thrown as
// XRT throws them: std::system_error with the errno for driver calls, std::runtime_error else.
//
// Faults for tests: NASMAC_XRT_STUB_FAULT=hang|refuse|rd_err|wr_err makes run number 1 (the
// second run started after the variable took that value) never complete, fail to start, or
// meet an SLVERR on its first read or write burst. kernel::read_register reads the model's
// registers (as XRT does for a kernel opened for exclusive access).
//
// NASMAC_XRT_STUB_EAGER=1 models what XRT does with a queue of runs: the moment a waited-for run
// ends, the compute unit starts the next queued one; here that one runs to its end before the
// wait returns, so the host's RUN_STATUS read comes after two runs (the race RUN_STATUS is sticky
// for). nasmac_xrt_stub_max_runs is the largest RUNS count any RUN_STATUS read returned.
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>
#include <vector>

#include <xrt/xrt_bo.h>
#include <xrt/xrt_device.h>
#include <xrt/xrt_kernel.h>
#include <xrt/xrt_uuid.h>

#include "nasmac_layout.h"
#include "sim.h"

// Lets the xrt backend skip its probe for a card and an XRT install.
extern "C" {
extern const int nasmac_xrt_stub;
const int nasmac_xrt_stub = 1;
extern unsigned nasmac_xrt_stub_max_runs;
unsigned nasmac_xrt_stub_max_runs;
}

namespace {

constexpr uint64_t run_chunk = 20000;
constexpr int nargs = 6;
constexpr uint32_t arg_reg[nargs] = { NASMAC_REG_DESC_ADDR,  NASMAC_REG_ARENA_ADDR,
				      NASMAC_REG_RESULT_ADDR, NASMAC_REG_NUM_JOBS,
				      NASMAC_REG_ARENA_BYTES, NASMAC_REG_MAX_JOBS };

std::string fault_seen;
unsigned long fault_runs;

std::string fault_env()
{
	const char *f = std::getenv("NASMAC_XRT_STUB_FAULT");

	return f ? f : "";
}

[[noreturn]] void fail(int err, const char *what)
{
	throw std::system_error(err, std::generic_category(), what);
}

void check(int rc, const char *what)
{
	if (rc)
		fail(rc < 0 ? -rc : rc, what);
}

} // namespace

namespace xrt_core {

// One card: a fresh kernel model. Buffers reach it through a raw xclDeviceHandle (XRT's
// xrt::bo takes one) and keep it alive through shared_from_this().
class device : public std::enable_shared_from_this<device> {
public:
	nasmac_sim_t *sim = nullptr;
	xuid_t uuid{};
	bool loaded = false;

	device()
	{
		check(nasmac_sim_create(nullptr, &sim), "cannot create the kernel model");
	}

	~device()
	{
		// The backend may reopen the device from its worker thread and close it from the
		// caller's. Verilator tears a model down through the context last constructed in
		// the freeing thread (Verilated::threadContextp), so the model is freed on a
		// fresh thread, which falls back to the last context constructed anywhere: this
		// one, as the tests keep one device open at a time.
		try {
			std::thread([s = sim] { nasmac_sim_free(s); }).join();
		} catch (const std::system_error &) {
			nasmac_sim_free(sim);
		}
	}

	device(const device &) = delete;
	device &operator=(const device &) = delete;
};

} // namespace xrt_core

namespace xrt {

class run_impl;

class kernel_impl {
public:
	std::shared_ptr<xrt_core::device> dev;
	std::vector<run_impl *> queue; // started runs not yet ended, in start order

	void dequeue(run_impl *r)
	{
		queue.erase(std::remove(queue.begin(), queue.end(), r), queue.end());
	}
};

class bo_impl {
public:
	std::shared_ptr<xrt_core::device> dev;
	uint64_t addr = 0;
	std::vector<unsigned char> host;

	bo_impl(std::shared_ptr<xrt_core::device> d, size_t size) : dev(std::move(d)), host(size)
	{
		check(nasmac_sim_mem_alloc(dev->sim, size, &addr), "bo: out of device memory");
	}

	~bo_impl()
	{
		nasmac_sim_mem_free(dev->sim, addr);
	}

	bo_impl(const bo_impl &) = delete;
	bo_impl &operator=(const bo_impl &) = delete;
};

class run_impl {
public:
	std::shared_ptr<kernel_impl> k;
	uint64_t arg[nargs] = {};
	ert_cmd_state state = ERT_CMD_STATE_NEW;
	bool hang = false;
	int bus_err = 0; // 0, or 1 + write: an SLVERR on the run's first read (write) burst

	run_impl() = default;
	run_impl(const run_impl &) = delete;
	run_impl &operator=(const run_impl &) = delete;
	~run_impl()
	{
		if (k)
			k->dequeue(this);
	}

	// Runs this queued run to its end (or the timeout); an ended run leaves the queue.
	void finish(std::chrono::milliseconds timeout)
	{
		state = execute(timeout);
		if (state != ERT_CMD_STATE_RUNNING)
			k->dequeue(this);
	}

	// Arguments, ap_start, then clock the model until done or timeout.
	ert_cmd_state execute(std::chrono::milliseconds timeout)
	{
		nasmac_sim_t *sim = k->dev->sim;
		auto until = std::chrono::steady_clock::now() + timeout;
		uint64_t cyc;
		uint32_t v;
		int rc = 0;

		for (int i = 0; i < nargs && !rc; i++) {
			rc = nasmac_sim_reg_write(sim, arg_reg[i], static_cast<uint32_t>(arg[i]));
			if (!rc && i < 3)
				rc = nasmac_sim_reg_write(sim, arg_reg[i] + 4,
							  static_cast<uint32_t>(arg[i] >> 32));
		}
		if (!rc && bus_err) {
			nasmac_sim_fault_t f{};

			f.write = bus_err - 1;
			f.resp = NASMAC_SIM_SLVERR;
			f.nth = 1;
			f.count = 1;
			rc = nasmac_sim_inject(sim, &f);
		}
		if (!rc && !hang)
			rc = nasmac_sim_reg_write(sim, NASMAC_REG_AP_CTRL, NASMAC_DEV_AP_START);
		if (rc)
			return ERT_CMD_STATE_ERROR;
		for (;;) {
			cyc = 0;
			rc = nasmac_sim_run(sim, run_chunk, &cyc);
			if (rc == 0)
				break;
			if (rc != -ETIMEDOUT)
				return ERT_CMD_STATE_ERROR;
			if (std::chrono::steady_clock::now() >= until)
				return ERT_CMD_STATE_RUNNING;
		}
		nasmac_sim_inject(sim, nullptr);
		nasmac_sim_reg_read(sim, NASMAC_REG_AP_CTRL, &v);
		return ERT_CMD_STATE_COMPLETED;
	}
};

device::device(unsigned int didx)
{
	if (didx != 0)
		fail(ENOENT, "no device with this index");
	// A new value of the fault variable restarts the run count it refers to.
	if (fault_env() != fault_seen) {
		fault_seen = fault_env();
		fault_runs = 0;
	}
	handle = std::make_shared<xrt_core::device>();
}

device::operator xclDeviceHandle() const
{
	return handle.get();
}

uuid device::load_xclbin(const std::string &xclbin_fnm)
{
	if (!handle || xclbin_fnm.empty())
		fail(EINVAL, "load_xclbin");
	std::memcpy(handle->uuid, "nasmac-stub-uuid", sizeof(handle->uuid));
	handle->loaded = true;
	return uuid(handle->uuid);
}

kernel::kernel(const xrt::device &device, const xrt::uuid &xclbin_id, const std::string &name,
	       cu_access_mode mode)
{
	auto d = device.get_handle();

	(void)mode;
	if (!d || !d->loaded || xclbin_id != d->uuid)
		throw std::runtime_error("xclbin not loaded on this device");
	if (name != "nasmac")
		throw std::runtime_error("no compute unit named " + name);
	handle = std::make_shared<kernel_impl>();
	handle->dev = d;
}

int kernel::group_id(int argno) const
{
	// One memory bank for the three buffer arguments; scalars have none (XRT says -1).
	return argno >= 0 && argno < 3 ? 0 : -1;
}

uint32_t kernel::read_register(uint32_t offset) const
{
	uint32_t v = 0;

	check(nasmac_sim_reg_read(handle->dev->sim, offset, &v), "read_register");
	if (offset == NASMAC_REG_RUN_STATUS) {
		unsigned runs = (v & NASMAC_DEV_RUN_RUNS_MASK) >> NASMAC_DEV_RUN_RUNS_SHIFT;

		nasmac_xrt_stub_max_runs = std::max(nasmac_xrt_stub_max_runs, runs);
	}
	return v;
}

bo::bo(xclDeviceHandle dhdl, size_t size, bo::flags flags, memory_group grp)
{
	auto *d = static_cast<xrt_core::device *>(dhdl);

	if (!d || size == 0 || flags != bo::flags::normal || grp != 0)
		fail(EINVAL, "bo");
	handle = std::make_shared<bo_impl>(d->shared_from_this(), size);
}

void *bo::map()
{
	return handle->host.data();
}

void bo::sync(xclBOSyncDirection dir, size_t sz, size_t offset)
{
	bo_impl &b = *handle;

	if (offset > b.host.size() || sz > b.host.size() - offset)
		fail(EINVAL, "bo::sync: beyond the buffer");
	if (dir == XCL_BO_SYNC_BO_TO_DEVICE)
		check(nasmac_sim_mem_write(b.dev->sim, b.addr + offset, b.host.data() + offset, sz),
		      "bo::sync to device");
	else if (dir == XCL_BO_SYNC_BO_FROM_DEVICE)
		check(nasmac_sim_mem_read(b.dev->sim, b.addr + offset, b.host.data() + offset, sz),
		      "bo::sync from device");
	else
		fail(EINVAL, "bo::sync: direction");
}

run::run(const kernel &krnl)
{
	if (!krnl.get_handle())
		throw std::runtime_error("run of an empty kernel");
	handle = std::make_shared<run_impl>();
	handle->k = krnl.get_handle();
}

void run::set_arg_at_index(int index, const void *value, size_t bytes)
{
	uint32_t v;

	// Scalars: the kernel's are 32-bit registers, as the xclbin would say.
	if (index < 3 || index >= nargs || bytes != sizeof(v))
		throw std::runtime_error("set_arg: argument " + std::to_string(index) +
					 " is not a 32-bit scalar");
	std::memcpy(&v, value, sizeof(v));
	handle->arg[index] = v;
}

void run::set_arg_at_index(int index, const xrt::bo &boh)
{
	if (index < 0 || index >= 3 || !boh)
		throw std::runtime_error("set_arg: argument " + std::to_string(index) +
					 " is not a buffer");
	handle->arg[index] = boh.get_handle()->addr;
}

void run::start()
{
	run_impl &r = *handle;
	unsigned long n = fault_runs++;
	std::string f = fault_env();

	if (n == 1 && f == "refuse")
		fail(EIO, "run::start: command refused");
	r.hang = n == 1 && f == "hang";
	r.bus_err = n == 1 && f == "rd_err" ? 1 : n == 1 && f == "wr_err" ? 2 : 0;
	r.state = ERT_CMD_STATE_QUEUED;
	r.k->queue.push_back(&r);
}

ert_cmd_state run::wait(const std::chrono::milliseconds &timeout) const
{
	run_impl &r = *handle;

	if (r.state == ERT_CMD_STATE_QUEUED || r.state == ERT_CMD_STATE_RUNNING) {
		// XRT's 0 ms means "until done"; a day stands for that here.
		auto t = timeout.count() ? std::chrono::milliseconds(timeout)
					 : std::chrono::milliseconds(std::chrono::hours(24));

		r.finish(t);
		if (r.state == ERT_CMD_STATE_RUNNING)
			return ERT_CMD_STATE_TIMEOUT;
		if (r.state == ERT_CMD_STATE_COMPLETED && std::getenv("NASMAC_XRT_STUB_EAGER") &&
		    !r.k->queue.empty())
			r.k->queue.front()->finish(t);
	}
	return r.state;
}

} // namespace xrt
