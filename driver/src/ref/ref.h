/*
 * Internals of the reference algorithms (driver/src/ref/). Not a public API: the names are
 * nasmac__ and may change. The RTL testbenches may call the raw generators below to get golden
 * keystream words and states.
 *
 * Conventions: keys and IVs are 16-octet strings in the order the ETSI/SAGE test data print them
 * (for SNOW 3G that is k3||k2||k1||k0 and IV3||IV2||IV1||IV0). Keystream words are numbered from
 * 1 in the specifications (z1 is the first word after initialisation); the arrays here start at
 * index 0 = z1.
 */
#ifndef NASMAC_REF_H
#define NASMAC_REF_H

#include <stddef.h>
#include <stdint.h>

/* ---- Helpers shared by the files of this folder ------------------------------------------- */

static inline uint32_t nasmac__load_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | (uint32_t)p[3];
}

static inline void nasmac__store_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* The 64 bits 128-EIA2 puts before the message (TS 33.401 B.2.3): COUNT || BEARER || DIRECTION ||
 * 0^26. Shared by the reference, the cpu backend (which hands libipsec-mb the whole CMAC input)
 * and the benchmarks' libipsec-mb baseline. */
static inline void nasmac__eia2_prefix(uint8_t hdr[8], uint32_t count, uint8_t bearer,
				       uint8_t direction)
{
	nasmac__store_be32(hdr, count);
	hdr[4] = (uint8_t)(bearer << 3 | direction << 2);
	hdr[5] = hdr[6] = hdr[7] = 0;
}

/* Loads up to 8 octets big-endian into the top of a 64-bit word (missing octets read as zero),
 * so that the last, partial block of a message never reads past its ceil(len_bits/8) octets. */
static inline uint64_t nasmac__load_be64_partial(const uint8_t *p, size_t n)
{
	uint64_t v = 0;
	for (size_t i = 0; i < 8; i++)
		v = v << 8 | (i < n ? p[i] : 0u);
	return v;
}

/* Wipes a secret from memory in a way the compiler may not remove (glibc explicit_bzero). */
void nasmac__wipe(void *p, size_t n);

/* ---- SNOW 3G (ETSI/SAGE UEA2 & UIA2 Document 2, the SNOW 3G specification) ---------------- */

typedef struct nasmac__snow3g {
	uint32_t s[16]; /* LFSR s0..s15 */
	uint32_t r1, r2, r3; /* FSM registers */
} nasmac__snow3g_t;

/* Loads key and IV and runs the 32 initialisation clocks plus the discarded first FSM output,
 * so the next call to nasmac__snow3g_next() returns z1. */
void nasmac__snow3g_init(nasmac__snow3g_t *st, const uint8_t key[16], const uint8_t iv[16]);
uint32_t nasmac__snow3g_next(nasmac__snow3g_t *st);
/* z[0..n-1] = z1..zn; the state is wiped before return. */
void nasmac__snow3g_keystream(const uint8_t key[16], const uint8_t iv[16], uint32_t *z, size_t n);

/* UIA2 / f9 of TS 35.215 clause 4.4 (any FRESH), on which 128-EIA1 is built. Returns MAC-I as a
 * 32-bit word (MAC-I[0] is its most significant octet). */
uint32_t nasmac__uia2_f9(const uint8_t key[16], uint32_t count, uint32_t fresh, uint8_t direction,
			 const uint8_t *msg, size_t len_bits);

/* ---- ZUC-128 (ETSI/SAGE 128-EEA3 & 128-EIA3 Document 2, the ZUC specification) ------------- */

typedef struct nasmac__zuc {
	uint32_t s[16]; /* LFSR s0..s15, 31-bit cells */
	uint32_t r1, r2; /* FSM registers */
} nasmac__zuc_t;

/* Key loading, the 32 initialisation rounds and the one discarded working round: the next call
 * to nasmac__zuc_next() returns z1. */
void nasmac__zuc_init(nasmac__zuc_t *st, const uint8_t key[16], const uint8_t iv[16]);
uint32_t nasmac__zuc_next(nasmac__zuc_t *st);
void nasmac__zuc_keystream(const uint8_t key[16], const uint8_t iv[16], uint32_t *z, size_t n);

/* The 128-EIA3 IV of TS 35.221 (Document 1) clause 3.3 from COUNT, BEARER and DIRECTION. */
void nasmac__eia3_iv(uint32_t count, uint8_t bearer, uint8_t direction, uint8_t iv[16]);

/* ---- AES-128 (FIPS-197) through OpenSSL 3 EVP --------------------------------------------- */

/* One key. With AES-NI the expanded key lives in the struct (nothing allocated); without it,
 * an EVP_CIPHER_CTX in CBC mode without padding, reused for every block under that key. The
 * caller owns the struct; nasmac__aes128_free() wipes the key schedule. */
/* The testbenches (C++) include this header too: C11's _Alignas is C++11's alignas. */
#ifdef __cplusplus
#define NASMAC__ALIGNAS(n) alignas(n)
#else
#define NASMAC__ALIGNAS(n) _Alignas(n)
#endif
typedef struct nasmac__aes128 {
	NASMAC__ALIGNAS(16) uint8_t rk[11 * 16]; /* AES-NI: the 11 round keys */
	void *evp;                         /* no AES-NI: EVP_CIPHER_CTX * */
} nasmac__aes128_t;

/* With AES-NI never fails. Without: -ENOMEM when OpenSSL cannot allocate, -EIO when it
 * refuses the key. NASMAC_REF_NO_AESNI in the environment forces the OpenSSL path (tests). */
int nasmac__aes128_init(nasmac__aes128_t *a, const uint8_t key[16]);
void nasmac__aes128_free(nasmac__aes128_t *a);
/* One block: out = AES_K(in). in and out may alias. */
int nasmac__aes128_encrypt(nasmac__aes128_t *a, const uint8_t in[16], uint8_t out[16]);
/* CBC-MAC chaining over n whole blocks: for each block B, chain = AES_K(chain ^ B). */
int nasmac__aes128_cbc_chain(nasmac__aes128_t *a, uint8_t chain[16], const uint8_t *in,
			     size_t nblocks);

/* ---- AES-CMAC (NIST SP 800-38B, RFC 4493), bit-granular ------------------------------------ */

/* Subkeys K1, K2 of SP 800-38B 6.1 from L = AES_K(0^128). */
int nasmac__cmac_subkeys(nasmac__aes128_t *a, uint8_t k1[16], uint8_t k2[16]);
/* CMAC over the bit string hdr || msg, where hdr is hdr_len (< 16) whole octets and msg has
 * len_bits bits (bits after them ignored). Full 128-bit tag. */
int nasmac__cmac(nasmac__aes128_t *a, const uint8_t *hdr, size_t hdr_len, const uint8_t *msg,
		 size_t len_bits, uint8_t tag[16]);
/* One-shot CMAC of a bit string under key (without AES-NI: one EVP context for the call). */
int nasmac__aes_cmac(const uint8_t key[16], const uint8_t *msg, size_t len_bits,
		     uint8_t tag[16]);

#endif /* NASMAC_REF_H */
