// Self-checking testbench for nasmac_ffs (combinational): every single bit, every pair of bits,
// zero, all ones and random vectors of several densities against a loop in C++.
#include <memory>

#include <verilated.h>

#include "Vffs.h"
#include "tb_prim.h"

namespace {

void check(Vffs *top, tb::counters &c, uint64_t req, long n)
{
	top->req_i = req;
	top->eval();
	bool any = req != 0;
	unsigned idx = 0;
	while (any && !((req >> idx) & 1))
		idx++;
	char what[120];
	std::snprintf(what, sizeof what, "req %llx: any %d idx %u, model %d %u",
		      (unsigned long long)req, top->any_o, (unsigned)top->idx_o, any, idx);
	c.check((bool)top->any_o == any && (unsigned)top->idx_o == idx, what, n);
}

} // namespace

int main(int argc, char **argv)
{
	tb::bench<Vffs> env(argc, argv);
	auto &[ctx, top, c, rng] = env;
	const uint64_t mask = FFS_N >= 64 ? ~0ull : (1ull << FFS_N) - 1;
	long n = 0;
	check(top.get(), c, 0, n++);
	check(top.get(), c, mask, n++);
	for (int i = 0; i < FFS_N; i++)
		for (int j = i; j < FFS_N; j++)
			check(top.get(), c, (1ull << i) | (1ull << j), n++);
	for (int i = 0; i < 100000; i++) {
		uint64_t r = rng() & mask;
		for (int k = (int)(rng() % 4); k > 0; k--)
			r &= rng();  // sparser vectors
		check(top.get(), c, r, n++);
	}
	std::printf("ffs N %d: %ld vectors\n", FFS_N, n);
	top->final();
	return c.finish("tb_ffs");
}
