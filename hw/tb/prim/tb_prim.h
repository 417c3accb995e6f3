// Shared bits of the primitive testbenches (nasmac_fifo, nasmac_ram, nasmac_ffs): the seed and the
// case/error counters (../tb_util.h) and a clock tick. Each testbench drives its primitive with random stimulus
// and checks every cycle against a C++ model.
#ifndef NASMAC_TB_PRIM_H
#define NASMAC_TB_PRIM_H

#include <cstdint>
#include <random>

#include "../tb_util.h"

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

// The fields of a job header the glue passes through to a lane unchanged (tb_desc, tb_fetch
// derive their job records from it), and random ones.
struct job_hdr {
	uint8_t key[16];
	uint32_t count;
	uint8_t bearer, dir;
};

inline void random_hdr(job_hdr &h, std::mt19937_64 &rng)
{
	for (auto &k : h.key)
		k = (uint8_t)rng();
	h.count = (uint32_t)rng();
	h.bearer = (uint8_t)(rng() % 32);
	h.dir = (uint8_t)(rng() % 2);
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
