// Self-checking testbench for nasmac_fifo (built once per Width/Depth/SyncRead configuration).
// Random pushes and pops, with phases that favour filling and draining, against a std::deque:
// every cycle wr_ready_o must equal "fewer than Depth entries", rd_valid_o "not empty", and
// rd_data_o the model's head. A reset in the middle must empty it.
#include <deque>
#include <memory>

#include <verilated.h>

#include "Vfifo.h"
#include "tb_prim.h"

// Reset for one clock edge with both handshakes idle.
static void reset(Vfifo *top)
{
	top->rst_ni = 0;
	top->wr_valid_i = 0;
	top->rd_ready_i = 0;
	top->eval();
	tb::tick(top);
	top->rst_ni = 1;
}

int main(int argc, char **argv)
{
	tb::bench<Vfifo> env(argc, argv);
	auto &[ctx, top, c, rng] = env;
	const uint64_t mask = FIFO_WIDTH >= 64 ? ~0ull : (1ull << FIFO_WIDTH) - 1;
	std::deque<uint64_t> model;
	char what[160];

	top->clk_i = 0;
	reset(top.get());

	long cycles = 0, pushes = 0, pops = 0, full_seen = 0;
	for (int phase = 0; phase < 60; phase++) {
		// Push and pop probabilities per phase: fill, drain, balanced, always both.
		unsigned pw = (unsigned)(rng() % 101), pr = (unsigned)(rng() % 101);
		if (phase % 4 == 3)
			pw = pr = 100;
		if (phase == 30) {
			// Reset in the middle: the FIFO must come out empty.
			reset(top.get());
			model.clear();
		}
		for (int i = 0; i < 2000; i++, cycles++) {
			top->wr_valid_i = (unsigned)(rng() % 100) < pw;
			uint64_t data = rng() & mask;
			top->wr_data_i = data;
			top->rd_ready_i = (unsigned)(rng() % 100) < pr;
			top->eval();
			bool ready = model.size() < FIFO_DEPTH;
			std::snprintf(what, sizeof what, "wr_ready_o %d with %zu of %d entries",
				      top->wr_ready_o, model.size(), FIFO_DEPTH);
			c.check((bool)top->wr_ready_o == ready, what, cycles);
			std::snprintf(what, sizeof what, "rd_valid_o %d with %zu entries", top->rd_valid_o,
				      model.size());
			c.check((bool)top->rd_valid_o == !model.empty(), what, cycles);
			if (!model.empty()) {
				std::snprintf(what, sizeof what, "head %llx, model %llx",
					      (unsigned long long)top->rd_data_o,
					      (unsigned long long)model.front());
				c.check((uint64_t)top->rd_data_o == model.front(), what, cycles);
			}
			bool push = top->wr_valid_i && top->wr_ready_o;
			bool pop = top->rd_valid_o && top->rd_ready_i;
			if (pop) {
				model.pop_front();
				pops++;
			}
			if (push) {
				model.push_back(data);
				pushes++;
			}
			full_seen += !ready;
			tb::tick(top.get());
		}
	}
	std::printf("fifo Width %d Depth %d SyncRead %d: %ld cycles, %ld pushes, %ld pops, full in %ld "
		    "cycles\n",
		    FIFO_WIDTH, FIFO_DEPTH, FIFO_SYNC, cycles, pushes, pops, full_seen);
	c.check(full_seen > 0 && pushes > 1000 && pops > 1000, "stimulus reached full and moved data",
		cycles);
	top->final();
	return c.finish("tb_fifo");
}
