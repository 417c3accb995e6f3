// Helpers of the EIA2 lane and AES testbenches beyond ../tb_util.h: 128-bit blocks in and out of
// Verilator wide signals (octet 0 in the top bits).
#ifndef NASMAC_TB_EIA2_UTIL_H
#define NASMAC_TB_EIA2_UTIL_H

#include <cstdint>

#include "verilated.h"

#include "../tb_util.h"

namespace tb {

// 16 octets into a 128-bit Verilator signal: octet 0 in [127:120].
inline void put128(VlWide<4> &w, const uint8_t *p)
{
	put_octets(w, p, 16);
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

} // namespace tb

#endif
