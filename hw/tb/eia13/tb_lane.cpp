// Self-checking testbench for nasmac_eia1_lane / nasmac_eia3_lane (chosen at build time; both
// have the ports of hw/LANES.md). Four phases (and a reset check), every MAC checked against the project's C
// reference (nasmac_eia1() / nasmac_eia3()):
//   1. every vector of tests/vectors/eia1.txt or eia3.txt (official sets and labelled variants),
//      with its expected MAC, and again with that MAC corrupted (res_match_o must drop);
//   1b. a reset while jobs are in flight: no key-dependent register may survive it;
//   2. seeded random jobs: lengths 1..8192 bits plus a few up to 65504, random bits after LENGTH
//      in the last word (the lane must mask them), about 10% corrupted expected MACs, random
//      valid/ready stalls on the header, message and result interfaces;
//   3. back-to-back 64-octet jobs without stalls, to measure cycles per MAC (printed only);
//   4. back-to-back jobs of mixed NAS sizes (16..160 octets, fixed seed, so the cycle count is
//      the same in every run) without stalls: this one fails when the lane needs more than
//      MIXED_MAX_CPM cycles per MAC. It is a guard against gross regressions (a lane whose input
//      blocks behind one job, as the EIA3 lane's did with a 4-word unit buffer: 32 cycles per
//      MAC), set well above what the lane reaches, not a benchmark.
#include "tb_common.h"
#include "../lane_port.h"

#include <map>

#include <verilated.h>

#include "nasmac.h"
#include VTOP_H

namespace {

struct job {
	uint8_t key[16];
	uint32_t count;
	uint8_t bearer, dir;
	uint32_t len;
	std::vector<uint8_t> msg; // ceil(len/8) octets
	uint32_t exp_mac;
	uint32_t ref_mac;
	uint32_t index;
	std::string what;
};

uint32_t mac_of(const job &j)
{
	uint8_t mac[4];
	int rc = REF_FN(j.key, j.count, j.bearer, j.dir, j.msg.data(), j.len, mac);
	if (rc) {
		std::printf("reference returned %d\n", rc);
		std::exit(2);
	}
	return (uint32_t)mac[0] << 24 | (uint32_t)mac[1] << 16 | (uint32_t)mac[2] << 8 | mac[3];
}

class harness {
public:
	harness(VerilatedContext *ctx, tb::counters &c, std::mt19937_64 &rng)
		: ctx_(ctx), top_(new VTOP(ctx)), c_(c), rng_(rng)
	{
		top_->clk_i = 0;
		top_->rst_ni = 0;
		top_->job_valid_i = 0;
		top_->msg_valid_i = 0;
		top_->res_ready_i = 0;
		for (int i = 0; i < 3; i++)
			tick();
		top_->rst_ni = 1;
	}
	~harness()
	{
		top_->final();
	}

	// Runs the jobs through the lane; stall_pct is the chance (in percent) that a source holds
	// back valid or the sink holds back ready in a cycle. Returns the cycles taken.
	long run(std::vector<job> &jobs, int stall_pct)
	{
		std::map<uint32_t, const job *> pending;
		feed f;
		long cycles = 0, idle = 0;
		bool seen_secret = false;
		size_t done = 0;
		for (const job &j : jobs)
			pending[j.index] = &j;
		while (done < jobs.size()) {
			drive(f, jobs, stall_pct);
			top_->res_ready_i = (int)(rng_() % 100) >= stall_pct;
			top_->eval();
			bool job_fire = top_->job_valid_i && top_->job_ready_o;
			bool msg_fire = top_->msg_valid_i && top_->msg_ready_o;
			bool res_fire = top_->res_valid_o && top_->res_ready_i;
			if (res_fire) {
				check_result(pending);
				done++;
			}
			tick();
			cycles++;
			if (cycles % 16 == 0 && !seen_secret) {
				int nvars;
				std::string first;
				seen_secret = tb::secrets_left(ctx_, nvars, first) > 0;
			}
			idle = (job_fire || msg_fire || res_fire) ? 0 : idle + 1;
			if (idle > 20000) {
				c_.check(false, "lane made no progress for 20000 cycles");
				return cycles;
			}
			advance(f, jobs, job_fire, msg_fire);
		}
		c_.check(pending.empty(), "every job returned exactly once");
		c_.check(seen_secret, "state of jobs in flight visible to the wipe check");
		// Nothing more may come out.
		top_->res_ready_i = 1;
		for (int i = 0; i < 50; i++) {
			top_->eval();
			if (top_->res_valid_o) {
				c_.check(false, "spurious result");
				break;
			}
			tick();
		}
		// The lane is idle: no key-dependent state may be left anywhere in it.
		tb::check_secrets_cleared(ctx_, c_, "a batch of jobs");
		return cycles;
	}

	// Starts the jobs back to back with no result taken, then resets the lane after `cycles`
	// clocks, with jobs initialising, waiting and being evaluated. Right after the reset no
	// key-dependent state may be left: datapath registers without a reset would keep a key's
	// keystream state (or P, Q, z5) through it, which only a job's normal end wipes.
	void reset_midway(std::vector<job> &jobs, long cycles)
	{
		feed f;
		top_->res_ready_i = 0;
		for (long t = 0; t < cycles; t++) {
			drive(f, jobs, 0);
			top_->eval();
			bool job_fire = top_->job_valid_i && top_->job_ready_o;
			bool msg_fire = top_->msg_valid_i && top_->msg_ready_o;
			tick();
			advance(f, jobs, job_fire, msg_fire);
		}
		int nvars;
		std::string first;
		c_.check(tb::secrets_left(ctx_, nvars, first) > 0,
			 "state of jobs in flight visible before the reset");
		top_->job_valid_i = 0;
		top_->msg_valid_i = 0;
		top_->rst_ni = 0;
		tick();
		top_->rst_ni = 1;
		tb::check_secrets_cleared(ctx_, c_, "a reset in the middle of jobs");
		top_->eval();
		c_.check(!top_->res_valid_o, "no result right after the reset");
	}

private:
	// Where the input stands in a list of jobs: the job being sent, and its words.
	struct feed {
		size_t next_job = 0, words_sent = 0, nwords = 0;
		bool in_msg = false;
	};

	// Valid is raised at random (stall_pct) and then held until the transfer happens.
	void drive(feed &f, const std::vector<job> &jobs, int stall_pct)
	{
		if (!f.in_msg && f.next_job < jobs.size() && !top_->job_valid_i &&
		    (int)(rng_() % 100) >= stall_pct)
			present_header(jobs[f.next_job]);
		if (f.in_msg && !top_->msg_valid_i && (int)(rng_() % 100) >= stall_pct)
			present_word(jobs[f.next_job], f.words_sent, f.nwords);
	}

	// After the clock edge: a transfer that happened drops its valid and moves the feed on.
	void advance(feed &f, const std::vector<job> &jobs, bool job_fire, bool msg_fire)
	{
		if (job_fire) {
			top_->job_valid_i = 0;
			f.in_msg = true;
			f.words_sent = 0;
			f.nwords = (jobs[f.next_job].len + 127) / 128;
		}
		if (msg_fire) {
			top_->msg_valid_i = 0;
			if (++f.words_sent == f.nwords) {
				f.in_msg = false;
				f.next_job++;
			}
		}
	}

	void tick()
	{
		top_->clk_i = 1;
		top_->eval();
		top_->clk_i = 0;
		top_->eval();
	}

	void present_header(const job &j)
	{
		tb::put_lane_job(top_->job_i,
				 {j.key, j.count, j.bearer, j.dir, j.len, j.exp_mac, j.index});
		top_->job_valid_i = 1;
	}

	void present_word(const job &j, size_t w, size_t nwords)
	{
		uint8_t oct[16];
		for (size_t i = 0; i < 16; i++) {
			size_t o = 16 * w + i;
			// Octets past the message are garbage, as are its bits past LENGTH.
			oct[i] = o < j.msg.size() ? j.msg[o] : (uint8_t)rng_();
			if (o == j.len / 8 && j.len % 8)
				oct[i] = (uint8_t)(oct[i] | ((0xffu >> (j.len % 8)) & rng_()));
		}
		tb::put_octets(top_->msg_data_i, oct, 16);
		top_->msg_last_i = (w + 1 == nwords);
		top_->msg_valid_i = 1;
	}

	void check_result(std::map<uint32_t, const job *> &pending)
	{
		const tb::lane_res r = tb::get_lane_res(top_->res_o);
		auto it = pending.find(r.index);
		if (it == pending.end()) {
			c_.check(false, "result with an unknown or repeated index");
			return;
		}
		const job &j = *it->second;
		char what[300];
		std::snprintf(what, sizeof what, "%s (len %u): MAC %08x want %08x, match %d want %d",
			      j.what.c_str(), j.len, r.mac, j.ref_mac, r.match, j.exp_mac == j.ref_mac);
		c_.check(r.mac == j.ref_mac && r.match == (j.exp_mac == j.ref_mac), what);
		pending.erase(it);
	}

	VerilatedContext *ctx_;
	std::unique_ptr<VTOP> top_;
	tb::counters &c_;
	std::mt19937_64 &rng_;
};

job random_job(std::mt19937_64 &rng, uint32_t len, uint32_t index)
{
	job j;
	tb::random_header(j, rng);
	j.len = len;
	j.msg.resize((len + 7) / 8);
	for (uint8_t &b : j.msg)
		b = (uint8_t)rng();
	j.ref_mac = mac_of(j);
	j.exp_mac = (rng() % 10 == 0) ? j.ref_mac ^ (1u << (rng() % 32)) : j.ref_mac;
	j.index = index;
	char what[64];
	std::snprintf(what, sizeof what, "random job %u", index);
	j.what = what;
	return j;
}

} // namespace

int main(int argc, char **argv)
{
	auto ctx = std::make_unique<VerilatedContext>();
	ctx->commandArgs(argc, argv);
	tb::counters c;
	std::mt19937_64 rng(tb::seed_from_env());
	harness h(ctx.get(), c, rng);

	// Phase 1: the known-answer vectors, each once as is and once with a corrupted MAC.
	std::vector<job> kat;
	for (const tb::record &r : tb::read_vectors(VEC_PATH, VEC_TAG)) {
		job j;
		std::vector<uint8_t> key;
		if (r.f.size() != 8 || !tb::unhex(r.f[1], key) || key.size() != 16 ||
		    !tb::unhex(r.f[6], j.msg)) {
			std::printf("malformed vector at line %d\n", r.line);
			c.check(false, "vector syntax");
			continue;
		}
		std::copy(key.begin(), key.end(), j.key);
		j.count = (uint32_t)std::strtoul(r.f[2].c_str(), nullptr, 16);
		j.bearer = (uint8_t)std::strtoul(r.f[3].c_str(), nullptr, 10);
		j.dir = (uint8_t)std::strtoul(r.f[4].c_str(), nullptr, 10);
		j.len = (uint32_t)std::strtoul(r.f[5].c_str(), nullptr, 10);
		j.exp_mac = (uint32_t)std::strtoul(r.f[7].c_str(), nullptr, 16);
		j.ref_mac = mac_of(j);
		j.what = "line " + std::to_string(r.line) + " (" + r.source + ")";
		// The reference must agree with the file before the lane is judged against it.
		c.check(j.ref_mac == j.exp_mac, ("reference vs file, " + j.what).c_str());
		j.ref_mac = j.exp_mac;
		kat.push_back(j);
	}
	c.check(!kat.empty(), "vector file has vectors");
	std::vector<job> kat2;
	for (size_t i = 0; i < kat.size(); i++) {
		job a = kat[i], b = kat[i];
		a.index = (uint32_t)(0x1000 + 2 * i);
		b.index = (uint32_t)(0x1001 + 2 * i);
		b.exp_mac ^= 0x80000000u >> (i % 32);
		b.what += " corrupted";
		kat2.push_back(a);
		kat2.push_back(b);
	}
	h.run(kat2, 30);
	std::printf("known answers: %zu jobs\n", kat2.size());

	// Phase 1b: a reset while jobs are in every stage (keys in the keystream cores, keystream
	// words waiting for the evaluator, P/Q/z5 in it); phase 2 then shows the lane works after it.
	for (long at : {20L, 45L, 90L}) {
		std::vector<job> live;
		for (int i = 0; i < 24; i++)
			live.push_back(random_job(rng, 512 + 128 * (uint32_t)(i % 5), 0x4000 + (uint32_t)i));
		h.reset_midway(live, at);
	}
	std::printf("reset in the middle of jobs: checked\n");

	// Phase 2: random jobs under random stalls, in batches so that the stall rate varies.
	const char *njobs_env = std::getenv("NASMAC_TB_JOBS");
	int njobs = njobs_env ? std::atoi(njobs_env) : 2000;
	uint32_t index = 0;
	int made = 0;
	while (made < njobs) {
		std::vector<job> batch;
		for (int i = 0; i < 100 && made < njobs; i++, made++) {
			uint32_t r = (uint32_t)(rng() % 100), len;
			if (r < 1)
				len = 8193 + (uint32_t)(rng() % (65504 - 8192));
			else if (r < 2)
				len = (rng() % 2) ? 65504 : 8192;
			else if (r < 50)
				len = 1 + (uint32_t)(rng() % 1024);
			else
				len = 1 + (uint32_t)(rng() % 8192);
			batch.push_back(random_job(rng, len, index++));
		}
		h.run(batch, (int)(rng() % 60));
	}
	std::printf("random: %d jobs\n", made);

	// Phase 3: back-to-back 64-octet jobs, no stalls.
	std::vector<job> b2b;
	for (int i = 0; i < 400; i++)
		b2b.push_back(random_job(rng, 512, 0x8000 + (uint32_t)i));
	long cycles = h.run(b2b, 0);
	std::printf("throughput: %zu back-to-back 64-octet MACs in %ld cycles = %.2f cycles/MAC\n",
		    b2b.size(), cycles, (double)cycles / (double)b2b.size());

	// Phase 4: mixed NAS sizes, as in the mixed batch of nasmac bench engine; its own fixed seed
	// makes the cycle count independent of NASMAC_SEED.
	std::mt19937_64 mrng(0x4e41534dULL);
	std::vector<job> mixed;
	for (int i = 0; i < 600; i++)
		mixed.push_back(random_job(mrng, 8 * (16 + (uint32_t)(mrng() % 145)), 0xc000 + (uint32_t)i));
	cycles = h.run(mixed, 0);
	double cpm = (double)cycles / (double)mixed.size();
	std::printf("throughput: %zu back-to-back 16..160-octet MACs in %ld cycles = %.2f cycles/MAC "
		    "(limit %.1f)\n",
		    mixed.size(), cycles, cpm, (double)MIXED_MAX_CPM);
	c.check(cpm <= (double)MIXED_MAX_CPM, "mixed-length throughput within MIXED_MAX_CPM");

	return c.finish();
}
