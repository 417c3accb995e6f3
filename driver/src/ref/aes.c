/*
 * AES-128 (FIPS-197) for the CMAC of 128-EIA2, through OpenSSL 3 EVP (AES-NI where the CPU has
 * it, which also keeps the block cipher free of secret-dependent table lookups).
 *
 * One EVP_CIPHER_CTX per key, set up once in CBC mode with padding off: CMAC is CBC-MAC plus a
 * final block, so whole runs of message blocks go through a single EVP_EncryptUpdate() each
 * instead of one call per block. The cipher object is fetched once per process, because an
 * implicit fetch on every init costs more than the AES work of a short NAS message.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include <openssl/evp.h>

#include "ref.h"

/* Blocks per EVP_EncryptUpdate() call when chaining; the ciphertext lands in a stack buffer. */
#define CHAIN_BATCH_BLOCKS 32u

static EVP_CIPHER *aes128_cbc;
static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;

static void fetch_cipher(void)
{
	aes128_cbc = EVP_CIPHER_fetch(NULL, "AES-128-CBC", NULL);
}

int nasmac__aes128_init(nasmac__aes128_t *a, const uint8_t key[16])
{
	static const uint8_t zero_iv[16];
	EVP_CIPHER_CTX *ctx;

	a->evp = NULL;
	pthread_once(&fetch_once, fetch_cipher);
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
}

int nasmac__aes128_cbc_chain(nasmac__aes128_t *a, uint8_t chain[16], const uint8_t *in,
			     size_t nblocks)
{
	uint8_t out[CHAIN_BATCH_BLOCKS * 16];
	EVP_CIPHER_CTX *ctx = a->evp;
	int ret = -EIO;

	if (nblocks == 0)
		return 0;
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
