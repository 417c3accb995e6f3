// Self-checking test of nasmac_res alone (default build: 512-bit writes, 4 sources): records
// from four sources with random valid timing (a source holds its record until ready, as AXI
// valid/ready demands), an AXI write slave with random AWREADY/WREADY and late B responses, and
// RESULT_ADDR just below a 4 GiB boundary so that the 64-bit address sum carries. Every record
// must land once at RESULT_ADDR + INDEX * 16 with the layout of hw/layout.txt (MAC octet 0 first,
// STATUS and INDEX little-endian, RSVD zero), no write may touch an octet outside the records'
// slots, and idle_o must rise only when every write is answered. NASMAC_SEED repeats a run.
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <deque>
#include <map>
#include <memory>
#include <random>
#include <vector>

#include <verilated.h>

#include "Vnasmac_res.h"
#include "tb_prim.h"

namespace {

constexpr int kIn = 4;          // sources (the module's default NumIn)
constexpr int kResW = 66;       // nasmac_top_pkg::RES_W: {mac[31:0], status[1:0], index[31:0]}
constexpr int kBeat = 64;       // octets per write beat (DataWidth 512)
constexpr uint64_t kBase = 0x100000000ull - 0x800;  // RESULT_ADDR: the sum crosses 2^32


struct rec {
	uint32_t mac, index;
	uint32_t status;
};

} // namespace

int main(int argc, char **argv)
{
	tb::bench<Vnasmac_res> env(argc, argv);
	auto &[ctx, t, c, rng] = env;

	// 512 records; each source takes runs of consecutive indexes (so beats fill and merge),
	// the runs dealt out at random.
	const int n = 512;
	std::vector<rec> want(n);
	std::deque<rec> q[kIn];
	for (int i = 0; i < n; i++)
		want[i] = {(uint32_t)rng(), (uint32_t)i, (uint32_t)(1 + rng() % 3)};
	for (int i = 0; i < n;) {
		int src = (int)(rng() % kIn), len = 1 + (int)(rng() % 9);
		for (int k = 0; k < len && i < n; k++, i++)
			q[src].push_back(want[i]);
	}

	// Reset with every input low (the record data is don't-care while no source is valid).
	t->result_addr_i = kBase;
	t->rst_ni = t->flush_i = t->stop_i = t->in_valid_i = 0;
	t->aw_ready_i = t->w_ready_i = t->b_valid_i = 0;
	for (int i = 0; i < 4; i++)
		tb::tick(t.get());
	t->rst_ni = 1;

	std::map<uint64_t, uint8_t> mem;     // octets written
	std::deque<uint64_t> aws;            // accepted write addresses waiting for their beat
	std::deque<long> bs;                 // cycles at which a B response may be given
	struct beat {
		uint8_t d[kBeat];
		bool s[kBeat];
	};
	std::deque<beat> ws;                 // write beats waiting for their address
	long cycle = 0, accepted = 0, writes = 0, idle_early = 0;
	unsigned valid = 0;
	rec cur[kIn];
	char what[200];
	int sent = 0;
	for (; cycle < 200000; cycle++) {
		// Sources: raise valid at random, hold it (and the record) until taken.
		for (int i = 0; i < kIn; i++) {
			if (!(valid >> i & 1) && !q[i].empty() && rng() % 100 < 40) {
				cur[i] = q[i].front();
				q[i].pop_front();
				valid |= 1u << i;
			}
			if (valid >> i & 1) {
				tb::put_bits(t->in_data_i.data(), i * kResW, cur[i].index, 32);
				tb::put_bits(t->in_data_i.data(), i * kResW + 32, cur[i].status, 2);
				tb::put_bits(t->in_data_i.data(), i * kResW + 34, cur[i].mac, 32);
			}
		}
		t->in_valid_i = valid;
		t->flush_i = sent == n;
		t->aw_ready_i = rng() % 100 < 70;
		t->w_ready_i = rng() % 100 < 70;
		t->b_valid_i = !bs.empty() && bs.front() <= cycle;
		t->clk_i = 0;
		t->eval();

		unsigned fire = valid & t->in_ready_o;
		accepted += t->accepted_o;
		if (t->aw_valid_o && t->aw_ready_i) {
			uint64_t a = t->aw_addr_o;
			std::snprintf(what, sizeof what, "AW address 0x%llx not beat-aligned", (unsigned long long)a);
			c.check(a % kBeat == 0, what, cycle);
			aws.push_back(a);
			bs.push_back(cycle + 5 + (long)(rng() % 30));
		}
		if (t->w_valid_o && t->w_ready_i) {
			beat w;
			for (int b = 0; b < kBeat; b++) {
				w.d[b] = (uint8_t)(t->w_data_o[b / 4] >> (8 * (b % 4)));
				w.s[b] = (t->w_strb_o >> b & 1u) != 0;
			}
			ws.push_back(w);
		}
		// AW and W are independent channels: pair them in order once both are there.
		while (!aws.empty() && !ws.empty()) {
			uint64_t a = aws.front();
			const beat &w = ws.front();
			for (int b = 0; b < kBeat; b++) {
				if (!w.s[b])
					continue;
				uint64_t at = a + (uint64_t)b;
				std::snprintf(what, sizeof what, "write to 0x%llx outside the records",
					      (unsigned long long)at);
				c.check(at >= kBase && at < kBase + (uint64_t)n * 16, what, cycle);
				std::snprintf(what, sizeof what, "octet 0x%llx written twice",
					      (unsigned long long)at);
				c.check(!mem.count(at), what, cycle);
				mem[at] = w.d[b];
			}
			aws.pop_front();
			ws.pop_front();
			writes++;
		}
		if (t->b_valid_i)
			bs.pop_front();
		if (t->idle_o && (sent < n || !bs.empty() || !aws.empty() || !ws.empty()))
			idle_early += sent == n;
		for (int i = 0; i < kIn; i++)
			if (fire >> i & 1) {
				valid &= ~(1u << i);
				sent++;
			}
		t->clk_i = 1;
		t->eval();
		if (sent == n && t->idle_o && bs.empty() && aws.empty() && ws.empty() && cycle > 100)
			break;
	}

	std::snprintf(what, sizeof what, "all %d records taken (%d), %ld accepted", n, sent, accepted);
	c.check(sent == n && accepted == n, what, cycle);
	c.check(idle_early == 0, "idle_o with writes outstanding", cycle);
	std::snprintf(what, sizeof what, "idle_o at the end (%ld cycles)", cycle);
	c.check(cycle < 200000, what, cycle);
	int bad = 0;
	for (int i = 0; i < n; i++) {
		uint8_t rec_b[16] = {0};
		rec_b[0] = (uint8_t)(want[i].mac >> 24);
		rec_b[1] = (uint8_t)(want[i].mac >> 16);
		rec_b[2] = (uint8_t)(want[i].mac >> 8);
		rec_b[3] = (uint8_t)want[i].mac;
		rec_b[4] = (uint8_t)want[i].status;
		for (int b = 0; b < 4; b++)
			rec_b[8 + b] = (uint8_t)(want[i].index >> (8 * b));
		for (int b = 0; b < 16; b++) {
			auto it = mem.find(kBase + (uint64_t)i * 16 + (uint64_t)b);
			if (it == mem.end() || it->second != rec_b[b]) {
				if (bad++ < 5)
					std::printf("record %d octet %d: %s 0x%02x, want 0x%02x\n", i, b,
						    it == mem.end() ? "unwritten" : "got",
						    it == mem.end() ? 0 : it->second, rec_b[b]);
			}
		}
	}
	std::snprintf(what, sizeof what, "%d record octets wrong", bad);
	c.check(bad == 0, what, cycle);
	std::printf("tb_res: %d records in %ld writes, %ld cycles\n", n, writes, cycle);
	t->final();
	t.reset();
	return c.finish("tb_res");
}
