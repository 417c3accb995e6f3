// Self-checking test of nasmac_fetch alone (default build: 512-bit beats, 128-beat buffer): jobs
// with random message addresses (any octet offset, some just below a 4 KiB boundary) and lengths
// (1 bit .. 8 KiB), a memory that accepts read requests at random and returns their beats in
// order with random gaps and latency, and a lane whose job and message ready are random. Checked:
// bursts are 1..16 beats, never cross 4 KiB and read each message's beats once in order; each job
// reaches the lane once, in order, with its header fields, then exactly ceil(len/128) message
// words with message octet 0 in [127:120] and the last flag on the last word only; the key leaves
// the header register once the lane has taken it. NASMAC_SEED repeats a run.
#include <cstdint>
#include <cstdio>
#include <deque>
#include <memory>
#include <random>
#include <vector>

#include <verilated.h>

#include "Vnasmac_fetch.h"
#include "tb_prim.h"

namespace {

constexpr uint64_t kArena = 0x3'0000'0000ull;
constexpr uint64_t kArenaBytes = 1u << 20;

struct job : tb::job_hdr {
	uint32_t len, index, exp;
	uint64_t addr;
};


// job_t of nasmac_top_pkg, with the lengths nasmac_desc works out.
void pack(const job &j, uint32_t *w)
{
	uint32_t last = (uint32_t)(j.addr % 64) + (j.len - 1) / 8;
	uint32_t lastc = (uint32_t)(j.addr % 16) + (j.len - 1) / 8;
	tb::put_bits(w, 0, lastc / 16 == 0, 1);
	tb::put_bits(w, 1, (j.len - 1) / 128, 10);
	tb::put_bits(w, 11, lastc / 16, 11);
	tb::put_bits(w, 22, last / 64, 11);
	tb::put_bits(w, 33, j.addr, 64);
	tb::put_bits(w, 97, j.index, 32);
	tb::put_bits(w, 129, j.exp, 32);
	tb::put_bits(w, 161, j.len, 16);
	tb::put_bits(w, 177, j.dir, 1);
	tb::put_bits(w, 178, j.bearer, 5);
	tb::put_bits(w, 183, j.count, 32);
	for (int i = 0; i < 16; i++)
		tb::put_bits(w, 215 + 120 - 8 * i, j.key[i], 8);
}

} // namespace

int main(int argc, char **argv)
{
	tb::bench<Vnasmac_fetch> env(argc, argv);
	auto &[ctx, t, c, rng] = env;
	char what[200];

	std::vector<uint8_t> mem(kArenaBytes);
	for (auto &b : mem)
		b = (uint8_t)rng();
	const int n = 400;
	std::vector<job> js(n);
	for (int i = 0; i < n; i++) {
		job &j = js[i];
		tb::random_hdr(j, rng);
		j.exp = (uint32_t)rng();
		j.index = (uint32_t)i;
		j.len = rng() % 4 ? 1 + (uint32_t)(rng() % 2048) : 1 + (uint32_t)(rng() % 65504);
		uint64_t off = rng() % (kArenaBytes - 8192);
		if (rng() % 5 == 0)
			off = (off & ~0xfffull) + 0x1000 - 1 - rng() % 100;  // just below a 4 KiB boundary
		j.addr = kArena + off;
	}

	t->rst_ni = 0;
	t->job_valid_i = t->ar_ready_i = t->beat_valid_i = 0;
	t->lane_job_ready_i = t->lane_msg_ready_i = 0;
	for (int i = 0; i < 4; i++)
		tb::tick(t.get());
	t->rst_ni = 1;

	struct pending {
		uint64_t addr;
		int beats;
		long at;
	};
	std::deque<pending> reads;
	int sent = 0, rd_job = 0, hdr = 0, word_job = -1;
	uint64_t rd_next = 0, rd_end = 0;  // the beats of job rd_job still to be requested
	uint32_t word = 0, words = 0;
	long cycle = 0;
	bool key_seen = false;
	for (; cycle < 2000000 && !(hdr == n && word_job < 0); cycle++) {
		bool jv = sent < n && rng() % 100 < 50;
		t->job_valid_i = jv;
		if (jv)
			pack(js[sent], t->job_i.data());
		t->ar_ready_i = rng() % 100 < 60;
		// A lane takes a header, then that job's words (hw/LANES.md), each when it likes.
		t->lane_job_ready_i = word_job < 0 && rng() % 100 < 50;
		t->lane_msg_ready_i = word_job >= 0 && rng() % 100 < 70;
		bool beat = !reads.empty() && reads.front().at <= cycle && rng() % 100 < 80;
		t->beat_valid_i = beat;
		if (beat) {
			uint64_t a = reads.front().addr - kArena;
			for (int w = 0; w < 16; w++)
				t->beat_data_i[w] = (uint32_t)mem[a + 4 * w] | (uint32_t)mem[a + 4 * w + 1] << 8 |
						    (uint32_t)mem[a + 4 * w + 2] << 16 |
						    (uint32_t)mem[a + 4 * w + 3] << 24;
		}
		t->clk_i = 0;
		t->eval();

		if (jv && t->job_ready_o)
			sent++;
		if (t->ar_valid_o && t->ar_ready_i) {
			uint64_t a = t->ar_addr_o;
			int beats = t->ar_len_o + 1;
			if (rd_next == rd_end && rd_job < n) {
				rd_next = js[rd_job].addr & ~63ull;
				rd_end = (js[rd_job].addr + (js[rd_job].len + 7) / 8 + 63) & ~63ull;
			}
			std::snprintf(what, sizeof what, "job %d: burst at 0x%llx (want 0x%llx), %d beats", rd_job,
				      (unsigned long long)a, (unsigned long long)rd_next, beats);
			c.check(a == rd_next && beats >= 1 && beats <= 16 && a + 64ull * beats <= rd_end &&
					(a & ~0xfffull) == ((a + 64ull * beats - 1) & ~0xfffull),
				what, cycle);
			rd_next = a + 64ull * beats;
			if (rd_next >= rd_end)
				rd_job++;
			reads.push_back({a, beats, cycle + 1 + (long)(rng() % 60)});
		}
		if (beat) {
			reads.front().addr += 64;
			if (--reads.front().beats == 0)
				reads.pop_front();
		}
		if (t->lane_job_valid_o && t->lane_job_ready_i) {
			std::snprintf(what, sizeof what, "a header (job %d) before job %d's last word", hdr,
				      word_job);
			c.check(word_job < 0 && hdr < n, what, cycle);
			if (hdr < n) {
				const job &j = js[hdr];
				bool ok = t->lane_job_count_o == j.count && t->lane_job_bearer_o == j.bearer &&
					  t->lane_job_dir_o == j.dir && t->lane_job_len_bits_o == j.len &&
					  t->lane_job_exp_mac_o == j.exp && t->lane_job_index_o == j.index;
				for (int i = 0; i < 16; i++)
					ok = ok && (uint8_t)(t->lane_job_key_o[(120 - 8 * i) / 32] >>
							     ((120 - 8 * i) % 32)) == j.key[i];
				std::snprintf(what, sizeof what, "job %d: header fields", hdr);
				c.check(ok, what, cycle);
				word_job = hdr++;
				word = 0;
				words = (j.len + 127) / 128;
				key_seen = true;
			}
		} else if (key_seen && !t->lane_job_valid_o) {
			bool zero = true;
			for (int w = 0; w < 4; w++)
				zero = zero && t->lane_job_key_o[w] == 0;
			c.check(zero, "the key left the header register once taken", cycle);
		}
		if (t->lane_msg_valid_o && t->lane_msg_ready_i) {
			std::snprintf(what, sizeof what, "a message word without a job (after job %d)", hdr);
			c.check(word_job >= 0, what, cycle);
			if (word_job >= 0) {
				const job &j = js[word_job];
				uint32_t octets = (j.len + 7) / 8;
				bool ok = (bool)t->lane_msg_last_o == (word + 1 == words);
				for (uint32_t o = 0; o < 16 && 16 * word + o < octets; o++)
					ok = ok && (uint8_t)(t->lane_msg_data_o[(120 - 8 * o) / 32] >> ((120 - 8 * o) % 32)) ==
							   mem[j.addr - kArena + 16 * word + o];
				std::snprintf(what, sizeof what, "job %d (addr 0x%llx len %u): word %u of %u", word_job,
					      (unsigned long long)j.addr, j.len, word, words);
				c.check(ok, what, cycle);
				if (++word == words)
					word_job = -1;
			}
		}
		t->clk_i = 1;
		t->eval();
	}
	std::snprintf(what, sizeof what, "%d of %d jobs through (%d sent, bursts for %d, word_job %d, %zu reads left)", hdr, n, sent, rd_job, word_job, reads.size());
	c.check(hdr == n && word_job < 0 && rd_job == n && reads.empty(), what, cycle);
	std::printf("tb_fetch: %d jobs in %ld cycles\n", n, cycle);
	t->final();
	t.reset();
	return c.finish("tb_fetch");
}
