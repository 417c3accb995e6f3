/*
 * GTP-C transactions bound to their peer: random sequence numbers and TEIDs, the table of what
 * is in flight, the whole-request digest and the token buckets (gtp_txn.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "gtp_txn.h"
#include "host.h"

/* ------------------------------------------------------------------------------------------ */
/* Randomness */

static uint8_t rnd_buf[4096];
static size_t rnd_left;

void nasmac__rand_bytes(void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len) {
		size_t n;
		if (!rnd_left) {
			size_t got = 0;
			while (got < sizeof(rnd_buf)) {
				ssize_t r = getrandom(rnd_buf + got, sizeof(rnd_buf) - got, 0);
				if (r < 0 && errno == EINTR)
					continue;
				if (r <= 0) {
					/* No predictable fallback: without random numbers the
					 * transactions could be forged. */
					nasmac__log(NASMAC__LOG_ERR, "getrandom failed: %s",
						    strerror(errno));
					abort();
				}
				got += (size_t)r;
			}
			rnd_left = sizeof(rnd_buf);
		}
		n = len < rnd_left ? len : rnd_left;
		memcpy(p, rnd_buf + sizeof(rnd_buf) - rnd_left, n);
		/* Numbers handed out are not kept around. */
		explicit_bzero(rnd_buf + sizeof(rnd_buf) - rnd_left, n);
		rnd_left -= n;
		p += n;
		len -= n;
	}
}

uint32_t nasmac__rand32(void)
{
	uint32_t v;

	nasmac__rand_bytes(&v, sizeof(v));
	return v;
}

/* ------------------------------------------------------------------------------------------ */
/* The table of transactions in flight */

static uint32_t slot_of(const struct nasmac__txn_tab *t, uint32_t key)
{
	return (uint32_t)((key * 0x9e3779b97f4a7c15ull) >> 32) & t->mask;
}

int nasmac__txn_tab_init(struct nasmac__txn_tab *t, uint32_t max)
{
	uint32_t size = 16;

	memset(t, 0, sizeof(*t));
	if (max == 0 || max > (1u << 30))
		return -EINVAL;
	while (size < 2 * (uint64_t)max)
		size <<= 1;
	t->slot = calloc(size, sizeof(*t->slot));
	if (!t->slot)
		return -ENOMEM;
	t->mask = size - 1;
	t->max = max;
	return 0;
}

void nasmac__txn_tab_free(struct nasmac__txn_tab *t)
{
	free(t->slot);
	memset(t, 0, sizeof(*t));
}

int64_t nasmac__txn_tab_find(const struct nasmac__txn_tab *t, uint32_t key)
{
	for (uint32_t i = slot_of(t, key);; i = (i + 1) & t->mask) {
		if (!t->slot[i].val)
			return -1;
		if (t->slot[i].key == key)
			return (int64_t)t->slot[i].val - 1;
	}
}

int nasmac__txn_tab_add(struct nasmac__txn_tab *t, uint32_t key, uint32_t idx)
{
	uint32_t i;

	if (t->n >= t->max)
		return -ENOSPC;
	for (i = slot_of(t, key); t->slot[i].val; i = (i + 1) & t->mask)
		if (t->slot[i].key == key)
			return -EEXIST;
	t->slot[i].key = key;
	t->slot[i].val = idx + 1;
	t->n++;
	return 0;
}

void nasmac__txn_tab_del(struct nasmac__txn_tab *t, uint32_t key)
{
	uint32_t i = slot_of(t, key), j;

	for (;; i = (i + 1) & t->mask) {
		if (!t->slot[i].val)
			return;
		if (t->slot[i].key == key)
			break;
	}
	/* Backward shift: move later entries of the probe run into the hole when their home
	 * slot does not lie (cyclically) between the hole and them. */
	for (j = (i + 1) & t->mask; t->slot[j].val; j = (j + 1) & t->mask) {
		uint32_t home = slot_of(t, t->slot[j].key);
		if (((j - home) & t->mask) >= ((j - i) & t->mask)) {
			t->slot[i] = t->slot[j];
			i = j;
		}
	}
	t->slot[i].val = 0;
	t->slot[i].key = 0;
	t->n--;
}

int nasmac__txn_tab_fresh(const struct nasmac__txn_tab *t, unsigned bits, uint32_t *key)
{
	uint32_t mask = bits >= 32 ? 0xffffffffu : (1u << bits) - 1;

	if (t->n >= t->max)
		return -ENOSPC;
	/* At most half the table is in use and the key space is far larger than the table, so
	 * a few draws always suffice. */
	for (;;) {
		uint32_t k = nasmac__rand32() & mask;
		if (k && nasmac__txn_tab_find(t, k) < 0) {
			*key = k;
			return 0;
		}
	}
}

/* ------------------------------------------------------------------------------------------ */
/* SipHash-2-4 */

static uint64_t rotl(uint64_t x, unsigned b)
{
	return x << b | x >> (64 - b);
}

static uint64_t le64(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = v << 8 | p[i];
	return v;
}

#define SIPROUND                                                                                   \
	do {                                                                                       \
		v0 += v1;                                                                          \
		v1 = rotl(v1, 13);                                                                 \
		v1 ^= v0;                                                                          \
		v0 = rotl(v0, 32);                                                                 \
		v2 += v3;                                                                          \
		v3 = rotl(v3, 16);                                                                 \
		v3 ^= v2;                                                                          \
		v0 += v3;                                                                          \
		v3 = rotl(v3, 21);                                                                 \
		v3 ^= v0;                                                                          \
		v2 += v1;                                                                          \
		v1 = rotl(v1, 17);                                                                 \
		v1 ^= v2;                                                                          \
		v2 = rotl(v2, 32);                                                                 \
	} while (0)

/* out_len 8 or 16; the output is little-endian, as in the reference implementation. */
static void siphash(uint64_t k0, uint64_t k1, const uint8_t *m, size_t len, uint8_t *out,
		    size_t out_len)
{
	uint64_t v0 = 0x736f6d6570736575ull ^ k0, v1 = 0x646f72616e646f6dull ^ k1;
	uint64_t v2 = 0x6c7967656e657261ull ^ k0, v3 = 0x7465646279746573ull ^ k1;
	uint64_t b = (uint64_t)len << 56, r;
	size_t i;

	if (out_len == 16)
		v1 ^= 0xee;
	for (i = 0; i + 8 <= len; i += 8) {
		uint64_t w = le64(m + i);
		v3 ^= w;
		SIPROUND;
		SIPROUND;
		v0 ^= w;
	}
	for (size_t k = 0; i + k < len; k++)
		b |= (uint64_t)m[i + k] << (8 * k);
	v3 ^= b;
	SIPROUND;
	SIPROUND;
	v0 ^= b;
	v2 ^= out_len == 16 ? 0xee : 0xff;
	/* Each 64-bit half of the output: four rounds, then v0 ^ v1 ^ v2 ^ v3, little-endian. */
	for (size_t half = 0; half < out_len / 8; half++) {
		if (half)
			v1 ^= 0xdd;
		SIPROUND;
		SIPROUND;
		SIPROUND;
		SIPROUND;
		r = v0 ^ v1 ^ v2 ^ v3;
		for (int k = 0; k < 8; k++)
			out[8 * half + (size_t)k] = (uint8_t)(r >> (8 * k));
	}
}

void nasmac__digest_key_init(struct nasmac__digest_key *k)
{
	nasmac__rand_bytes(k, sizeof(*k));
}

void nasmac__siphash128(const struct nasmac__digest_key *k, const void *msg, size_t len,
			uint8_t out[16])
{
	siphash(k->k0, k->k1, msg, len, out, 16);
}

void nasmac__siphash64(const struct nasmac__digest_key *k, const void *msg, size_t len,
		       uint8_t out[8])
{
	siphash(k->k0, k->k1, msg, len, out, 8);
}

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* One 8-octet step of both NH sums at key word w (gtp_txn.h): the octets as two little-endian
 * words m0, m1. */
static inline __attribute__((always_inline)) void nh_step(uint64_t *a, uint64_t *b,
							  const uint32_t *k, uint32_t m0,
							  uint32_t m1, size_t w)
{
	*a += (uint64_t)(uint32_t)(m0 + k[w]) * (uint32_t)(m1 + k[w + 1]);
	*b += (uint64_t)(uint32_t)(m0 + k[w + 4]) * (uint32_t)(m1 + k[w + 5]);
}

int nasmac__nh128(const uint32_t *key, const void *msg, size_t len, uint8_t out[16])
{
	const uint8_t *m = msg;
	uint64_t a = 0, b = 0;
	size_t i = 0;

	if (len == 0 || len > NASMAC__NH_MAX)
		return -EINVAL;
#ifdef __SSE2__
	{
		/* Two steps of both sums per 16 octets: the message words plus the key words of
		 * each sum (32-bit lanes, mod 2^32), then each even lane times the odd lane above
		 * it (PMULUDQ on the lanes shifted down by 32 bits), added into 64-bit lanes.
		 * The same sums as nh_step in another order (addition mod 2^64 commutes):
		 * ~3 times fewer instructions, and the request digest was 1.5 % of the MME's CPU
		 * (perf, bench e2e). test_gtp_txn compares it with the scalar steps. */
		__m128i va = _mm_setzero_si128(), vb = _mm_setzero_si128();

		for (; i + 16 <= len; i += 16) {
			__m128i w = _mm_loadu_si128((const __m128i *)(m + i));
			__m128i x = _mm_add_epi32(w, _mm_loadu_si128((const __m128i *)(key + i / 4)));
			__m128i y = _mm_add_epi32(w,
						  _mm_loadu_si128((const __m128i *)(key + i / 4 + 4)));

			va = _mm_add_epi64(va, _mm_mul_epu32(x, _mm_srli_epi64(x, 32)));
			vb = _mm_add_epi64(vb, _mm_mul_epu32(y, _mm_srli_epi64(y, 32)));
		}
		va = _mm_add_epi64(va, _mm_unpackhi_epi64(va, va));
		vb = _mm_add_epi64(vb, _mm_unpackhi_epi64(vb, vb));
		a = (uint64_t)_mm_cvtsi128_si64(va);
		b = (uint64_t)_mm_cvtsi128_si64(vb);
	}
#endif
	for (; i + 8 <= len; i += 8)
		nh_step(&a, &b, key, le32(m + i), le32(m + i + 4), i / 4);
	if (i < len) {
		/* The zero-padded tail, gathered in a register: copied to the stack and loaded
		 * back as words it waited for the octet stores (a failed store forwarding, a third
		 * of the digest's time under perf). */
		uint64_t t = 0;

		for (size_t k = 0; k < len - i; k++)
			t |= (uint64_t)m[i + k] << (8 * k);
		nh_step(&a, &b, key, (uint32_t)t, (uint32_t)(t >> 32), i / 4);
	}
	/* Little-endian, as the octets were read (the MME's x86; gtp_txn.h). */
	_Static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "NH output is stored as LE words");
	memcpy(out, &a, 8);
	memcpy(out + 8, &b, 8);
	return 0;
}

/* ------------------------------------------------------------------------------------------ */
/* Token buckets */

int nasmac__bucket_take(struct nasmac__bucket *b, uint64_t now_ms)
{
	uint64_t full = (uint64_t)b->burst * 1000u, t;

	if (!b->started) {
		b->started = 1;
		b->last_ms = now_ms;
		b->tokens_milli = (uint32_t)full;
	} else if (now_ms > b->last_ms) {
		t = b->tokens_milli + (now_ms - b->last_ms) * b->rate;
		b->tokens_milli = (uint32_t)(t < full ? t : full);
		b->last_ms = now_ms;
	}
	if (b->tokens_milli < 1000)
		return 0;
	b->tokens_milli -= 1000;
	return 1;
}

void nasmac__peer_limit_init(struct nasmac__peer_limit *l, uint32_t per_peer_rate,
			     uint32_t per_peer_burst, uint32_t total_rate)
{
	memset(l, 0, sizeof(*l));
	nasmac__digest_key_init(&l->key);
	l->all.rate = l->all.burst = total_rate;
	for (uint32_t i = 0; i < NASMAC__PEER_BUCKETS; i++) {
		l->peer[i].rate = per_peer_rate;
		l->peer[i].burst = per_peer_burst;
	}
}

int nasmac__peer_limit_take(struct nasmac__peer_limit *l, const struct sockaddr_in *peer,
			    uint64_t now_ms)
{
	uint8_t in[6], h[8];
	uint32_t i;

	memcpy(in, &peer->sin_addr.s_addr, 4);
	memcpy(in + 4, &peer->sin_port, 2);
	nasmac__siphash64(&l->key, in, sizeof(in), h);
	i = (uint32_t)(h[0] | h[1] << 8) % NASMAC__PEER_BUCKETS;
	/* The peer's own bucket first: a flooding peer empties its own, not everyone's. */
	return nasmac__bucket_take(&l->peer[i], now_ms) && nasmac__bucket_take(&l->all, now_ms);
}

/* ------------------------------------------------------------------------------------------ */
/* The MME's side: requests noted per UE, contexts awaiting their Acknowledge */

int nasmac__ctx_txns_init(struct nasmac__ctx_txns *t, uint32_t n_ues)
{
	int rc;

	memset(t, 0, sizeof(*t));
	t->ue = calloc(n_ues ? n_ues : 1, sizeof(*t->ue));
	if (!t->ue)
		return -ENOMEM;
	rc = nasmac__txn_tab_init(&t->by_teid, n_ues ? n_ues : 1);
	if (rc) {
		free(t->ue);
		t->ue = NULL;
		return rc;
	}
	t->nh_key = malloc(NASMAC__NH_KEY_WORDS * sizeof(*t->nh_key));
	if (!t->nh_key) {
		nasmac__txn_tab_free(&t->by_teid);
		free(t->ue);
		t->ue = NULL;
		return -ENOMEM;
	}
	nasmac__rand_bytes(t->nh_key, NASMAC__NH_KEY_WORDS * sizeof(*t->nh_key));
	t->n = n_ues;
	for (uint32_t i = 0; i < NASMAC__TEID_AHEAD; i++)
		t->teid_ahead[i] = nasmac__rand32();
	return 0;
}

void nasmac__ctx_txns_prefetch(const struct nasmac__ctx_txns *t, uint32_t ue, int stage)
{
	const struct nasmac__ue_txn *u = &t->ue[ue];

	if (stage == 0) { /* a record may straddle two cache lines */
		__builtin_prefetch(u);
		__builtin_prefetch((const uint8_t *)(u + 1) - 1);
		return;
	}
	if (u->ack_open) {
		__builtin_prefetch(&t->by_teid.slot[slot_of(&t->by_teid, u->teid)]);
		if (u->prev)
			__builtin_prefetch(&t->ue[u->prev - 1]);
		if (u->next)
			__builtin_prefetch(&t->ue[u->next - 1]);
	}
}

/* A fresh TEID: the one drawn NASMAC__TEID_AHEAD calls ago (its slot prefetched then) when it
 * is free, else a new draw; another one is drawn for later. */
static int teid_take(struct nasmac__ctx_txns *t, uint32_t *teid)
{
	uint32_t k = t->teid_ahead[t->teid_pos];
	int rc = 0;

	if (k && t->by_teid.n < t->by_teid.max && nasmac__txn_tab_find(&t->by_teid, k) < 0)
		*teid = k;
	else
		rc = nasmac__txn_tab_fresh(&t->by_teid, 32, teid);
	k = nasmac__rand32();
	t->teid_ahead[t->teid_pos] = k;
	__builtin_prefetch(&t->by_teid.slot[slot_of(&t->by_teid, k)]);
	t->teid_pos = (t->teid_pos + 1) % NASMAC__TEID_AHEAD;
	return rc;
}

void nasmac__ctx_txns_free(struct nasmac__ctx_txns *t)
{
	if (t->ue)
		explicit_bzero(t->ue, (size_t)t->n * sizeof(*t->ue));
	free(t->ue);
	nasmac__txn_tab_free(&t->by_teid);
	explicit_bzero(t->teid_ahead, sizeof(t->teid_ahead));
	if (t->nh_key)
		explicit_bzero(t->nh_key, NASMAC__NH_KEY_WORDS * sizeof(*t->nh_key));
	free(t->nh_key);
	t->nh_key = NULL;
	t->ue = NULL;
}

void nasmac__ctx_txns_note(struct nasmac__ctx_txns *t, uint32_t ue, const struct sockaddr_in *peer,
			   uint32_t seq, const uint8_t *buf, size_t len, uint64_t now_ms)
{
	struct nasmac__ue_txn *u = &t->ue[ue];

	/* A request the digest does not take (none: the MME drops datagrams over 4096 octets)
	 * is noted with length 0, which no request matches. */
	u->rq_len = nasmac__nh128(t->nh_key, buf, len, u->rq_digest) ? 0 : (uint16_t)len;
	u->rq_ip = peer->sin_addr.s_addr;
	u->rq_port = peer->sin_port;
	u->rq_seq = seq;
	u->rq_t_ms = now_ms ? now_ms : 1;
	u->rq_accepted = 0;
}

int nasmac__ctx_txns_is_retx(const struct nasmac__ctx_txns *t, uint32_t ue,
			     const struct sockaddr_in *peer, uint32_t seq, const uint8_t *buf,
			     size_t len)
{
	const struct nasmac__ue_txn *u = &t->ue[ue];
	uint8_t d[16];
	uint8_t diff = 0;

	if (!u->rq_t_ms || u->rq_seq != seq || u->rq_ip != peer->sin_addr.s_addr ||
	    u->rq_port != peer->sin_port || !u->rq_len || u->rq_len != len ||
	    nasmac__nh128(t->nh_key, buf, len, d))
		return 0;
	for (size_t i = 0; i < sizeof(d); i++)
		diff |= (uint8_t)(d[i] ^ u->rq_digest[i]);
	return diff == 0;
}

static void list_unlink(struct nasmac__ctx_txns *t, uint32_t ue)
{
	struct nasmac__ue_txn *u = &t->ue[ue];

	if (u->prev)
		t->ue[u->prev - 1].next = u->next;
	else if (t->head == ue + 1)
		t->head = u->next;
	if (u->next)
		t->ue[u->next - 1].prev = u->prev;
	else if (t->tail == ue + 1)
		t->tail = u->prev;
	u->prev = u->next = 0;
}

void nasmac__ctx_txns_close(struct nasmac__ctx_txns *t, uint32_t ue)
{
	struct nasmac__ue_txn *u = &t->ue[ue];

	if (!u->ack_open)
		return;
	list_unlink(t, ue);
	nasmac__txn_tab_del(&t->by_teid, u->teid);
	u->ack_open = 0;
}

int nasmac__ctx_txns_sent(struct nasmac__ctx_txns *t, uint32_t ue, const struct sockaddr_in *peer,
			  uint32_t seq, uint64_t now_ms, uint32_t timeout_ms, int resend,
			  uint32_t *teid)
{
	struct nasmac__ue_txn *u = &t->ue[ue];
	int rc;

	if (resend) {
		/* The same answer again: same TEID; the Ack is still awaited (or already came). */
		*teid = u->teid;
		return 0;
	}
	nasmac__ctx_txns_close(t, ue);
	rc = teid_take(t, &u->teid);
	if (!rc)
		rc = nasmac__txn_tab_add(&t->by_teid, u->teid, ue);
	if (rc)
		return rc;
	u->ack_open = 1;
	u->ack_ip = peer->sin_addr.s_addr;
	u->ack_port = peer->sin_port;
	u->ack_seq = seq;
	u->ack_deadline_ms = now_ms + timeout_ms;
	/* Every context waits as long, so appending keeps the list ordered by deadline. */
	u->prev = t->tail;
	u->next = 0;
	if (t->tail)
		t->ue[t->tail - 1].next = ue + 1;
	else
		t->head = ue + 1;
	t->tail = ue + 1;
	*teid = u->teid;
	return 0;
}

int nasmac__ctx_txns_ack(struct nasmac__ctx_txns *t, uint32_t teid, const struct sockaddr_in *peer,
			 uint32_t seq, uint32_t *ue)
{
	int64_t i = teid ? nasmac__txn_tab_find(&t->by_teid, teid) : -1;
	struct nasmac__ue_txn *u;

	if (i < 0)
		return -ENOENT;
	u = &t->ue[i];
	if (u->ack_ip != peer->sin_addr.s_addr || u->ack_port != peer->sin_port ||
	    u->ack_seq != seq)
		return -EPERM;
	nasmac__ctx_txns_close(t, (uint32_t)i);
	*ue = (uint32_t)i;
	return 0;
}

int nasmac__ctx_txns_expired(struct nasmac__ctx_txns *t, uint64_t now_ms, uint32_t *ue)
{
	if (!t->head || t->ue[t->head - 1].ack_deadline_ms > now_ms)
		return 0;
	*ue = t->head - 1;
	nasmac__ctx_txns_close(t, *ue);
	return 1;
}
