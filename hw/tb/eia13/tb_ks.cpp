// Self-checking testbench for the keystream cores (nasmac_snow3g_core or nasmac_zuc_core, chosen
// at build time): every known-answer word of tests/vectors/snow3g.txt or zuc.txt, with random
// stalls on ks_ready_i, a mid-stream clear_i, and back-to-back reuse of one core.
#include "tb_common.h"

#include <verilated.h>

#include VTOP_H

static void tick(VTOP *top)
{
	top->clk_i = 0;
	top->eval();
	top->clk_i = 1;
	top->eval();
}

int main(int argc, char **argv)
{
	auto ctx = std::make_unique<VerilatedContext>();
	ctx->commandArgs(argc, argv);
	auto top = std::make_unique<VTOP>(ctx.get());
	tb::counters c;
	std::mt19937_64 rng(tb::seed_from_env());
	const char *path = argc > 1 ? argv[1] : VEC_PATH;
	std::vector<tb::record> recs = tb::read_vectors(path, VEC_TAG);

	top->rst_ni = 0;
	top->init_i = 0;
	top->clear_i = 0;
	top->ks_ready_i = 0;
	tick(top.get());
	tick(top.get());
	top->rst_ni = 1;
	c.check(top->ready_o && !top->ks_valid_o, "idle after reset");

	for (const tb::record &r : recs) {
		std::vector<uint8_t> key, iv;
		if (r.f.size() != 5 || !tb::unhex(r.f[1], key) || !tb::unhex(r.f[2], iv) ||
		    key.size() != 16 || iv.size() != 16) {
			std::printf("malformed vector at line %d\n", r.line);
			c.check(false, "vector syntax");
			continue;
		}
		unsigned long index = std::strtoul(r.f[3].c_str(), nullptr, 10);
		uint32_t want = static_cast<uint32_t>(std::strtoul(r.f[4].c_str(), nullptr, 16));

		// Start from a dirty state: a previous job cleared mid-stream.
		tb::put_octets(top->key_i, key.data(), 16);
		tb::put_octets(top->iv_i, iv.data(), 16);
		top->init_i = 1;
		c.check(top->ready_o, "ready before init");
		tick(top.get());
		top->init_i = 0;
		int cycles = 0;
		unsigned long got_index = 0;
		uint32_t word = 0;
		while (got_index < index && cycles < 100000) {
			top->ks_ready_i = (rng() % 4) != 0;
			top->eval();
			bool fire = top->ks_valid_o && top->ks_ready_i;
			if (fire) {
				got_index++;
				word = top->ks_o;
			}
			if (got_index == index)
				break;
			tick(top.get());
			cycles++;
		}
		char what[200];
		std::snprintf(what, sizeof what, "%s line %d z%lu: got %08x want %08x (%s)", VEC_TAG,
			      r.line, index, word, want, r.source.c_str());
		c.check(got_index == index && word == want, what);
		// Clear while running: the core must return to idle with its state wiped.
		top->ks_ready_i = 0;
		top->clear_i = 1;
		tick(top.get());
		top->clear_i = 0;
		top->eval();
		c.check(top->ready_o && !top->ks_valid_o, "idle after clear");
	}
	// A word index that is never reached is an error in the file, not a pass.
	c.check(!recs.empty(), "vector file has vectors");
	top->final();
	return c.finish();
}
