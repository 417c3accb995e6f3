/*
 * Robustness of the real daemons on loopback: `nasmacd mme` and `nasmacd amf` are started as
 * child processes and fed truncated, oversized, nonsense and
 * subtly wrong datagrams, unknown UEs, retransmission floods and overload floods. After every
 * case the test checks that the daemon is alive, that its counters (SIGUSR1, host/README.md)
 * moved exactly as expected, and that it still answers a valid request correctly.
 *
 * Every datagram the MME sends back passes through audit(): a Context Response that carries an
 * MM Context IE (TS 29.274 8.38, type 107) is only allowed as the answer to a request the test
 * sent as valid and fresh (its sequence number is in `allowed`), with cause 16 and the IMSI of
 * the UE whose NAS message was built; anything else fails the test at once. The AMF's downlink
 * on the UE test link is audited the same way: no Security Mode Command or Registration Accept
 * for a UE that was not meant to register.
 *
 * usage: test_e2e_robust NASMACD   (the nasmacd binary to test: build/bin or build/san/bin)
 * Deterministic: the UEs and the nonsense come from fixed seeds.
 */
#include <errno.h>
#include <poll.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <arpa/inet.h>

#include <cmocka.h>

#include "host.h"
#include "ue.h"
#include "e2e.h"
#include "gtp.h"
#include "nas.h"

#define N_UES 512u
#define UE_UNKNOWN N_UES /* an index made like the others but never written to the UE db */
#define MME_MAX_PENDING 4u
#define IE_MM_EPS 107u /* TS 29.274 Table 8.1-1 */

struct answers {
	uint32_t n, mm, by_cause[256];
	uint32_t echo_rsp, vnsi, barrier;
};

#define BARRIER_SEQ 0xfffff0u /* E.seq never gets there */

static struct {
	char dir[64], db[128];
	const char *nasmacd;
	struct nasmac__uesim *ues; /* N_UES + 1: the last one is unknown to the MME */
	struct e2e_daemon mme, mme_small, amf;
	int cli;  /* the test's GTP-C client socket towards the MMEs */
	int ue;   /* the UE side of the AMF's test link */
	int n26;  /* the MME address the AMF is given: the test relays or answers itself */
	struct sockaddr_in amf_n26; /* where the AMF's Context Requests come from */
	uint32_t seq;
	uint8_t *allowed; /* by 24-bit sequence number: a context may answer it */
	uint16_t *allowed_idx; /* ... and for which UE (index into ues) */
	uint64_t rng;
} E;

/* ------------------------------------------------------------------------------------------ */
/* Small utilities */

static uint64_t rnd(void)
{
	/* xorshift64*: only needs to be deterministic. */
	E.rng ^= E.rng >> 12;
	E.rng ^= E.rng << 25;
	E.rng ^= E.rng >> 27;
	return E.rng * 0x2545f4914f6cdd1dull;
}

/* ------------------------------------------------------------------------------------------ */
/* The daemons (started, stopped and read by e2e.c) */

static long rss_kib(const struct e2e_daemon *d)
{
	char path[64], *s, *p;
	long kib = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)d->pid);
	s = e2e_slurp(path, NULL);
	if (s && (p = strstr(s, "VmRSS:")))
		kib = strtol(p + 6, NULL, 10);
	free(s);
	return kib;
}

/* ------------------------------------------------------------------------------------------ */
/* GTPv2-C requests and the audit of the answers */

static uint32_t next_seq(void)
{
	E.seq = (E.seq + 1) & 0xffffffu;
	return E.seq;
}

/* A Context Request for UE i carrying a TAU Request protected with `count` (host/ue:
 * GUTI, Complete Request Message type 1, sender F-TEID of interface type 40, RAT type NR). */
static size_t ctx_req(uint32_t i, uint32_t count, uint32_t seq, int tamper, uint8_t *buf,
		      size_t size)
{
	int n = nasmac__uesim_ctx_req(&E.ues[i].ctx, count & NASMAC__COUNT_MASK, seq, 7, tamper,
				      buf, size);

	assert_true(n > 12);
	return (size_t)n;
}

/* A valid request with UE i's next COUNT; a context may answer it. */
static size_t valid_req(uint32_t i, uint32_t seq, uint8_t *buf, size_t size)
{
	struct nasmac__ue *c = &E.ues[i].ctx;

	c->ul_count = (c->ul_count + 1) & NASMAC__COUNT_MASK;
	E.allowed[seq] = 1;
	E.allowed_idx[seq] = (uint16_t)i;
	return ctx_req(i, c->ul_count, seq, 0, buf, size);
}

static void set_len(uint8_t *buf, size_t len)
{
	buf[2] = (uint8_t)((len - 4) >> 8);
	buf[3] = (uint8_t)(len - 4);
}

/* Inserts an IE (type, instance, value) at offset `at` and fixes the message length. */
static size_t ie_insert(uint8_t *buf, size_t len, size_t at, uint8_t type, uint8_t inst,
			const uint8_t *v, size_t vlen)
{
	memmove(buf + at + 4 + vlen, buf + at, len - at);
	buf[at] = type;
	buf[at + 1] = (uint8_t)(vlen >> 8);
	buf[at + 2] = (uint8_t)vlen;
	buf[at + 3] = inst & 0x0f;
	memcpy(buf + at + 4, v, vlen);
	len += 4 + vlen;
	set_len(buf, len);
	return len;
}

/* Checks one datagram from an MME: a context only for an allowed request, with cause 16 and
 * the IMSI of the UE it was built for. Counts the answer. */
static void audit(const uint8_t *p, size_t len, struct answers *a)
{
	struct nasmac__ctx_rsp r;
	uint32_t seq;
	int rc;

	assert_true(len >= 8);
	assert_int_equal(p[0] >> 5, 2);
	if (p[1] == NASMAC__GTP_ECHO_RSP) {
		if (((uint32_t)p[4] << 16 | (uint32_t)p[5] << 8 | p[6]) == BARRIER_SEQ) {
			a->barrier++;
			return;
		}
		a->n++;
		a->echo_rsp++;
		return;
	}
	if (p[1] == NASMAC__GTP_VNSI) {
		/* The GTPv2 header alone: version 2, T = 0, length 4, sequence number 0. */
		static const uint8_t vnsi[] = { 0x40, NASMAC__GTP_VNSI, 0, 4, 0, 0, 0, 0 };

		assert_int_equal(len, sizeof(vnsi));
		assert_memory_equal(p, vnsi, sizeof(vnsi));
		a->n++;
		a->vnsi++;
		return;
	}
	a->n++;
	assert_int_equal(p[1], NASMAC__GTP_CTX_RSP);
	assert_true(len >= 12);
	seq = (uint32_t)p[8] << 16 | (uint32_t)p[9] << 8 | p[10];
	rc = nasmac__gtp_dec_ctx_rsp(p, len, &r);
	assert_int_equal(rc, 0);
	a->by_cause[r.cause]++;
	if (getenv("ROBUST_DEBUG"))
		fprintf(stderr, "seq %u cause %u len %zu\n", seq, r.cause, len);
	/* Raw scan too: an MM Context IE anywhere, whatever the decoder makes of it. */
	if (e2e_ie_off(p, len, IE_MM_EPS) || r.has_mm || r.has_kamf) {
		a->mm++;
		if (!E.allowed[seq])
			fail_msg("a Context Response with a security context answered seq %u, "
				 "which was not a valid fresh request", seq);
		assert_int_equal(r.cause, NASMAC__CAUSE_ACCEPTED);
		assert_string_equal(r.imsi, E.ues[E.allowed_idx[seq]].ctx.imsi);
	} else {
		assert_int_not_equal(r.cause, NASMAC__CAUSE_ACCEPTED);
	}
	explicit_bzero(&r, sizeof(r));
}

/* Collects and audits the answers of daemon d to what was sent to it so far. A barrier: an
 * Echo Request (TS 29.274 7.1.1) sent after them is handled after them on the same socket, so
 * once its Echo Response is here, d has read everything before it; the answers of MAC checks
 * finished in that same loop iteration, or waiting on a store commit, follow it: hence a wait
 * after it until the socket has been quiet for 100 ms (20 ms lost answers under ASan on a loaded
 * machine). */
static void collect(struct e2e_daemon *d, struct answers *a, uint8_t *last, size_t *last_len)
{
	static const uint8_t echo[] = { 0x40, NASMAC__GTP_ECHO_REQ, 0, 9,
					BARRIER_SEQ >> 16, (BARRIER_SEQ >> 8) & 0xff,
					BARRIER_SEQ & 0xff, 0, 3, 0, 1, 0, 0 };
	static uint8_t buf[65536];
	struct pollfd pfd = { .fd = E.cli, .events = POLLIN };
	uint64_t end = nasmac__now_ns() + 5000000000ull;

	memset(a, 0, sizeof(*a));
	e2e_tx(E.cli, &d->addr, echo, sizeof(echo));
	d->barriers++;
	while (poll(&pfd, 1, a->barrier ? 100 : 1000) > 0 || !a->barrier) {
		assert_true(nasmac__now_ns() < end);
		if (!(pfd.revents & POLLIN))
			continue;
		ssize_t n = recv(E.cli, buf, sizeof(buf), 0);
		uint32_t barriers = a->barrier;

		if (n < 0)
			continue;
		audit(buf, (size_t)n, a);
		if (last && a->barrier == barriers) {
			memcpy(last, buf, (size_t)n);
			*last_len = (size_t)n;
		}
	}
}

/* One valid request for UE i: answered once, with the context. */
static void expect_valid_works(struct e2e_daemon *d, uint32_t i)
{
	uint8_t buf[512];
	struct answers a;
	struct e2e_ctrs c0, c1;
	size_t n;

	e2e_snap(d, &c0);
	n = valid_req(i, next_seq(), buf, sizeof(buf));
	e2e_tx(E.cli, &d->addr, buf, n);
	collect(d, &a, NULL, NULL);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.mm, 1);
	e2e_snap(d, &c1);
	e2e_moved(&c0, &c1, "rx", 1);
	e2e_moved(&c0, &c1, "accepted", 1);
	e2e_moved(&c0, &c1, "macs", 1);
}

/* One datagram to d from the client socket; every answer it gets, audited, into a. */
static void ask(struct e2e_daemon *d, const uint8_t *buf, size_t n, struct answers *a)
{
	e2e_tx(E.cli, &d->addr, buf, n);
	collect(d, a, NULL, NULL);
}

/* One round of a flood (t_mme_nonsense, t_mme_overload): the datagrams and their lengths. */
static uint8_t g_flood[64][8192];
static size_t g_flood_len[64];

/* Sends the first n datagrams of g_flood in one sendmmsg burst (they queue up before the daemon
 * reads them, as in a real flood), then collects and audits the answers into a; sum, if not
 * NULL, counts them too (over the rounds of a flood). */
static void send_flood(struct e2e_daemon *d, size_t n, struct answers *a, struct answers *sum)
{
	struct mmsghdr msgs[64];
	struct iovec iov[64];
	size_t done = 0;

	assert_true(n <= 64);
	memset(msgs, 0, sizeof(msgs));
	for (size_t i = 0; i < n; i++) {
		iov[i].iov_base = g_flood[i];
		iov[i].iov_len = g_flood_len[i];
		msgs[i].msg_hdr.msg_name = &d->addr;
		msgs[i].msg_hdr.msg_namelen = sizeof(d->addr);
		msgs[i].msg_hdr.msg_iov = &iov[i];
		msgs[i].msg_hdr.msg_iovlen = 1;
	}
	while (done < n) {
		int k = sendmmsg(E.cli, msgs + done, (unsigned)(n - done), 0);
		assert_true(k > 0);
		done += (size_t)k;
	}
	collect(d, a, NULL, NULL);
	if (!sum)
		return;
	sum->n += a->n;
	sum->mm += a->mm;
	for (int k = 0; k < 256; k++)
		sum->by_cause[k] += a->by_cause[k];
}

/* ------------------------------------------------------------------------------------------ */
/* MME cases */

static void t_mme_baseline(void **state)
{
	(void)state;
	expect_valid_works(&E.mme, 0);
}

/* A valid Context Request cut at every length. Too short for a GTPv2-C header: dropped
 * (TS 29.274 7.7.2 "Message too short": silently discarded); header whole but the message
 * shorter than its Length field says: answered "Invalid length" (67), never with a context. */
static void t_mme_truncated(void **state)
{
	uint8_t full[512], cut[512];
	struct answers a;
	struct e2e_ctrs c0, c1;
	size_t n;

	(void)state;
	n = ctx_req(1, E.ues[1].ctx.ul_count + 1, next_seq(), 0, full, sizeof(full));
	e2e_snap(&E.mme, &c0);
	for (size_t l = 0; l < n; l++) {
		memcpy(cut, full, l);
		e2e_tx(E.cli, &E.mme.addr, cut, l);
	}
	collect(&E.mme, &a, NULL, NULL);
	e2e_snap(&E.mme, &c1);
	e2e_assert_alive(&E.mme);
	assert_int_equal(a.n, n - 12);
	assert_int_equal(a.by_cause[NASMAC__CAUSE_INVALID_LENGTH], n - 12);
	e2e_moved(&c0, &c1, "rx", n);
	e2e_moved(&c0, &c1, "malformed", n);
	e2e_only_moved(&c0, &c1, "rx", "malformed", "tx", NULL);
	/* None of them spent UE 1's COUNT: the whole request is still fresh. */
	expect_valid_works(&E.mme, 1);
}

/* The same cuts with the Length field made to match: the IEs themselves are cut. Only a cut
 * right after the sender F-TEID leaves a request that verifies (no RAT Type is needed for
 * that); every other one is refused, one that ends before the F-TEID with "Mandatory IE
 * missing" (70) when the rest is whole. */
static void t_mme_truncated_ies(void **state)
{
	uint8_t full[512], cut[512];
	struct answers a;
	struct e2e_ctrs c0, c1;
	size_t n, fteid, fteid_end, whole = 0;

	(void)state;
	E.ues[2].ctx.ul_count++;
	n = ctx_req(2, E.ues[2].ctx.ul_count, 0, 0, full, sizeof(full));
	fteid = e2e_ie_off(full, n, 87);
	assert_true(fteid > 0);
	fteid_end = fteid + 4 + ((size_t)full[fteid + 1] << 8 | full[fteid + 2]);
	e2e_snap(&E.mme, &c0);
	for (size_t l = 12, ie = 12; l < n; l++) {
		uint32_t seq = next_seq();
		memcpy(cut, full, l);
		set_len(cut, l);
		cut[8] = (uint8_t)(seq >> 16);
		cut[9] = (uint8_t)(seq >> 8);
		cut[10] = (uint8_t)seq;
		/* Cut on an IE boundary at or after the end of the F-TEID: a whole request (the
		 * first one verifies). */
		if (l == ie) {
			if (l >= fteid_end) {
				E.allowed[seq] = 1;
				E.allowed_idx[seq] = 2;
				whole++;
			}
			ie += 4u + ((size_t)full[ie + 1] << 8 | full[ie + 2]);
		}
		e2e_tx(E.cli, &E.mme.addr, cut, l);
	}
	collect(&E.mme, &a, NULL, NULL);
	e2e_snap(&E.mme, &c1);
	assert_int_equal(a.n, n - 12);
	/* The first complete one verifies; the later ones carry the same COUNT: replays, or,
	 * when they arrive while that check still runs, "Temporarily rejected" (110). */
	assert_int_equal(a.mm, 1);
	assert_true(whole >= 1);
	/* The cut right after the Complete Request Message. */
	assert_true(a.by_cause[NASMAC__CAUSE_MANDATORY_IE_MISSING] >= 1);
	assert_int_equal(a.by_cause[NASMAC__CAUSE_ACCEPTED], 1);
	assert_int_equal(a.by_cause[NASMAC__CAUSE_REQUEST_REJECTED] +
				 a.by_cause[NASMAC__CAUSE_TEMP_REJECTED],
			 whole - 1);
	assert_int_equal(e2e_ctr(&c1, "replay") - e2e_ctr(&c0, "replay") + e2e_ctr(&c1, "busy_ue") -
				 e2e_ctr(&c0, "busy_ue"),
			 whole - 1);
	e2e_moved(&c0, &c1, "accepted", 1);
	e2e_moved(&c0, &c1, "rx", n - 12);
	expect_valid_works(&E.mme, 2);
}

/* Datagrams over 4096 octets are counted and dropped, whatever they carry. */
static void t_mme_oversized(void **state)
{
	static const size_t sizes[] = { 4097, 5000, 9000, 65000 };
	static uint8_t big[65536], pad[65536];
	struct answers a;
	struct e2e_ctrs c0, c1;

	(void)state;
	e2e_snap(&E.mme, &c0);
	for (size_t k = 0; k < 4; k++) {
		size_t n = ctx_req(3, E.ues[3].ctx.ul_count + 1, next_seq(), 0, big, sizeof(big));
		/* A well-formed request padded with an unknown IE up to the size. */
		n = ie_insert(big, n, n, 250, 0, pad, sizes[k] - n - 4);
		assert_int_equal(n, sizes[k]);
		e2e_tx(E.cli, &E.mme.addr, big, n);
	}
	collect(&E.mme, &a, NULL, NULL);
	e2e_snap(&E.mme, &c1);
	assert_int_equal(a.n, 0);
	e2e_moved(&c0, &c1, "rx", 4);
	e2e_moved(&c0, &c1, "oversized", 4);
	e2e_only_moved(&c0, &c1, "rx", "oversized", NULL);
	expect_valid_works(&E.mme, 3);
}

/* Random octets, then random IE soups behind a valid header: never a context, never a crash,
 * and the log stays bounded (rate-limited lines). */
static void t_mme_nonsense(void **state)
{
	struct answers a, all;
	struct e2e_ctrs c0, c1;
	size_t log0, log1;
	char *s;
	const uint32_t rounds = 60;

	(void)state;
	s = e2e_slurp(E.mme.log, &log0);
	free(s);
	memset(&all, 0, sizeof(all));
	e2e_snap(&E.mme, &c0);
	for (uint32_t r = 0; r < rounds; r++) {
		for (size_t i = 0; i < 64; i++) {
			size_t n = 1 + rnd() % 1500;
			for (size_t k = 0; k < n; k++)
				g_flood[i][k] = (uint8_t)rnd();
			if (i & 1) {
				/* A GTPv2-C Context Request header with the right length and
				 * random IEs, sometimes the real ones of UE 4 shuffled in. */
				g_flood[i][0] = 0x48;
				g_flood[i][1] = (uint8_t)(i & 2 ? 130 : rnd());
				if (n < 12)
					n = 12;
				set_len(g_flood[i], n);
				for (size_t off = 12; off + 4 <= n;) {
					size_t l = rnd() % 64;
					static const uint8_t types[] = { 1, 2, 82, 87, 107, 116,
									 117, 255, 3, 254 };
					g_flood[i][off] = types[rnd() % sizeof(types)];
					if (off + 4 + l > n && rnd() % 4)
						l = n - off - 4;
					g_flood[i][off + 1] = (uint8_t)(l >> 8);
					g_flood[i][off + 2] = (uint8_t)l;
					g_flood[i][off + 3] = (uint8_t)(rnd() % 3 ? 0 : rnd());
					off += 4 + l;
				}
			}
			g_flood_len[i] = n;
		}
		send_flood(&E.mme, 64, &a, &all);
	}
	e2e_snap(&E.mme, &c1);
	assert_int_equal(all.mm, 0);
	e2e_moved(&c0, &c1, "rx", rounds * 64);
	e2e_moved(&c0, &c1, "accepted", 0);
	e2e_moved(&c0, &c1, "macs", 0);
	s = e2e_slurp(E.mme.log, &log1);
	free(s);
	/* At most a few lines per second per kind of event, whatever the flood. */
	assert_true(log1 - log0 < 64 * 1024);
	expect_valid_works(&E.mme, 4);
}

/* GTP versions other than 2 (TS 29.274 5.1: version 2 only): versions 1 and 3..7 are answered
 * with a Version Not Supported Indication (path management, message type 3) and go no further;
 * version 0 (no such GTP) is malformed, no answer. A version-2 Context Request without TEID (T=0)
 * is answered "Invalid message format" (5.5.1: T=1 in every EPC message but Echo and VNSI). */
static void t_mme_versions(void **state)
{
	uint8_t buf[512];
	struct answers a;
	struct e2e_ctrs c0, c1;
	size_t n;

	(void)state;
	/* The nonsense flood before used up this peer's Version Not Supported answers (100 per
	 * second, a burst of 200): let the bucket fill again. */
	e2e_sleep_ms(300);
	e2e_snap(&E.mme, &c0);
	for (uint8_t v = 0; v < 8; v++) {
		if (v == 2)
			continue;
		n = ctx_req(5, E.ues[5].ctx.ul_count + 1, next_seq(), 0, buf, sizeof(buf));
		buf[0] = (uint8_t)(v << 5 | (buf[0] & 0x1f));
		e2e_tx(E.cli, &E.mme.addr, buf, n);
	}
	n = ctx_req(5, E.ues[5].ctx.ul_count + 1, next_seq(), 0, buf, sizeof(buf));
	buf[0] &= (uint8_t)~0x08; /* T = 0: the TEID field is read as sequence number and IEs */
	ask(&E.mme, buf, n, &a);
	e2e_snap(&E.mme, &c1);
	assert_int_equal(a.n, 7);
	assert_int_equal(a.vnsi, 6);
	assert_int_equal(a.mm, 0);
	e2e_moved(&c0, &c1, "rx", 8);
	e2e_moved(&c0, &c1, "vnsi", 6);
	e2e_moved(&c0, &c1, "malformed", 2);
	e2e_only_moved(&c0, &c1, "rx", "malformed", "vnsi", "tx", NULL);
	expect_valid_works(&E.mme, 5);
}

/* Message types the MME does not serve (TS 29.274 7.7.3: an unknown message is silently
 * discarded; the same for known types this node does not handle); an Echo Request is answered
 * with an Echo Response (7.1.1/7.1.2). */
static void t_mme_types(void **state)
{
	static const uint8_t types[] = { 0, 3, 32, 33, 128, 131, 133, 200, 255 };
	uint8_t buf[512];
	struct answers a;
	struct e2e_ctrs c0, c1;
	size_t n;
	const uint8_t echo[] = { 0x40, 1, 0, 9, 0, 0, 42, 0, 3, 0, 1, 0, 7 };

	(void)state;
	e2e_snap(&E.mme, &c0);
	for (size_t k = 0; k < sizeof(types); k++) {
		n = ctx_req(6, E.ues[6].ctx.ul_count + 1, next_seq(), 0, buf, sizeof(buf));
		buf[1] = types[k];
		e2e_tx(E.cli, &E.mme.addr, buf, n);
	}
	e2e_tx(E.cli, &E.mme.addr, echo, sizeof(echo)); /* Recovery IE, restart counter 7 */
	collect(&E.mme, &a, NULL, NULL);
	e2e_snap(&E.mme, &c1);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.echo_rsp, 1);
	e2e_moved(&c0, &c1, "rx", sizeof(types) + 1);
	e2e_moved(&c0, &c1, "unknown_type", sizeof(types));
	e2e_moved(&c0, &c1, "echo", 1);
	e2e_only_moved(&c0, &c1, "rx", "unknown_type", "echo", "tx", NULL);
	expect_valid_works(&E.mme, 6);
}

/* Unknown and unexpected IEs are skipped (TS 29.274 7.7.8), wherever they are: each of these
 * valid requests still gets its context. */
static void t_mme_extra_ies(void **state)
{
	static const struct {
		uint8_t type, inst, first;
	} extra[] = {
		{ 250, 0, 0 }, { 250, 0, 1 }, { 1, 1, 0 },   /* IMSI, instance 1: not in 7.3.5 */
		{ 117, 3, 1 }, { 255, 0, 0 }, { 254, 0, 1 }, /* 254: type extension (8.2.1A) */
		{ 3, 0, 0 },   { 77, 0, 1 },                 /* Recovery, Indication */
	};
	uint8_t buf[512], v[12] = { 0x7e, 0x59, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10 };
	struct answers a;
	struct e2e_ctrs c0, c1;
	size_t n;
	const size_t k_n = sizeof(extra) / sizeof(extra[0]);

	(void)state;
	e2e_snap(&E.mme, &c0);
	for (size_t k = 0; k < k_n; k++) {
		n = valid_req(10 + (uint32_t)k, next_seq(), buf, sizeof(buf));
		n = ie_insert(buf, n, extra[k].first ? 12 : n, extra[k].type, extra[k].inst, v,
			      extra[k].type == 3 ? 1 : sizeof(v));
		e2e_tx(E.cli, &E.mme.addr, buf, n);
	}
	collect(&E.mme, &a, NULL, NULL);
	e2e_snap(&E.mme, &c1);
	assert_int_equal(a.n, k_n);
	assert_int_equal(a.mm, k_n);
	e2e_moved(&c0, &c1, "accepted", k_n);
	e2e_only_moved(&c0, &c1, "rx", "accepted", "macs", "batches", "tx", NULL);
}

/* IEs with wrong lengths: a GUTI of 9 or 11 octets, an F-TEID of 5, an IMSI of 9, an empty
 * Complete Request Message, an IE running past the end, the NAS message one octet short.
 * Each is refused with a cause from Table 8.4-1, never with a context, and spends no COUNT. */
static void t_mme_ie_lengths(void **state)
{
	uint8_t buf[512];
	struct answers a;
	struct e2e_ctrs c0, c1;
	size_t n, off;
	const uint32_t ue = 20;
	int sent = 0;

	(void)state;
	e2e_snap(&E.mme, &c0);
	for (int k = 0; k < 8; k++) {
		n = ctx_req(ue, E.ues[ue].ctx.ul_count + 1, next_seq(), 0, buf, sizeof(buf));
		switch (k) {
		case 0: /* GUTI 9 octets */
		case 1: /* GUTI 11 octets */
			off = e2e_ie_off(buf, n, 117);
			memmove(buf + off + 4 + 10 + (k ? 1 : -1), buf + off + 14, n - off - 14);
			if (k)
				buf[off + 14] = 0;
			n += k ? 1u : (size_t)-1;
			buf[off + 2] = (uint8_t)(k ? 11 : 9);
			set_len(buf, n);
			break;
		case 2: /* F-TEID 5 octets */
			off = e2e_ie_off(buf, n, 87);
			memmove(buf + off + 9, buf + off + 13, n - off - 13);
			n -= 4;
			buf[off + 2] = 5;
			set_len(buf, n);
			break;
		case 3: /* IMSI of 9 octets (max 8: 15 digits), the only identity */
			off = e2e_ie_off(buf, n, 117);
			buf[off] = 1;
			buf[off + 2] = 9;
			memmove(buf + off + 13, buf + off + 14, n - off - 14);
			memset(buf + off + 4, 0x11, 9);
			n -= 1;
			set_len(buf, n);
			break;
		case 4: /* Complete Request Message with only its type octet */
			off = e2e_ie_off(buf, n, 116);
			{
				size_t l = (size_t)buf[off + 1] << 8 | buf[off + 2];
				memmove(buf + off + 5, buf + off + 4 + l, n - off - 4 - l);
				n -= l - 1;
			}
			buf[off + 1] = 0;
			buf[off + 2] = 1;
			set_len(buf, n);
			break;
		case 5: /* the last IE's length runs 1 octet past the end */
		case 6: /* ... and 0xffff past it */
			off = e2e_ie_off(buf, n, 82);
			if (k == 5)
				buf[off + 2]++;
			else
				buf[off + 1] = buf[off + 2] = 0xff;
			break;
		case 7: /* the NAS message inside the Complete Request Message one octet short */
			off = e2e_ie_off(buf, n, 116);
			{
				size_t l = (size_t)buf[off + 1] << 8 | buf[off + 2];
				memmove(buf + off + 4 + l - 1, buf + off + 4 + l, n - off - 4 - l);
				n -= 1;
				buf[off + 1] = (uint8_t)((l - 1) >> 8);
				buf[off + 2] = (uint8_t)(l - 1);
			}
			set_len(buf, n);
			break;
		}
		e2e_tx(E.cli, &E.mme.addr, buf, n);
		sent++;
	}
	collect(&E.mme, &a, NULL, NULL);
	e2e_snap(&E.mme, &c1);
	assert_int_equal(a.n, sent);
	assert_int_equal(a.mm, 0);
	assert_int_equal(a.by_cause[NASMAC__CAUSE_ACCEPTED], 0);
	e2e_moved(&c0, &c1, "accepted", 0);
	e2e_moved(&c0, &c1, "rx", (uint64_t)sent);
	expect_valid_works(&E.mme, ue);
}

/* Unknown UEs (by GUTI, by IMSI only): "Context Not Found" (64); a GUTI IE naming a UE other
 * than the one the NAS message is from: no context for either (92). */
static void t_mme_unknown_and_mismatch(void **state)
{
	uint8_t buf[512];
	struct answers a;
	struct e2e_ctrs c0, c1;
	size_t n, off;

	(void)state;
	e2e_snap(&E.mme, &c0);
	n = ctx_req(UE_UNKNOWN, 1, next_seq(), 0, buf, sizeof(buf));
	e2e_tx(E.cli, &E.mme.addr, buf, n);
	/* IMSI instead of GUTI: the UE simulator's request with its identity swapped. */
	{
		struct nasmac__ctx_req r;
		uint8_t req[512];
		int rl = nasmac__uesim_ctx_req(&E.ues[UE_UNKNOWN].ctx, 1, next_seq(), 7, 0, req,
					       sizeof(req));

		assert_true(rl > 0);
		assert_int_equal(nasmac__gtp_dec_ctx_req(req, (size_t)rl, &r), 0);
		r.has_guti = 0;
		r.has_imsi = 1;
		memcpy(r.imsi, E.ues[UE_UNKNOWN].ctx.imsi, sizeof(r.imsi));
		n = (size_t)nasmac__gtp_enc_ctx_req(&r, buf, sizeof(buf));
		e2e_tx(E.cli, &E.mme.addr, buf, n);
	}
	/* UE 30's valid TAU, GUTI IE of UE 31. */
	n = ctx_req(30, E.ues[30].ctx.ul_count + 1, next_seq(), 0, buf, sizeof(buf));
	off = e2e_ie_off(buf, n, 117);
	memcpy(buf + off + 4, E.ues[31].ctx.guti, NASMAC__GUTI_LEN);
	ask(&E.mme, buf, n, &a);
	e2e_snap(&E.mme, &c1);
	assert_int_equal(a.n, 3);
	assert_int_equal(a.mm, 0);
	assert_int_equal(a.by_cause[NASMAC__CAUSE_CONTEXT_NOT_FOUND], 2);
	assert_int_equal(a.by_cause[NASMAC__CAUSE_USER_AUTH_FAILED], 1);
	e2e_moved(&c0, &c1, "unknown_ue", 2);
	e2e_moved(&c0, &c1, "mac_fail", 1);
	e2e_moved(&c0, &c1, "accepted", 0);
	expect_valid_works(&E.mme, 30);
	expect_valid_works(&E.mme, 31);

	/* UE 32's valid request with a second GUTI IE (UE 33's) after its own. TS 29.274 7.7
	 * ("Repeated information elements"): only the first instance is handled, so UE 32 gets
	 * its context (audit() checks the IMSI it went to). */
	n = valid_req(32, next_seq(), buf, sizeof(buf));
	off = e2e_ie_off(buf, n, 117);
	n = ie_insert(buf, n, off + 4 + NASMAC__GUTI_LEN, 117, 0, E.ues[33].ctx.guti,
		      NASMAC__GUTI_LEN);
	ask(&E.mme, buf, n, &a);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.mm, 1);
	expect_valid_works(&E.mme, 32);
}

/* A tampered MAC: 92 and no COUNT spent; a replay of an accepted TAU under a new sequence
 * number: 94 (TS 33.401 8.1.1 replay protection). */
static void t_mme_mac_and_replay(void **state)
{
	uint8_t buf[512];
	struct answers a;
	struct e2e_ctrs c0, c1;
	size_t n;
	const uint32_t ue = 40;

	(void)state;
	e2e_snap(&E.mme, &c0);
	n = ctx_req(ue, E.ues[ue].ctx.ul_count + 1, next_seq(), 1, buf, sizeof(buf));
	ask(&E.mme, buf, n, &a);
	assert_int_equal(a.by_cause[NASMAC__CAUSE_USER_AUTH_FAILED], 1);
	expect_valid_works(&E.mme, ue);
	n = ctx_req(ue, E.ues[ue].ctx.ul_count, next_seq(), 0, buf, sizeof(buf));
	ask(&E.mme, buf, n, &a);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.by_cause[NASMAC__CAUSE_REQUEST_REJECTED], 1);
	e2e_snap(&E.mme, &c1);
	e2e_moved(&c0, &c1, "mac_fail", 1);
	e2e_moved(&c0, &c1, "replay", 1);
	e2e_moved(&c0, &c1, "accepted", 1);
}

/* One request sent 200 times at once (same peer, sequence number and octets: TS 29.274 7.6
 * retransmissions): verified once; every answer is the same context. The same sequence number
 * with other octets (another UE's request) is a new request, not a cache hit. */
static void t_mme_retransmit_flood(void **state)
{
	uint8_t buf[512], first[512], last[512];
	size_t n, n_first, last_len = 0;
	struct answers a;
	struct e2e_ctrs c0, c1;
	uint32_t seq = next_seq();
	const int copies = 200;

	(void)state;
	e2e_snap(&E.mme, &c0);
	n_first = valid_req(50, seq, first, sizeof(first));
	for (int k = 0; k < copies; k++)
		e2e_tx(E.cli, &E.mme.addr, first, n_first);
	collect(&E.mme, &a, last, &last_len);
	e2e_snap(&E.mme, &c1);
	assert_true(a.n >= 1 && a.n <= (uint32_t)copies);
	assert_int_equal(a.mm, a.n);
	e2e_moved(&c0, &c1, "rx", (uint64_t)copies);
	e2e_moved(&c0, &c1, "accepted", 1);
	e2e_moved(&c0, &c1, "macs", 1);
	e2e_moved(&c0, &c1, "retransmit", (uint64_t)copies - 1);
	/* A late retransmission gets the same octets again. */
	memcpy(buf, last, last_len);
	e2e_tx(E.cli, &E.mme.addr, first, n_first);
	collect(&E.mme, &a, last, &last_len);
	assert_int_equal(a.n, 1);
	assert_memory_equal(buf, last, last_len);
	/* Same sequence number, UE 51's request: verified on its own. */
	n = valid_req(51, seq, buf, sizeof(buf));
	E.allowed_idx[seq] = 51;
	ask(&E.mme, buf, n, &a);
	assert_int_equal(a.n, 1);
	assert_int_equal(a.mm, 1);
}

/* Context Acknowledges: for a context sent (accepted), for none (TEID 0, beyond the store, a
 * UE with nothing sent), malformed. */
static void t_mme_acks(void **state)
{
	uint8_t buf[512], rsp[512];
	size_t n, rsp_len = 0;
	struct answers a;
	struct e2e_ctrs c0, c1;
	struct nasmac__ctx_rsp r;
	struct nasmac__ctx_ack ack = { .h = { .type = NASMAC__GTP_CTX_ACK, .has_teid = 1 },
				       .cause = NASMAC__CAUSE_ACCEPTED };
	const uint32_t teids[] = { 0, 100000, 200 };

	(void)state;
	n = valid_req(60, next_seq(), buf, sizeof(buf));
	e2e_tx(E.cli, &E.mme.addr, buf, n);
	collect(&E.mme, &a, rsp, &rsp_len);
	assert_int_equal(a.mm, 1);
	assert_int_equal(nasmac__gtp_dec_ctx_rsp(rsp, rsp_len, &r), 0);
	e2e_snap(&E.mme, &c0);
	for (size_t k = 0; k < 3; k++) {
		ack.h.teid = teids[k];
		ack.h.seq = next_seq();
		n = (size_t)nasmac__gtp_enc_ctx_ack(&ack, buf, sizeof(buf));
		e2e_tx(E.cli, &E.mme.addr, buf, n);
	}
	buf[13] = 0; /* an Ack whose Cause IE (octets 12-17) is cut to length 1 */
	buf[14] = 1;
	set_len(buf, n - 1);
	e2e_tx(E.cli, &E.mme.addr, buf, n - 1);
	ack.h.teid = r.fteid_teid;
	ack.h.seq = r.h.seq;
	n = (size_t)nasmac__gtp_enc_ctx_ack(&ack, buf, sizeof(buf));
	e2e_tx(E.cli, &E.mme.addr, buf, n);
	/* A second Ack for the same context: no longer sent. */
	ask(&E.mme, buf, n, &a);
	e2e_snap(&E.mme, &c1);
	explicit_bzero(&r, sizeof(r));
	assert_int_equal(a.n, 0); /* Context Acknowledge has no reply (TS 29.274 4.2.5) */
	e2e_moved(&c0, &c1, "acks", 1);
	e2e_moved(&c0, &c1, "acks_unknown", 4);
	e2e_moved(&c0, &c1, "malformed", 1);
	e2e_only_moved(&c0, &c1, "rx", "acks", "acks_unknown", "malformed", NULL);
}

/* More requests at once than --max-pending: the rest is answered "No resources available"
 * (73) at once, every request gets exactly one answer, and memory stays put under a long
 * flood (fixed pools; the answer cache is a fixed table). */
static void t_mme_overload(void **state)
{
	struct answers a, all;
	struct e2e_ctrs c0, c1;
	long rss0, rss1;
	const uint32_t rounds = 6, flood_rounds = 150;

	(void)state;
	memset(&all, 0, sizeof(all));
	e2e_snap(&E.mme_small, &c0);
	for (uint32_t r = 0; r < rounds; r++) {
		for (uint32_t i = 0; i < 64; i++)
			g_flood_len[i] = valid_req(100 + r * 64 + i, next_seq(), g_flood[i],
						   sizeof(g_flood[i]));
		send_flood(&E.mme_small, 64, &a, &all);
	}
	e2e_snap(&E.mme_small, &c1);
	assert_int_equal(all.n, rounds * 64);
	assert_int_equal(all.n, all.by_cause[NASMAC__CAUSE_ACCEPTED] +
					all.by_cause[NASMAC__CAUSE_NO_RESOURCES]);
	assert_true(all.by_cause[NASMAC__CAUSE_NO_RESOURCES] > 0);
	e2e_moved(&c0, &c1, "overload", all.by_cause[NASMAC__CAUSE_NO_RESOURCES]);
	e2e_moved(&c0, &c1, "accepted", all.by_cause[NASMAC__CAUSE_ACCEPTED]);
	/* The refused ones spent no COUNT: the COUNTs the test used for them are still fresh
	 * for the MME, and the next request of each of those UEs is simply accepted. */
	expect_valid_works(&E.mme_small, 100);

	/* The long flood: 9600 more requests, fresh COUNTs over all the UEs. */
	rss0 = rss_kib(&E.mme_small);
	for (uint32_t r = 0; r < flood_rounds; r++) {
		for (uint32_t i = 0; i < 64; i++)
			g_flood_len[i] = valid_req((r * 64 + i) % N_UES, next_seq(), g_flood[i],
						   sizeof(g_flood[i]));
		send_flood(&E.mme_small, 64, &a, NULL);
		assert_int_equal(a.n, 64);
	}
	rss1 = rss_kib(&E.mme_small);
	e2e_assert_alive(&E.mme_small);
	/* The answer cache (4096 entries of ~1.3 KiB) is the only table the flood can still
	 * touch for the first time; allow that and a little more. */
	if (rss1 - rss0 > 8 * 1024)
		fail_msg("RSS grew from %ld to %ld KiB during the flood", rss0, rss1);
	expect_valid_works(&E.mme_small, 101);
}

/* ------------------------------------------------------------------------------------------ */
/* AMF cases: the UE test link, and N26 answers the AMF must not trust blindly */

struct dl {
	uint32_t n, reject, smc, accept;
	uint8_t last_diag;
};

/* Relays N26 between the AMF and the real MME (audited) for ms; runs UE u's side of the flow
 * on the test link; a NULL u: any downlink is counted. */
static void pump(struct nasmac__uesim *u, int ms, struct dl *d, int relay)
{
	static uint8_t buf[65536], out[NASMAC__LINK_MAX];
	struct pollfd pfd[2] = { { .fd = E.ue, .events = POLLIN }, { .fd = E.n26, .events = POLLIN } };
	uint64_t end = nasmac__now_ns() + (uint64_t)ms * 1000000u;
	struct answers a;

	memset(d, 0, sizeof(*d));
	memset(&a, 0, sizeof(a));
	while (nasmac__now_ns() < end) {
		int left = (int)((end - nasmac__now_ns()) / 1000000u) + 1;

		if (poll(pfd, 2, left) <= 0)
			continue;
		if (pfd[1].revents & POLLIN) {
			struct sockaddr_in from;
			socklen_t fl = sizeof(from);
			ssize_t n = recvfrom(E.n26, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
			if (n > 0 && relay) {
				if (from.sin_port == E.mme.addr.sin_port) {
					audit(buf, (size_t)n, &a);
					e2e_tx(E.n26, &E.amf_n26, buf, (size_t)n);
				} else {
					/* The AMF's Context Request for u: a context may answer. */
					uint32_t seq = (uint32_t)buf[8] << 16 | (uint32_t)buf[9] << 8 |
						       buf[10];
					assert_non_null(u);
					E.allowed[seq] = 1;
					E.allowed_idx[seq] = (uint16_t)(u - E.ues);
					E.amf_n26 = from;
					e2e_tx(E.n26, &E.mme.addr, buf, (size_t)n);
				}
			}
		}
		if (pfd[0].revents & POLLIN) {
			struct nasmac__link_frame f;
			ssize_t n = recv(E.ue, buf, sizeof(buf), 0);
			int rc;

			assert_true(n > 0);
			assert_int_equal(nasmac__link_decode(buf, (size_t)n, &f), 0);
			assert_int_equal(f.kind, NASMAC__LINK_DL);
			d->n++;
			d->last_diag = f.info;
			if (f.pdu_len[0] >= 3 && (f.pdu[0][1] & 0x0f) == 0)
				d->reject++;
			else if (u && u->state == NASMAC__SIM_SENT)
				d->smc++;
			else
				d->accept++;
			if (!u || f.ue_id != u->link_id)
				fail_msg("downlink for UE %llu that did not register",
					 (unsigned long long)f.ue_id);
			rc = nasmac__uesim_on_dl(u, f.pdu[0], f.pdu_len[0], f.info, out, sizeof(out));
			if (rc < 0)
				fail_msg("UE %llu: %s", (unsigned long long)u->link_id, u->why);
			if (rc > 0)
				e2e_tx(E.ue, &E.amf.addr, out, (size_t)rc);
		}
	}
}

/* UE i registers through the AMF and the real MME (3GPP mode). */
static void expect_registers(uint32_t i)
{
	struct nasmac__uesim *u = &E.ues[i];
	struct dl d;

	u->flow = NASMAC__FLOW_3GPP;
	u->tamper = NASMAC__TAMPER_NONE;
	u->state = NASMAC__SIM_IDLE;
	assert_int_equal(nasmac__uesim_build(u), 0);
	u->state = NASMAC__SIM_SENT;
	e2e_tx(E.ue, &E.amf.addr, u->frame, u->frame_len);
	pump(u, 300, &d, 1);
	assert_int_equal(u->state, NASMAC__SIM_DONE);
	assert_int_equal(u->outcome, NASMAC__DIAG_NONE);
	assert_int_equal(d.smc, 1);
	assert_int_equal(d.accept, 1);
}

static void t_amf_baseline(void **state)
{
	(void)state;
	expect_registers(200);
}

/* Test link frames cut at every length, wrong kinds, 0 or 3 PDUs, PDU lengths 0 or past the
 * end, over 2048 octets, random octets, undecodable NAS: all counted malformed and dropped,
 * no downlink at all, no Context Request. */
static void t_amf_link_garbage(void **state)
{
	static uint8_t buf[8192];
	struct nasmac__uesim *u = &E.ues[201];
	struct e2e_ctrs c0, c1;
	struct dl d;
	size_t sent = 0, n;

	(void)state;
	u->flow = NASMAC__FLOW_3GPP;
	assert_int_equal(nasmac__uesim_build(u), 0);
	u->ctx.ul_count--; /* not sent whole: the COUNT stays unspent */
	e2e_snap(&E.amf, &c0);
	for (size_t l = 0; l < u->frame_len; l++, sent++)
		e2e_tx(E.ue, &E.amf.addr, u->frame, l);
	memcpy(buf, u->frame, u->frame_len);
	for (uint8_t kind = 0; kind < 4; kind++, sent++) {
		buf[8] = kind == 1 ? 0x03 : kind == 2 ? 0x02 : kind == 3 ? 0xff : 0x00;
		e2e_tx(E.ue, &E.amf.addr, buf, u->frame_len);
	}
	buf[8] = NASMAC__LINK_UL;
	buf[10] = buf[11] = 0; /* PDU length 0 */
	e2e_tx(E.ue, &E.amf.addr, buf, u->frame_len);
	sent++;
	buf[10] = 0xff; /* past the end */
	e2e_tx(E.ue, &E.amf.addr, buf, u->frame_len);
	sent++;
	/* Three PDUs of 1 octet each. */
	memcpy(buf + 10, "\x00\x01\x7e\x00\x01\x7e\x00\x01\x7e", 9);
	e2e_tx(E.ue, &E.amf.addr, buf, 19);
	sent++;
	/* A valid frame padded past 2048 octets by a second, huge PDU. */
	memcpy(buf, u->frame, u->frame_len);
	n = u->frame_len;
	buf[n] = (uint8_t)(3000 >> 8);
	buf[n + 1] = (uint8_t)(3000 & 0xff);
	memset(buf + n + 2, 0x7e, 3000);
	e2e_tx(E.ue, &E.amf.addr, buf, n + 3002);
	sent++;
	/* Undecodable NAS in a well-formed frame: random PDUs, and the real one with its
	 * message type changed. */
	for (int k = 0; k < 200; k++, sent++) {
		size_t l = 3 + rnd() % 200;
		memcpy(buf, u->frame, 10);
		buf[10] = (uint8_t)(l >> 8);
		buf[11] = (uint8_t)l;
		for (size_t j = 0; j < l; j++)
			buf[12 + j] = (uint8_t)rnd();
		if (k & 1)
			buf[12] = 0x7e;
		e2e_tx(E.ue, &E.amf.addr, buf, 12 + l);
	}
	/* Random octets. */
	for (int k = 0; k < 200; k++, sent++) {
		size_t l = 1 + rnd() % 3000;
		for (size_t j = 0; j < l; j++)
			buf[j] = (uint8_t)rnd();
		e2e_tx(E.ue, &E.amf.addr, buf, l);
	}
	pump(NULL, 200, &d, 0);
	e2e_snap(&E.amf, &c1);
	assert_int_equal(d.n, 0);
	e2e_moved(&c0, &c1, "rx", sent);
	e2e_moved(&c0, &c1, "malformed", sent);
	e2e_moved(&c0, &c1, "registrations", 0);
	expect_registers(201);
}

/* One registration whose Context Request the test answers as a hostile or broken MME. */
static void amf_vs_fake_mme(uint32_t i, uint8_t flow, void (*answer)(const uint8_t *req, size_t len),
			    int tries, uint8_t want_diag, const char *moves)
{
	static uint8_t buf[4096];
	struct nasmac__uesim *u = &E.ues[i];
	struct e2e_ctrs c0, c1;
	struct pollfd pfd = { .fd = E.n26, .events = POLLIN };
	struct dl d;
	int got = 0;

	u->flow = flow;
	u->manner = 1;
	u->tamper = NASMAC__TAMPER_NONE;
	u->state = NASMAC__SIM_IDLE;
	assert_int_equal(nasmac__uesim_build(u), 0);
	u->state = NASMAC__SIM_SENT;
	e2e_snap(&E.amf, &c0);
	e2e_tx(E.ue, &E.amf.addr, u->frame, u->frame_len);
	/* The Context Request and its T3 retransmissions (same octets each time). */
	while (got < tries && poll(&pfd, 1, 1000) > 0) {
		struct sockaddr_in from;
		socklen_t fl = sizeof(from);
		ssize_t n = recvfrom(E.n26, buf, sizeof(buf), 0, (struct sockaddr *)&from, &fl);
		assert_true(n > 12);
		assert_int_equal(buf[1], NASMAC__GTP_CTX_REQ);
		E.amf_n26 = from;
		got++;
		if (answer)
			answer(buf, (size_t)n);
	}
	assert_int_equal(got, tries);
	pump(u, 300, &d, 0);
	e2e_snap(&E.amf, &c1);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.reject, 1);
	assert_int_equal(d.last_diag, want_diag);
	assert_int_equal(u->outcome, want_diag);
	/* moves: "name=N,name=N": the AMF counters that must have moved by exactly N. */
	{
		char list[256], *tok, *save;
		snprintf(list, sizeof(list), "%s", moves);
		for (tok = strtok_r(list, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
			char *eq = strchr(tok, '=');
			*eq = '\0';
			e2e_moved(&c0, &c1, tok, strtoull(eq + 1, NULL, 10));
		}
	}
	e2e_moved(&c0, &c1, "accepted", 0);
	/* The COUNT the UE spent never reached the real MME; resync the UE with it. */
	u->ctx.ul_count = (u->ctx.ul_count - (flow == NASMAC__FLOW_FIG2 ? 2u : 1u)) &
			  NASMAC__COUNT_MASK;
}

static uint32_t req_seq(const uint8_t *req)
{
	return (uint32_t)req[8] << 16 | (uint32_t)req[9] << 8 | req[10];
}

/* A Context Response to the AMF's request (its sequence number, the TEID of its F-TEID as
 * header TEID), cause 16, with an F-TEID; the caller adds the rest. */
static void rsp_base(struct nasmac__ctx_rsp *r, const uint8_t *req, size_t len)
{
	struct nasmac__ctx_req q;

	assert_int_equal(nasmac__gtp_dec_ctx_req(req, len, &q), 0);
	memset(r, 0, sizeof(*r));
	r->h.type = NASMAC__GTP_CTX_RSP;
	r->h.has_teid = 1;
	r->h.teid = q.fteid_teid;
	r->h.seq = req_seq(req);
	r->cause = NASMAC__CAUSE_ACCEPTED;
	r->has_fteid = 1;
	r->fteid_teid = 1;
}

static void rsp_send(struct nasmac__ctx_rsp *r)
{
	uint8_t buf[512];
	int n = nasmac__gtp_enc_ctx_rsp(r, buf, sizeof(buf));

	assert_true(n > 0);
	e2e_tx(E.n26, &E.amf_n26, buf, (size_t)n);
}

static void ans_garbage(const uint8_t *req, size_t len)
{
	uint8_t junk[300];
	struct nasmac__ctx_rsp r;

	for (size_t k = 0; k < sizeof(junk); k++)
		junk[k] = (uint8_t)rnd();
	junk[0] = 0; /* GTP version 0: not GTPv2-C whatever follows */
	e2e_tx(E.n26, &E.amf_n26, junk, sizeof(junk));
	/* A right Context Response cut short, and one for another sequence number. */
	rsp_base(&r, req, len);
	r.h.seq ^= 0x10000u;
	r.has_mm = 1;
	r.eia = 2;
	rsp_send(&r);
}

/* Accepted, but no MM Context: the AMF has nothing to work with and refuses the UE. */
static void ans_no_context(const uint8_t *req, size_t len)
{
	struct nasmac__ctx_rsp r;

	rsp_base(&r, req, len);
	rsp_send(&r);
}

/* FIG. 2: an "MME" that returns a wrong K_ASME. The AMF checks the Registration Request's
 * second MAC with the K_NASint derived from it, so the UE is refused (and the Ack says 92). */
static void ans_wrong_kasme(const uint8_t *req, size_t len)
{
	struct nasmac__ctx_rsp r;

	rsp_base(&r, req, len);
	r.has_imsi = 1;
	memcpy(r.imsi, E.ues[210].ctx.imsi, sizeof(r.imsi));
	r.has_mm = 1;
	r.ksi = E.ues[210].ctx.ksi;
	r.eia = E.ues[210].ctx.eia;
	r.ul_count = (E.ues[210].ctx.ul_count - 1) & NASMAC__COUNT_MASK;
	for (size_t k = 0; k < sizeof(r.kasme); k++)
		r.kasme[k] = (uint8_t)rnd();
	rsp_send(&r);
}

/* The AMF against an MME the test plays (amf_vs_fake_mme's arguments), then, with
 * registers_after, the same UE through the real MME. One case per row, named in main(). */
struct n26_case {
	uint32_t ue;
	uint8_t flow;
	void (*answer)(const uint8_t *req, size_t len);
	int tries;
	uint8_t diag;
	const char *moves;
	int registers_after;
};

/* T3 x (N3 + 1): three identical requests, then Registration Reject (timeout). */
static struct n26_case n26_silence = { 205, NASMAC__FLOW_3GPP, NULL, 3, NASMAC__DIAG_TIMEOUT,
				       "timeouts=1,gtp_retransmits=2,malformed=0", 0 };
/* Each retransmission is answered with junk only: 3 x (1 malformed + 1 unexpected). */
static struct n26_case n26_garbage = { 206, NASMAC__FLOW_3GPP, ans_garbage, 3,
				       NASMAC__DIAG_TIMEOUT,
				       "timeouts=1,gtp_retransmits=2,malformed=3,gtp_unexpected=3",
				       0 };
static struct n26_case n26_no_context = { 207, NASMAC__FLOW_3GPP, ans_no_context, 1,
					  NASMAC__DIAG_OTHER,
					  "malformed=1,rejected_other=1,timeouts=0", 0 };
static struct n26_case n26_wrong_kasme = { 210, NASMAC__FLOW_FIG2, ans_wrong_kasme, 1,
					   NASMAC__DIAG_MAC, "rejected_mac=1,timeouts=0", 1 };

static void t_amf_n26(void **state)
{
	const struct n26_case *c = *state;

	amf_vs_fake_mme(c->ue, c->flow, c->answer, c->tries, c->diag, c->moves);
	if (c->registers_after)
		expect_registers(c->ue);
}

/* ------------------------------------------------------------------------------------------ */

static int setup(void **state)
{
	struct nasmac__load_opts o;
	char addr[3][32], amf_mme[32], store[2][sizeof(E.dir) + 32];

	(void)state;
	E.rng = 0x6e61736d6163ull;
	E.allowed = calloc(1u << 24, 1);
	E.allowed_idx = calloc(1u << 24, sizeof(uint16_t));
	assert_non_null(E.allowed);
	assert_non_null(E.allowed_idx);
	nasmac__log_init("robust", NASMAC__LOG_WARN);
	nasmac__load_defaults(&o);
	o.ues = N_UES + 1;
	o.mode_3gpp = 1;
	o.seed = 5;
	E.ues = e2e_ue_dir("robust", &o, N_UES, E.dir, E.db);

	E.cli = e2e_udp_socket(NULL);
	E.ue = e2e_udp_socket(NULL);
	E.n26 = e2e_udp_socket(NULL);
	for (int k = 0; k < 3; k++)
		e2e_free_addr(addr[k]);
	snprintf(amf_mme, sizeof(amf_mme), "127.0.0.1:%d", e2e_port_of(E.n26));
	/* Each MME on its own durable store in the test's directory, --sync nosync: collect()
	 * takes an Echo Response as the end of a burst's answers (20 ms after it), and an fsync
	 * per group commit on a busy shared disk can take longer than that. What survives what
	 * is tests/e2e/persist.sh's business. */
	snprintf(store[0], sizeof(store[0]), "lmdb:%s/store-mme", E.dir);
	snprintf(store[1], sizeof(store[1]), "lmdb:%s/store-small", E.dir);
	char *mme[] = { (char *)E.nasmacd, "mme", "--listen", addr[0], "--backend", "cpu",
			"--ue-db", E.db, "--store", store[0], "--sync", "nosync", NULL };
	char *small[] = { (char *)E.nasmacd, "mme", "--listen", addr[1], "--backend", "cpu",
			  "--ue-db", E.db, "--store", store[1], "--sync", "nosync", "--max-pending",
			  "4", NULL };
	char *amf[] = { (char *)E.nasmacd, "amf", "--listen", addr[2], "--mme", amf_mme,
			"--backend", "cpu", "--t3-ms", "100", "--n3", "2", NULL };
	e2e_spawn(&E.mme, E.dir, "mme", "serving N26", mme);
	e2e_spawn(&E.mme_small, E.dir, "mme_small", "serving N26", small);
	e2e_spawn(&E.amf, E.dir, "amf", "UE test link on", amf);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	e2e_stop(&E.mme);
	e2e_stop(&E.mme_small);
	e2e_stop(&E.amf);
	if (e2e_remove_dir(E.dir, "ROBUST_KEEP"))
		return -1;
	free(E.ues);
	free(E.allowed);
	free(E.allowed_idx);
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_mme_baseline),
		cmocka_unit_test(t_mme_truncated),
		cmocka_unit_test(t_mme_truncated_ies),
		cmocka_unit_test(t_mme_oversized),
		cmocka_unit_test(t_mme_nonsense),
		cmocka_unit_test(t_mme_versions),
		cmocka_unit_test(t_mme_types),
		cmocka_unit_test(t_mme_extra_ies),
		cmocka_unit_test(t_mme_ie_lengths),
		cmocka_unit_test(t_mme_unknown_and_mismatch),
		cmocka_unit_test(t_mme_mac_and_replay),
		cmocka_unit_test(t_mme_retransmit_flood),
		cmocka_unit_test(t_mme_acks),
		cmocka_unit_test(t_mme_overload),
		cmocka_unit_test(t_amf_baseline),
		cmocka_unit_test(t_amf_link_garbage),
		{ "t_amf_n26_silence", t_amf_n26, NULL, NULL, &n26_silence },
		{ "t_amf_n26_garbage", t_amf_n26, NULL, NULL, &n26_garbage },
		{ "t_amf_n26_no_context", t_amf_n26, NULL, NULL, &n26_no_context },
		{ "t_amf_n26_wrong_kasme", t_amf_n26, NULL, NULL, &n26_wrong_kasme },
	};

	return e2e_main(argc, argv, &E.nasmacd, "e2e robust", "ROBUST_ONLY", tests,
			sizeof(tests) / sizeof(tests[0]), setup, teardown);
}
