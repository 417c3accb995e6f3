// The C API of sim/sim.h over the Verilated nasmac kernel: clock and reset, an AXI4-Lite master
// for s_axi_control, and an AXI4 slave memory for m_axi_gmem (descriptors, results) and
// m_axi_msg (message reads) with latency, seeded random stalls on every channel, protocol checks
// (bursts crossing 4 KiB, out-of-range addresses, WLAST) and injected read/write errors.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <deque>
#include <map>
#include <memory>
#include <vector>

#include "Vnasmac.h"
#include "Vnasmac___024root.h"
#include "verilated.h"
#ifdef NASMAC_SIM_TRACE
#include "verilated_fst_c.h"
#endif

#include "sim.h"

// Verilator renames the Vitis port `interrupt` (a C++ keyword in some compilers) to __SYM__interrupt.

namespace {

constexpr uint32_t kBeatBytes = 512 / 8; // m_axi_gmem data width of the default build
constexpr uint64_t kMemBase = 0x1000;    // the allocator never hands out address 0
constexpr size_t kDefaultMem = size_t{256} << 20;

struct Burst {
	uint64_t addr;
	uint32_t beats;   // left
	uint64_t ready_at; // first cycle the data (R) or response (B) may appear
	uint32_t resp;    // RRESP / BRESP of the burst (0: OKAY)
};

// The read channels of one m_axi port: accepted AR (oldest first) and the R beat on offer.
struct ReadPort {
	explicit ReadPort(const char *n) : name(n) {}
	const char *name;
	std::deque<Burst> reads;
	bool r_valid = false;
	uint64_t bursts = 0; // AR accepted since create
};

} // namespace

struct nasmac_sim {
	std::unique_ptr<VerilatedContext> ctx;
	std::unique_ptr<Vnasmac> top;
#ifdef NASMAC_SIM_TRACE
	std::unique_ptr<VerilatedFstC> tfp;
#endif
	nasmac_sim_opts_t opts;
	uint8_t *mem = nullptr;
	size_t mem_bytes = 0;
	std::map<uint64_t, size_t> allocs; // device address -> size
	uint64_t cycle = 0;
	uint64_t rng = 0;
	uint64_t protocol_errors = 0;

	ReadPort rd_gmem{"gmem"}, rd_msg{"msg"};
	struct FaultUse {
		nasmac_sim_fault_t f;
		uint64_t used; // bursts it has failed
	};
	std::vector<FaultUse> faults;
	uint64_t write_bursts = 0;
	std::deque<Burst> writes; // accepted AW whose data has not all arrived
	std::deque<Burst> resps;  // completed write bursts waiting for B
	struct WBeat {
		uint8_t data[kBeatBytes];
		uint64_t strb;
		bool last;
	};
	std::deque<WBeat> wbeats; // write data that arrived before its address (legal in AXI)
	bool b_valid = false; // BVALID held until its handshake

	void proto_error(const char *what, uint64_t addr)
	{
		if (protocol_errors++ < 10)
			fprintf(stderr, "nasmac_sim: AXI protocol error at cycle %llu: %s (address 0x%llx)\n",
				(unsigned long long)cycle, what, (unsigned long long)addr);
	}

	bool stall()
	{
		if (opts.stall_pct == 0)
			return false;
		// xorshift64*: fast, seeded, good enough for stall patterns.
		rng ^= rng >> 12;
		rng ^= rng << 25;
		rng ^= rng >> 27;
		return ((rng * 0x2545F4914F6CDD1DULL) >> 33) % 100 < opts.stall_pct;
	}

	bool in_mem(uint64_t addr, uint64_t bytes) const
	{
		return addr < mem_bytes && bytes <= mem_bytes - addr;
	}

	void check_burst(const char *ch, uint64_t addr, uint32_t len, uint32_t size, uint32_t burst)
	{
		uint64_t bytes = uint64_t(len + 1) * kBeatBytes;
		if (size != 6 || burst != 1)
			proto_error(ch[0] == 'A' && ch[1] == 'R' ? "AR not a full-width INCR burst"
								  : "AW not a full-width INCR burst",
				    addr);
		if (addr % kBeatBytes)
			proto_error("unaligned burst address", addr);
		if ((addr & 4095) + bytes > 4096)
			proto_error(ch[1] == 'R' ? "read burst crosses 4 KiB" : "write burst crosses 4 KiB", addr);
		if (!in_mem(addr, bytes))
			proto_error("burst outside device memory", addr);
	}

	// The response an accepted burst gets: the first matching injected fault's, else OKAY.
	uint32_t fault_resp(const char *port, int write, uint64_t nth, uint64_t addr, uint64_t bytes)
	{
		for (auto &fu : faults) {
			const nasmac_sim_fault_t &f = fu.f;
			if ((f.port && strcmp(f.port, port)) || f.write != write)
				continue;
			if (f.addr_hi && (addr >= f.addr_hi || addr + bytes <= f.addr_lo))
				continue;
			if (nth < (f.nth ? f.nth : 1) || (f.count && fu.used >= f.count))
				continue;
			fu.used++;
			return f.resp;
		}
		return 0;
	}

	// Read data of one port: the oldest burst, once its latency has passed.
	template <typename Wide>
	void read_drive(ReadPort &p, uint8_t &rvalid, Wide &rdata, uint8_t &rlast, uint8_t &rresp)
	{
		if (!p.r_valid && !p.reads.empty() && cycle >= p.reads.front().ready_at && !stall())
			p.r_valid = true;
		rvalid = p.r_valid;
		rresp = 0;
		if (p.r_valid) {
			const Burst &b = p.reads.front();
			for (uint32_t w = 0; w < kBeatBytes / 4; w++) {
				uint32_t v = 0xdededede; // poisoned data with an error response
				if (!b.resp) {
					v = 0;
					if (in_mem(b.addr + 4 * w, 4))
						memcpy(&v, mem + b.addr + 4 * w, 4);
				}
				rdata[w] = v;
			}
			rlast = b.beats == 1;
			rresp = uint8_t(b.resp);
		}
	}

	void read_sample(ReadPort &p, bool ar_hs, uint64_t araddr, uint32_t arlen, uint32_t arsize,
			 uint32_t arburst, bool r_hs)
	{
		if (ar_hs) {
			check_burst("AR", araddr, arlen, arsize, arburst);
			uint32_t resp = fault_resp(p.name, 0, ++p.bursts, araddr, uint64_t(arlen + 1) * kBeatBytes);
			p.reads.push_back({araddr, arlen + 1u, cycle + 1 + opts.mem_latency, resp});
		}
		if (p.r_valid && r_hs) {
			Burst &b = p.reads.front();
			b.addr += kBeatBytes;
			if (--b.beats == 0)
				p.reads.pop_front();
			p.r_valid = false;
		}
	}

	// One clock cycle: drive the slave side, settle, record handshakes, rising edge.
	void tick()
	{
		Vnasmac *t = top.get();
		read_drive(rd_gmem, t->m_axi_gmem_RVALID, t->m_axi_gmem_RDATA, t->m_axi_gmem_RLAST,
			   t->m_axi_gmem_RRESP);
		read_drive(rd_msg, t->m_axi_msg_RVALID, t->m_axi_msg_RDATA, t->m_axi_msg_RLAST,
			   t->m_axi_msg_RRESP);
		if (!b_valid && !resps.empty() && cycle >= resps.front().ready_at && !stall())
			b_valid = true;
		t->m_axi_gmem_BVALID = b_valid;
		t->m_axi_gmem_BRESP = b_valid ? uint8_t(resps.front().resp) : 0;
		t->m_axi_gmem_ARREADY = !stall();
		t->m_axi_msg_ARREADY = !stall();
		t->m_axi_gmem_AWREADY = !stall();
		t->m_axi_gmem_WREADY = !stall();

		t->ap_clk = 0;
		t->eval();
#ifdef NASMAC_SIM_TRACE
		if (tfp)
			tfp->dump(ctx->time());
#endif
		ctx->timeInc(5);

		read_sample(rd_gmem, t->m_axi_gmem_ARVALID && t->m_axi_gmem_ARREADY, t->m_axi_gmem_ARADDR,
			    t->m_axi_gmem_ARLEN, t->m_axi_gmem_ARSIZE, t->m_axi_gmem_ARBURST, t->m_axi_gmem_RREADY);
		read_sample(rd_msg, t->m_axi_msg_ARVALID && t->m_axi_msg_ARREADY, t->m_axi_msg_ARADDR,
			    t->m_axi_msg_ARLEN, t->m_axi_msg_ARSIZE, t->m_axi_msg_ARBURST, t->m_axi_msg_RREADY);
		if (t->m_axi_gmem_AWVALID && t->m_axi_gmem_AWREADY) {
			check_burst("AW", t->m_axi_gmem_AWADDR, t->m_axi_gmem_AWLEN, t->m_axi_gmem_AWSIZE,
				    t->m_axi_gmem_AWBURST);
			uint32_t resp = fault_resp("gmem", 1, ++write_bursts, t->m_axi_gmem_AWADDR,
						   uint64_t(t->m_axi_gmem_AWLEN + 1) * kBeatBytes);
			writes.push_back({t->m_axi_gmem_AWADDR, t->m_axi_gmem_AWLEN + 1u, 0, resp});
		}
		if (t->m_axi_gmem_WVALID && t->m_axi_gmem_WREADY) {
			WBeat wb;
			for (uint32_t i = 0; i < kBeatBytes; i++)
				wb.data[i] = uint8_t(t->m_axi_gmem_WDATA[i / 4] >> (8 * (i % 4)));
			wb.strb = t->m_axi_gmem_WSTRB;
			wb.last = t->m_axi_gmem_WLAST;
			wbeats.push_back(wb);
		}
		// Data beats meet their addresses in order.
		while (!writes.empty() && !wbeats.empty()) {
			Burst &b = writes.front();
			const WBeat &wb = wbeats.front();
			for (uint32_t i = 0; i < kBeatBytes && !b.resp; i++)
				if (((wb.strb >> i) & 1) && in_mem(b.addr + i, 1))
					mem[b.addr + i] = wb.data[i];
			bool last = --b.beats == 0;
			if (last != wb.last)
				proto_error("WLAST does not match AWLEN", b.addr);
			wbeats.pop_front();
			b.addr += kBeatBytes;
			if (last) {
				resps.push_back({b.addr, 0, cycle + 1 + opts.mem_latency, b.resp});
				writes.pop_front();
			}
		}
		if (b_valid && t->m_axi_gmem_BREADY) {
			resps.pop_front();
			b_valid = false;
		}

		t->ap_clk = 1;
		t->eval();
#ifdef NASMAC_SIM_TRACE
		if (tfp)
			tfp->dump(ctx->time());
#endif
		ctx->timeInc(5);
		cycle++;
	}

	void lite_idle()
	{
		Vnasmac *t = top.get();
		t->s_axi_control_AWVALID = 0;
		t->s_axi_control_WVALID = 0;
		t->s_axi_control_BREADY = 0;
		t->s_axi_control_ARVALID = 0;
		t->s_axi_control_RREADY = 0;
	}
};

namespace {

// AXI-Lite transactions wait at most this long for a handshake before reporting a hang.
constexpr int kLiteTimeout = 1000;

} // namespace

extern "C" {

int nasmac_sim_create(const nasmac_sim_opts_t *opts, nasmac_sim_t **out)
{
	if (!out)
		return -EINVAL;
	*out = nullptr;
	nasmac_sim_opts_t o = {};
	if (opts)
		o = *opts;
	if (o.stall_pct > 100)
		return -EINVAL;
	if (o.mem_bytes == 0)
		o.mem_bytes = kDefaultMem;

	auto s = std::make_unique<nasmac_sim>();
	s->opts = o;
	s->opts.trace_path = nullptr;
	s->mem_bytes = o.mem_bytes;
	// calloc keeps untouched device memory as shared zero pages.
	s->mem = static_cast<uint8_t *>(calloc(1, o.mem_bytes));
	if (!s->mem)
		return -ENOMEM;
	s->rng = o.seed ? o.seed : 0x9E3779B97F4A7C15ULL;
	s->ctx = std::make_unique<VerilatedContext>();
	const char *trace = o.trace_path ? o.trace_path : getenv("NASMAC_TRACE");
#ifdef NASMAC_SIM_TRACE
	if (trace && *trace)
		s->ctx->traceEverOn(true);
#endif
	s->top = std::make_unique<Vnasmac>(s->ctx.get(), "nasmac");
	if (trace && *trace) {
#ifdef NASMAC_SIM_TRACE
		s->tfp = std::make_unique<VerilatedFstC>();
		s->top->trace(s->tfp.get(), 99);
		s->tfp->open(trace);
#else
		fprintf(stderr, "nasmac_sim: no trace written to %s: this model was built without "
				"trace support (link libnasmac_sim_trace.a)\n",
			trace);
#endif
	}
	s->lite_idle();
	s->top->ap_rst_n = 0;
	for (int i = 0; i < 8; i++)
		s->tick();
	s->top->ap_rst_n = 1;
	for (int i = 0; i < 4; i++)
		s->tick();
	*out = s.release();
	return 0;
}

void nasmac_sim_free(nasmac_sim_t *sim)
{
	if (!sim)
		return;
	sim->top->final();
#ifdef NASMAC_SIM_TRACE
	if (sim->tfp)
		sim->tfp->close();
#endif
	free(sim->mem);
	delete sim;
}

int nasmac_sim_reg_write(nasmac_sim_t *sim, uint32_t offset, uint32_t value)
{
	if (!sim || offset % 4)
		return -EINVAL;
	Vnasmac *t = sim->top.get();
	bool aw = false, w = false;
	t->s_axi_control_AWADDR = offset & 0xfff;
	t->s_axi_control_WDATA = value;
	t->s_axi_control_WSTRB = 0xf;
	for (int i = 0; i < kLiteTimeout; i++) {
		t->s_axi_control_AWVALID = !aw;
		t->s_axi_control_WVALID = !w;
		t->s_axi_control_BREADY = 1;
		t->ap_clk = 0;
		t->eval();
		bool aw_hs = !aw && t->s_axi_control_AWREADY;
		bool w_hs = !w && t->s_axi_control_WREADY;
		bool b_hs = t->s_axi_control_BVALID;
		sim->tick();
		aw = aw || aw_hs;
		w = w || w_hs;
		if (b_hs) {
			sim->lite_idle();
			return 0;
		}
	}
	sim->lite_idle();
	return -ETIMEDOUT;
}

int nasmac_sim_reg_read(nasmac_sim_t *sim, uint32_t offset, uint32_t *value)
{
	if (!sim || !value || offset % 4)
		return -EINVAL;
	Vnasmac *t = sim->top.get();
	bool ar = false;
	t->s_axi_control_ARADDR = offset & 0xfff;
	for (int i = 0; i < kLiteTimeout; i++) {
		t->s_axi_control_ARVALID = !ar;
		t->s_axi_control_RREADY = 1;
		t->ap_clk = 0;
		t->eval();
		bool ar_hs = !ar && t->s_axi_control_ARREADY;
		bool r_hs = t->s_axi_control_RVALID;
		uint32_t data = t->s_axi_control_RDATA;
		sim->tick();
		ar = ar || ar_hs;
		if (r_hs) {
			*value = data;
			sim->lite_idle();
			return 0;
		}
	}
	sim->lite_idle();
	return -ETIMEDOUT;
}

int nasmac_sim_mem_alloc(nasmac_sim_t *sim, size_t bytes, uint64_t *dev_addr)
{
	if (!sim || !dev_addr || bytes == 0)
		return -EINVAL;
	size_t need = (bytes + 63) & ~size_t{63};
	// First fit over the gaps between allocations (few live allocations: a linear scan will do).
	uint64_t at = kMemBase;
	for (const auto &a : sim->allocs) {
		if (a.first >= at && a.first - at >= need)
			break;
		uint64_t end = (a.first + a.second + 63) & ~uint64_t{63};
		if (end > at)
			at = end;
	}
	if (at > sim->mem_bytes || need > sim->mem_bytes - at)
		return -ENOMEM;
	sim->allocs[at] = need;
	*dev_addr = at;
	return 0;
}

int nasmac_sim_mem_free(nasmac_sim_t *sim, uint64_t dev_addr)
{
	if (!sim)
		return -EINVAL;
	auto it = sim->allocs.find(dev_addr);
	if (it == sim->allocs.end())
		return -EINVAL;
	sim->allocs.erase(it);
	return 0;
}

int nasmac_sim_mem_write(nasmac_sim_t *sim, uint64_t dev_addr, const void *src, size_t bytes)
{
	if (!sim || (!src && bytes) || !sim->in_mem(dev_addr, bytes))
		return -EINVAL;
	if (bytes)
		memcpy(sim->mem + dev_addr, src, bytes);
	return 0;
}

int nasmac_sim_mem_read(nasmac_sim_t *sim, uint64_t dev_addr, void *dst, size_t bytes)
{
	if (!sim || (!dst && bytes) || !sim->in_mem(dev_addr, bytes))
		return -EINVAL;
	if (bytes)
		memcpy(dst, sim->mem + dev_addr, bytes);
	return 0;
}

int nasmac_sim_run(nasmac_sim_t *sim, uint64_t max_cycles, uint64_t *cycles)
{
	if (!sim)
		return -EINVAL;
	uint64_t start = sim->cycle;
	uint64_t errors = sim->protocol_errors;
	int rc = -ETIMEDOUT;
	bool irq_was = sim->top->__SYM__interrupt;
	while (sim->cycle - start < max_cycles) {
		if (sim->top->rootp->nasmac__DOT__u_ctrl__DOT__ap_done_q ||
		    (sim->top->__SYM__interrupt && !irq_was)) {
			rc = 0;
			break;
		}
		irq_was = sim->top->__SYM__interrupt;
		sim->tick();
		if (sim->protocol_errors != errors)
			break;
	}
	if (cycles)
		*cycles = sim->cycle - start;
	// A protocol error makes the run's results worthless, even if it finished.
	if (sim->protocol_errors != errors)
		return -EPROTO;
	return rc;
}

int nasmac_sim_inject(nasmac_sim_t *sim, const nasmac_sim_fault_t *fault)
{
	if (!sim)
		return -EINVAL;
	if (!fault) {
		sim->faults.clear();
		return 0;
	}
	if ((fault->resp != NASMAC_SIM_SLVERR && fault->resp != NASMAC_SIM_DECERR) ||
	    (fault->port && strcmp(fault->port, "gmem") && strcmp(fault->port, "msg")) ||
	    (fault->port && fault->write && strcmp(fault->port, "gmem")))
		return -EINVAL;
	nasmac_sim_fault_t f = *fault;
	// The port name is kept by value: one of the model's own strings.
	if (f.port)
		f.port = strcmp(f.port, "gmem") ? "msg" : "gmem";
	sim->faults.push_back({f, 0});
	return 0;
}

int nasmac_sim_step(nasmac_sim_t *sim, uint64_t n)
{
	if (!sim)
		return -EINVAL;
	for (uint64_t i = 0; i < n; i++)
		sim->tick();
	return sim->protocol_errors ? -EPROTO : 0;
}

uint64_t nasmac_sim_cycles(const nasmac_sim_t *sim)
{
	return sim ? sim->cycle : 0;
}

int nasmac_sim_irq(const nasmac_sim_t *sim)
{
	return sim ? sim->top->__SYM__interrupt : 0;
}

} // extern "C"
