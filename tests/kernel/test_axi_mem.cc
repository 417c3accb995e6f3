// The AXI4 memory model of sim/axi_mem.h on its own, driven by hand-written master behaviour:
// data and timing of a clean burst, each protocol check catching its violation (and only it),
// the cap on bursts in flight, SLVERR/DECERR injection on reads and writes, and a reset that
// drops what is in flight. The kernel tests only ever show that a correct master raises no
// error; these show that the checks would see a wrong one.
#include <cstdio>
#include <cstring>
#include <vector>

#include "axi_mem.h"
#include "check.h"

using namespace nasmac_sim_axi;

namespace {

constexpr uint32_t kBeat = 64;

struct Rig {
	std::vector<uint8_t> mem = std::vector<uint8_t>(1 << 16);
	uint64_t errors = 0, cycle = 0;
	AxiMem m;
	AxiOut out;

	explicit Rig(const AxiConfig &cfg) : m("test", mem.data(), mem.size(), kBeat, true, cfg, &errors)
	{
		for (size_t i = 0; i < mem.size(); i++)
			mem[i] = uint8_t(i * 7 + 1);
	}
	// The slave's outputs for this cycle, then the master's signals for it.
	const AxiOut &drive()
	{
		m.drive(cycle, &out);
		return out;
	}
	void sample(const AxiIn &in)
	{
		m.sample(cycle, in);
		cycle++;
	}
};

AxiIn ar(uint64_t addr, uint32_t len)
{
	AxiIn in;
	in.arvalid = true;
	in.araddr = addr;
	in.arlen = len;
	in.arsize = 6;
	in.arburst = 1;
	return in;
}

// Issues one read burst and collects its beats; returns the cycles from AR accepted to first R.
uint64_t read_burst(Rig &r, uint64_t addr, uint32_t len, std::vector<uint8_t> *data, std::vector<uint32_t> *resp,
		    bool *last_ok)
{
	AxiIn in = ar(addr, len);
	uint64_t accepted = 0, first = 0;
	for (int i = 0; i < 1000 && !r.drive().arready; i++)
		r.sample(in);
	accepted = r.cycle;
	r.sample(in);
	in = AxiIn{};
	in.rready = true;
	*last_ok = true;
	for (uint32_t beat = 0; beat <= len && r.cycle < accepted + 5000;) {
		const AxiOut &o = r.drive();
		if (o.rvalid) {
			if (beat == 0)
				first = r.cycle;
			data->insert(data->end(), o.rdata, o.rdata + kBeat);
			resp->push_back(o.rresp);
			*last_ok = *last_ok && o.rlast == (beat == len);
			beat++;
		}
		r.sample(in);
	}
	return first - accepted;
}

void test_clean_read()
{
	AxiConfig cfg;
	cfg.latency = 5;
	Rig r(cfg);
	std::vector<uint8_t> data;
	std::vector<uint32_t> resp;
	bool last_ok;
	uint64_t lat = read_burst(r, 0x1000, 3, &data, &resp, &last_ok);
	CHECK(lat == 1 + cfg.latency, "first beat %llu cycles after AR, expected %u", (unsigned long long)lat,
	      1 + cfg.latency);
	CHECK(data.size() == 4 * kBeat && !memcmp(data.data(), r.mem.data() + 0x1000, data.size()),
	      "read data differs from memory");
	CHECK(last_ok && resp == std::vector<uint32_t>(4, kRespOkay), "RLAST or RRESP wrong on a clean burst");
	CHECK(r.errors == 0, "%llu protocol errors on a clean burst", (unsigned long long)r.errors);
}

void test_checks()
{
	AxiConfig stalled;
	stalled.stall_pct = 100; // READY never rises: every VALID has to wait
	{
		Rig r(stalled);
		r.drive();
		r.sample(ar(0x2000, 0));
		r.drive();
		r.sample(AxiIn{});
		CHECK(r.errors == 1, "ARVALID dropped before ARREADY: %llu errors", (unsigned long long)r.errors);
	}
	{
		Rig r(stalled);
		r.drive();
		r.sample(ar(0x2000, 0));
		r.drive();
		r.sample(ar(0x2040, 0));
		CHECK(r.errors == 1, "AR address changed while waiting: %llu errors", (unsigned long long)r.errors);
	}
	{
		Rig r(stalled);
		uint8_t a[kBeat] = {1}, b[kBeat] = {2};
		AxiIn in;
		in.wvalid = true;
		in.wdata = a;
		in.wstrb = ~0ull;
		in.wlast = true;
		r.drive();
		r.sample(in);
		r.drive();
		r.sample(in);
		CHECK(r.errors == 0, "a W beat held unchanged is no error: %llu", (unsigned long long)r.errors);
		in.wdata = b;
		r.drive();
		r.sample(in);
		CHECK(r.errors == 1, "W data changed while waiting: %llu errors", (unsigned long long)r.errors);
	}
	{
		Rig r(AxiConfig{});
		r.drive();
		r.sample(ar(0x1fc0, 1)); // two beats from 0x1fc0 end at 0x2040
		CHECK(r.errors == 1, "a burst across 4 KiB: %llu errors", (unsigned long long)r.errors);
	}
	{
		Rig r(AxiConfig{});
		AxiIn in = ar(0x3000, 0);
		in.arsize = 5;
		r.drive();
		r.sample(in);
		CHECK(r.errors == 1, "a narrow burst: %llu errors", (unsigned long long)r.errors);
	}
}

void test_max_reads()
{
	AxiConfig cfg;
	cfg.latency = 50;
	cfg.max_reads = 2;
	Rig r(cfg);
	int accepted = 0;
	for (int i = 0; i < 10; i++) {
		AxiIn in = ar(0x1000 + 0x100 * uint64_t(accepted), 0);
		if (r.drive().arready)
			accepted++;
		r.sample(in);
	}
	CHECK(accepted == 2 && r.m.counters().max_reads_seen == 2, "max_reads 2: %d bursts accepted", accepted);
	CHECK(r.errors == 0, "%llu protocol errors", (unsigned long long)r.errors);
}

void test_injection()
{
	Rig r(AxiConfig{});
	AxiFault f;
	f.resp = kRespSlvErr;
	f.nth = 2;
	f.count = 1;
	r.m.add_fault(f);
	for (int k = 1; k <= 3; k++) {
		std::vector<uint8_t> data;
		std::vector<uint32_t> resp;
		bool last_ok;
		read_burst(r, 0x1000, 1, &data, &resp, &last_ok);
		uint32_t want = k == 2 ? kRespSlvErr : kRespOkay;
		CHECK(resp == std::vector<uint32_t>(2, want), "read burst %d: RRESP %u, expected %u", k,
		      resp.empty() ? 9u : resp[0], want);
		bool poisoned = data.size() == 2 * kBeat && data[0] == 0xde && data[2 * kBeat - 1] == 0xde;
		CHECK(k == 2 ? poisoned : !memcmp(data.data(), r.mem.data() + 0x1000, data.size()),
		      "read burst %d data", k);
	}
	CHECK(r.m.counters().rd_errors == 1, "%llu read errors injected", (unsigned long long)r.m.counters().rd_errors);

	// A write burst with DECERR: no octet written, B carries DECERR.
	f = AxiFault{};
	f.write = true;
	f.resp = kRespDecErr;
	f.addr_lo = 0x4000;
	f.addr_hi = 0x4040;
	r.m.add_fault(f);
	std::vector<uint8_t> before(r.mem.begin() + 0x4000, r.mem.begin() + 0x4040);
	uint8_t beat[kBeat];
	memset(beat, 0x55, sizeof(beat));
	AxiIn in;
	in.awvalid = in.wvalid = true;
	in.awaddr = 0x4000;
	in.awsize = 6;
	in.awburst = 1;
	in.wdata = beat;
	in.wstrb = ~0ull;
	in.wlast = true;
	in.bready = true;
	uint32_t bresp = 99;
	for (int i = 0; i < 20; i++) {
		const AxiOut &o = r.drive();
		if (o.bvalid)
			bresp = o.bresp;
		r.sample(in);
		in.awvalid = in.wvalid = false; // both accepted at once: READY is high without stalls
	}
	CHECK(bresp == kRespDecErr, "BRESP %u after a write with DECERR", bresp);
	CHECK(!memcmp(before.data(), r.mem.data() + 0x4000, before.size()), "a failed write changed memory");
	CHECK(r.errors == 0, "%llu protocol errors", (unsigned long long)r.errors);
}

void test_reset()
{
	AxiConfig cfg;
	cfg.latency = 100;
	Rig r(cfg);
	r.drive();
	r.sample(ar(0x1000, 3));
	r.drive();
	r.sample(ar(0x2000, 3));
	CHECK(r.m.in_flight() == 2, "%u bursts in flight", r.m.in_flight());
	r.m.reset();
	CHECK(r.m.in_flight() == 0 && r.m.counters().dropped == 2, "reset: %u in flight, %llu dropped",
	      r.m.in_flight(), (unsigned long long)r.m.counters().dropped);
	bool rvalid = false;
	AxiIn idle;
	idle.rready = true;
	for (int i = 0; i < 200; i++) {
		rvalid |= r.drive().rvalid;
		r.sample(idle);
	}
	CHECK(!rvalid, "R data for a burst dropped by reset");
}

} // namespace

int main()
{
	test_clean_read();
	test_checks();
	test_max_reads();
	test_injection();
	test_reset();
	return check_summary("test_axi_mem");
}
