/*
 * The cpu backend: libipsec-mb's multi-buffer job API in the caller's thread.
 *
 * Each burst goes straight into the IMB_MGR under the device lock; jobs come back from
 * IMB_SUBMIT_JOB_NOCHECK in submission order once their lanes are full, and the core's lull
 * worker flushes the manager when no burst arrived for deadline_us. Computing in the caller's
 * thread costs no hand-off between cores and keeps the multi-buffer lanes full under load;
 * enqueue stays short because a burst's work is bounded by its size.
 *
 * Everything a job references must stay valid until it completes: the expanded AES key and
 * CMAC subkeys, the SNOW 3G key schedule and the IVs live in a ring of entries
 * indexed by submission number (ipsec-mb holds at most IMB_MAX_JOBS, so 2 * IMB_MAX_JOBS
 * entries never wrap onto a live one); 128-EIA2 needs COUNT || BEARER || DIRECTION || 0^26 in
 * front of the message, so prefix and message are staged in a byte ring released in order.
 * Key material is wiped from an entry as soon as its job completes. ZUC takes its key as it is,
 * so it reads job->key, which the core wipes when the job completes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <intel-ipsec-mb.h>

#include "drv.h"
#include "ref/ref.h"

#define CPU_ENTS (2u * IMB_MAX_JOBS)
/* A power of two: an entry's index is the submission number masked, one AND a job. */
_Static_assert((CPU_ENTS & (CPU_ENTS - 1)) == 0, "CPU_ENTS must be a power of two");
/* Small enough to stay in L2 with 64-octet messages (256 jobs in the manager need 18 KiB);
 * long messages that do not fit make the manager finish early (slower, never wrong). */
#define CPU_RING_BYTES (128u << 10)
/* libipsec-mb's CMAC reads whole 16-octet blocks (and its wide code paths more), past the end
 * of a message whose length is not a multiple of them: a message staged at the very end of
 * the ring would have it read past the allocation (seen: SIGSEGV in test-driver-tsan, whose
 * allocator ends the ring on a page boundary). The ring carries this much slack. */
#define CPU_RING_SLACK 64u
#define EIA2_PREFIX 8u
/* Largest CMAC input libipsec-mb 1.3 accepts (measured: 65,534 bits pass, 65,535 fail). */
#define IPSEC_MB_CMAC_MAX_BITS 65534u

/* 256 octets (aligned to a cache line): an entry's address is a shift of its index. The
 * bookkeeping comes first, so that a SNOW 3G or ZUC job writes one line of its entry (key
 * schedule and IV at 16..47), not two (0.3-1 ns a job). */
struct cpu_ent {
	uint64_t ring_end; /* byte-ring position after this job's staging */
	uint64_t t_ns;     /* when the job was submitted, for the deadline */
	union {
		struct {
			DECLARE_ALIGNED(uint32_t ks[4 * 11], 16); /* AES-128: 11 round keys */
			DECLARE_ALIGNED(uint8_t sk1[16], 16);
			DECLARE_ALIGNED(uint8_t sk2[16], 16);
		} cmac;
		struct {
			snow3g_key_schedule_t ks;
			DECLARE_ALIGNED(uint8_t iv[16], 16);
		} snow;
		struct {
			DECLARE_ALIGNED(uint8_t iv[16], 16);
		} zuc; /* the key is read from the job, which lives as long */
	} u;
} __attribute__((aligned(256)));

struct cpu_be {
	IMB_MGR *mgr; /* NULL: ipsec-mb is unusable here, compute with the reference code */
	/* libipsec-mb's AES-128 key expansion without the decryption schedule for the
	 * manager's architecture, or NULL (no AES-NI: IMB_AES_KEYEXP_128 into dks). */
	void (*keyexp_enc)(const void *key, void *enc_exp_keys);
	int snow_ks_inline; /* snow3g_ks() agrees with IMB_SNOW3G_INIT_KEY_SCHED (cpu_open) */
	struct cpu_ent *ents;
	uint64_t seq;  /* jobs submitted */
	uint32_t held; /* jobs inside the manager */
	uint8_t *ring;
	uint64_t wpos, rpos; /* byte-ring allocation and release positions */
	/* Decryption schedule of IMB_AES_KEYEXP_128 without keyexp_enc: written, never used. */
	DECLARE_ALIGNED(uint32_t dks[4 * 15], 16);
};

/* The secret part of an entry: the CMAC key schedule and subkeys, or the SNOW 3G key
 * schedule (the first 16 octets of the union; for ZUC that is the IV, which is not secret:
 * wiping it costs one store and saves a branch). A 128-EIA2 job with a prepared schedule
 * wrote none of it (alg is job->alg, NASMAC_ALG_PREPARED included: the union's first 16 octets
 * are wiped for it, as for ZUC); one whose prepared key has no schedule wrote all of it. */
static inline __attribute__((always_inline)) void wipe_ent(struct cpu_ent *e,
							   const nasmac_job_t *job)
{
	uint8_t alg = job->alg;

	if (alg == (NASMAC_EIA2 | NASMAC_ALG_PREPARED) &&
	    !nasmac__job_prepared(job)->sched)
		alg = NASMAC_EIA2;
	if (alg == NASMAC_EIA2)
		nasmac__drv_wipe(&e->u.cmac, sizeof(e->u.cmac));
	else
		nasmac__drv_wipe(&e->u.snow.ks, sizeof(e->u.snow.ks));
}

static inline __attribute__((always_inline)) void finish(struct nasmac_dev *dev, struct cpu_be *c,
							   IMB_JOB *ij)
{
	struct cpu_ent *e = ij->user_data;
	nasmac_job_t *job = ij->user_data2;

	/* ipsec-mb wrote the tag straight into job->mac. */
	if (__builtin_expect(ij->status == IMB_STATUS_COMPLETED, 1))
		nasmac__set_status(job);
	else
		nasmac__compute_ref(job); /* ipsec-mb did not complete the job (it should not) */
	wipe_ent(e, job);
	c->rpos = e->ring_end;
	/* The manager is empty (after every full burst): the staging starts over at the
	 * beginning of the ring, whose first few kilobytes then stay in cache instead of the
	 * next burst's staging walking on through all 128 KiB. */
	if (--c->held == 0)
		c->wpos = c->rpos = 0;
	nasmac__complete_q(dev, job);
}

static void cpu_drain(struct nasmac_dev *dev)
{
	struct cpu_be *c = dev->be;
	IMB_JOB *ij;

	if (!c->mgr)
		return;
	while ((ij = IMB_FLUSH_JOB(c->mgr)) != NULL) {
		finish(dev, c, ij);
		while ((ij = IMB_GET_COMPLETED_JOB(c->mgr)) != NULL)
			finish(dev, c, ij);
	}
	c->rpos = c->wpos;
}

/* Staging for a 128-EIA2 job: prefix + message, contiguous. */
static uint8_t *ring_alloc(struct nasmac_dev *dev, struct cpu_be *c, size_t n)
{
	uint64_t off = c->wpos % CPU_RING_BYTES;

	if (off + n > CPU_RING_BYTES) {
		/* Skip the tail so the buffer is contiguous. */
		c->wpos += CPU_RING_BYTES - off;
		off = 0;
	}
	if (c->wpos + n - c->rpos > CPU_RING_BYTES) {
		cpu_drain(dev);
		c->wpos = c->rpos = 0;
		off = 0;
	}
	c->wpos += n;
	return c->ring + off;
}

/* Copies a message into the staging ring, inline: 64-octet steps of 16-octet vector moves,
 * then the last 16 octets once more, overlapping what was copied (messages under 16 octets go
 * byte by byte). A call to memcpy with a variable length costs about as much as the rest of a
 * short job's staging; this never reads past the n octets the caller owns. */
static inline void copy_msg(uint8_t *dst, const uint8_t *src, size_t n)
{
	size_t i = 0;

	if (n < 16) {
		while (n--)
			*dst++ = *src++;
		return;
	}
	for (; i + 64 <= n; i += 64) {
		nasmac__v16 a = *(const nasmac__v16 *)(src + i), b = *(const nasmac__v16 *)(src + i + 16),
			    c = *(const nasmac__v16 *)(src + i + 32), d = *(const nasmac__v16 *)(src + i + 48);

		*(nasmac__v16 *)(dst + i) = a;
		*(nasmac__v16 *)(dst + i + 16) = b;
		*(nasmac__v16 *)(dst + i + 32) = c;
		*(nasmac__v16 *)(dst + i + 48) = d;
	}
	for (; i + 16 <= n; i += 16)
		*(nasmac__v16 *)(dst + i) = *(const nasmac__v16 *)(src + i);
	if (i < n)
		*(nasmac__v16 *)(dst + n - 16) = *(const nasmac__v16 *)(src + n - 16);
}

/* The 16-octet IVs of libipsec-mb's SNOW 3G f9 and ZUC EIA3 jobs, built in registers as two
 * 8-octet words (x86 is little-endian: octet k of a word is its bits 8k..8k+7) and stored with
 * one 16-octet store, which the manager's 16-octet load of the IV at submit can take its value
 * from (two 8-octet stores made it wait for both to reach L1: 1 ns a job with EIA3).
 * snow3g_f9_iv_gen() and zuc_eia3_iv_gen() write the same octets (compared on 10^6 random
 * inputs) one at a time, behind a PLT call and checks of arguments the core has checked:
 * zuc_eia3_iv_gen() cost 4-5 ns a job, half of what EIA3 then cost beyond raw ipsec-mb (64-octet
 * messages). ref/eia1.c and ref/eia3.c build them from the specifications as the golden
 * model, against which test-driver checks every MAC the backend computes. */
_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the IVs are stored as LE words");

static inline void store_iv(uint8_t iv[16], uint64_t lo, uint64_t hi)
{
	typedef uint64_t v2u64 __attribute__((vector_size(16)));
	v2u64 v = { lo, hi };

	__builtin_memcpy(iv, &v, 16);
}

/* TS 35.215 4.4.1: COUNT || FRESH || COUNT ^ DIRECTION << 31 || FRESH ^ DIRECTION << 15, each
 * big-endian, FRESH = BEARER || 0^27 (TS 33.401 B.2.2). */
static inline void eia1_iv(uint8_t iv[16], uint32_t count, uint8_t bearer, uint8_t direction)
{
	uint32_t fresh = (uint32_t)bearer << 27;

	store_iv(iv, __builtin_bswap32(count) | (uint64_t)__builtin_bswap32(fresh) << 32,
		 __builtin_bswap32(count ^ (uint32_t)direction << 31) |
			 (uint64_t)__builtin_bswap32(fresh ^ (uint32_t)direction << 15) << 32);
}

/* TS 35.221 clause 3.3: IV0..3 = COUNT, IV4 = BEARER || 000, IV5..7 = 0, IV8..15 = IV0..7 with
 * DIRECTION added to the top bits of IV8 and IV14 (bits 7 and 55 of the second word). */
static inline void eia3_iv(uint8_t iv[16], uint32_t count, uint8_t bearer, uint8_t direction)
{
	uint64_t lo = __builtin_bswap32(count) | (uint64_t)bearer << 35;

	store_iv(iv, lo, lo ^ (uint64_t)direction << 7 ^ (uint64_t)direction << 55);
}

/* The SNOW 3G key schedule of libipsec-mb 1.3 is the key, octets in reverse order (the four
 * big-endian key words, last first, stored little-endian). Built here it goes out in one
 * 16-octet store that the manager's load at submit forwards from; the library's function, an
 * indirect call, writes it so that the load waited (1.4 ns a job with EIA1). The layout is
 * the library's own business: cpu_open() compares the two and keeps the call if they differ. */
static inline void snow3g_ks(snow3g_key_schedule_t *ks, const uint8_t key[16])
{
	uint64_t k0, k1;

	__builtin_memcpy(&k0, key, 8);
	__builtin_memcpy(&k1, key + 8, 8);
	store_iv((uint8_t *)ks, __builtin_bswap64(k1), __builtin_bswap64(k0));
}

static void submit_one(struct nasmac_dev *dev, struct cpu_be *c, nasmac_job_t *job)
{
	struct cpu_ent *e = &c->ents[c->seq % CPU_ENTS];
	IMB_MGR *m = c->mgr;
	IMB_JOB *ij;
	size_t bytes = ((size_t)job->len_bits + 7) / 8;
	uint8_t *buf = NULL;
	/* A prepared key (nasmac_job_set_key): the key, and for 128-EIA2 its schedule, are read
	 * from the caller's struct, which stays unchanged until the job completes. */
	const nasmac_key_t *pk = nasmac__job_prepared(job);
	const uint8_t *key = pk ? pk->key : job->key;
	uint8_t alg = nasmac__job_alg(job);

	/* Staging first: making room may flush the manager, which must hold no half-built job. */
	if (alg == NASMAC_EIA2) {
		/* libipsec-mb 1.3 refuses CMAC inputs of 65,535 bits or more, i.e. EIA2 messages
		 * past 65,470 bits once the 64-bit COUNT/BEARER/DIRECTION prefix is added: those
		 * few go to the reference code. The job is submitted unchecked (below), so this is
		 * what keeps the manager within the lengths its own check admits. */
		if (__builtin_expect(job->len_bits > IPSEC_MB_CMAC_MAX_BITS - 64u, 0)) {
			nasmac__compute_ref(job);
			nasmac__complete_q(dev, job);
			return;
		}
		buf = ring_alloc(dev, c, EIA2_PREFIX + bytes);
	}
	c->seq++;
	e->t_ns = dev->now_ns;
	/* The cipher half of the job (NULL cipher, no keys, no IV) was set once in every slot
	 * of the manager at open (cpu_open) and ipsec-mb does not write it: per job only the
	 * hash half. */
	ij = IMB_GET_NEXT_JOB(m);
	ij->cipher_mode = IMB_CIPHER_NULL;
	ij->cipher_direction = IMB_DIR_ENCRYPT;
	ij->chain_order = IMB_ORDER_HASH_CIPHER;
	ij->hash_start_src_offset_in_bytes = 0;
	ij->auth_tag_output = job->mac; /* 4 octets: the tag goes straight to the caller */
	ij->auth_tag_output_len_in_bytes = NASMAC_MAC_LEN;
	ij->user_data = e;
	ij->user_data2 = job;

	switch (alg) {
	case NASMAC_EIA2:
		nasmac__eia2_prefix(buf, job->count, job->bearer, job->direction);
		copy_msg(buf + EIA2_PREFIX, job->msg, bytes);
		ij->hash_alg = IMB_AUTH_AES_CMAC_BITLEN;
		ij->src = buf;
		ij->msg_len_to_hash_in_bits = 64u + job->len_bits;
		if (pk && pk->sched) {
			/* Expanded once for the key (nasmac_key_prepare): the expansion and
			 * the subkeys' AES block cost ~80 ns a job (perf, bench e2e). */
			ij->u.CMAC._key_expanded = pk->rk;
			ij->u.CMAC._skey1 = pk->k1;
			ij->u.CMAC._skey2 = pk->k2;
			break;
		}
		/* CMAC only encrypts: the decryption schedule that IMB_AES_KEYEXP_128 also
		 * computes (nine AESIMC and eleven more stores a job) cost ~4 ns a job. */
		if (__builtin_expect(c->keyexp_enc != NULL, 1))
			c->keyexp_enc(key, e->u.cmac.ks);
		else
			IMB_AES_KEYEXP_128(m, key, e->u.cmac.ks, c->dks);
		IMB_AES_CMAC_SUBKEY_GEN_128(m, e->u.cmac.ks, e->u.cmac.sk1, e->u.cmac.sk2);
		ij->u.CMAC._key_expanded = e->u.cmac.ks;
		ij->u.CMAC._skey1 = e->u.cmac.sk1;
		ij->u.CMAC._skey2 = e->u.cmac.sk2;
		break;
	case NASMAC_EIA1:
		if (__builtin_expect(c->snow_ks_inline, 1))
			snow3g_ks(&e->u.snow.ks, key);
		else
			IMB_SNOW3G_INIT_KEY_SCHED(m, key, &e->u.snow.ks);
		eia1_iv(e->u.snow.iv, job->count, job->bearer, job->direction);
		ij->hash_alg = IMB_AUTH_SNOW3G_UIA2_BITLEN;
		ij->src = job->msg;
		ij->msg_len_to_hash_in_bits = job->len_bits;
		ij->u.SNOW3G_UIA2._key = &e->u.snow.ks;
		ij->u.SNOW3G_UIA2._iv = e->u.snow.iv;
		break;
	default:
		eia3_iv(e->u.zuc.iv, job->count, job->bearer, job->direction);
		ij->hash_alg = IMB_AUTH_ZUC_EIA3_BITLEN;
		ij->src = job->msg;
		ij->msg_len_to_hash_in_bits = job->len_bits;
		ij->u.ZUC_EIA3._key = key;
		ij->u.ZUC_EIA3._iv = e->u.zuc.iv;
		ij->u.ZUC_EIA3._iv23 = NULL;
		break;
	}
	e->ring_end = c->wpos;
	c->held++;
	/* Unchecked: IMB_SUBMIT_JOB first runs the library's validation of every job field
	 * (cipher half included) for each job, ~7 ns a job here (EIA1 at 64 octets went from
	 * 82 to 74 ns a MAC, idle machine, AVX-512), most of the driver's cost. What it checks
	 * holds by construction: nasmac__job_check() admitted the lengths (1..65,504 bits, the
	 * ZUC limit; CMAC capped above), msg is not NULL, key/IV/tag pointers and the tag
	 * length are set just above, the cipher half at cpu_open. finish() still hands a job
	 * the manager did not complete to the reference code. */
	ij = IMB_SUBMIT_JOB_NOCHECK(m);
	while (ij) {
		finish(dev, c, ij);
		ij = IMB_GET_COMPLETED_JOB(m);
	}
}

static void cpu_submit(struct nasmac_dev *dev, nasmac_job_t *const *jobs, uint32_t n)
{
	struct cpu_be *c = dev->be;

	for (uint32_t i = 0; i < n; i++) {
		nasmac_job_t *job = jobs[i];
		int rc;

		/* The caller wrote the burst's job structs before the call, and the jobs in front
		 * have since pushed them out of L1 (the manager's job slots, entries, messages):
		 * the check below, the first read of each, waited for L2 (0.75 misses a job under
		 * cachegrind). Two jobs ahead is ~200 ns ahead; a struct may straddle two lines. */
		if (i + 2 < n) {
			__builtin_prefetch(jobs[i + 2]);
			__builtin_prefetch((const char *)jobs[i + 2] + sizeof(nasmac_job_t) - 1);
		}
		rc = nasmac__job_check(job);

		if (__builtin_expect(rc != 0, 0)) {
			nasmac__fail_q(dev, job, rc);
			continue;
		}
		if (__builtin_expect(!c->mgr, 0)) {
			nasmac__compute_ref(job);
			nasmac__complete_q(dev, job);
			continue;
		}
		submit_one(dev, c, job);
	}
	nasmac__drv_wipe(c->dks, sizeof(c->dks));
}

static uint32_t cpu_held(const struct nasmac_dev *dev, uint64_t *oldest_ns)
{
	const struct cpu_be *c = dev->be;

	/* Jobs complete in submission order: the oldest held one is seq - held. */
	if (c->held)
		*oldest_ns = c->ents[(c->seq - c->held) % CPU_ENTS].t_ns;
	return c->held;
}

static int cpu_open(struct nasmac_dev *dev, const char *arg)
{
	struct cpu_be *c;

	if (arg)
		return -EINVAL; /* "cpu" takes no argument */
	/* aligned_alloc wants a size that is a multiple of the alignment. */
	c = aligned_alloc(64, (sizeof(*c) + 63) & ~(size_t)63);
	if (!c)
		return -ENOMEM;
	memset(c, 0, sizeof(*c));
	c->ents = aligned_alloc(256, CPU_ENTS * sizeof(*c->ents));
	c->ring = calloc(1, CPU_RING_BYTES + CPU_RING_SLACK);
	if (!c->ents || !c->ring) {
		free(c->ents);
		free(c->ring);
		free(c);
		return -ENOMEM;
	}
	memset(c->ents, 0, CPU_ENTS * sizeof(*c->ents));
	/* Without a usable ipsec-mb the backend still works, on the reference code. */
	c->mgr = getenv("NASMAC_CPU_REF") ? NULL : alloc_mb_mgr(0);
	if (c->mgr) {
		IMB_ARCH arch = IMB_ARCH_NONE;

		init_mb_mgr_auto(c->mgr, &arch);
		if (imb_get_errno(c->mgr)) {
			free_mb_mgr(c->mgr);
			c->mgr = NULL;
		} else if (arch == IMB_ARCH_AVX512) {
			c->keyexp_enc = aes_keyexp_128_enc_avx512;
		} else if (arch == IMB_ARCH_AVX2) {
			c->keyexp_enc = aes_keyexp_128_enc_avx2;
		} else if (arch == IMB_ARCH_AVX) {
			c->keyexp_enc = aes_keyexp_128_enc_avx;
		} else if (arch == IMB_ARCH_SSE && (c->mgr->features & IMB_FEATURE_AESNI)) {
			c->keyexp_enc = aes_keyexp_128_enc_sse;
		}
	}
	if (c->mgr) {
		/* Octets 0..15 as a key: a layout that differed anywhere would show. */
		static const uint8_t k[16] = { 0, 1, 2,  3,  4,  5,  6,  7,
					       8, 9, 10, 11, 12, 13, 14, 15 };
		snow3g_key_schedule_t lib, own;

		IMB_SNOW3G_INIT_KEY_SCHED(c->mgr, k, &lib);
		snow3g_ks(&own, k);
		c->snow_ks_inline = memcmp(&lib, &own, sizeof(lib)) == 0;
	}
	for (uint32_t i = 0; c->mgr && i < IMB_MAX_JOBS; i++) {
		IMB_JOB *ij = &c->mgr->jobs[i];

		ij->enc_keys = NULL;
		ij->dec_keys = NULL;
		ij->key_len_in_bytes = 16;
		ij->iv = NULL;
		ij->iv_len_in_bytes = 0;
		ij->dst = NULL;
		ij->cipher_start_src_offset_in_bytes = 0;
		ij->msg_len_to_cipher_in_bytes = 0;
	}
	dev->be = c;
	return 0;
}

static void cpu_close(struct nasmac_dev *dev)
{
	struct cpu_be *c = dev->be;

	if (!c)
		return;
	if (c->mgr)
		free_mb_mgr(c->mgr);
	nasmac__wipe(c->ents, CPU_ENTS * sizeof(*c->ents));
	nasmac__wipe(c->ring, CPU_RING_BYTES + CPU_RING_SLACK);
	free(c->ents);
	free(c->ring);
	free(c);
	dev->be = NULL;
}

const struct nasmac__backend_ops nasmac__cpu_ops = {
	.name = "cpu",
	.open = cpu_open,
	.close = cpu_close,
	.submit = cpu_submit,
	.drain = cpu_drain,
	.held = cpu_held,
	/* Draining the last, partly filled round of the lanes costs ~100-300 ns (measured on
	 * AVX-512 with 64-octet messages, EIA2 the most): ~2 ns a job in a burst of 128, ~1 in
	 * one of 256, which is less than the lull worker's wake-ups cost (dev.c). */
	.full_burst = 128,
	.default_batch_max = 256,
};
