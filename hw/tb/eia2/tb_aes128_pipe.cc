// Self-checking testbench for nasmac_aes128_pipe: the known answers of tests/vectors/aes128.txt
// (FIPS-197 Appendix B and C.1, SP 800-38A F.1.1, RFC 4493 L), then random blocks with a new
// random key on every cycle and random bubbles, checked against the project's reference AES
// (driver/src/ref). Every block must leave exactly Latency cycles after it entered, in order,
// with its tag. Seed: NASMAC_SEED.
#include <cstring>
#include <deque>
#include <memory>
#include <random>

#include "Vnasmac_aes128_pipe.h"
#include "tb_util.h"
extern "C" {
#include "ref.h"
}

namespace {

constexpr int kLatency = 11;
constexpr int kRandomBlocks = 20000;

struct Pending {
	uint8_t key[16], pt[16], ct[16];
	uint32_t tag;
	uint64_t in_cycle;
	bool known;
};

} // namespace

int main(int argc, char **argv)
{
	auto ctx = std::make_unique<VerilatedContext>();
	ctx->commandArgs(argc, argv);
	auto top = std::make_unique<Vnasmac_aes128_pipe>(ctx.get(), "top");
	const char *vpath = std::getenv("NASMAC_AES_VECTORS");
	std::string path = vpath ? vpath : "tests/vectors/aes128.txt";
	uint64_t seed = tb::seed_from_env();
	std::printf("tb_aes128_pipe: vectors %s\n", path.c_str());
	std::mt19937_64 rng(seed);

	// The input queue: file vectors first, then random blocks.
	std::deque<Pending> todo;
	for (const auto &r : tb::read_vectors(path, "aes128")) {
		const std::vector<std::string> &f = r.f;
		std::vector<uint8_t> k, p, c;
		if (f.size() != 4 || !tb::unhex(f[1], k) || !tb::unhex(f[2], p) ||
		    !tb::unhex(f[3], c) || k.size() != 16 || p.size() != 16 || c.size() != 16) {
			std::fprintf(stderr, "bad vector line in %s\n", path.c_str());
			return 2;
		}
		Pending e{};
		std::memcpy(e.key, k.data(), 16);
		std::memcpy(e.pt, p.data(), 16);
		std::memcpy(e.ct, c.data(), 16);
		e.known = true;
		todo.push_back(e);
	}
	size_t nknown = todo.size();
	if (nknown == 0) {
		std::fprintf(stderr, "no aes128 vectors in %s\n", path.c_str());
		return 2;
	}
	for (int i = 0; i < kRandomBlocks; i++) {
		Pending e{};
		for (int j = 0; j < 16; j++) {
			e.key[j] = (uint8_t)rng();
			e.pt[j] = (uint8_t)rng();
		}
		nasmac__aes128_t a;
		if (nasmac__aes128_init(&a, e.key) || nasmac__aes128_encrypt(&a, e.pt, e.ct)) {
			std::fprintf(stderr, "reference AES failed\n");
			return 2;
		}
		nasmac__aes128_free(&a);
		todo.push_back(e);
	}

	unsigned passed = 0, failed = 0;
	std::deque<Pending> inflight;
	uint64_t cycle = 0;
	uint32_t next_tag = 0;
	top->clk_i = 0;
	top->rst_ni = 0;
	top->in_valid_i = 0;
	for (int i = 0; i < 4; i++) {
		top->clk_i = 0;
		top->eval();
		top->clk_i = 1;
		top->eval();
	}
	top->rst_ni = 1;
	while ((!todo.empty() || !inflight.empty()) && cycle < 1000000) {
		top->clk_i = 0;
		top->eval();
		// Output side: sampled before the edge.
		if (top->out_valid_o) {
			if (inflight.empty()) {
				std::printf("FAIL: output with nothing in flight at cycle %llu\n",
					    (unsigned long long)cycle);
				failed++;
			} else {
				Pending e = inflight.front();
				inflight.pop_front();
				uint8_t ct[16];
				tb::get128(top->out_block_o, ct);
				bool ok = std::memcmp(ct, e.ct, 16) == 0 && top->out_tag_o == (e.tag & 0xff) &&
					  cycle - e.in_cycle == kLatency;
				if (ok) {
					passed++;
				} else {
					failed++;
					if (failed < 10)
						std::printf("FAIL: %s block tag %u latency %llu\n",
							    e.known ? "known-answer" : "random", e.tag,
							    (unsigned long long)(cycle - e.in_cycle));
				}
			}
		}
		// Input side: a new key every cycle, about 10% bubbles.
		bool send = !todo.empty() && (rng() % 10 != 0);
		top->in_valid_i = send;
		if (send) {
			Pending e = todo.front();
			todo.pop_front();
			e.tag = next_tag++;
			e.in_cycle = cycle;
			tb::put128(top->in_key_i, e.key);
			tb::put128(top->in_block_i, e.pt);
			top->in_tag_i = e.tag & 0xff;
			inflight.push_back(e);
		}
		top->eval();
		top->clk_i = 1;
		top->eval();
		cycle++;
	}
	if (!todo.empty() || !inflight.empty()) {
		std::printf("FAIL: timeout with %zu blocks outstanding\n", todo.size() + inflight.size());
		failed++;
	}
	top->final();
	std::printf("tb_aes128_pipe: %zu known answers + %d random keys; %u passed, %u failed\n",
		    nknown, kRandomBlocks, passed, failed);
	return failed ? 1 : 0;
}
