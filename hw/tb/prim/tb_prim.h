// Shared bits of the primitive testbenches (nasmac_fifo, nasmac_ram, nasmac_ffs): the seed, the
// case/error counters and a clock tick. Each testbench drives its primitive with random stimulus
// and checks every cycle against a C++ model.
#ifndef NASMAC_TB_PRIM_H
#define NASMAC_TB_PRIM_H

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <random>

// Whether a peeked model variable (a scalar or a VlWide) is all zeros.
template <typename T> inline bool tb_zero_words(const T &v)
{
	for (size_t i = 0; i < sizeof(v); i++)
		if (reinterpret_cast<const unsigned char *>(&v)[i])
			return false;
	return true;
}
#define tb_zero(v) tb_zero_words(v)

namespace tb {

inline uint64_t seed_from_env()
{
	const char *s = std::getenv("NASMAC_SEED");
	uint64_t seed = (s && *s) ? std::strtoull(s, nullptr, 0) : (uint64_t)std::time(nullptr);
	std::printf("seed %llu (override with NASMAC_SEED)\n", (unsigned long long)seed);
	return seed;
}

struct counters {
	long passed = 0, failed = 0;
	bool check(bool ok, const char *what, long cycle)
	{
		if (ok) {
			passed++;
		} else if (++failed <= 20) {
			std::printf("FAIL: %s (cycle %ld)\n", what, cycle);
		}
		return ok;
	}
	int finish(const char *name)
	{
		std::printf("%s: %ld passed, %ld failed\n", name, passed, failed);
		return failed ? 1 : 0;
	}
};

// Inputs are set while the clock is low; the rising edge then takes them.
// Bits at..at+n-1 of a Verilator wide signal's words (n <= 64), and setting them.
inline uint64_t get_bits(const uint32_t *w, int at, int n)
{
	uint64_t v = 0;
	for (int b = 0; b < n; b++)
		v |= (uint64_t)(w[(at + b) / 32] >> ((at + b) % 32) & 1u) << b;
	return v;
}

inline void put_bits(uint32_t *w, int at, uint64_t v, int n)
{
	for (int b = 0; b < n; b++) {
		int bit = at + b;
		w[bit / 32] = (w[bit / 32] & ~(1u << (bit % 32))) | (uint32_t)((v >> b) & 1u) << (bit % 32);
	}
}

template <typename T> inline void tick(T *top)
{
	top->clk_i = 1;
	top->eval();
	top->clk_i = 0;
	top->eval();
}

} // namespace tb

#endif
