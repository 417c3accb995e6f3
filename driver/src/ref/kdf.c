/*
 * The 3GPP key derivation function (TS 33.220 Annex B.2) on HMAC-SHA-256 (OpenSSL 3 EVP_MAC),
 * and the derivations nasmac needs from TS 33.401 Annex A and TS 33.501 Annex A.
 */
#include <errno.h>
#include <pthread.h>
#include <string.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "nasmac.h"
#include "ref.h"

/* FC values (TS 33.401 A.7; TS 33.501 A.8, A.15.1). */
#define FC_EPS_ALG_KEY 0x15u
#define FC_5G_ALG_KEY 0x69u
#define FC_KAMF_FROM_KASME_IDLE 0x75u

/* The algorithm type distinguishers run from 0x01 (NAS-enc-alg) to 0x06 (UP-int-alg / N-UP-int-alg)
 * in TS 33.401 A.7 Table A.7-1 and TS 33.501 A.8 Table A.8-1. */
#define ALG_TYPE_MIN 0x01u
#define ALG_TYPE_MAX 0x06u

static EVP_MAC *hmac;
static pthread_once_t fetch_once = PTHREAD_ONCE_INIT;

static void fetch_hmac(void)
{
	hmac = EVP_MAC_fetch(NULL, "HMAC", NULL);
}

int nasmac_kdf(const uint8_t *key, size_t key_len, uint8_t fc, const uint8_t *const *p,
	       const size_t *len, size_t n, uint8_t out[32])
{
	char digest[] = "SHA256";
	OSSL_PARAM params[] = {
		OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
		OSSL_PARAM_construct_end(),
	};
	EVP_MAC_CTX *ctx;
	size_t outl = 0;
	int ret = -EIO;

	if ((!key && key_len) || !out || (n && (!p || !len)))
		return -EINVAL;
	for (size_t i = 0; i < n; i++) {
		/* TS 33.220 B.2: each Li is a 2-octet length, so a parameter is at most 65535 octets. */
		if (len[i] > 0xffffu || (len[i] && !p[i]))
			return -EINVAL;
	}
	pthread_once(&fetch_once, fetch_hmac);
	if (!hmac)
		return -EIO;
	ctx = EVP_MAC_CTX_new(hmac);
	if (!ctx)
		return -ENOMEM;
	/* OpenSSL refuses an empty HMAC key pointer; an empty key is a zero-length buffer. */
	static const uint8_t empty_key[1];
	if (EVP_MAC_init(ctx, key_len ? key : empty_key, key_len, params) != 1)
		goto out_free_ctx;
	/* TS 33.220 B.2: S = FC || P0 || L0 || P1 || L1 || ... || Pn || Ln. */
	if (EVP_MAC_update(ctx, &fc, 1) != 1)
		goto out_free_ctx;
	for (size_t i = 0; i < n; i++) {
		uint8_t l[2] = {(uint8_t)(len[i] >> 8), (uint8_t)len[i]};
		if ((len[i] && EVP_MAC_update(ctx, p[i], len[i]) != 1) ||
		    EVP_MAC_update(ctx, l, sizeof(l)) != 1)
			goto out_free_ctx;
	}
	if (EVP_MAC_final(ctx, out, &outl, 32) != 1 || outl != 32)
		goto out_free_ctx;
	ret = 0;

out_free_ctx:
	/* EVP_MAC_CTX_free() cleanses the HMAC key pads. */
	EVP_MAC_CTX_free(ctx);
	return ret;
}

/* Algorithm keys (TS 33.401 A.7 and TS 33.501 A.8): P0 = algorithm type distinguisher,
 * P1 = algorithm identity in the 4 least significant bits; "the n least significant bits of the
 * 256 bits of the KDF output" are the key, i.e. its last 16 octets for a 128-bit key. */
static int alg_key(const uint8_t key[32], uint8_t fc, uint8_t alg_type, uint8_t alg_id,
		   uint8_t out[16])
{
	uint8_t full[32];
	const uint8_t *p[2] = {&alg_type, &alg_id};
	const size_t len[2] = {1, 1};
	int ret;

	if (!key || !out || alg_type < ALG_TYPE_MIN || alg_type > ALG_TYPE_MAX || alg_id > 15)
		return -EINVAL;
	ret = nasmac_kdf(key, 32, fc, p, len, 2, full);
	if (ret == 0)
		memcpy(out, full + 16, 16);
	nasmac__wipe(full, sizeof(full));
	return ret;
}

int nasmac_kdf_eps_nas(const uint8_t kasme[32], uint8_t alg_type, uint8_t alg_id, uint8_t out[16])
{
	/* TS 33.401 A.7: FC = 0x15, KEY = K_ASME for the NAS keys. */
	return alg_key(kasme, FC_EPS_ALG_KEY, alg_type, alg_id, out);
}

int nasmac_kdf_5g_nas(const uint8_t kamf[32], uint8_t alg_type, uint8_t alg_id, uint8_t out[16])
{
	/* TS 33.501 A.8: FC = 0x69, KEY = K_AMF for N-NAS-enc-alg / N-NAS-int-alg. */
	return alg_key(kamf, FC_5G_ALG_KEY, alg_type, alg_id, out);
}

int nasmac_kdf_kamf_from_kasme(const uint8_t kasme[32], uint32_t ul_nas_count, uint8_t kamf[32])
{
	/* TS 33.501 A.15.1: FC = 0x75, P0 = NAS Uplink COUNT value of the TAU message included in
	 * the Registration Request, L0 = 0x00 0x04; KEY = K_ASME. */
	uint8_t c[4];
	const uint8_t *p[1] = {c};
	const size_t len[1] = {sizeof(c)};

	if (!kasme || !kamf)
		return -EINVAL;
	nasmac__store_be32(c, ul_nas_count);
	return nasmac_kdf(kasme, 32, FC_KAMF_FROM_KASME_IDLE, p, len, 1, kamf);
}
