/*
 * GTP-C transactions bound to their peer (TS 29.274 7.6, 7.7; host/README.md "Trust model"),
 * shared by the AMF (its Context Requests) and the MME (its Context Responses awaiting an
 * Acknowledge): unpredictable sequence numbers and local TEIDs drawn from getrandom(), a table
 * of what is in flight keyed by them, a keyed digest that recognises a retransmitted request by
 * all of its octets, and token buckets for answers a sender can trigger at will (Echo, Version
 * Not Supported). Nothing is allocated after the init calls.
 */
#ifndef NASMAC_GTP_TXN_H
#define NASMAC_GTP_TXN_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

/* ---------------------------------------------------------------------------------------------
 * Randomness: 32 random bits from the kernel's CSPRNG (getrandom(), buffered). Never derived
 * from anything a peer or a UE chooses; a process that cannot get random bits stops (abort)
 * rather than fall back to predictable numbers.
 */
uint32_t nasmac__rand32(void);
void nasmac__rand_bytes(void *buf, size_t len);

/* ---------------------------------------------------------------------------------------------
 * A table of transactions in flight: 32-bit key (a sequence number or a TEID) -> index.
 * Open addressing, linear probing, deletion by backward shift; at most `max` entries (the
 * table is twice that, rounded up to a power of two). Keys are random, but lookups come with
 * keys a sender chose, so the slot is a multiplicative hash of the key, never the key itself.
 */
struct nasmac__txn_tab {
	/* Key and value side by side: a probe costs one cache line, not two (the table is
	 * larger than the caches, and every context sent deletes, draws and adds a TEID). */
	struct nasmac__txn_slot {
		uint32_t key;
		uint32_t val; /* index + 1; 0: empty slot */
	} *slot;
	uint32_t mask, n, max;
};

int nasmac__txn_tab_init(struct nasmac__txn_tab *t, uint32_t max);
void nasmac__txn_tab_free(struct nasmac__txn_tab *t);
/* The index stored for key, or -1. */
int64_t nasmac__txn_tab_find(const struct nasmac__txn_tab *t, uint32_t key);
/* -EEXIST when key is in use, -ENOSPC when the table holds max entries. */
int nasmac__txn_tab_add(struct nasmac__txn_tab *t, uint32_t key, uint32_t idx);
void nasmac__txn_tab_del(struct nasmac__txn_tab *t, uint32_t key);
/* A random key of `bits` bits (24 for a sequence number, 32 for a TEID), never 0, not in t.
 * -ENOSPC when t is full. */
int nasmac__txn_tab_fresh(const struct nasmac__txn_tab *t, unsigned bits, uint32_t *key);

/* ---------------------------------------------------------------------------------------------
 * Whole-request digest: SipHash-2-4 with a 128-bit output (Aumasson and Bernstein, 2012) under
 * a key drawn at start, over every octet of the datagram. A sender cannot build another
 * request with the digest of one it did not send, since it does not know the key.
 */
struct nasmac__digest_key {
	uint64_t k0, k1;
};
void nasmac__digest_key_init(struct nasmac__digest_key *k); /* random */
void nasmac__siphash128(const struct nasmac__digest_key *k, const void *msg, size_t len,
			uint8_t out[16]);
/* The 64-bit output variant (SipHash-2-4 as first published). */
void nasmac__siphash64(const struct nasmac__digest_key *k, const void *msg, size_t len,
		       uint8_t out[8]);

/*
 * The request digest of the MME's retransmission check (nasmac__ctx_txns_note/_is_retx): NH,
 * the universal hash of UMAC (Black, Halevi, Krawczyk, Krovetz, Rogaway 1999; RFC 4418 5.2),
 * twice with the key shifted by 4 words (Toeplitz), over the request zero-padded to 8 octets:
 * for two different requests of one length (the length is compared apart), the chance over
 * the key that both halves collide is at most 2^-64. The key is random per process and the
 * digest never leaves it, so a sender who saw a request can do no better than guess, one
 * retransmission at a time; SipHash-2-4-128 cost 2.5-3 % of the MME's CPU (perf, bench e2e),
 * NH a few multiplications per 8 octets. Requests up to NASMAC__NH_MAX octets (the MME drops
 * longer datagrams); a longer one (and a 0-length one) -> -EINVAL.
 */
#define NASMAC__NH_MAX 4096u
#define NASMAC__NH_KEY_WORDS (NASMAC__NH_MAX / 4u + 4u)
int nasmac__nh128(const uint32_t *key, const void *msg, size_t len, uint8_t out[16]);

/* ---------------------------------------------------------------------------------------------
 * Token bucket: at most `burst` at once, refilled at `rate` per second. Returns 1 when one
 * token was taken (the answer may go), 0 when the bucket is empty.
 */
struct nasmac__bucket {
	uint64_t last_ms;
	uint32_t tokens_milli; /* thousandths of a token */
	uint32_t rate, burst;
	uint8_t started;
};
int nasmac__bucket_take(struct nasmac__bucket *b, uint64_t now_ms);

/* Per-peer buckets for answers anyone can trigger (Echo Response, Version Not Supported
 * Indication): a fixed array of buckets indexed by a keyed hash of the peer's address and port
 * (a peer cannot aim at another's bucket; two peers that share one share its rate), plus one
 * bucket for everything. */
#define NASMAC__PEER_BUCKETS 1024u
struct nasmac__peer_limit {
	struct nasmac__digest_key key;
	struct nasmac__bucket all;
	struct nasmac__bucket peer[NASMAC__PEER_BUCKETS];
};
void nasmac__peer_limit_init(struct nasmac__peer_limit *l, uint32_t per_peer_rate,
			     uint32_t per_peer_burst, uint32_t total_rate);
int nasmac__peer_limit_take(struct nasmac__peer_limit *l, const struct sockaddr_in *peer,
			    uint64_t now_ms);

/* ---------------------------------------------------------------------------------------------
 * The MME's side, one record per UE (its index in the store): the last Context Request
 * verified or being verified for it (to recognise its retransmission by peer, sequence number
 * and digest of every octet), and the Context Response with its context that waits for the
 * Context Acknowledge (taken only from the peer the response went to, with that response's
 * sequence number and the random TEID of the MME's F-TEID in it; forgotten after a timeout).
 */
struct nasmac__ue_txn {
	uint8_t rq_digest[16];     /* nasmac__nh128 of the request under the table's key */
	uint64_t rq_t_ms;          /* when the request arrived (loop ms); 0: none */
	uint32_t rq_ip, rq_seq, rq_count;
	uint16_t rq_port, rq_len;
	uint8_t rq_accepted, rq_fig3;
	uint8_t ack_open;          /* a context went out and its Acknowledge is awaited */
	uint16_t ack_port;
	uint32_t ack_ip, ack_seq;
	uint32_t teid;             /* the MME's TEID for this context (kept after the Ack) */
	uint64_t ack_deadline_ms;
	uint32_t prev, next;       /* the expiry list: index + 1, 0 none */
};

/* TEIDs drawn before they are needed, so that the table slot each will be checked in is
 * already fetched when it is (the table outgrows the caches: one miss per context sent). */
#define NASMAC__TEID_AHEAD 16u

struct nasmac__ctx_txns {
	struct nasmac__ue_txn *ue;
	uint32_t n;
	struct nasmac__txn_tab by_teid;
	uint32_t teid_ahead[NASMAC__TEID_AHEAD];
	uint32_t teid_pos;
	uint32_t head, tail;       /* expiry list, oldest first (index + 1) */
	uint32_t *nh_key;          /* NASMAC__NH_KEY_WORDS random words: the request digest */
};

int nasmac__ctx_txns_init(struct nasmac__ctx_txns *t, uint32_t n_ues);
void nasmac__ctx_txns_free(struct nasmac__ctx_txns *t);
/* Remembers the request (whole datagram buf/len) now under check for UE ue. */
void nasmac__ctx_txns_note(struct nasmac__ctx_txns *t, uint32_t ue, const struct sockaddr_in *peer,
			   uint32_t seq, const uint8_t *buf, size_t len, uint64_t now_ms);
/* 1 when buf/len from peer with seq is the request last noted for ue, octet for octet. */
int nasmac__ctx_txns_is_retx(const struct nasmac__ctx_txns *t, uint32_t ue,
			     const struct sockaddr_in *peer, uint32_t seq, const uint8_t *buf,
			     size_t len);
/* A context for ue goes to peer as the answer to seq: returns the MME's TEID to put in its
 * F-TEID and waits for the Acknowledge until now + timeout. A resend of the same answer
 * (resend = 1) keeps the TEID and the deadline. -ENOSPC if no TEID can be had. */
int nasmac__ctx_txns_sent(struct nasmac__ctx_txns *t, uint32_t ue, const struct sockaddr_in *peer,
			  uint32_t seq, uint64_t now_ms, uint32_t timeout_ms, int resend,
			  uint32_t *teid);
/* A Context Acknowledge with header TEID teid from peer with seq: 0 and *ue when it is the
 * awaited one (no longer awaited), -ENOENT for no context awaiting an Ack under that TEID,
 * -EPERM for the right TEID from another peer or with another sequence number (unchanged). */
int nasmac__ctx_txns_ack(struct nasmac__ctx_txns *t, uint32_t teid, const struct sockaddr_in *peer,
			 uint32_t seq, uint32_t *ue);
/* A hint before a burst of nasmac__ctx_txns_sent() calls: fetches what the call for ue will
 * touch. Stage 0 (a few calls ahead): ue's record; stage 1 (nearer, its record now cached):
 * the table slot of its current TEID and its neighbours on the expiry list. */
void nasmac__ctx_txns_prefetch(const struct nasmac__ctx_txns *t, uint32_t ue, int stage);
/* Stops waiting for the Ack of ue (a newer request replaced the context, ...). */
void nasmac__ctx_txns_close(struct nasmac__ctx_txns *t, uint32_t ue);
/* One UE whose Ack did not come by now_ms: 1 and *ue (no longer awaited), or 0. */
int nasmac__ctx_txns_expired(struct nasmac__ctx_txns *t, uint64_t now_ms, uint32_t *ue);

/* Same address and port. */
static inline int nasmac__same_peer(const struct sockaddr_in *a, const struct sockaddr_in *b)
{
	return a->sin_addr.s_addr == b->sin_addr.s_addr && a->sin_port == b->sin_port;
}

#endif /* NASMAC_GTP_TXN_H */
