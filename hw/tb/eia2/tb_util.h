// Small helpers shared by the EIA2 lane and AES testbenches: hex parsing, the vector file
// reader and packing octet strings into Verilator wide signals (octet 0 in the top bits).
#ifndef NASMAC_TB_EIA2_UTIL_H
#define NASMAC_TB_EIA2_UTIL_H

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "verilated.h"

namespace tb {

// Hex string to octets; false on a bad digit or odd length.
inline bool unhex(const std::string &s, std::vector<uint8_t> &out)
{
	out.clear();
	if (s == "-")
		return true;
	if (s.size() % 2)
		return false;
	for (size_t i = 0; i < s.size(); i += 2) {
		char *end = nullptr;
		std::string b = s.substr(i, 2);
		unsigned long v = std::strtoul(b.c_str(), &end, 16);
		if (*end)
			return false;
		out.push_back(static_cast<uint8_t>(v));
	}
	return true;
}

// Lines of a vector file whose first field is tag, split into fields (comments skipped).
inline std::vector<std::vector<std::string>> read_vectors(const std::string &path,
							    const std::string &tag)
{
	std::vector<std::vector<std::string>> rows;
	std::ifstream f(path);
	if (!f) {
		std::fprintf(stderr, "cannot open %s\n", path.c_str());
		std::exit(2);
	}
	std::string line;
	while (std::getline(f, line)) {
		std::istringstream is(line);
		std::vector<std::string> fields;
		std::string w;
		while (is >> w)
			fields.push_back(w);
		if (!fields.empty() && fields[0] == tag)
			rows.push_back(fields);
	}
	return rows;
}

// 16 octets into a 128-bit Verilator signal: octet 0 in [127:120].
inline void put128(VlWide<4> &w, const uint8_t *p)
{
	for (int k = 0; k < 4; k++)
		w[3 - k] = (uint32_t)p[4 * k] << 24 | (uint32_t)p[4 * k + 1] << 16 |
			   (uint32_t)p[4 * k + 2] << 8 | p[4 * k + 3];
}

inline void get128(const VlWide<4> &w, uint8_t *p)
{
	for (int k = 0; k < 4; k++) {
		uint32_t v = w[3 - k];
		p[4 * k] = (uint8_t)(v >> 24);
		p[4 * k + 1] = (uint8_t)(v >> 16);
		p[4 * k + 2] = (uint8_t)(v >> 8);
		p[4 * k + 3] = (uint8_t)v;
	}
}

// The seed: NASMAC_SEED when set, else from the clock; always printed by the caller.
inline uint64_t seed_from_env()
{
	const char *s = std::getenv("NASMAC_SEED");
	if (s && *s)
		return std::strtoull(s, nullptr, 0);
	return (uint64_t)time(nullptr);
}

} // namespace tb

#endif
