// Self-checking test of nasmac_desc alone (default build: 512-bit beats, 16-descriptor bursts):
// a descriptor array that starts a few descriptors below a 4 KiB boundary and runs across several,
// random good and bad descriptors (every kind the validator refuses), a memory that accepts read
// requests at random and returns their beats in order with random gaps, and a consumer whose
// job_ready/bad_ready are random. Checked: bursts are 1..16 beats, never cross 4 KiB and cover the
// array exactly once in order; each descriptor comes out once, in order, as exactly one of a job
// (every field, the key and expected MAC in lane order, the message address and the lengths the
// fetch unit uses), a bad-descriptor record or a bad-index pulse. NASMAC_SEED repeats a run.
#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <random>
#include <vector>

#include <verilated.h>

#include "Vnasmac_desc.h"
#include "tb_prim.h"

namespace {

constexpr uint64_t kDescBase = 0x7fff000ull - 5 * 64;  // 5 descriptors before a 4 KiB boundary
constexpr uint64_t kArena = 0x2'0000'0000ull + 0x40;
constexpr uint32_t kArenaBytes = 1u << 20;
constexpr uint32_t kMaxLen = 65504;

struct desc : tb::job_hdr {
	uint32_t len, index;
	uint8_t alg, exp[4];
	uint64_t off;
	int kind;  // 0 job, 1 bad descriptor, 2 bad index
};


// The descriptor's 64 octets as hw/layout.txt lays them out.
void pack(const desc &d, uint8_t *p)
{
	for (int i = 0; i < 64; i++)
		p[i] = 0;
	for (int i = 0; i < 16; i++)
		p[i] = d.key[i];
	for (int i = 0; i < 4; i++) {
		p[0x10 + i] = (uint8_t)(d.count >> (8 * i));
		p[0x18 + i] = (uint8_t)(d.len >> (8 * i));
		p[0x1c + i] = d.exp[i];
		p[0x28 + i] = (uint8_t)(d.index >> (8 * i));
	}
	p[0x14] = d.bearer;
	p[0x15] = d.dir;
	p[0x16] = d.alg;
	for (int i = 0; i < 8; i++)
		p[0x20 + i] = (uint8_t)(d.off >> (8 * i));
}

} // namespace

int main(int argc, char **argv)
{
	tb::bench<Vnasmac_desc> env(argc, argv);
	auto &[ctx, t, c, rng] = env;
	char what[200];

	const uint32_t n = 700;
	std::vector<desc> ds(n);
	for (uint32_t i = 0; i < n; i++) {
		desc &d = ds[i];
		tb::random_hdr(d, rng);
		for (auto &e : d.exp)
			e = (uint8_t)rng();
		d.alg = (uint8_t)(1 + rng() % 3);
		d.len = 1 + (uint32_t)(rng() % 8192);
		d.off = rng() % (kArenaBytes - 2048);
		d.index = i;
		d.kind = 0;
		switch (rng() % 24) {
		case 0: d.alg = 0; d.kind = 1; break;
		case 1: d.alg = 4 + (uint8_t)(rng() % 250); d.kind = 1; break;
		case 2: d.len = 0; d.kind = 1; break;
		case 3: d.len = kMaxLen + 1 + (uint32_t)(rng() % 100000); d.kind = 1; break;
		case 4: d.off = (uint64_t)1 << (32 + rng() % 32); d.kind = 1; break;
		case 5: d.off = kArenaBytes + 1 + rng() % 1000; d.kind = 1; break;
		case 6: d.off = kArenaBytes - 3; d.len = 25; d.kind = 1; break;  // one octet past the end
		case 7: d.off = kArenaBytes - 3; d.len = 24; break;              // ends exactly at it
		case 8: d.len = kMaxLen; d.off = rng() % 1000; break;
		case 9: d.index = n + (uint32_t)(rng() % 1000); d.kind = 2; break;
		case 10: d.index = 0xffffffffu; d.alg = 0; d.kind = 2; break;   // bad index wins
		}
	}
	std::vector<uint8_t> mem((size_t)n * 64);
	for (uint32_t i = 0; i < n; i++)
		pack(ds[i], &mem[(size_t)i * 64]);

	t->rst_ni = 0;
	t->start_i = t->ar_ready_i = t->beat_valid_i = t->job_ready_i = t->bad_ready_i = 0;
	for (int i = 0; i < 4; i++)
		tb::tick(t.get());
	t->rst_ni = 1;
	t->desc_addr_i = kDescBase;
	t->arena_addr_i = kArena;
	t->arena_bytes_i = kArenaBytes;
	t->num_jobs_i = n;
	t->start_i = 1;
	tb::tick(t.get());
	t->start_i = 0;

	struct pending {
		uint64_t addr;
		int beats;
		long at;  // the cycle its first beat may come
	};
	std::deque<pending> reads;
	uint64_t next_addr = kDescBase;
	uint32_t out = 0;
	long cycle = 0, consumed = 0;
	for (; cycle < 100000 && out < n; cycle++) {
		t->ar_ready_i = rng() % 100 < 60;
		t->job_ready_i = rng() % 100 < 50;
		t->bad_ready_i = rng() % 100 < 50;
		bool beat = !reads.empty() && reads.front().at <= cycle && rng() % 100 < 70;
		t->beat_valid_i = beat;
		if (beat) {
			const uint8_t *p = &mem[(size_t)(reads.front().addr - kDescBase)];
			for (int w = 0; w < 16; w++)
				t->beat_data_i[w] = (uint32_t)p[4 * w] | (uint32_t)p[4 * w + 1] << 8 |
						    (uint32_t)p[4 * w + 2] << 16 | (uint32_t)p[4 * w + 3] << 24;
		}
		t->clk_i = 0;
		t->eval();

		if (t->ar_valid_o && t->ar_ready_i) {
			uint64_t a = t->ar_addr_o;
			int beats = t->ar_len_o + 1;
			std::snprintf(what, sizeof what, "burst at 0x%llx (want 0x%llx), %d beats",
				      (unsigned long long)a, (unsigned long long)next_addr, beats);
			c.check(a == next_addr && beats >= 1 && beats <= 16 &&
					(a & ~0xfffull) == ((a + 64ull * beats - 1) & ~0xfffull) &&
					a + 64ull * beats <= kDescBase + 64ull * n,
				what, cycle);
			next_addr = a + 64ull * beats;
			reads.push_back({a, beats, cycle + 1 + (long)(rng() % 40)});
		}
		if (beat) {
			reads.front().addr += 64;
			if (--reads.front().beats == 0)
				reads.pop_front();
		}
		consumed += t->consumed_o;
		bool job = t->job_valid_o && t->job_ready_i;
		bool bad = t->bad_valid_o && t->bad_ready_i;
		bool bidx = t->bad_index_o;
		std::snprintf(what, sizeof what, "one output at a time (job %d bad %d index %d)", t->job_valid_o,
			      t->bad_valid_o, t->bad_index_o);
		c.check(t->job_valid_o + t->bad_valid_o + t->bad_index_o <= 1, what, cycle);
		if ((job || bad || bidx) && out < n) {
			const desc &d = ds[out];
			std::snprintf(what, sizeof what, "descriptor %u: kind %d, got job %d bad %d index %d", out,
				      d.kind, job, bad, bidx);
			c.check((d.kind == 0 && job) || (d.kind == 1 && bad) || (d.kind == 2 && bidx), what,
				cycle);
			if (job && d.kind == 0) {
				const uint32_t *w = t->job_o.data();
				uint64_t addr = kArena + d.off;
				uint32_t last = (uint32_t)(addr % 64) + (d.len - 1) / 8;
				uint32_t lastc = (uint32_t)(addr % 16) + (d.len - 1) / 8;
				bool ok = tb::get_bits(w, 0, 1) == (lastc / 16 == 0) &&
					  tb::get_bits(w, 1, 10) == (d.len - 1) / 128 && tb::get_bits(w, 11, 11) == lastc / 16 &&
					  tb::get_bits(w, 22, 11) == last / 64 && tb::get_bits(w, 33, 64) == addr &&
					  tb::get_bits(w, 97, 32) == d.index && tb::get_bits(w, 161, 16) == d.len &&
					  tb::get_bits(w, 177, 1) == d.dir && tb::get_bits(w, 178, 5) == d.bearer &&
					  tb::get_bits(w, 183, 32) == d.count && t->job_alg_o == d.alg;
				for (int i = 0; i < 4; i++)
					ok = ok && tb::get_bits(w, 129 + 24 - 8 * i, 8) == d.exp[i];
				for (int i = 0; i < 16; i++)
					ok = ok && tb::get_bits(w, 215 + 120 - 8 * i, 8) == d.key[i];
				std::snprintf(what, sizeof what, "descriptor %u: job fields (alg %u len %u off %llu)",
					      out, d.alg, d.len, (unsigned long long)d.off);
				c.check(ok, what, cycle);
			}
			if (bad && d.kind == 1) {
				const uint32_t *w = t->bad_o.data();
				std::snprintf(what, sizeof what, "descriptor %u: bad record status/index", out);
				c.check(tb::get_bits(w, 0, 32) == d.index && tb::get_bits(w, 32, 2) == 3 &&
						tb::get_bits(w, 34, 32) == 0,
					what, cycle);
			}
			out++;
		}
		t->clk_i = 1;
		t->eval();
	}
	std::snprintf(what, sizeof what, "%u of %u descriptors out, %ld consumed pulses, array read to 0x%llx",
		      out, n, consumed, (unsigned long long)next_addr);
	c.check(out == n && consumed == n && next_addr == kDescBase + 64ull * n, what, cycle);
	std::printf("tb_desc: %u descriptors in %ld cycles\n", n, cycle);
	t->final();
	t.reset();
	return c.finish("tb_desc");
}
