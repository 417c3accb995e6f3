// Self-checking testbench for the keystream cores (nasmac_snow3g_core or nasmac_zuc_core, chosen
// at build time): every known-answer word of tests/vectors/snow3g.txt or zuc.txt, then seeded
// random keys and IVs against the reference generator of driver/src/ref (REF_KS), all with random
// stalls on ks_ready_i, a mid-stream clear_i, and back-to-back reuse of one core.
#include "tb_common.h"

extern "C" {
#include "ref.h"
}

#include <verilated.h>

#include VTOP_H

static void tick(VTOP *top)
{
	top->clk_i = 0;
	top->eval();
	top->clk_i = 1;
	top->eval();
}

// Starts the core on key/iv, collects n words under random ks_ready_i stalls, then clears the
// core mid-stream and checks that it is idle again. Returns false on a timeout.
static bool run_core(VerilatedContext *ctx, VTOP *top, std::mt19937_64 &rng, tb::counters &c,
		     const uint8_t *key, const uint8_t *iv, std::vector<uint32_t> &z, size_t n)
{
	z.clear();
	tb::put_octets(top->key_i, key, 16);
	tb::put_octets(top->iv_i, iv, 16);
	top->init_i = 1;
	top->eval();
	c.check(top->ready_o, "ready before init");
	tick(top);
	top->init_i = 0;
	for (int cycles = 0; z.size() < n; cycles++) {
		if (cycles > 100000)
			return false;
		top->ks_ready_i = (rng() % 4) != 0;
		top->eval();
		if (top->ks_valid_o && top->ks_ready_i)
			z.push_back(top->ks_o);
		if (z.size() == n)
			break;
		tick(top);
	}
	// While running, the wipe check must see the state (else it would prove nothing).
	int nvars;
	std::string first;
	c.check(tb::secrets_left(ctx, nvars, first) > 0, "running state visible to the wipe check");
	top->ks_ready_i = 0;
	top->clear_i = 1;
	tick(top);
	top->clear_i = 0;
	top->eval();
	c.check(top->ready_o && !top->ks_valid_o, "idle after clear");
	tb::check_secrets_cleared(ctx, c, "clear_i");
	return true;
}

int main(int argc, char **argv)
{
	tb::bench<VTOP> env(argc, argv);
	auto &[ctx, top, c, rng] = env;
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

		std::vector<uint32_t> z;
		bool ok = index >= 1 && index <= 100000 &&
			  run_core(ctx.get(), top.get(), rng, c, key.data(), iv.data(), z, index);
		uint32_t word = ok ? z.back() : 0;
		char what[200];
		std::snprintf(what, sizeof what, "%s line %d z%lu: got %08x want %08x (%s)", VEC_TAG,
			      r.line, index, word, want, r.source.c_str());
		c.check(ok && word == want, what);
	}
	// Random keys and IVs against the reference generator, 1..80 words each.
	for (int t = 0; t < 300; t++) {
		uint8_t key[16], iv[16];
		for (int i = 0; i < 16; i++) {
			key[i] = (uint8_t)rng();
			iv[i] = (uint8_t)rng();
		}
		size_t n = 1 + rng() % 80;
		std::vector<uint32_t> want(n), z;
		REF_KS(key, iv, want.data(), n);
		bool ok = run_core(ctx.get(), top.get(), rng, c, key, iv, z, n);
		char what[120];
		std::snprintf(what, sizeof what, "random key/IV %d: %zu words", t, n);
		c.check(ok && z == want, what);
	}
	// A word index that is never reached is an error in the file, not a pass.
	c.check(!recs.empty(), "vector file has vectors");
	top->final();
	return c.finish();
}
