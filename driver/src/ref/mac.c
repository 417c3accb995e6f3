/*
 * Dispatch on the algorithm number and the constant-time MAC comparison.
 */
#include <errno.h>

#include "nasmac.h"

int nasmac_mac(nasmac_alg_t alg, const uint8_t key[16], uint32_t count, uint8_t bearer,
	       uint8_t direction, const uint8_t *msg, size_t len_bits, uint8_t mac[4])
{
	switch (alg) {
	case NASMAC_EIA1:
		return nasmac_eia1(key, count, bearer, direction, msg, len_bits, mac);
	case NASMAC_EIA2:
		return nasmac_eia2(key, count, bearer, direction, msg, len_bits, mac);
	case NASMAC_EIA3:
		return nasmac_eia3(key, count, bearer, direction, msg, len_bits, mac);
	}
	return -EINVAL;
}

int nasmac_mac_equal(const uint8_t a[4], const uint8_t b[4])
{
	/* Accumulate every difference before deciding, so the time does not depend on where the
	 * first differing octet is (a forger must not learn MAC octets one by one). */
	uint32_t diff = 0;
	for (int i = 0; i < 4; i++)
		diff |= (uint32_t)(a[i] ^ b[i]);
	/* diff is 0..255: diff - 1 wraps (top bit set) only when diff == 0. */
	return (int)((diff - 1u) >> 31);
}
