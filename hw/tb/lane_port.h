// The lane interface of hw/LANES.md as a testbench sees it: Verilator keeps the packed structs
// nasmac_lane_pkg::lane_job_t (job_i, 246 bits) and lane_res_t (res_o, 65 bits) as wide signals,
// 32-bit words least significant first, the last field of the struct in the lowest bits. One
// packer for every lane testbench, so the field offsets are written once, here, next to the
// package's field order.
#ifndef NASMAC_TB_LANE_PORT_H
#define NASMAC_TB_LANE_PORT_H

#include <cstdint>

#include "tb_util.h"

namespace tb {

// Bits [lsb + width - 1 : lsb] of a wide signal, width 1..32.
template <typename W> inline void put_bits(W &port, unsigned lsb, unsigned width, uint32_t v)
{
	for (unsigned b = 0; b < width; b++) {
		unsigned bit = lsb + b;
		uint32_t &word = port[bit / 32];
		word = (word & ~(1u << (bit % 32))) | (((v >> b) & 1u) << (bit % 32));
	}
}

template <typename W> inline uint32_t get_bits(const W &port, unsigned lsb, unsigned width)
{
	uint32_t v = 0;
	for (unsigned b = 0; b < width; b++) {
		unsigned bit = lsb + b;
		v |= ((port[bit / 32] >> (bit % 32)) & 1u) << b;
	}
	return v;
}

// lane_job_t, fields from the top: key 128, count 32, bearer 5, dir 1, len_bits 16, exp_mac 32,
// index 32.
struct lane_job {
	const uint8_t *key; // 16 octets, octet 0 in the top bits
	uint32_t count;
	unsigned bearer, dir, len_bits;
	uint32_t exp_mac, index;
};

template <typename W> inline void put_lane_job(W &port, const lane_job &j)
{
	put_bits(port, 0, 32, j.index);
	put_bits(port, 32, 32, j.exp_mac);
	put_bits(port, 64, 16, j.len_bits);
	put_bits(port, 80, 1, j.dir);
	put_bits(port, 81, 5, j.bearer);
	put_bits(port, 86, 32, j.count);
	for (unsigned i = 0; i < 16; i++)
		put_bits(port, 118 + 8 * (15 - i), 8, j.key[i]);
}

// A random header (key, COUNT, BEARER, DIRECTION) for a testbench's job record j, drawn in this
// order from rng.
template <typename J, typename R> inline void random_header(J &j, R &rng)
{
	for (auto &b : j.key)
		b = (uint8_t)rng();
	j.count = (uint32_t)rng();
	j.bearer = (uint8_t)(rng() % 32);
	j.dir = (uint8_t)(rng() % 2);
}

// lane_res_t, fields from the top: index 32, mac 32, match 1.
struct lane_res {
	uint32_t index, mac;
	bool match;
};

template <typename W> inline lane_res get_lane_res(const W &port)
{
	return {get_bits(port, 33, 32), get_bits(port, 1, 32), get_bits(port, 0, 1) != 0};
}

} // namespace tb

#endif
