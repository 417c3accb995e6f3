// Shared helpers for the EIA1/EIA3 Verilator testbenches: on top of ../tb_util.h (seed, counters,
// hex, vector files, wide ports), the check that key-dependent state is wiped.
#ifndef NASMAC_TB_EIA13_COMMON_H
#define NASMAC_TB_EIA13_COMMON_H

#include <cstdint>
#include <random>
#include <string>

#include <verilated.h>
#include <verilated_syms.h>

#include "../tb_util.h"

namespace tb {

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
