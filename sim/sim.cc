// The C API of sim/sim.h over the Verilated nasmac kernel (its generated Vitis top nasmac_top):
// clock and reset, an AXI4-Lite master for s_axi_control, and one AXI4 slave memory model
// (axi_mem.h) per m_axi port of the kernel, all over one device memory.
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "Vnasmac.h"
#include "verilated.h"
#include "verilated_syms.h"
#ifdef NASMAC_SIM_TRACE
#include "verilated_fst_c.h"
#endif

#include "axi_mem.h"
#include "sim.h"

// Verilator renames the Vitis port `interrupt` (a C++ keyword in some compilers) to __SYM__interrupt.

using nasmac_sim_axi::AxiConfig;
using nasmac_sim_axi::AxiIn;
using nasmac_sim_axi::AxiMem;
using nasmac_sim_axi::AxiOut;

namespace {

constexpr uint64_t kMemBase = 0x1000; // the allocator never hands out address 0
constexpr size_t kDefaultMem = size_t{256} << 20;

// The width of a data port, from the type Verilator gives it (VlWide<N> above 64 bits), so that
// a kernel built with DataWidth 128, 256 or 512 needs no change here.
template <std::size_t N> constexpr uint32_t bus_bytes(const VlWide<N> &)
{
	return uint32_t(N * 4);
}
template <std::size_t N> void bus_put(VlWide<N> &w, const uint8_t *p)
{
	memcpy(w.data(), p, N * 4);
}
template <std::size_t N> const uint8_t *bus_get(const VlWide<N> &w)
{
	return reinterpret_cast<const uint8_t *>(w.data()); // little-endian words, as on the bus
}

// Copy one m_axi_<P> master's channels between the model's ports and an AxiIn / AxiOut. An
// address channel (C: AR or AW, c: ar or aw) is the same five fields either way.
#define AXI_AX_IN(t, P, C, c, in)                                                                 \
	do {                                                                                      \
		(in).c##valid = (t)->m_axi_##P##_##C##VALID;                                      \
		(in).c##addr = (t)->m_axi_##P##_##C##ADDR;                                        \
		(in).c##len = (t)->m_axi_##P##_##C##LEN;                                          \
		(in).c##size = (t)->m_axi_##P##_##C##SIZE;                                        \
		(in).c##burst = (t)->m_axi_##P##_##C##BURST;                                      \
	} while (0)
#define AXI_READ_IN(t, P, in)                                                                     \
	do {                                                                                      \
		AXI_AX_IN(t, P, AR, ar, in);                                                      \
		(in).rready = (t)->m_axi_##P##_RREADY;                                            \
	} while (0)
#define AXI_WRITE_IN(t, P, in)                                                                    \
	do {                                                                                      \
		AXI_AX_IN(t, P, AW, aw, in);                                                      \
		(in).wvalid = (t)->m_axi_##P##_WVALID;                                            \
		(in).wdata = bus_get((t)->m_axi_##P##_WDATA);                                     \
		(in).wstrb = uint64_t((t)->m_axi_##P##_WSTRB);                                    \
		(in).wlast = (t)->m_axi_##P##_WLAST;                                              \
		(in).bready = (t)->m_axi_##P##_BREADY;                                            \
	} while (0)
#define AXI_READ_OUT(t, P, out)                                                                   \
	do {                                                                                      \
		(t)->m_axi_##P##_ARREADY = (out).arready;                                         \
		(t)->m_axi_##P##_RVALID = (out).rvalid;                                           \
		(t)->m_axi_##P##_RLAST = (out).rlast;                                             \
		(t)->m_axi_##P##_RRESP = (out).rresp;                                             \
		bus_put((t)->m_axi_##P##_RDATA, (out).rdata);                                     \
	} while (0)
#define AXI_WRITE_OUT(t, P, out)                                                                  \
	do {                                                                                      \
		(t)->m_axi_##P##_AWREADY = (out).awready;                                         \
		(t)->m_axi_##P##_WREADY = (out).wready;                                           \
		(t)->m_axi_##P##_BVALID = (out).bvalid;                                           \
		(t)->m_axi_##P##_BRESP = (out).bresp;                                             \
	} while (0)

// The kernel's m_axi ports, in the order of nasmac_sim::ports: m_axi_gmem (descriptors and
// results: AR/R and AW/W/B) and m_axi_msg (message reads: AR/R only). A new port gets an entry
// here, its lines in drive_ports() / sample_ports() and its name, direction and width in create.
enum PortId { kGmem, kMsg, kNumPorts };

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
	uint64_t protocol_errors = 0;
	std::unique_ptr<AxiMem> ports[kNumPorts];
	// The control block's ap_done register, found by name through Verilator's public-signal
	// table (sim/peek.vlt makes it public_flat_rd for this harness): a run ends on
	// ap_done even with the interrupt disabled, and reading it has no side effect, unlike
	// reading AP_CTRL (clear on read).
	const uint8_t *ap_done = nullptr;

	bool in_mem(uint64_t addr, uint64_t bytes) const
	{
		return addr < mem_bytes && bytes <= mem_bytes - addr;
	}

	// The slave side of every m_axi port for this cycle (all low while the kernel is in reset).
	void drive_ports()
	{
		Vnasmac *t = top.get();
		AxiOut o[kNumPorts];
		for (int p = 0; p < kNumPorts; p++) {
			if (t->ap_rst_n)
				ports[p]->drive(cycle, &o[p]);
			else
				ports[p]->reset();
			if (!o[p].rdata)
				o[p].rdata = zero_beat;
		}
		AXI_READ_OUT(t, gmem, o[kGmem]);
		AXI_WRITE_OUT(t, gmem, o[kGmem]);
		AXI_READ_OUT(t, msg, o[kMsg]);
	}

	// The handshakes of this cycle, after the falling-edge evaluation.
	void sample_ports()
	{
		Vnasmac *t = top.get();
		if (!t->ap_rst_n)
			return;
		AxiIn in[kNumPorts];
		AXI_READ_IN(t, gmem, in[kGmem]);
		AXI_WRITE_IN(t, gmem, in[kGmem]);
		AXI_READ_IN(t, msg, in[kMsg]);
		for (int p = 0; p < kNumPorts; p++)
			ports[p]->sample(cycle, in[p]);
	}

	// Half a clock period: the clock at its new level, the model settled (and traced).
	void half_period(uint8_t clk)
	{
		top->ap_clk = clk;
		top->eval();
#ifdef NASMAC_SIM_TRACE
		if (tfp)
			tfp->dump(ctx->time());
#endif
		ctx->timeInc(5);
	}

	// One clock cycle: drive the slave side, settle, record handshakes, rising edge.
	void tick()
	{
		drive_ports();
		half_period(0);
		sample_ports();
		half_period(1);
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

	void reset(uint32_t cycles)
	{
		lite_idle();
		top->ap_rst_n = 0;
		for (uint32_t i = 0; i < cycles; i++)
			tick();
		top->ap_rst_n = 1;
		for (int i = 0; i < 4; i++)
			tick();
	}

	static const uint8_t zero_beat[128];
};

const uint8_t nasmac_sim::zero_beat[128] = {};

namespace {

// AXI-Lite transactions wait at most this long for a handshake before reporting a hang.
constexpr int kLiteTimeout = 1000;
// The largest s_axi_control offset (a 12-bit address, as Vitis kernels have; a kernel built with
// fewer address bits must only be given offsets that fit them).
constexpr uint32_t kCtrlAddrMax = 0xfff;

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
	// Scope names are the model instance name, then the hierarchy from the top module (the
	// generated Vitis top nasmac_top, scripts/gen_kernel_top.py, around the kernel u_nasmac).
	std::string ctrl = std::string(s->top->name()) + ".nasmac_top.u_nasmac.u_ctrl";
	const VerilatedScope *scope = s->ctx->scopeFind(ctrl.c_str());
	VerilatedVar *done = scope ? scope->varFind("ap_done_q") : nullptr;
	if (!done) {
		fprintf(stderr, "nasmac_sim: the model has no public %s.ap_done_q (sim/peek.vlt "
				"makes it public_flat_rd for this harness)\n",
			ctrl.c_str());
		free(s->mem);
		return -ENODEV;
	}
	s->ap_done = static_cast<const uint8_t *>(done->datap());
	AxiConfig cfg;
	cfg.latency = o.mem_latency;
	cfg.stall_pct = o.stall_pct;
	cfg.max_reads = o.max_reads;
	cfg.max_writes = o.max_writes;
	static const char *const names[] = {"gmem", "msg"};
	static const bool writes[] = {true, false};
	const uint32_t beats[] = {bus_bytes(s->top->m_axi_gmem_RDATA), bus_bytes(s->top->m_axi_msg_RDATA)};
	for (int p = 0; p < kNumPorts; p++) {
		// Each port its own stall pattern, all from the one seed.
		cfg.seed = (o.seed ? o.seed : 0x9E3779B97F4A7C15ULL) + 0x9E3779B97F4A7C15ULL * uint64_t(p);
		if (beats[p] > sizeof(nasmac_sim::zero_beat)) {
			free(s->mem);
			return -EINVAL;
		}
		s->ports[p] = std::make_unique<AxiMem>(names[p], s->mem, s->mem_bytes, beats[p], writes[p], cfg,
						       &s->protocol_errors);
	}
	s->reset(8);
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

// One AXI4-Lite transaction on s_axi_control: a write (AW and W each offered until taken, done
// on B) or a read (AR, done on R, whose data lands in *rdata). -ETIMEDOUT when no response comes.
static int lite_xfer(nasmac_sim_t *sim, bool write, uint32_t offset, uint32_t wdata, uint32_t *rdata)
{
	Vnasmac *t = sim->top.get();
	bool a = false, w = !write; // the address taken; the data taken (a read has none)
	t->s_axi_control_AWADDR = offset;
	t->s_axi_control_ARADDR = offset;
	t->s_axi_control_WDATA = wdata;
	t->s_axi_control_WSTRB = 0xf;
	for (int i = 0; i < kLiteTimeout; i++) {
		t->s_axi_control_AWVALID = write && !a;
		t->s_axi_control_WVALID = !w;
		t->s_axi_control_BREADY = write;
		t->s_axi_control_ARVALID = !write && !a;
		t->s_axi_control_RREADY = !write;
		t->ap_clk = 0;
		t->eval();
		bool a_hs = !a && (write ? t->s_axi_control_AWREADY : t->s_axi_control_ARREADY);
		bool w_hs = !w && t->s_axi_control_WREADY;
		bool done = write ? t->s_axi_control_BVALID : t->s_axi_control_RVALID;
		uint32_t data = t->s_axi_control_RDATA;
		sim->tick();
		a = a || a_hs;
		w = w || w_hs;
		if (done) {
			if (rdata)
				*rdata = data;
			sim->lite_idle();
			return 0;
		}
	}
	sim->lite_idle();
	return -ETIMEDOUT;
}

int nasmac_sim_reg_write(nasmac_sim_t *sim, uint32_t offset, uint32_t value)
{
	if (!sim || offset % 4 || offset > kCtrlAddrMax)
		return -EINVAL;
	return lite_xfer(sim, true, offset, value, nullptr);
}

int nasmac_sim_reg_read(nasmac_sim_t *sim, uint32_t offset, uint32_t *value)
{
	if (!sim || !value || offset % 4 || offset > kCtrlAddrMax)
		return -EINVAL;
	return lite_xfer(sim, false, offset, 0, value);
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
		if (*sim->ap_done ||
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

int nasmac_sim_step(nasmac_sim_t *sim, uint64_t n)
{
	if (!sim)
		return -EINVAL;
	for (uint64_t i = 0; i < n; i++)
		sim->tick();
	return sim->protocol_errors ? -EPROTO : 0;
}

int nasmac_sim_inject(nasmac_sim_t *sim, const nasmac_sim_fault_t *fault)
{
	if (!sim)
		return -EINVAL;
	if (!fault) {
		for (auto &p : sim->ports)
			p->clear_faults();
		return 0;
	}
	if (fault->resp != NASMAC_SIM_SLVERR && fault->resp != NASMAC_SIM_DECERR)
		return -EINVAL;
	nasmac_sim_axi::AxiFault f;
	f.write = fault->write != 0;
	f.resp = fault->resp;
	f.addr_lo = fault->addr_lo;
	f.addr_hi = fault->addr_hi;
	f.nth = fault->nth;
	f.count = fault->count;
	int matched = 0;
	for (auto &p : sim->ports) {
		if (fault->port && p->name() != fault->port)
			continue;
		if (f.write && !p->has_write()) {
			if (fault->port)
				return -EINVAL;
			continue;
		}
		p->add_fault(f);
		matched++;
	}
	return matched ? 0 : -EINVAL;
}

int nasmac_sim_reset(nasmac_sim_t *sim, uint32_t cycles)
{
	if (!sim)
		return -EINVAL;
	sim->reset(cycles ? cycles : 1);
	return 0;
}

uint32_t nasmac_sim_in_flight(const nasmac_sim_t *sim)
{
	uint32_t n = 0;
	if (sim)
		for (const auto &p : sim->ports)
			n += p->in_flight();
	return n;
}

int nasmac_sim_port_stats(const nasmac_sim_t *sim, const char *port, nasmac_sim_stats_t *st)
{
	if (!sim || !st)
		return -EINVAL;
	*st = {};
	st->protocol_errors = sim->protocol_errors;
	int found = 0;
	for (const auto &p : sim->ports) {
		if (port && p->name() != port)
			continue;
		found++;
		const nasmac_sim_axi::AxiCounters &c = p->counters();
		st->read_bursts += c.read_bursts;
		st->write_bursts += c.write_bursts;
		st->read_beats += c.read_beats;
		st->write_beats += c.write_beats;
		st->rd_errors += c.rd_errors;
		st->wr_errors += c.wr_errors;
		st->dropped += c.dropped;
		if (c.max_reads_seen > st->max_reads)
			st->max_reads = c.max_reads_seen;
		if (c.max_writes_seen > st->max_writes)
			st->max_writes = c.max_writes_seen;
	}
	return found ? 0 : -EINVAL;
}

int nasmac_sim_stats(const nasmac_sim_t *sim, nasmac_sim_stats_t *st)
{
	return nasmac_sim_port_stats(sim, nullptr, st);
}

const char *nasmac_sim_port(const nasmac_sim_t *sim, unsigned int i)
{
	return sim && i < kNumPorts ? sim->ports[i]->name().c_str() : nullptr;
}

uint64_t nasmac_sim_cycles(const nasmac_sim_t *sim)
{
	return sim ? sim->cycle : 0;
}

int nasmac_sim_irq(const nasmac_sim_t *sim)
{
	return sim ? sim->top->__SYM__interrupt : 0;
}

size_t nasmac_sim_peek(nasmac_sim_t *sim, nasmac_sim_peek_fn fn, void *arg)
{
	static const char *const kVars[] = { "mem", "mem_q", "rdata_q", "byp_data_q", "od_q" };
	const VerilatedScopeNameMap *scopes = sim ? sim->ctx->scopeNameMap() : nullptr;
	std::string prefix = sim ? std::string(sim->top->name()) + "." : std::string();
	std::vector<uint32_t> words;
	size_t n = 0;

	if (!scopes || !fn)
		return 0;
	for (const auto &it : *scopes) {
		const VerilatedScope *scope = it.second;
		if (!scope->varsp())
			continue;
		const char *name = scope->name();
		if (!strncmp(name, prefix.c_str(), prefix.size()))
			name += prefix.size();
		for (const auto &v : *scope->varsp()) {
			const VerilatedVar &var = v.second;
			bool wanted = false;
			for (const char *w : kVars)
				wanted |= !strcmp(v.first, w);
			if (!wanted || var.udims() > 1)
				continue;
			uint32_t width = var.dims() > var.udims() ? (uint32_t)var.packed().elements() : 1u;
			uint32_t elems = var.udims() ? (uint32_t)var.unpacked().elements() : 1u;
			size_t ent = var.entSize();
			words.assign((ent + 3) / 4, 0);
			for (uint32_t e = 0; e < elems; e++) {
				memcpy(words.data(), static_cast<const uint8_t *>(var.datap()) + e * ent, ent);
				fn(arg, name, v.first, e, words.data(), width);
				n++;
			}
		}
	}
	return n;
}

} // extern "C"
