/* Uplink NAS COUNT estimation and replay protection (TS 24.301 4.4.3.1, TS 33.401 8.1.1). */
#include "host.h"

uint32_t nasmac__count_estimate(uint32_t last_accepted, uint8_t sqn)
{
	uint32_t est = last_accepted & 0x00ffff00u;

	/* A SQN below the last accepted one means the sender's 8-bit counter wrapped, so its
	 * overflow counter is one higher. An equal SQN keeps the overflow: that is the replay
	 * case, caught by nasmac__count_is_fresh(). */
	if ((uint8_t)(last_accepted & 0xffu) > sqn)
		est = (est + 0x100u) & 0x00ffff00u;
	return est | sqn;
}

int nasmac__count_is_fresh(uint32_t last_accepted, uint32_t est)
{
	return (est & NASMAC__COUNT_MASK) > (last_accepted & NASMAC__COUNT_MASK);
}
