/*
 * 128-EIA1 (TS 33.401 B.2.2; 5G 128-NIA1, TS 33.501 D.3.1.2): UIA2 / f9 of TS 35.215 clause 4.4
 * (ETSI/SAGE UEA2 & UIA2 Document 1) with FRESH[0..31] replaced by BEARER[0..4] || 0^27.
 */
#include <errno.h>

#include "nasmac.h"
#include "ref.h"

/* x * a in GF(2^64) modulo x^64 + x^4 + x^3 + x + 1 (TS 35.215 4.3.2 MUL64x with c = 0x1B). */
static uint64_t mul64x(uint64_t a)
{
	return (a << 1) ^ (0x1bu & (uint64_t)-(a >> 63));
}

/* The multiples P, P*x, P*x^2, P*x^3 that mul64() adds four message bits at a time from. */
static void mul64_prep(uint64_t p, uint64_t pw[4])
{
	pw[0] = p;
	for (int k = 1; k < 4; k++)
		pw[k] = mul64x(pw[k - 1]);
}

/* MUL64(V, P, c) of TS 35.215 4.3.3: V * P in GF(2^64), c = 0x1B. Horner's rule four bits of V
 * at a time: r = r * x^4 + (v3 x^3 + v2 x^2 + v1 x + v0) * P. The four bits that r * x^4 pushes
 * past x^63 fold back as top * (x^4 + x^3 + x + 1), which still fits in the low octet. Every
 * choice is a mask, never a branch or an index, because P, Q and V are secret. */
static uint64_t mul64(uint64_t v, const uint64_t pw[4])
{
	uint64_t r = 0;
	for (int i = 60; i >= 0; i -= 4) {
		uint64_t top = r >> 60, nib = v >> i;
		r <<= 4;
		r ^= (0x1bu & (uint64_t)-(top & 1u)) ^ (0x36u & (uint64_t)-((top >> 1) & 1u)) ^
		     (0x6cu & (uint64_t)-((top >> 2) & 1u)) ^ (0xd8u & (uint64_t)-(top >> 3));
		r ^= (pw[0] & (uint64_t)-(nib & 1u)) ^ (pw[1] & (uint64_t)-((nib >> 1) & 1u)) ^
		     (pw[2] & (uint64_t)-((nib >> 2) & 1u)) ^ (pw[3] & (uint64_t)-((nib >> 3) & 1u));
	}
	return r;
}

uint32_t nasmac__uia2_f9(const uint8_t key[16], uint32_t count, uint32_t fresh, uint8_t direction,
			 const uint8_t *msg, size_t len_bits)
{
	uint8_t iv[16];
	uint32_t z[5];
	nasmac__snow3g_t st;

	/* TS 35.215 4.4.1: IV3 = COUNT-I, IV2 = FRESH, IV1 = COUNT-I ^ (DIRECTION << 31),
	 * IV0 = FRESH ^ (DIRECTION << 15); as an octet string IV3 comes first. */
	nasmac__store_be32(iv, count);
	nasmac__store_be32(iv + 4, fresh);
	nasmac__store_be32(iv + 8, count ^ ((uint32_t)direction << 31));
	nasmac__store_be32(iv + 12, fresh ^ ((uint32_t)direction << 15));
	nasmac__snow3g_init(&st, key, iv);
	for (int i = 0; i < 5; i++)
		z[i] = nasmac__snow3g_next(&st);
	nasmac__wipe(&st, sizeof(st));

	/* 4.4.3: P = z1 || z2, Q = z3 || z4; EVAL over the 64-bit blocks of the message, the last
	 * one zero-padded; then EVAL ^= LENGTH, EVAL = MUL64(EVAL, Q); MAC-I = high word ^ z5. */
	uint64_t p[4], q[4], eval = 0;
	mul64_prep((uint64_t)z[0] << 32 | z[1], p);
	mul64_prep((uint64_t)z[2] << 32 | z[3], q);
	size_t full = len_bits / 64, rem = len_bits % 64;
	for (size_t i = 0; i < full; i++)
		eval = mul64(eval ^ nasmac__load_be64_partial(msg + 8 * i, 8), p);
	if (rem) {
		uint64_t m = nasmac__load_be64_partial(msg + 8 * full, (rem + 7) / 8);
		m &= ~(uint64_t)0 << (64 - rem); /* bits after LENGTH are not part of the message */
		eval = mul64(eval ^ m, p);
	}
	eval ^= (uint64_t)len_bits;
	eval = mul64(eval, q);
	uint32_t mac = (uint32_t)(eval >> 32) ^ z[4];

	nasmac__wipe(z, sizeof(z));
	nasmac__wipe(p, sizeof(p));
	nasmac__wipe(q, sizeof(q));
	nasmac__wipe(&eval, sizeof(eval));
	return mac;
}

int nasmac_eia1(const uint8_t key[16], uint32_t count, uint8_t bearer, uint8_t direction,
		const uint8_t *msg, size_t len_bits, uint8_t mac[4])
{
	if (!key || !mac || bearer > 31 || direction > 1 || (len_bits && !msg))
		return -EINVAL;
	/* TS 33.401 B.2.2: FRESH = BEARER[0..4] || 0^27. */
	uint32_t fresh = (uint32_t)bearer << 27;
	nasmac__store_be32(mac, nasmac__uia2_f9(key, count, fresh, direction, msg, len_bits));
	return 0;
}
