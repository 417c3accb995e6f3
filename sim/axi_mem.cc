// One AXI4 slave port over the device memory: see axi_mem.h.
#include "axi_mem.h"

#include <cstdio>
#include <cstring>

namespace nasmac_sim_axi {

namespace {

// Octets a read burst with an injected error returns instead of memory (a DECERR/SLVERR beat's
// data is undefined; a recognisable pattern makes a kernel that uses it anyway compute garbage).
constexpr uint8_t kPoison = 0xde;

uint32_t log2u(uint32_t v)
{
	uint32_t r = 0;
	while (v > 1) {
		v >>= 1;
		r++;
	}
	return r;
}

} // namespace

AxiMem::AxiMem(std::string name, uint8_t *mem, size_t mem_bytes, uint32_t beat_bytes, bool has_write,
	       const AxiConfig &cfg, uint64_t *protocol_errors)
	: name_(std::move(name)), mem_(mem), bytes_(mem_bytes), beat_(beat_bytes),
	  size_log2_(log2u(beat_bytes)), has_write_(has_write), cfg_(cfg), errors_(protocol_errors),
	  rng_(cfg.seed ? cfg.seed : 0x9E3779B97F4A7C15ULL), rbeat_(beat_bytes), w_held_data_(beat_bytes)
{
}

bool AxiMem::stall()
{
	if (cfg_.stall_pct == 0)
		return false;
	// xorshift64*: fast, seeded, good enough for stall patterns.
	rng_ ^= rng_ >> 12;
	rng_ ^= rng_ << 25;
	rng_ ^= rng_ >> 27;
	return ((rng_ * 0x2545F4914F6CDD1DULL) >> 33) % 100 < cfg_.stall_pct;
}

void AxiMem::error(const char *what, uint64_t addr)
{
	if ((*errors_)++ < 10)
		fprintf(stderr, "nasmac_sim: AXI protocol error on m_axi_%s at cycle %llu: %s (address 0x%llx)\n",
			name_.c_str(), (unsigned long long)cycle_, what, (unsigned long long)addr);
}

void AxiMem::check_burst(bool write, uint64_t addr, uint32_t len, uint32_t size, uint32_t burst)
{
	uint64_t bytes = uint64_t(len + 1) * beat_;
	if (size != size_log2_ || burst != 1)
		error(write ? "AW not a full-width INCR burst" : "AR not a full-width INCR burst", addr);
	if (addr % beat_)
		error("unaligned burst address", addr);
	if ((addr & 4095) + bytes > 4096)
		error(write ? "write burst crosses 4 KiB" : "read burst crosses 4 KiB", addr);
	if (!in_mem(addr, bytes))
		error("burst outside device memory", addr);
}

uint32_t AxiMem::fault_resp(bool write, uint64_t addr, uint32_t len)
{
	uint64_t end = addr + uint64_t(len + 1) * beat_;
	for (AxiFault &f : faults_) {
		if (f.write != write)
			continue;
		if (f.addr_hi && (end <= f.addr_lo || addr >= f.addr_hi))
			continue;
		f.seen++;
		if (f.seen < (f.nth ? f.nth : 1) || (f.count && f.hit >= f.count))
			continue;
		f.hit++;
		(write ? cnt_.wr_errors : cnt_.rd_errors)++;
		return f.resp;
	}
	return kRespOkay;
}

void AxiMem::check_held(Held &h, const char *ch, bool valid, uint64_t addr, uint32_t len, uint32_t size,
			uint32_t burst)
{
	if (!h.on)
		return;
	char what[64];
	if (!valid) {
		snprintf(what, sizeof(what), "%sVALID dropped before %sREADY", ch, ch);
		error(what, h.addr);
	} else if (addr != h.addr || len != h.len || size != h.size || burst != h.burst) {
		snprintf(what, sizeof(what), "%s request changed while %sVALID waited for %sREADY", ch, ch, ch);
		error(what, h.addr);
	}
}

uint32_t AxiMem::in_flight() const
{
	return uint32_t(reads_.size() + writes_.size() + resps_.size());
}

void AxiMem::drive(uint64_t cycle, AxiOut *out)
{
	cycle_ = cycle;
	// Read data: the oldest burst, once its latency has passed.
	if (!r_valid_ && !reads_.empty() && cycle >= reads_.front().ready_at && !stall())
		r_valid_ = true;
	out->rvalid = r_valid_;
	out->rresp = 0;
	out->rlast = false;
	out->rdata = rbeat_.data();
	if (r_valid_) {
		const Burst &b = reads_.front();
		if (b.resp != kRespOkay)
			memset(rbeat_.data(), kPoison, beat_);
		else if (in_mem(b.addr, beat_))
			memcpy(rbeat_.data(), mem_ + b.addr, beat_);
		else
			memset(rbeat_.data(), 0, beat_);
		out->rlast = b.beats == 1;
		out->rresp = b.resp;
	}
	out->bvalid = false;
	out->bresp = 0;
	if (has_write_) {
		if (!b_valid_ && !resps_.empty() && cycle >= resps_.front().ready_at && !stall())
			b_valid_ = true;
		out->bvalid = b_valid_;
		if (b_valid_)
			out->bresp = resps_.front().resp;
	}
	ar_ready_ = !stall() && (cfg_.max_reads == 0 || reads_.size() < cfg_.max_reads);
	out->arready = ar_ready_;
	if (has_write_) {
		aw_ready_ = !stall() && (cfg_.max_writes == 0 || writes_.size() + resps_.size() < cfg_.max_writes);
		w_ready_ = !stall();
	}
	out->awready = aw_ready_;
	out->wready = w_ready_;
}

void AxiMem::sample(uint64_t cycle, const AxiIn &in)
{
	cycle_ = cycle;
	check_held(ar_held_, "AR", in.arvalid, in.araddr, in.arlen, in.arsize, in.arburst);
	ar_held_ = {in.arvalid && !ar_ready_, in.araddr, in.arlen, in.arsize, in.arburst};
	if (in.arvalid && ar_ready_) {
		check_burst(false, in.araddr, in.arlen, in.arsize, in.arburst);
		reads_.push_back({in.araddr, in.arlen + 1u, cycle + 1 + cfg_.latency,
				  fault_resp(false, in.araddr, in.arlen)});
		cnt_.read_bursts++;
		if (reads_.size() > cnt_.max_reads_seen)
			cnt_.max_reads_seen = reads_.size();
	}
	if (r_valid_ && in.rready) {
		cnt_.read_beats++;
		Burst &b = reads_.front();
		b.addr += beat_;
		if (--b.beats == 0)
			reads_.pop_front();
		r_valid_ = false;
	}
	if (!has_write_)
		return;

	check_held(aw_held_, "AW", in.awvalid, in.awaddr, in.awlen, in.awsize, in.awburst);
	aw_held_ = {in.awvalid && !aw_ready_, in.awaddr, in.awlen, in.awsize, in.awburst};
	if (in.awvalid && aw_ready_) {
		check_burst(true, in.awaddr, in.awlen, in.awsize, in.awburst);
		writes_.push_back({in.awaddr, in.awlen + 1u, 0, fault_resp(true, in.awaddr, in.awlen)});
		cnt_.write_bursts++;
		if (writes_.size() + resps_.size() > cnt_.max_writes_seen)
			cnt_.max_writes_seen = writes_.size() + resps_.size();
	}
	if (w_held_) {
		if (!in.wvalid)
			error("WVALID dropped before WREADY", 0);
		else if (memcmp(w_held_data_.data(), in.wdata, beat_) || w_held_strb_ != in.wstrb ||
			 w_held_last_ != in.wlast)
			error("W beat changed while WVALID waited for WREADY", 0);
	}
	w_held_ = in.wvalid && !w_ready_;
	if (w_held_) {
		memcpy(w_held_data_.data(), in.wdata, beat_);
		w_held_strb_ = in.wstrb;
		w_held_last_ = in.wlast;
	}
	cnt_.write_beats += in.wvalid && w_ready_;
	if (in.wvalid && w_ready_)
		wbeats_.push_back({std::vector<uint8_t>(in.wdata, in.wdata + beat_), in.wstrb, in.wlast});
	// Data beats meet their addresses in order.
	while (!writes_.empty() && !wbeats_.empty()) {
		Burst &b = writes_.front();
		const WBeat &wb = wbeats_.front();
		if (b.resp == kRespOkay)
			for (uint32_t i = 0; i < beat_; i++)
				if (((wb.strb >> i) & 1) && in_mem(b.addr + i, 1))
					mem_[b.addr + i] = wb.data[i];
		bool last = --b.beats == 0;
		if (last != wb.last)
			error("WLAST does not match AWLEN", b.addr);
		wbeats_.pop_front();
		b.addr += beat_;
		if (last) {
			resps_.push_back({b.addr, 0, cycle + 1 + cfg_.latency, b.resp});
			writes_.pop_front();
		}
	}
	if (b_valid_ && in.bready) {
		resps_.pop_front();
		b_valid_ = false;
	}
}

void AxiMem::reset()
{
	cnt_.dropped += reads_.size() + writes_.size() + resps_.size();
	reads_.clear();
	writes_.clear();
	resps_.clear();
	wbeats_.clear();
	r_valid_ = b_valid_ = ar_ready_ = aw_ready_ = w_ready_ = false;
	ar_held_ = Held{};
	aw_held_ = Held{};
	w_held_ = false;
}

} // namespace nasmac_sim_axi
