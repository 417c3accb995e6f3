// Self-checking testbench for nasmac_ram: random writes and reads against an array model.
// rdata_o must be the word at the address read one cycle earlier, as it was before that
// cycle's write (read first), once the word has been written at least once.
#include <memory>
#include <vector>

#include <verilated.h>

#include "Vram.h"
#include "tb_prim.h"

int main(int argc, char **argv)
{
	tb::bench<Vram> env(argc, argv);
	auto &[ctx, top, c, rng] = env;
	const uint64_t mask = RAM_WIDTH >= 64 ? ~0ull : (1ull << RAM_WIDTH) - 1;
	std::vector<uint64_t> model(RAM_DEPTH, 0);
	std::vector<bool> known(RAM_DEPTH, false);
	char what[160];

	top->clk_i = 0;
	top->we_i = 0;
	top->eval();
	bool pending = false;
	uint64_t expect = 0;
	unsigned last_raddr = 0;
	long collisions = 0;
	for (long cyc = 0; cyc < 100000; cyc++) {
		unsigned waddr = (unsigned)(rng() % RAM_DEPTH);
		unsigned raddr = (cyc % 7 == 0) ? waddr : (unsigned)(rng() % RAM_DEPTH);
		uint64_t data = rng() & mask;
		top->we_i = (rng() % 100) < 60;
		top->waddr_i = waddr;
		top->wdata_i = data;
		top->raddr_i = raddr;
		top->eval();
		if (pending) {
			std::snprintf(what, sizeof what, "rdata %llx at %u, model %llx",
				      (unsigned long long)top->rdata_o, last_raddr,
				      (unsigned long long)expect);
			c.check((uint64_t)top->rdata_o == expect, what, cyc);
		}
		// What the edge reads (before this cycle's write lands).
		pending = known[raddr];
		expect = model[raddr];
		last_raddr = raddr;
		if (top->we_i) {
			collisions += raddr == waddr && known[raddr];
			model[waddr] = data;
			known[waddr] = true;
		}
		tb::tick(top.get());
	}
	std::printf("ram Width %d Depth %d: 100000 cycles, %ld reads of the word written in the same "
		    "cycle\n",
		    RAM_WIDTH, RAM_DEPTH, collisions);
	top->final();
	return c.finish("tb_ram");
}
