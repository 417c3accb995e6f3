/*
 * AES-CMAC (NIST SP 800-38B; RFC 4493 for the byte-aligned case) over bit strings, as 128-EIA2
 * needs it (TS 33.401 B.2.3: the message length is in bits and need not be a multiple of 8).
 */
#include <errno.h>
#include <string.h>

#include "ref.h"

/* Doubling in GF(2^128) with R128 = 0^120 || 10000111 (SP 800-38B 6.1, RFC 4493 2.3). The
 * reduction is applied with a mask, not a branch, because L is secret. */
static void dbl(const uint8_t in[16], uint8_t out[16])
{
	uint8_t carry = (uint8_t)(in[0] >> 7);
	for (int i = 0; i < 15; i++)
		out[i] = (uint8_t)((in[i] << 1) | (in[i + 1] >> 7));
	out[15] = (uint8_t)((in[15] << 1) ^ (0x87u & (uint8_t)-carry));
}

int nasmac__cmac_subkeys(nasmac__aes128_t *a, uint8_t k1[16], uint8_t k2[16])
{
	uint8_t l[16] = {0};
	int ret = nasmac__aes128_encrypt(a, l, l);
	if (ret == 0) {
		dbl(l, k1);
		dbl(k1, k2);
	}
	nasmac__wipe(l, sizeof(l));
	return ret;
}

/* Octet i of the string hdr || msg. */
static uint8_t octet_at(const uint8_t *hdr, size_t hdr_len, const uint8_t *msg, size_t i)
{
	return i < hdr_len ? hdr[i] : msg[i - hdr_len];
}

int nasmac__cmac(nasmac__aes128_t *a, const uint8_t *hdr, size_t hdr_len, const uint8_t *msg,
		 size_t len_bits, uint8_t tag[16])
{
	uint8_t k1[16], k2[16], chain[16] = {0}, last[16] = {0};
	int ret;

	if (hdr_len >= 16 || (hdr_len && !hdr) || (len_bits && !msg))
		return -EINVAL;
	ret = nasmac__cmac_subkeys(a, k1, k2);
	if (ret)
		goto out_wipe;

	/* SP 800-38B 6.2: n = ceil(Mlen/128) blocks, at least one. */
	size_t total_bits = hdr_len * 8 + len_bits;
	size_t nblocks = total_bits ? (total_bits + 127) / 128 : 1;
	size_t done = 0; /* octets of hdr || msg already chained */

	if (nblocks > 1 && hdr_len) {
		/* The first block straddles the header and the message. */
		uint8_t first[16];
		for (size_t i = 0; i < 16; i++)
			first[i] = octet_at(hdr, hdr_len, msg, i);
		ret = nasmac__aes128_cbc_chain(a, chain, first, 1);
		nasmac__wipe(first, sizeof(first));
		if (ret)
			goto out_wipe;
		done = 16;
	}
	if (nblocks - 1 > done / 16) {
		/* Whole blocks that lie inside msg are chained in place, without a copy. */
		size_t n = nblocks - 1 - done / 16;
		ret = nasmac__aes128_cbc_chain(a, chain, msg + (done - hdr_len), n);
		if (ret)
			goto out_wipe;
		done += n * 16;
	}

	/* The last block: complete -> xor K1; otherwise pad with 1 then 0s (right after the last
	 * message bit, which need not end an octet) and xor K2. */
	size_t rem_bits = total_bits - (nblocks - 1) * 128;
	size_t rem_octets = (rem_bits + 7) / 8;
	for (size_t i = 0; i < rem_octets; i++)
		last[i] = octet_at(hdr, hdr_len, msg, done + i);
	const uint8_t *k = k1;
	if (rem_bits < 128) {
		if (rem_bits % 8)
			last[rem_bits / 8] &= (uint8_t)(0xff00u >> (rem_bits % 8));
		last[rem_bits / 8] |= (uint8_t)(0x80u >> (rem_bits % 8));
		k = k2;
	}
	for (int i = 0; i < 16; i++)
		last[i] ^= k[i];
	ret = nasmac__aes128_cbc_chain(a, chain, last, 1);
	if (ret == 0)
		memcpy(tag, chain, 16);

out_wipe:
	nasmac__wipe(k1, sizeof(k1));
	nasmac__wipe(k2, sizeof(k2));
	nasmac__wipe(chain, sizeof(chain));
	nasmac__wipe(last, sizeof(last));
	return ret;
}

int nasmac__aes_cmac(const uint8_t key[16], const uint8_t *msg, size_t len_bits, uint8_t tag[16])
{
	nasmac__aes128_t a;
	int ret = nasmac__aes128_init(&a, key);
	if (ret)
		return ret;
	ret = nasmac__cmac(&a, NULL, 0, msg, len_bits, tag);
	nasmac__aes128_free(&a);
	return ret;
}
