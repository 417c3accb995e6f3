// Self-checking testbench for nasmac_eia2_lane (hw/LANES.md ports).
//
// 1. Every eia2 line of tests/vectors/eia2.txt (TS 33.401 Annex C.2 test sets 1-8 and the labelled
//    derived sets), once with its expected MAC (match must be 1) and once with a corrupted one.
// 2. Random jobs checked against the project's reference nasmac_eia2() (driver/src/ref): lengths
//    1..8192 bits with the block-boundary cases, a few long ones up to 65504, a new random key per
//    job, about 10% corrupted expected MACs, garbage in the bits past LENGTH, random valid/ready
//    stalls on the header, message and result interfaces; then the same without stalls.
// 3. Throughput at full input rate (numbers printed, not asserted: speed belongs to benchmarks):
//    mixed NAS sizes 16..160 octets, all 64-octet messages, and one 64-octet MAC alone.
// Seed from NASMAC_SEED (printed). Exit status 1 on any mismatch, lost or extra result.
#include <algorithm>
#include <cstring>
#include <memory>
#include <random>

#include "Vnasmac_eia2_lane.h"
#include "Vnasmac_eia2_lane___024root.h"
#include "nasmac.h"
#include "tb_util.h"
#include "../lane_port.h"

namespace {

struct Job {
	uint8_t key[16];
	uint32_t count;
	uint8_t bearer, dir;
	uint32_t len_bits;
	std::vector<uint8_t> msg;  // ceil(len/128)*16 octets; bits past len are garbage
	uint8_t mac[4];            // reference MAC
	uint32_t exp;              // expected MAC given to the lane
	bool seen;
};

struct Stalls {
	unsigned hdr_pct, msg_pct, res_pct;  // chance (percent) that a channel idles in a cycle
	bool hdr_first;  // a job's words only after its header was taken (as the kernel's feeder)
};

template <class T, std::size_t N> constexpr std::size_t depth(const VlUnpacked<T, N> &)
{
	return N;
}

uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

class Bench {
public:
	Bench(int argc, char **argv, uint64_t seed) : rng_(seed)
	{
		ctx_ = std::make_unique<VerilatedContext>();
		ctx_->commandArgs(argc, argv);
		top_ = std::make_unique<Vnasmac_eia2_lane>(ctx_.get(), "top");
		top_->clk_i = 0;
		top_->rst_ni = 0;
		for (int i = 0; i < 4; i++)
			tick();
		top_->rst_ni = 1;
	}

	~Bench() { top_->final(); }

	unsigned passed = 0, failed = 0;

	void fail(const char *what, size_t i)
	{
		failed++;
		if (failed <= 20)
			std::printf("FAIL: %s (job %zu)\n", what, i);
	}

	// Runs one batch to completion; returns the cycles from the first header to the last result.
	uint64_t run(std::vector<Job> &jobs, const Stalls &st)
	{
		size_t hj = 0;                 // next header
		size_t mj = 0, mw = 0;         // next message word: job, word
		size_t done = 0;
		bool hv = false, mv = false;   // valid held until accepted
		uint64_t cycles = 0, idle = 0;
		const uint64_t limit = 200000 + 600 * jobs.size();
		while (done < jobs.size() || idle < 64) {
			if (cycles > limit) {
				fail("timeout", done);
				break;
			}
			// Skip jobs' word cursor past jobs with no words (none: len >= 1) and finished ones.
			if (!hv && hj < jobs.size() && pct() >= st.hdr_pct)
				hv = true;
			if (!mv && mj < jobs.size() && (!st.hdr_first || mj < hj) && pct() >= st.msg_pct)
				mv = true;
			top_->job_valid_i = hv;
			if (hv) {
				const Job &j = jobs[hj];
				tb::put_lane_job(top_->job_i, {j.key, j.count, j.bearer, j.dir, j.len_bits,
							       j.exp, (uint32_t)(hj ^ 0x5a000000u)});
			}
			top_->msg_valid_i = mv;
			size_t nw = 0;
			if (mv) {
				const Job &j = jobs[mj];
				nw = (j.len_bits + 127) / 128;
				tb::put128(top_->msg_data_i, &j.msg[16 * mw]);
				top_->msg_last_i = (mw + 1 == nw);
			}
			top_->res_ready_i = pct() >= st.res_pct;
			top_->clk_i = 0;
			top_->eval();
			bool hfire = hv && top_->job_ready_o;
			bool mfire = mv && top_->msg_ready_o;
			if (mfire && (mj > hj || (mj == hj && !hfire)))
				fail("message word taken before its header", mj);
			if (top_->res_valid_o && top_->res_ready_i) {
				check_result(jobs);
				done++;
			}
			top_->clk_i = 1;
			top_->eval();
			cycles++;
			if (cycles % 64 == 0 && !seen_key_)
				seen_key_ = key_ram_dirty();
			if (hfire) {
				hv = false;
				hj++;
			}
			if (mfire) {
				mv = false;
				if (++mw == nw) {
					mw = 0;
					mj++;
				}
			}
			if (done == jobs.size())
				idle++;
		}
		if (done != jobs.size())
			std::printf("FAIL: %zu of %zu results missing\n", jobs.size() - done, jobs.size());
		return cycles - idle;
	}

	// Once the lane is idle, no key, subkey L or chaining value may be left in the key, L and
	// chaining-value RAMs or in the AES pipeline registers (the security requirement of
	// hw/LANES.md). Read through the /*verilator public_flat_rd*/ marks in the RTL.
	void check_cleared(const char *when)
	{
		const auto *r = top_->rootp;
		unsigned words = 0, dirty = 0;
		auto look = [&](const VlWide<4> &w) {
			for (int k = 0; k < 4; k++, words++)
				dirty += w[k] != 0;
		};
		for (size_t s = 0; s < depth(r->nasmac_eia2_lane__DOT__u_key_ram__DOT__mem); s++) {
			look(r->nasmac_eia2_lane__DOT__u_key_ram__DOT__mem[s]);
			look(r->nasmac_eia2_lane__DOT__u_l_ram__DOT__mem[s]);
			look(r->nasmac_eia2_lane__DOT__u_chain_ram__DOT__mem[s]);
		}
		// The RAMs' read registers hold a copy of the last entry read.
		look(r->nasmac_eia2_lane__DOT__u_key_ram__DOT__rdata_q);
		look(r->nasmac_eia2_lane__DOT__u_l_ram__DOT__rdata_q);
		look(r->nasmac_eia2_lane__DOT__u_chain_ram__DOT__rdata_q);
		// Every AES stage's state and round key (the keys travel with the blocks).
		for (int k = 0; k < 44; k++, words += 2)
			dirty += (r->nasmac_eia2_lane__DOT__u_aes__DOT__state_q[k] != 0) +
				 (r->nasmac_eia2_lane__DOT__u_aes__DOT__rkey_q[k] != 0);
		// The check proves something only if keys were visible through the same peeks mid-run.
		if (!seen_key_) {
			failed++;
			std::printf("FAIL: no key seen in the key RAM during the run (peeks broken?)\n");
		}
		seen_key_ = false;
		if (dirty == 0) {
			passed++;
			std::printf("wiped: no key material left after %s (%u 32-bit words of key, L, "
				    "chaining value and AES state inspected)\n",
				    when, words);
		} else {
			failed++;
			std::printf("FAIL: key material left in the lane after %s (%u of %u words not zero)\n",
				    when, dirty, words);
		}
	}

	bool key_ram_dirty() const
	{
		const auto *r = top_->rootp;
		for (size_t s = 0; s < depth(r->nasmac_eia2_lane__DOT__u_key_ram__DOT__mem); s++)
			for (int k = 0; k < 4; k++)
				if (r->nasmac_eia2_lane__DOT__u_key_ram__DOT__mem[s][k])
					return true;
		return false;
	}

	Job make_job(uint32_t len_bits, bool corrupt)
	{
		Job j{};
		tb::random_header(j, rng_);
		j.len_bits = len_bits;
		j.msg.resize((len_bits + 127) / 128 * 16);
		for (auto &b : j.msg)
			b = (uint8_t)rng_();
		if (nasmac_eia2(j.key, j.count, j.bearer, j.dir, j.msg.data(), len_bits, j.mac)) {
			std::printf("reference nasmac_eia2 failed\n");
			std::exit(2);
		}
		j.exp = be32(j.mac);
		if (corrupt)
			j.exp ^= 1u << (rng_() % 32);
		return j;
	}

	unsigned pct() { return (unsigned)(rng_() % 100); }
	std::mt19937_64 &rng() { return rng_; }

private:
	void check_result(std::vector<Job> &jobs)
	{
		const tb::lane_res r = tb::get_lane_res(top_->res_o);
		uint32_t idx = r.index ^ 0x5a000000u;
		if (idx >= jobs.size()) {
			fail("result with an unknown index", idx);
			return;
		}
		Job &j = jobs[idx];
		if (j.seen) {
			fail("duplicate result", idx);
			return;
		}
		j.seen = true;
		uint32_t ref = be32(j.mac);
		bool ok = r.mac == ref && r.match == (j.exp == ref);
		if (ok) {
			passed++;
		} else {
			fail("wrong MAC or match flag", idx);
			if (failed <= 20)
				std::printf("  len %u: lane mac %08x match %u, reference %08x, expected %08x\n",
					    j.len_bits, r.mac, (unsigned)r.match, ref, j.exp);
		}
	}

	void tick()
	{
		top_->clk_i = 0;
		top_->eval();
		top_->clk_i = 1;
		top_->eval();
	}

	std::unique_ptr<VerilatedContext> ctx_;
	std::unique_ptr<Vnasmac_eia2_lane> top_;
	std::mt19937_64 rng_;
	bool seen_key_ = false;
};

uint64_t aes_blocks(const std::vector<Job> &jobs)
{
	uint64_t n = 0;
	for (const auto &j : jobs)
		n += (j.len_bits + 64 + 127) / 128 + 1;  // CBC blocks plus L
	return n;
}

} // namespace

int main(int argc, char **argv)
{
	uint64_t seed = tb::seed_from_env();
	const char *vpath = std::getenv("NASMAC_EIA2_VECTORS");
	std::string path = vpath ? vpath : "tests/vectors/eia2.txt";
	const char *nr = std::getenv("NASMAC_TB_JOBS");
	size_t nrandom = nr ? std::strtoul(nr, nullptr, 0) : 2000;
	std::printf("tb_eia2_lane: vectors %s\n", path.c_str());
	Bench b(argc, argv, seed);

	// 1. Known answers, each also with a corrupted expected MAC.
	std::vector<Job> kat;
	for (const auto &r : tb::read_vectors(path, "eia2")) {
		const std::vector<std::string> &f = r.f;
		std::vector<uint8_t> key, msg, mac;
		if (f.size() != 8 || !tb::unhex(f[1], key) || !tb::unhex(f[6], msg) ||
		    !tb::unhex(f[7], mac) || key.size() != 16 || mac.size() != 4) {
			std::fprintf(stderr, "bad eia2 line in %s\n", path.c_str());
			return 2;
		}
		Job j{};
		std::memcpy(j.key, key.data(), 16);
		j.count = (uint32_t)std::strtoul(f[2].c_str(), nullptr, 16);
		j.bearer = (uint8_t)std::strtoul(f[3].c_str(), nullptr, 10);
		j.dir = (uint8_t)std::strtoul(f[4].c_str(), nullptr, 10);
		j.len_bits = (uint32_t)std::strtoul(f[5].c_str(), nullptr, 10);
		if (j.len_bits < 1 || j.len_bits > NASMAC_MAX_LEN_BITS)
			continue;  // the lane never sees these (the top rejects them)
		j.msg.assign((j.len_bits + 127) / 128 * 16, 0xa5);  // garbage past LENGTH
		std::memcpy(j.msg.data(), msg.data(), msg.size());
		if (msg.size() * 8 > j.len_bits && j.len_bits % 8)
			j.msg[j.len_bits / 8] |= (uint8_t)(0xffu >> (j.len_bits % 8));
		std::memcpy(j.mac, mac.data(), 4);
		j.exp = be32(j.mac);
		kat.push_back(j);
		j.exp ^= 0x00010000u;
		kat.push_back(j);
	}
	if (kat.empty()) {
		std::fprintf(stderr, "no eia2 vectors in %s\n", path.c_str());
		return 2;
	}
	b.run(kat, Stalls{30, 30, 30, false});
	b.check_cleared("the known answers");
	std::printf("known answers: %zu jobs (%zu vectors, each also corrupted)\n", kat.size(),
		    kat.size() / 2);

	// 2. Random jobs, with and without stalls.
	static const uint32_t edges[] = {1,   2,   7,   8,   63,  64,  65,  127, 128, 129,
					 191, 192, 193, 255, 256, 257, 319, 320, 321, 1984,
					 1985, 2047, 2048, 2049};
	std::vector<Job> rnd;
	for (uint32_t e : edges)
		rnd.push_back(b.make_job(e, b.pct() < 10));
	static const uint32_t longs[] = {65504, 65440, 40001, 16448};
	for (uint32_t e : longs)
		rnd.push_back(b.make_job(e, b.pct() < 10));
	while (rnd.size() < nrandom) {
		uint32_t len = 1 + (uint32_t)(b.rng()() % 8192);
		rnd.push_back(b.make_job(len, b.pct() < 10));
	}
	std::shuffle(rnd.begin(), rnd.end(), b.rng());
	size_t half = rnd.size() / 2;
	std::vector<Job> r1(rnd.begin(), rnd.begin() + (long)half), r2(rnd.begin() + (long)half, rnd.end());
	b.run(r1, Stalls{40, 25, 40, false});
	b.run(r2, Stalls{0, 0, 0, false});
	// Results drained far slower than jobs finish: the result FIFO fills and the lane must hold
	// back final blocks (credits) instead of losing results.
	std::vector<Job> slow;
	for (int i = 0; i < 200; i++)
		slow.push_back(b.make_job(1 + (uint32_t)(b.rng()() % 400), b.pct() < 10));
	b.run(slow, Stalls{0, 0, 97, false});
	b.check_cleared("the random jobs");
	std::printf("random: %zu jobs (%zu with stalls, %zu without, %zu more under result backpressure)\n",
		    rnd.size(), r1.size(), r2.size(), slow.size());

	// 3. Throughput at full input rate.
	std::vector<Job> nas;
	for (int i = 0; i < 2000; i++)
		nas.push_back(b.make_job(8 * (16 + (uint32_t)(b.rng()() % 145)), b.pct() < 10));
	uint64_t c_nas = b.run(nas, Stalls{0, 0, 0, false});
	for (auto &j : nas)
		j.seen = false;
	uint64_t c_nas_sep = b.run(nas, Stalls{0, 0, 0, true});
	std::vector<Job> m64;
	for (int i = 0; i < 1000; i++)
		m64.push_back(b.make_job(512, false));
	uint64_t c_64 = b.run(m64, Stalls{0, 0, 0, false});
	std::vector<Job> one{b.make_job(512, false)};
	uint64_t c_one = b.run(one, Stalls{0, 0, 0, false});
	b.check_cleared("the throughput runs");
	std::printf("throughput: NAS 16..160 octets: %.3f AES blocks/cycle (%llu blocks, %llu cycles)\n",
		    (double)aes_blocks(nas) / (double)c_nas, (unsigned long long)aes_blocks(nas),
		    (unsigned long long)c_nas);
	std::printf("throughput: same, header and first word never together: %.3f AES blocks/cycle\n",
		    (double)aes_blocks(nas) / (double)c_nas_sep);
	std::printf("throughput: 64-octet MACs: %.2f cycles per MAC (%.3f blocks/cycle); one alone: "
		    "%llu cycles latency\n",
		    (double)c_64 / 1000.0, (double)aes_blocks(m64) / (double)c_64,
		    (unsigned long long)c_one);

	std::printf("tb_eia2_lane: %u passed, %u failed\n", b.passed, b.failed);
	return b.failed ? 1 : 0;
}
