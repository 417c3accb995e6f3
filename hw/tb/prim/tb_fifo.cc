// Self-checking testbench for nasmac_fifo (built once per Width/Depth/SyncRead/OutReg/Wipe
// configuration). Random pushes and pops, with phases that favour filling and draining, against
// a model of the storage (a std::deque) and, with OutReg, of the output register: every cycle
// wr_ready_o must equal "fewer than Depth entries stored", rd_valid_o "not empty" (the output
// register full), and rd_data_o the model's head. A reset in the middle must empty it.
// Wipe: after the FIFO is drained (and after a reset with entries in it) and Depth idle cycles,
// no storage entry, bypass or output register may hold anything but zero; the storage is peeked
// through tb_fifo.vlt. Built without Wipe the same peek must find data left (the check sees it).
#include <deque>
#include <utility>
#include <memory>

#include <verilated.h>

#include "Vfifo.h"
#include "Vfifo___024root.h"
#include "tb_prim.h"

// Storage entries (and the registers after them) that are not zero.
static int dirty_entries(Vfifo *top)
{
	int n = 0;
	auto *r = top->rootp;
#if FIFO_SYNC
	auto &mem = r->nasmac_fifo__DOT__g_sync__DOT__u_ram__DOT__mem;
	n += !tb_zero(r->nasmac_fifo__DOT__g_sync__DOT__u_ram__DOT__rdata_q);
#if !FIFO_OUTREG
	n += !tb_zero(r->nasmac_fifo__DOT__g_sync__DOT__g_byp__DOT__byp_data_q);
#endif
#else
	auto &mem = r->nasmac_fifo__DOT__g_async__DOT__mem_q;
#endif
	for (int i = 0; i < FIFO_DEPTH; i++)
		n += !tb_zero(mem[i]);
#if FIFO_OUTREG
	n += !tb_zero(r->nasmac_fifo__DOT__g_out__DOT__od_q);
#endif
	return n;
}

// Depth + 2 idle cycles (no write data offered, nothing read), then every entry must be zero
// with Wipe; without it, the data must still be there for the peek to see.
static void idle_check(Vfifo *top, tb::counters &c, long cycle, const char *when)
{
	char what[160];

	top->wr_valid_i = 0;
	top->rd_ready_i = 0;
	for (int i = 0; i < FIFO_DEPTH + 2; i++) {
		top->eval();
		tb::tick(top);
	}
	int n = dirty_entries(top);
	if (FIFO_WIPE) {
		std::snprintf(what, sizeof what, "Wipe: %d entries/registers not zero %s", n, when);
		c.check(n == 0, what, cycle);
	} else {
		std::snprintf(what, sizeof what, "no Wipe: the peek sees data left %s (%d)", when, n);
		c.check(n > 0, what, cycle);
	}
}

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
	// The storage: data and the cycle it was pushed in. With SyncRead and OutReg the read side
	// sees an entry a cycle later (no bypass).
	std::deque<std::pair<uint64_t, long>> model;
	const long lag = (FIFO_SYNC && FIFO_OUTREG) ? 2 : 1;
	bool ov = false;             // OutReg: the output register holds ohead
	uint64_t ohead = 0;
	char what[160];
	long wipe_checks = 0;

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
			ov = false;
			idle_check(top.get(), c, cycles, "after a reset");
			wipe_checks++;
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
			bool valid = FIFO_OUTREG ? ov : !model.empty();
			uint64_t head = FIFO_OUTREG ? ohead : (model.empty() ? 0 : model.front().first);
			std::snprintf(what, sizeof what, "rd_valid_o %d with %zu entries", top->rd_valid_o,
				      model.size());
			c.check((bool)top->rd_valid_o == valid, what, cycles);
			if (valid) {
				std::snprintf(what, sizeof what, "head %llx, model %llx",
					      (unsigned long long)top->rd_data_o, (unsigned long long)head);
				c.check((uint64_t)top->rd_data_o == head, what, cycles);
			}
			bool push = top->wr_valid_i && top->wr_ready_o;
			bool pop = top->rd_valid_o && top->rd_ready_i;
			if (pop)
				pops++;
			if (FIFO_OUTREG) {
				// The register reloads from the storage when empty or taken.
				if (!ov || top->rd_ready_i) {
					ov = !model.empty() && model.front().second <= cycles - lag;
					if (ov) {
						ohead = model.front().first;
						model.pop_front();
					}
				}
			} else if (pop) {
				model.pop_front();
			}
			if (push) {
				model.push_back({data, cycles});
				pushes++;
			}
			full_seen += !ready;
			tb::tick(top.get());
		}
	}
	// Drain, then idle: nothing popped may stay behind.
	top->wr_valid_i = 0;
	top->rd_ready_i = 1;
	for (int i = 0; i < 2 * FIFO_DEPTH + 4; i++) {
		top->eval();
		tb::tick(top.get());
	}
	c.check(!top->rd_valid_o, "drained", cycles);
	idle_check(top.get(), c, cycles, "after a drain");
	wipe_checks++;
	std::printf("fifo Width %d Depth %d SyncRead %d OutReg %d Wipe %d: %ld cycles, %ld pushes, "
		    "%ld pops, full in %ld cycles, %ld wipe checks\n",
		    FIFO_WIDTH, FIFO_DEPTH, FIFO_SYNC, FIFO_OUTREG, FIFO_WIPE, cycles, pushes, pops,
		    full_seen, wipe_checks);
	c.check(full_seen > 0 && pushes > 1000 && pops > 1000, "stimulus reached full and moved data",
		cycles);
	top->final();
	return c.finish("tb_fifo");
}
