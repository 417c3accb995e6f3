/*
 * AES-128 (FIPS-197) for the CMAC of 128-EIA2, on AES-NI where the CPU has it, else through
 * OpenSSL 3 EVP. Both keep the block cipher free of secret-dependent table lookups.
 *
 * AES-NI: the key schedule is expanded into the caller's struct and each block is ten AESENC
 * rounds, so a MAC allocates nothing (the contract of nasmac.h, and the verification path of
 * the driver computes with this code when it falls back from a device or from libipsec-mb).
 *
 * EVP (CPUs without AES-NI): one EVP_CIPHER_CTX per key, set up once in CBC mode with padding
 * off: CMAC is CBC-MAC plus a final block, so whole runs of message blocks go through a single
 * EVP_EncryptUpdate() each instead of one call per block. The cipher object is fetched once
 * per process, because an implicit fetch on every init costs more than the AES work of a short
 * NAS message.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <wmmintrin.h>

#include "ref.h"

/* Blocks per EVP_EncryptUpdate() call when chaining; the ciphertext lands in a stack buffer. */
#define CHAIN_BATCH_BLOCKS 32u

static EVP_CIPHER *aes128_cbc;
static int use_aesni;
static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;

static void fetch_cipher(void)
{
	__builtin_cpu_init();
	use_aesni = __builtin_cpu_supports("aes") && !getenv("NASMAC_REF_NO_AESNI");
	if (!use_aesni)
		aes128_cbc = EVP_CIPHER_fetch(NULL, "AES-128-CBC", NULL);
}

/* One step of the AES-128 key schedule (FIPS-197 5.2): assist holds SubWord(RotWord(w3)) ^
 * Rcon in its top word; each word of the next round key is the XOR of all words up to it
 * in the previous one, and that word. */
__attribute__((target("aes,sse2"))) static __m128i expand_step(__m128i k, __m128i assist)
{
	assist = _mm_shuffle_epi32(assist, 0xff);
	k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
	k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
	k = _mm_xor_si128(k, _mm_slli_si128(k, 4));
	return _mm_xor_si128(k, assist);
}

/* AESKEYGENASSIST takes the round constant as an immediate: one line per round. */
#define EXPAND(i, rcon) \
	rk[i] = expand_step(rk[(i) - 1], _mm_aeskeygenassist_si128(rk[(i) - 1], rcon))

__attribute__((target("aes,sse2"))) static void ni_expand(uint8_t out[176], const uint8_t key[16])
{
	__m128i rk[11];

	rk[0] = _mm_loadu_si128((const __m128i *)key);
	EXPAND(1, 0x01);
	EXPAND(2, 0x02);
	EXPAND(3, 0x04);
	EXPAND(4, 0x08);
	EXPAND(5, 0x10);
	EXPAND(6, 0x20);
	EXPAND(7, 0x40);
	EXPAND(8, 0x80);
	EXPAND(9, 0x1b);
	EXPAND(10, 0x36);
	for (int i = 0; i < 11; i++) {
		_mm_store_si128((__m128i *)(out + 16 * i), rk[i]);
		rk[i] = _mm_setzero_si128();
	}
	__asm__ __volatile__("" : : "m"(rk));
}

/* CBC-MAC chaining with AES-NI: chain = AES_K(chain ^ B) for each 16-octet block B. */
__attribute__((target("aes,sse2"))) static void ni_chain(const uint8_t rk8[176], uint8_t chain[16],
							   const uint8_t *in, size_t nblocks)
{
	const __m128i *rk = (const __m128i *)rk8;
	__m128i x = _mm_loadu_si128((const __m128i *)chain);

	for (size_t b = 0; b < nblocks; b++) {
		x = _mm_xor_si128(x, _mm_loadu_si128((const __m128i *)(in + 16 * b)));
		x = _mm_xor_si128(x, _mm_load_si128(&rk[0]));
		for (int r = 1; r < 10; r++)
			x = _mm_aesenc_si128(x, _mm_load_si128(&rk[r]));
		x = _mm_aesenclast_si128(x, _mm_load_si128(&rk[10]));
	}
	_mm_storeu_si128((__m128i *)chain, x);
}

int nasmac__aes128_init(nasmac__aes128_t *a, const uint8_t key[16])
{
	static const uint8_t zero_iv[16];
	EVP_CIPHER_CTX *ctx;

	a->evp = NULL;
	pthread_once(&fetch_once, fetch_cipher);
	if (use_aesni) {
		ni_expand(a->rk, key);
		return 0;
	}
	if (!aes128_cbc)
		return -EIO;
	ctx = EVP_CIPHER_CTX_new();
	if (!ctx)
		return -ENOMEM;
	if (EVP_EncryptInit_ex2(ctx, aes128_cbc, key, zero_iv, NULL) != 1)
		goto out_free_ctx;
	if (EVP_CIPHER_CTX_set_padding(ctx, 0) != 1)
		goto out_free_ctx;
	a->evp = ctx;
	return 0;

out_free_ctx:
	EVP_CIPHER_CTX_free(ctx); /* frees and cleanses the key schedule */
	return -EIO;
}

void nasmac__aes128_free(nasmac__aes128_t *a)
{
	/* EVP_CIPHER_CTX_free() cleanses the provider's key schedule before freeing it. */
	EVP_CIPHER_CTX_free(a->evp);
	a->evp = NULL;
	nasmac__wipe(a->rk, sizeof(a->rk));
}

int nasmac__aes128_cbc_chain(nasmac__aes128_t *a, uint8_t chain[16], const uint8_t *in,
			     size_t nblocks)
{
	uint8_t out[CHAIN_BATCH_BLOCKS * 16];
	EVP_CIPHER_CTX *ctx = a->evp;
	int ret = -EIO;

	if (nblocks == 0)
		return 0;
	if (!ctx) {
		ni_chain(a->rk, chain, in, nblocks);
		return 0;
	}
	/* Re-seeding the IV keeps the key schedule; only the chaining value changes. */
	if (EVP_EncryptInit_ex2(ctx, NULL, NULL, chain, NULL) != 1)
		goto out_wipe;
	while (nblocks) {
		size_t n = nblocks < CHAIN_BATCH_BLOCKS ? nblocks : CHAIN_BATCH_BLOCKS;
		int outl = 0;
		if (EVP_EncryptUpdate(ctx, out, &outl, in, (int)(n * 16)) != 1 ||
		    (size_t)outl != n * 16)
			goto out_wipe;
		in += n * 16;
		nblocks -= n;
		if (!nblocks)
			memcpy(chain, out + (n - 1) * 16, 16);
	}
	ret = 0;
out_wipe:
	/* The intermediate CBC values are secret-derived; do not leave them on the stack. */
	nasmac__wipe(out, sizeof(out));
	return ret;
}

int nasmac__aes128_encrypt(nasmac__aes128_t *a, const uint8_t in[16], uint8_t out[16])
{
	/* CBC with a zero chaining value over one block is the bare block cipher. */
	uint8_t chain[16] = {0};
	int ret = nasmac__aes128_cbc_chain(a, chain, in, 1);
	if (ret == 0)
		memcpy(out, chain, 16);
	nasmac__wipe(chain, sizeof(chain));
	return ret;
}

void nasmac__wipe(void *p, size_t n)
{
	explicit_bzero(p, n);
}
