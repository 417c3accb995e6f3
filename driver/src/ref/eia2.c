/*
 * 128-EIA2 (TS 33.401 B.2.3; 5G 128-NIA2, TS 33.501 D.3.1.3): AES-128 CMAC over
 * M = COUNT[0..31] || BEARER[0..4] || DIRECTION || 0^26 || MESSAGE, Mlen = LENGTH + 64 bits;
 * the MAC is the first 32 bits of the CMAC tag.
 */
#include <errno.h>

#include "nasmac.h"
#include "ref.h"

int nasmac_eia2(const uint8_t key[16], uint32_t count, uint8_t bearer, uint8_t direction,
		const uint8_t *msg, size_t len_bits, uint8_t mac[4])
{
	uint8_t hdr[8], tag[16];
	nasmac__aes128_t aes;
	int ret;

	if (!key || !mac || bearer > 31 || direction > 1 || (len_bits && !msg))
		return -EINVAL;
	nasmac__eia2_prefix(hdr, count, bearer, direction);
	ret = nasmac__aes128_init(&aes, key);
	if (ret)
		return ret;
	ret = nasmac__cmac(&aes, hdr, sizeof(hdr), msg, len_bits, tag);
	if (ret == 0) {
		for (int i = 0; i < 4; i++)
			mac[i] = tag[i];
	}
	nasmac__aes128_free(&aes);
	nasmac__wipe(tag, sizeof(tag));
	return ret;
}
