/*
 * 128-EIA3 (TS 33.401 B.2.4; 5G 128-NIA3, TS 33.501 D.3.1.4), specified in ETSI/SAGE
 * 128-EEA3 & 128-EIA3 Document 1 (TS 35.221) clause 3.
 */
#include <errno.h>

#include "nasmac.h"
#include "ref.h"

void nasmac__eia3_iv(uint32_t count, uint8_t bearer, uint8_t direction, uint8_t iv[16])
{
	/* Document 1 clause 3.3: IV0..3 = COUNT, IV4 = BEARER || 000, IV5..7 = 0,
	 * IV8 = IV0 ^ (DIRECTION << 7), IV9..13 = IV1..5, IV14 = IV6 ^ (DIRECTION << 7), IV15 = IV7. */
	nasmac__store_be32(iv, count);
	iv[4] = (uint8_t)(bearer << 3);
	iv[5] = iv[6] = iv[7] = 0;
	for (int i = 8; i < 16; i++)
		iv[i] = iv[i - 8];
	iv[8] ^= (uint8_t)(direction << 7);
	iv[14] ^= (uint8_t)(direction << 7);
}

/* Loads 32-bit word j of the message (MSB first) with the bits at and after len_bits cleared. */
static uint32_t msg_word(const uint8_t *msg, size_t len_bits, size_t j)
{
	size_t bits = len_bits - 32 * j; /* > 0 */
	if (bits >= 32)
		return nasmac__load_be32(msg + 4 * j);
	uint32_t w = (uint32_t)(nasmac__load_be64_partial(msg + 4 * j, (bits + 7) / 8) >> 32);
	return w & (0xffffffffu << (32 - bits));
}

int nasmac_eia3(const uint8_t key[16], uint32_t count, uint8_t bearer, uint8_t direction,
		const uint8_t *msg, size_t len_bits, uint8_t mac[4])
{
	uint8_t iv[16];
	nasmac__zuc_t st;

	if (!key || !mac || bearer > 31 || direction > 1 || (len_bits && !msg))
		return -EINVAL;
	nasmac__eia3_iv(count, bearer, direction, iv);
	nasmac__zuc_init(&st, key, iv);

	/* Clause 3.4: T = xor of W(i) over the message bits i that are 1, where W(i) is the keystream
	 * bits z[i..i+31]; then T ^= W(LENGTH), MAC = T ^ z[32(L-1) .. 32(L-1)+31] with
	 * L = ceil(LENGTH/32) + 2 keystream words. One message word at a time: for word j the 64-bit
	 * window z_j || z_{j+1} holds W(32j + k) for every k < 32, and each bit selects its W with a
	 * mask (no branch on data). */
	size_t nwords = (len_bits + 31) / 32;
	uint32_t a = nasmac__zuc_next(&st), b = nasmac__zuc_next(&st);
	uint32_t t = 0, w_len = 0;
	for (size_t j = 0; j < nwords; j++) {
		uint32_t m = msg_word(msg, len_bits, j);
		uint64_t win = (uint64_t)a << 32 | b;
		if (j == nwords - 1 && len_bits % 32)
			w_len = (uint32_t)(win >> (32 - len_bits % 32));
		/* Bit k of m (from the top) selects W(32j + k), the top half of win << k. Shifting
		 * win and m by one per step keeps every shift constant, which is cheaper than
		 * variable shifts. */
		for (unsigned k = 0; k < 32; k++) {
			t ^= (uint32_t)(win >> 32) & (uint32_t)-(m >> 31);
			win <<= 1;
			m <<= 1;
		}
		a = b;
		b = nasmac__zuc_next(&st);
	}
	/* Now a = z_{nwords} and b = z_{nwords+1} = the last of the L words. */
	if (len_bits % 32 == 0)
		w_len = a;
	t ^= w_len ^ b;
	nasmac__store_be32(mac, t);

	nasmac__wipe(&st, sizeof(st));
	nasmac__wipe(&a, sizeof(a));
	nasmac__wipe(&b, sizeof(b));
	nasmac__wipe(&w_len, sizeof(w_len));
	return 0;
}
