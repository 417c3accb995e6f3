// One AXI4 slave port over the model's device memory, as an Alveo shell's memory controller and
// interconnect present it to one m_axi master of the kernel: AR/R and (for a port that has
// them) AW/W/B, a fixed latency from an accepted address to its first data beat (or from the
// last write beat to its response), seeded random stalls on every channel, a cap on the
// transactions in flight, SLVERR/DECERR on chosen bursts, and protocol checks of the master
// (VALID and payload held until READY, bursts within 4 KiB, full-width INCR bursts inside the
// memory, WLAST where AWLEN puts it). Violations are counted and the first few printed.
//
// The class knows nothing of Verilator: sim.cc copies the port's signals into AxiIn before a
// clock edge and AxiOut back onto the ports (sim.cc, AXI_* macros), so a kernel with a second
// master instantiates a second AxiMem over the same memory. Data beats are byte arrays of the
// port's width (16, 32 or 64 octets for 128/256/512-bit ports), little-endian as on the bus.
#ifndef NASMAC_AXI_MEM_H
#define NASMAC_AXI_MEM_H

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace nasmac_sim_axi {

constexpr uint32_t kRespOkay = 0, kRespSlvErr = 2, kRespDecErr = 3;

// What the master drives (sampled after the falling-edge evaluation).
struct AxiIn {
	bool arvalid = false;
	uint64_t araddr = 0;
	uint32_t arlen = 0, arsize = 0, arburst = 0;
	bool rready = false;
	bool awvalid = false;
	uint64_t awaddr = 0;
	uint32_t awlen = 0, awsize = 0, awburst = 0;
	bool wvalid = false;
	const uint8_t *wdata = nullptr; // beat_bytes octets
	uint64_t wstrb = 0;
	bool wlast = false;
	bool bready = false;
};

// What the slave drives for the coming cycle.
struct AxiOut {
	bool arready = false;
	bool rvalid = false, rlast = false;
	uint32_t rresp = 0;
	const uint8_t *rdata = nullptr; // beat_bytes octets, valid until the next drive()
	bool awready = false, wready = false;
	bool bvalid = false;
	uint32_t bresp = 0;
};

struct AxiConfig {
	uint32_t latency = 0;    // cycles from an accepted AR (last W beat) to the first R beat (B)
	uint32_t stall_pct = 0;  // 0..100: chance per cycle and channel of a random stall
	uint32_t max_reads = 0;  // read bursts in flight the port accepts (0: no limit)
	uint32_t max_writes = 0; // write bursts in flight, AW accepted to B taken (0: no limit)
	uint64_t seed = 0;
};

// A bus error to inject: every matching burst from the nth on gets resp instead of OKAY, at
// most count of them (0: no limit). A read burst's R beats carry resp and poisoned data
// (0xde octets); a write burst's data is dropped and its B carries resp.
struct AxiFault {
	bool write = false;
	uint32_t resp = kRespSlvErr;
	uint64_t addr_lo = 0, addr_hi = 0; // the burst overlaps [addr_lo, addr_hi) (hi 0: any)
	uint64_t nth = 1;                  // 1-based, among the matching bursts
	uint64_t count = 1;
	uint64_t seen = 0, hit = 0;        // matching bursts so far, errors injected so far
};

struct AxiCounters {
	uint64_t read_bursts = 0, write_bursts = 0;
	uint64_t read_beats = 0, write_beats = 0; // R and W handshakes
	uint64_t rd_errors = 0, wr_errors = 0; // bursts that got an injected error
	uint64_t dropped = 0;                  // bursts in flight when a reset dropped them
	uint64_t max_reads_seen = 0, max_writes_seen = 0;
};

class AxiMem {
public:
	// name: the bundle (m_axi_<name>), for messages and fault selection; mem/mem_bytes: the
	// shared device memory; has_write: the port has AW/W/B.
	AxiMem(std::string name, uint8_t *mem, size_t mem_bytes, uint32_t beat_bytes, bool has_write,
	       const AxiConfig &cfg, uint64_t *protocol_errors);

	// Before the falling edge: the slave's outputs for this cycle.
	void drive(uint64_t cycle, AxiOut *out);
	// After the falling-edge evaluation: take the handshakes that happen on the rising edge.
	void sample(uint64_t cycle, const AxiIn &in);
	// An interconnect reset: every transaction in flight is forgotten (ap_rst_n low).
	void reset();

	void add_fault(const AxiFault &f) { faults_.push_back(f); }
	void clear_faults() { faults_.clear(); }
	const AxiCounters &counters() const { return cnt_; }
	uint32_t in_flight() const;
	const std::string &name() const { return name_; }
	uint32_t beat_bytes() const { return beat_; }
	bool has_write() const { return has_write_; }

private:
	struct Burst {
		uint64_t addr;
		uint32_t beats;    // left
		uint64_t ready_at; // first cycle its data (R) or response (B) may appear
		uint32_t resp;
	};
	struct WBeat {
		std::vector<uint8_t> data;
		uint64_t strb;
		bool last;
	};
	// A request seen with VALID and no READY: the master must hold it unchanged.
	struct Held {
		bool on = false;
		uint64_t addr = 0;
		uint32_t len = 0, size = 0, burst = 0;
	};

	bool stall();
	bool in_mem(uint64_t addr, uint64_t bytes) const { return addr < bytes_ && bytes <= bytes_ - addr; }
	void error(const char *what, uint64_t addr);
	void check_burst(bool write, uint64_t addr, uint32_t len, uint32_t size, uint32_t burst);
	uint32_t fault_resp(bool write, uint64_t addr, uint32_t len);
	void check_held(Held &h, const char *ch, bool valid, uint64_t addr, uint32_t len, uint32_t size,
			uint32_t burst);

	std::string name_;
	uint8_t *mem_;
	size_t bytes_;
	uint32_t beat_;
	uint32_t size_log2_;
	bool has_write_;
	AxiConfig cfg_;
	uint64_t *errors_;
	uint64_t rng_;
	uint64_t cycle_ = 0;

	std::deque<Burst> reads_;  // accepted AR, oldest first
	std::deque<Burst> writes_; // accepted AW whose data has not all arrived
	std::deque<Burst> resps_;  // completed write bursts waiting for B
	std::deque<WBeat> wbeats_; // write data that arrived before its address (legal in AXI)
	bool r_valid_ = false, b_valid_ = false, ar_ready_ = false, aw_ready_ = false, w_ready_ = false;
	std::vector<uint8_t> rbeat_;
	Held ar_held_, aw_held_;
	bool w_held_ = false;
	std::vector<uint8_t> w_held_data_;
	uint64_t w_held_strb_ = 0;
	bool w_held_last_ = false;
	std::vector<AxiFault> faults_;
	AxiCounters cnt_;
};

} // namespace nasmac_sim_axi

#endif // NASMAC_AXI_MEM_H
