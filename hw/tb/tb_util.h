// What every Verilator testbench of hw/tb needs (eia13/tb_common.h, eia2/tb_util.h and
// prim/tb_prim.h include it): the seed (printed; NASMAC_SEED overrides), the case/error
// counters, the model on its context, hex parsing, the vector-file reader and packing octet
// strings into wide signals.
#ifndef NASMAC_TB_UTIL_H
#define NASMAC_TB_UTIL_H

#include <cstdarg>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <verilated.h>

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
	// The first 20 failures are printed, with the cycle when one is given.
	bool check(bool ok, const char *what, long cycle = -1)
	{
		if (ok) {
			passed++;
		} else if (++failed <= 20) {
			if (cycle >= 0)
				std::printf("FAIL: %s (cycle %ld)\n", what, cycle);
			else
				std::printf("FAIL: %s\n", what);
		}
		return ok;
	}
	// The same with a printf-style message.
	__attribute__((format(printf, 3, 4))) bool checkf(bool ok, const char *fmt, ...)
	{
		char what[256];
		va_list ap;
		va_start(ap, fmt);
		std::vsnprintf(what, sizeof what, fmt, ap);
		va_end(ap);
		return check(ok, what);
	}
	int finish(const char *name = nullptr)
	{
		std::printf("%s%s%ld passed, %ld failed\n", name ? name : "", name ? ": " : "", passed,
			    failed);
		return failed ? 1 : 0;
	}
};

// A checkf whose message arguments are evaluated only when the check fails: they may have side
// effects (a clear-on-read register read again for the message).
#define TB_CHECKF(counters, cond, ...)                                 \
	do {                                                           \
		if (cond)                                              \
			(counters).check(true, "");                    \
		else                                                   \
			(counters).checkf(false, __VA_ARGS__);         \
	} while (0)

// What a testbench's main() starts with: a Verilator context that has the command line, the model
// on it, the counters and a random source seeded from NASMAC_SEED (printed). Taken apart with
// `auto &[ctx, top, c, rng] = env;`.
template <typename Top> struct bench {
	std::unique_ptr<VerilatedContext> ctx;
	std::unique_ptr<Top> top;
	counters c;
	std::mt19937_64 rng;
	bench(int argc, char **argv)
		: ctx(std::make_unique<VerilatedContext>()), rng(seed_from_env())
	{
		ctx->commandArgs(argc, argv);
		top = std::make_unique<Top>(ctx.get());
	}
};

// Hex string to octets; false on a bad digit or an odd length. "-" is the empty string.
inline bool unhex(const std::string &s, std::vector<uint8_t> &out)
{
	out.clear();
	if (s == "-")
		return true;
	if (s.size() % 2)
		return false;
	for (size_t i = 0; i < s.size(); i += 2) {
		char buf[3] = {s[i], s[i + 1], 0};
		char *end;
		unsigned long v = std::strtoul(buf, &end, 16);
		if (*end)
			return false;
		out.push_back(static_cast<uint8_t>(v));
	}
	return true;
}

// The lines of a vector file whose first field is tag, split into fields ('#' starts a comment);
// each record also carries the most recent "# source:" comment so failures name their source.
struct record {
	std::vector<std::string> f;
	std::string source;
	int line;
};

inline std::vector<record> read_vectors(const std::string &path, const std::string &tag)
{
	std::vector<record> out;
	std::ifstream in(path);
	if (!in) {
		std::fprintf(stderr, "cannot open %s\n", path.c_str());
		std::exit(2);
	}
	std::string line, source;
	int n = 0;
	while (std::getline(in, line)) {
		n++;
		if (line.rfind("# source:", 0) == 0) {
			source = line.substr(2);
			continue;
		}
		size_t hash = line.find('#');
		if (hash != std::string::npos)
			line.erase(hash);
		std::istringstream ss(line);
		record r;
		std::string w;
		while (ss >> w)
			r.f.push_back(w);
		if (r.f.empty() || r.f[0] != tag)
			continue;
		r.source = source;
		r.line = n;
		out.push_back(r);
	}
	return out;
}

// Verilator keeps wide ports as arrays of 32-bit words, least significant first; octet 0 of a
// string goes to the most significant bits.
template <typename W> inline void put_octets(W &port, const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		size_t bit = 8 * (n - 1 - i);
		uint32_t &word = port[bit / 32];
		word = (word & ~(0xffu << (bit % 32))) | (static_cast<uint32_t>(p[i]) << (bit % 32));
	}
}

} // namespace tb

#endif
