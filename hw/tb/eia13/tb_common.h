// Shared helpers for the EIA1/EIA3 Verilator testbenches: vector-file parsing, hex, a seeded
// random source (seed printed, NASMAC_SEED overrides) and the case/error counters.
#ifndef NASMAC_TB_EIA13_COMMON_H
#define NASMAC_TB_EIA13_COMMON_H

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include <verilated.h>
#include <verilated_syms.h>

namespace tb {

// Parses hex into octets; returns false on a malformed string. "-" is the empty string.
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

// Reads the lines of a vector file whose first field is tag, split into fields; each record
// also carries the most recent "# source:" comment so failures name their source.
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

inline uint64_t seed_from_env()
{
	const char *s = std::getenv("NASMAC_SEED");
	uint64_t seed = s ? std::strtoull(s, nullptr, 0) : static_cast<uint64_t>(std::time(nullptr));
	std::printf("seed %llu (override with NASMAC_SEED)\n", static_cast<unsigned long long>(seed));
	return seed;
}

struct counters {
	long passed = 0;
	long failed = 0;
	void check(bool ok, const char *what)
	{
		if (ok) {
			passed++;
		} else {
			failed++;
			if (failed <= 20)
				std::printf("FAIL: %s\n", what);
		}
	}
	int finish()
	{
		std::printf("%ld passed, %ld failed\n", passed, failed);
		return failed ? 1 : 0;
	}
};

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

// The RTL marks every register that holds key-dependent state (LFSR and FSM cells, keystream
// words, P/Q/z5, EVAL, T) with /*verilator public_flat_rd*/. Counts how many of them are not all
// zero, and sets nvars to how many were inspected (0 would mean the marks are gone and the check
// proves nothing).
inline int secrets_left(VerilatedContext *ctx, int &nvars, std::string &first)
{
	int dirty = 0;
	nvars = 0;
	for (const auto &scope : *ctx->scopeNameMap()) {
		const VerilatedVarNameMap *vars = scope.second->varsp();
		if (!vars)
			continue;
		for (const auto &v : *vars) {
			const uint8_t *p = static_cast<const uint8_t *>(v.second.datap());
			size_t n = v.second.totalSize();
			nvars++;
			for (size_t i = 0; i < n; i++) {
				if (p[i]) {
					if (!dirty++)
						first = std::string(scope.first) + "." + v.first;
					break;
				}
			}
		}
	}
	return dirty;
}

inline void check_secrets_cleared(VerilatedContext *ctx, counters &c, const char *when)
{
	int nvars;
	std::string first;
	int dirty = secrets_left(ctx, nvars, first);
	std::string what = std::string("key-dependent state wiped after ") + when + " (" +
			   std::to_string(nvars) + " registers inspected, " + std::to_string(dirty) +
			   " not zero" + (dirty ? ", first " + first : std::string()) + ")";
	c.check(nvars > 0 && dirty == 0, what.c_str());
}

} // namespace tb

#endif
