/*
 * Prepared keys (nasmac.h): for 128-EIA2 the AES-128 encryption round keys and the CMAC subkeys,
 * computed with the reference AES (AES-NI) once per key instead of once per job. The round keys
 * are the FIPS-197 schedule in the byte order AESENC takes them, which is what libipsec-mb's
 * CMAC job reads (test-driver checks every prepared job's MAC against the reference).
 */
#include <errno.h>
#include <string.h>

#include "../drv.h"
#include "ref.h"

_Static_assert(sizeof(nasmac_key_t) == 256, "nasmac_key_t: 4 cache lines");
_Static_assert(offsetof(nasmac_key_t, rk) % 16 == 0, "round keys 16-octet aligned");
_Static_assert(offsetof(nasmac_key_t, k1) < 64 && offsetof(nasmac_key_t, k2) + 16 <= 64,
	       "a job's first read of a prepared key is one cache line");

int nasmac_key_prepare(nasmac_key_t *k, nasmac_alg_t alg, const uint8_t key[16])
{
	nasmac__aes128_t a;
	int rc;

	if (!k || !key || alg < NASMAC_EIA1 || alg > NASMAC_EIA3)
		return -EINVAL;
	nasmac_key_wipe(k);
	memcpy(k->key, key, sizeof(k->key));
	if (alg == NASMAC_EIA2) {
		rc = nasmac__aes128_init(&a, key);
		if (rc) {
			nasmac_key_wipe(k);
			return rc;
		}
		/* Without AES-NI the reference AES keeps its schedule inside OpenSSL: the
		 * prepared key then carries the key only and the backends expand it per job. */
		if (!a.evp) {
			memcpy(k->rk, a.rk, sizeof(k->rk));
			rc = nasmac__cmac_subkeys(&a, k->k1, k->k2);
			k->sched = rc == 0;
		}
		nasmac__aes128_free(&a);
	}
	k->alg = (uint8_t)alg;
	return 0;
}

void nasmac_key_wipe(nasmac_key_t *k)
{
	if (k)
		nasmac__wipe(k, sizeof(*k));
}

void nasmac_job_set_key(nasmac_job_t *job, const nasmac_key_t *k)
{
	memset(job->key, 0, sizeof(job->key));
	memcpy(job->key, &k, sizeof(k));
	job->alg = (uint8_t)(k->alg | NASMAC_ALG_PREPARED);
}
