/*
 * Attacks on N26 transactions, against the real daemons on loopback. `nasmacd amf` is given a
 * stand-in MME that the test owns and keeps silent: it reads the AMF's real Context Request
 * (sequence number, the TEID of the AMF's F-TEID), so the forgeries below carry exactly what a
 * real answer would, and differ only in what the AMF must bind them to. `nasmacd mme` is driven by
 * the test playing the AMF.
 *
 *  - forged Context Responses from another port, with the right sequence number and TEID and
 *    a key the attacker knows: never taken (no Security Mode Command, no Registration Accept);
 *    the same response from the stand-in MME's own port is taken (the test proves itself);
 *    the right port with another TEID or sequence number: dropped;
 *  - the AMF's sequence numbers and TEIDs are not a slot counter;
 *  - spoofed Context Acknowledges at the MME (another port, another sequence number): dropped,
 *    the context still awaits the right Ack, which is taken; an Ack that never comes: the
 *    context goes back to idle after --ack-timeout-ms;
 *  - retransmission detection compares the whole request: one flipped octet of the M-TMSI,
 *    or another F-TEID, is a new request (no context), the identical copy gets the same answer;
 *  - a Context Request without the sender F-TEID: cause 70 naming IE type 87; an IMSI IE that
 *    contradicts the GUTI: refused; refusals for GUTI/KSI mismatch are logged;
 *  - Echo and Version Not Supported answers are rate-limited per peer;
 *  - a burst of log lines a sender triggers ends with an "N similar lines suppressed" line
 *    printed by the timer, with nothing else arriving;
 *  - FIG. 3 with K_AMF from the MME carries no MM Context IE (no made-up K_ASME a standard AMF
 *    would take as the key), and the AMF registers the UE from K_AMF and the rest beside it.
 *
 * usage: test_e2e_trust NASMACD   (the nasmacd binary to test: build/bin or build/san/bin)
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

#include "gtp_txn.h"
#include "host.h"
#include "ue.h"
#include "e2e.h"
#include "gtp.h"
#include "nas.h"

#define N_UES 64u
#define IE_MM_EPS 107u
#define IE_FTEID 87u
#define IE_CRM 116u
#define ACK_TIMEOUT_MS 300

static struct {
	char dir[64], db[128];
	const char *nasmacd;
	struct nasmac__uesim *ues;
	struct e2e_daemon mme, mme_short, amf;
	int cli;   /* the test as an AMF towards the MMEs */
	int ue;    /* the UE side of the AMF's test link */
	int stand; /* the stand-in MME the AMF is given: silent unless the test answers */
	int atk;   /* the attacker: another port on the same host */
	uint32_t seq;
} E;

/* ------------------------------------------------------------------------------------------ */
/* Utilities (the daemons themselves: e2e.c) */

static uint32_t next_seq(void)
{
	E.seq = (E.seq + 1) & 0xffffffu;
	return E.seq;
}

static uint32_t get24(const uint8_t *p)
{
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | get24(p + 1);
}

/* ------------------------------------------------------------------------------------------ */
/* The AMF side */

struct dl {
	uint32_t n, smc, accept, reject;
};

/* Runs UE u's side of the test link for ms: every downlink is counted, SMC and Accept are
 * checked by the simulated UE with its key and answered. */
static void pump_ue(struct nasmac__uesim *u, int ms, struct dl *d)
{
	uint64_t end = nasmac__now_ns() + (uint64_t)ms * 1000000u;
	uint8_t buf[4096], out[NASMAC__LINK_MAX];

	memset(d, 0, sizeof(*d));
	while (nasmac__now_ns() < end) {
		int left = (int)((end - nasmac__now_ns()) / 1000000u) + 1;
		size_t n = e2e_rx(E.ue, buf, sizeof(buf), left, NULL);
		struct nasmac__link_frame f;
		int rc;

		if (!n)
			continue;
		assert_int_equal(nasmac__link_decode(buf, n, &f), 0);
		d->n++;
		if (f.pdu_len[0] >= 3 && (f.pdu[0][1] & 0x0f) == 0)
			d->reject++;
		else if (u->state == NASMAC__SIM_SENT)
			d->smc++;
		else
			d->accept++;
		rc = nasmac__uesim_on_dl(u, f.pdu[0], f.pdu_len[0], f.info, out, sizeof(out));
		if (rc < 0)
			fail_msg("UE %llu: %s", (unsigned long long)u->link_id, u->why);
		if (rc > 0)
			e2e_tx(E.ue, &E.amf.addr, out, (size_t)rc);
	}
}

/* UE i sends its Registration Request (3GPP mode); the stand-in MME reads the AMF's Context
 * Request. Returns it decoded (*q) and where it came from (*amf_n26). */
static void start_registration(struct nasmac__uesim *u, struct nasmac__ctx_req *q,
			       uint8_t *req, size_t *req_len, struct sockaddr_in *amf_n26)
{
	u->flow = NASMAC__FLOW_3GPP;
	u->tamper = NASMAC__TAMPER_NONE;
	u->state = NASMAC__SIM_IDLE;
	assert_int_equal(nasmac__uesim_build(u), 0);
	u->state = NASMAC__SIM_SENT;
	e2e_drain(E.stand);
	e2e_tx(E.ue, &E.amf.addr, u->frame, u->frame_len);
	*req_len = e2e_rx(E.stand, req, 1024, 2000, amf_n26);
	assert_true(*req_len > 12);
	assert_int_equal(req[1], NASMAC__GTP_CTX_REQ);
	assert_int_equal(nasmac__gtp_dec_ctx_req(req, *req_len, q), 0);
	assert_true(q->has_fteid);
}

/* The Context Response a real MME would send for q, with the context of u (the attacker's,
 * when u is the attacker's UE). */
static size_t forge_rsp(const struct nasmac__uesim *u, const struct nasmac__ctx_req *q,
			uint8_t *buf, size_t size)
{
	struct nasmac__ctx_rsp r;
	int n;

	memset(&r, 0, sizeof(r));
	r.h.type = NASMAC__GTP_CTX_RSP;
	r.h.has_teid = 1;
	r.h.teid = q->fteid_teid;
	r.h.seq = q->h.seq;
	r.cause = NASMAC__CAUSE_ACCEPTED;
	r.has_imsi = 1;
	memcpy(r.imsi, u->ctx.imsi, sizeof(r.imsi));
	r.has_mm = 1;
	r.ksi = u->ctx.ksi;
	r.eia = u->ctx.eia;
	r.eea = u->ctx.eea;
	r.ul_count = u->kamf_count;
	r.dl_count = u->ctx.dl_count;
	memcpy(r.kasme, u->ctx.kasme, sizeof(r.kasme));
	r.has_fteid = 1;
	r.fteid_teid = 0x5eed0001u;
	r.fteid_ipv4 = htonl(INADDR_LOOPBACK);
	n = nasmac__gtp_enc_ctx_rsp(&r, buf, size);
	explicit_bzero(&r, sizeof(r));
	assert_true(n > 0);
	return (size_t)n;
}

/* A forged context for a UE: a "UE" sends a Registration Request for the victim protected
 * with a key of its own (the real MME would refuse it), and answers the AMF's Context Request in
 * the MME's place from another port, with the right sequence number and TEID (read here from
 * the silent stand-in; an attacker guesses them) and the attacker's K_ASME. Taken, the AMF
 * would run NAS SMC under the attacker's key and register the victim. */
static void t_amf_forged_response(void **state)
{
	struct nasmac__uesim atk = E.ues[1]; /* the victim's identity, the attacker's key */
	struct nasmac__ctx_req q;
	struct sockaddr_in amf_n26, from;
	struct e2e_ctrs c0, c1;
	uint8_t req[1024], rsp[512], bad[512], ack[512];
	size_t req_len, rsp_len, n;
	struct dl d;

	(void)state;
	nasmac__rand_bytes(atk.ctx.kasme, sizeof(atk.ctx.kasme));
	assert_int_equal(nasmac__ue_derive(&atk.ctx), 0);
	start_registration(&atk, &q, req, &req_len, &amf_n26);
	rsp_len = forge_rsp(&atk, &q, rsp, sizeof(rsp));
	e2e_snap(&E.amf, &c0);
	for (int k = 0; k < 20; k++)
		e2e_tx(E.atk, &amf_n26, rsp, rsp_len);
	/* From the right port: the TEID or the sequence number wrong. */
	memcpy(bad, rsp, rsp_len);
	bad[7] ^= 0x01;
	e2e_tx(E.stand, &amf_n26, bad, rsp_len);
	memcpy(bad, rsp, rsp_len);
	bad[10] ^= 0x01;
	e2e_tx(E.stand, &amf_n26, bad, rsp_len);
	pump_ue(&atk, 400, &d);
	if (d.smc || d.accept)
		fail_msg("the AMF took a forged Context Response: %u SMC, %u Registration Accept",
			 d.smc, d.accept);
	assert_int_equal(d.n, 0);
	e2e_snap(&E.amf, &c1);
	e2e_moved(&c0, &c1, "gtp_wrong_peer", 20);
	e2e_moved(&c0, &c1, "gtp_wrong_teid", 1);
	e2e_moved(&c0, &c1, "gtp_unexpected", 1);
	e2e_moved(&c0, &c1, "accepted", 0);
	assert_true(e2e_log_count(&E.amf, "not the MME: dropped") >= 1);

	/* The same response from the stand-in MME's port is the MME's answer: taken, and the UE
	 * with that key registers. The Context Acknowledge goes to that port, with the MME's
	 * TEID and the request's sequence number. */
	e2e_tx(E.stand, &amf_n26, rsp, rsp_len);
	pump_ue(&atk, 400, &d);
	assert_int_equal(d.smc, 1);
	assert_int_equal(d.accept, 1);
	assert_int_equal(atk.state, NASMAC__SIM_DONE);
	assert_int_equal(atk.outcome, NASMAC__DIAG_NONE);
	do {
		n = e2e_rx(E.stand, ack, sizeof(ack), 1000, &from);
		assert_true(n > 0);
	} while (ack[1] == NASMAC__GTP_CTX_REQ); /* T3 retransmissions */
	assert_int_equal(ack[1], NASMAC__GTP_CTX_ACK);
	assert_int_equal(get32(ack + 4), 0x5eed0001u);
	assert_int_equal(get24(ack + 8), q.h.seq);
	assert_true(from.sin_port == amf_n26.sin_port);
	e2e_snap(&E.amf, &c1);
	e2e_moved(&c0, &c1, "accepted", 1);
	explicit_bzero(&atk, sizeof(atk));
}

/* The AMF's sequence numbers and TEIDs are random: not a procedure slot plus one, not a
 * function of the UE. Each request is answered "Context Not Found" by the stand-in (with the
 * right sequence number and TEID), which the AMF takes: a Registration Reject. */
static void t_amf_ids_unpredictable(void **state)
{
	uint32_t seqs[16], teids[16], big = 0;

	(void)state;
	for (uint32_t k = 0; k < 16; k++) {
		struct nasmac__uesim *u = &E.ues[10 + k];
		struct nasmac__ctx_req q;
		struct nasmac__ctx_rsp r;
		struct sockaddr_in amf_n26;
		uint8_t req[1024], rsp[256];
		size_t req_len;
		struct dl d;
		int n;

		start_registration(u, &q, req, &req_len, &amf_n26);
		seqs[k] = q.h.seq;
		teids[k] = q.fteid_teid;
		big += q.fteid_teid > 0x10000u;
		memset(&r, 0, sizeof(r));
		r.h.type = NASMAC__GTP_CTX_RSP;
		r.h.has_teid = 1;
		r.h.teid = q.fteid_teid;
		r.h.seq = q.h.seq;
		r.cause = NASMAC__CAUSE_CONTEXT_NOT_FOUND;
		n = nasmac__gtp_enc_ctx_rsp(&r, rsp, sizeof(rsp));
		assert_true(n > 0);
		e2e_tx(E.stand, &amf_n26, rsp, (size_t)n);
		pump_ue(u, 150, &d);
		assert_int_equal(d.reject, 1);
		assert_int_equal(u->outcome, NASMAC__DIAG_UNKNOWN);
		u->ctx.ul_count = (u->ctx.ul_count - 1) & NASMAC__COUNT_MASK;
	}
	for (int i = 0; i < 16; i++)
		for (int j = i + 1; j < 16; j++) {
			assert_int_not_equal(seqs[i], seqs[j]);
			assert_int_not_equal(teids[i], teids[j]);
		}
	/* A TEID <= 65536 has a chance of 1 in 65536 when random; a slot index always is. */
	assert_true(big >= 15);
}

/* ------------------------------------------------------------------------------------------ */
/* The MME side */

/* A valid Context Request for UE i at its next COUNT, F-TEID TEID teid. */
static size_t valid_req(uint32_t i, uint32_t seq, uint32_t teid, uint8_t *buf, size_t size)
{
	struct nasmac__ue *c = &E.ues[i].ctx;
	int n;

	c->ul_count = (c->ul_count + 1) & NASMAC__COUNT_MASK;
	n = nasmac__uesim_ctx_req(c, c->ul_count, seq, teid, 0, buf, size);
	assert_true(n > 12);
	return (size_t)n;
}

/* The MME's answer on cli, decoded; returns its length. */
static size_t mme_answer(struct nasmac__ctx_rsp *r, uint8_t *buf, size_t size)
{
	size_t n = e2e_rx(E.cli, buf, size, 2000, NULL);

	assert_true(n > 12);
	assert_int_equal(buf[1], NASMAC__GTP_CTX_RSP);
	assert_int_equal(nasmac__gtp_dec_ctx_rsp(buf, n, r), 0);
	return n;
}

/* UE i's next valid Context Request (seq, sender TEID teid) to the MME at to: its answer must
 * carry the context (decoded into r, which the caller wipes). */
static void accepted(const struct sockaddr_in *to, uint32_t i, uint32_t seq, uint32_t teid,
		     struct nasmac__ctx_rsp *r)
{
	uint8_t buf[1024];
	size_t n = valid_req(i, seq, teid, buf, sizeof(buf));

	e2e_tx(E.cli, to, buf, n);
	mme_answer(r, buf, sizeof(buf));
	explicit_bzero(buf, sizeof(buf)); /* the answer's K_ASME */
	assert_int_equal(r->cause, NASMAC__CAUSE_ACCEPTED);
}

static int has_context(const uint8_t *buf, size_t len, const struct nasmac__ctx_rsp *r)
{
	return e2e_ie_off(buf, len, IE_MM_EPS) || r->has_mm || r->has_kamf;
}

static void send_ack(int fd, const struct sockaddr_in *to, uint32_t teid, uint32_t seq,
		     uint8_t cause)
{
	struct nasmac__ctx_ack a = { .h = { .type = NASMAC__GTP_CTX_ACK, .has_teid = 1 } };
	uint8_t buf[64];
	int n;

	a.h.teid = teid;
	a.h.seq = seq;
	a.cause = cause;
	n = nasmac__gtp_enc_ctx_ack(&a, buf, sizeof(buf));
	assert_true(n > 0);
	e2e_tx(fd, to, buf, (size_t)n);
}

/* The MME has read everything sent to it before (an Echo Request on the same socket). */
static void barrier(struct e2e_daemon *d)
{
	static const uint8_t echo[] = { 0x40, NASMAC__GTP_ECHO_REQ, 0, 9, 0xff, 0xff, 0xf0, 0,
					3, 0, 1, 0, 0 };
	uint8_t buf[512];
	size_t n;

	e2e_tx(E.cli, &d->addr, echo, sizeof(echo));
	do {
		n = e2e_rx(E.cli, buf, sizeof(buf), 2000, NULL);
		assert_true(n > 0);
	} while (buf[1] != NASMAC__GTP_ECHO_RSP);
}

/* The right Context Acknowledge for the context (teid, seq), sent n times from the AMF's socket;
 * once the MME has read them, it counted since c0 `acks` taken and `unknown` with no context
 * awaiting them. */
static void ack_right(struct e2e_daemon *d, uint32_t teid, uint32_t seq, int n,
		      const struct e2e_ctrs *c0, uint64_t acks, uint64_t unknown)
{
	struct e2e_ctrs c1;

	for (int i = 0; i < n; i++)
		send_ack(E.cli, &d->addr, teid, seq, NASMAC__CAUSE_ACCEPTED);
	barrier(d);
	e2e_snap(d, &c1);
	e2e_moved(c0, &c1, "acks", acks);
	e2e_moved(c0, &c1, "acks_unknown", unknown);
}

/* An Ack from an unrelated port, or with another sequence number, must not move the context to
 * TRANSFERRED (or, with a rejecting cause, back to IDLE). */
static void t_mme_spoofed_ack(void **state)
{
	struct nasmac__ctx_rsp r;
	struct e2e_ctrs c0, c1;
	uint32_t seq = next_seq();

	(void)state;
	accepted(&E.mme.addr, 20, seq, 77, &r);
	assert_true(r.has_fteid);
	assert_int_equal(r.h.teid, 77);
	e2e_snap(&E.mme, &c0);
	send_ack(E.atk, &E.mme.addr, r.fteid_teid, seq, NASMAC__CAUSE_ACCEPTED);
	send_ack(E.atk, &E.mme.addr, r.fteid_teid, seq, NASMAC__CAUSE_USER_AUTH_FAILED);
	send_ack(E.cli, &E.mme.addr, r.fteid_teid, seq ^ 1, NASMAC__CAUSE_ACCEPTED);
	barrier(&E.mme);
	e2e_snap(&E.mme, &c1);
	e2e_moved(&c0, &c1, "acks", 0);
	e2e_moved(&c0, &c1, "acks_rejected", 0);
	e2e_moved(&c0, &c1, "acks_spoofed", 3);
	/* The context still awaits its Ack: the right one is taken, once. */
	ack_right(&E.mme, r.fteid_teid, seq, 2, &c0, 1, 1);
	explicit_bzero(&r, sizeof(r));
}

/* The MME's TEIDs are random too (not the UE's index plus one). */
static void t_mme_teid_unpredictable(void **state)
{
	uint32_t big = 0;

	(void)state;
	for (uint32_t k = 0; k < 8; k++) {
		struct nasmac__ctx_rsp r;

		accepted(&E.mme.addr, 30 + k, next_seq(), 5, &r);
		big += r.fteid_teid > 0x10000u;
		explicit_bzero(&r, sizeof(r));
	}
	assert_true(big >= 7);
}

/* A context whose Ack never comes goes back to idle after --ack-timeout-ms; a late Ack then
 * finds nothing. */
static void t_mme_ack_timeout(void **state)
{
	struct nasmac__ctx_rsp r;
	struct e2e_ctrs c0, c1;
	uint32_t seq = next_seq();

	(void)state;
	e2e_snap(&E.mme_short, &c0);
	accepted(&E.mme_short.addr, 40, seq, 9, &r);
	e2e_sleep_ms(ACK_TIMEOUT_MS + 400);
	e2e_snap(&E.mme_short, &c1);
	e2e_moved(&c0, &c1, "ack_timeouts", 1);
	ack_right(&E.mme_short, r.fteid_teid, seq, 1, &c0, 0, 1);
	explicit_bzero(&r, sizeof(r));
}

/* Only the whole request, octet for octet, from the same peer with the same
 * sequence number, is a retransmission. */
static void t_mme_retransmission_whole(void **state)
{
	struct nasmac__ctx_rsp r;
	uint8_t req[1024], other[1024], first[1024], buf[1024];
	size_t n, n_other, n_first, off;
	uint32_t seq = next_seq();
	const uint32_t i = 50;

	(void)state;
	n = valid_req(i, seq, 11, req, sizeof(req));
	e2e_tx(E.cli, &E.mme.addr, req, n);
	n_first = mme_answer(&r, first, sizeof(first));
	assert_true(has_context(first, n_first, &r));
	/* One flipped octet of the M-TMSI in the TAU Request's old GUTI (octet 20 of the NAS
	 * PDU: header, NAS-MAC, SQN, then the plain message), same length. */
	memcpy(other, req, n);
	off = e2e_ie_off(other, n, IE_CRM);
	assert_true(off > 0);
	other[off + 4 + 1 + 20] ^= 0x01;
	e2e_tx(E.cli, &E.mme.addr, other, n);
	n_other = mme_answer(&r, buf, sizeof(buf));
	if (has_context(buf, n_other, &r))
		fail_msg("a request with a flipped M-TMSI octet got the context (cause %u)",
			 r.cause);
	/* The same NAS message under another F-TEID. */
	n_other = (size_t)nasmac__uesim_ctx_req(&E.ues[i].ctx, E.ues[i].ctx.ul_count, seq, 12, 0,
						other, sizeof(other));
	e2e_tx(E.cli, &E.mme.addr, other, n_other);
	n_other = mme_answer(&r, buf, sizeof(buf));
	if (has_context(buf, n_other, &r))
		fail_msg("a request with another F-TEID got the context (cause %u, TEID %u)",
			 r.cause, r.h.teid);
	/* The identical request is a retransmission: the same answer, octet for octet. */
	e2e_tx(E.cli, &E.mme.addr, req, n);
	n_other = mme_answer(&r, buf, sizeof(buf));
	assert_int_equal(n_other, n_first);
	assert_memory_equal(buf, first, n_first);
	explicit_bzero(&r, sizeof(r));
}

/* No sender F-TEID: "Mandatory IE missing" naming the F-TEID (TS 29.274 8.4:
 * a 6-octet Cause with the offending IE's type), header TEID 0, no context. */
static void t_mme_missing_fteid(void **state)
{
	struct nasmac__ctx_req q;
	struct nasmac__ctx_rsp r;
	uint8_t req[1024], buf[1024];
	struct nasmac__ue *c = &E.ues[51].ctx;
	static const uint8_t cause_ie[] = { 2, 0, 6, 0, NASMAC__CAUSE_MANDATORY_IE_MISSING, 0,
					    IE_FTEID, 0, 0, 0 };
	int n;

	(void)state;
	/* The UE simulator's valid request for the next COUNT, less its F-TEID IE. */
	n = nasmac__uesim_ctx_req(c, c->ul_count + 1, next_seq(), 0, 0, req, sizeof(req));
	assert_true(n > 0);
	assert_int_equal(nasmac__gtp_dec_ctx_req(req, (size_t)n, &q), 0);
	assert_true(q.has_fteid);
	q.has_fteid = 0;
	n = nasmac__gtp_enc_ctx_req(&q, buf, sizeof(buf));
	assert_true(n > 0);
	assert_int_equal(e2e_ie_off(buf, (size_t)n, IE_FTEID), 0);
	e2e_tx(E.cli, &E.mme.addr, buf, (size_t)n);
	n = (int)mme_answer(&r, buf, sizeof(buf));
	if (has_context(buf, (size_t)n, &r))
		fail_msg("a Context Request without F-TEID got the context (cause %u)", r.cause);
	assert_int_equal(r.cause, NASMAC__CAUSE_MANDATORY_IE_MISSING);
	assert_int_equal(r.h.teid, 0);
	assert_memory_equal(buf + 12, cause_ie, sizeof(cause_ie));
	/* That COUNT was not spent. */
	accepted(&E.mme.addr, 51, next_seq(), 3, &r);
	explicit_bzero(&r, sizeof(r));
}

/* The refusal names the IE at fault (TS 29.274 8.4, Cause with offending IE): no identity at
 * all (70, GUTI), a GUTI of 9 octets (69, GUTI), no Complete Request Message (103, 116). */
static void t_mme_offending_ie(void **state)
{
	static const struct {
		uint8_t cause, ie;
	} want[] = { { 70, 117 }, { 69, 117 }, { 103, 116 } };
	struct nasmac__ctx_rsp r;
	uint8_t buf[1024];
	size_t n, off;

	(void)state;
	for (int k = 0; k < 3; k++) {
		n = (size_t)nasmac__uesim_ctx_req(&E.ues[57].ctx, E.ues[57].ctx.ul_count + 1,
						  next_seq(), 3, 0, buf, sizeof(buf));
		off = e2e_ie_off(buf, n, k == 2 ? IE_CRM : 117);
		assert_true(off > 0);
		if (k == 1) { /* GUTI 9 octets: cut its last octet */
			memmove(buf + off + 13, buf + off + 14, n - off - 14);
			buf[off + 2] = 9;
			n--;
		} else { /* the IE gone */
			size_t l = 4u + ((size_t)buf[off + 1] << 8 | buf[off + 2]);
			memmove(buf + off, buf + off + l, n - off - l);
			n -= l;
		}
		buf[2] = (uint8_t)((n - 4) >> 8);
		buf[3] = (uint8_t)(n - 4);
		e2e_tx(E.cli, &E.mme.addr, buf, n);
		n = mme_answer(&r, buf, sizeof(buf));
		assert_false(has_context(buf, n, &r));
		assert_int_equal(r.cause, want[k].cause);
		assert_int_equal(r.offending_ie, want[k].ie);
	}
}

/* An IMSI IE that names another UE than the GUTI: refused, no context, logged. */
static void t_mme_imsi_contradicts_guti(void **state)
{
	struct nasmac__ctx_rsp r;
	uint8_t buf[1024], imsi_ie[12];
	const char *imsi = E.ues[53].ctx.imsi;
	size_t n, k = 0, len = strlen(imsi);

	(void)state;
	n = valid_req(52, next_seq(), 3, buf, sizeof(buf));
	/* The IMSI IE (TBCD, TS 29.274 8.3) right after the header. */
	imsi_ie[0] = 1;
	imsi_ie[1] = 0;
	imsi_ie[2] = (uint8_t)((len + 1) / 2);
	imsi_ie[3] = 0;
	for (size_t i = 0; i < len; i += 2)
		imsi_ie[4 + k++] = (uint8_t)((i + 1 < len ? (imsi[i + 1] - '0') : 0xf) << 4 |
					     (imsi[i] - '0'));
	memmove(buf + 12 + 4 + k, buf + 12, n - 12);
	memcpy(buf + 12, imsi_ie, 4 + k);
	n += 4 + k;
	buf[2] = (uint8_t)((n - 4) >> 8);
	buf[3] = (uint8_t)(n - 4);
	e2e_tx(E.cli, &E.mme.addr, buf, n);
	n = mme_answer(&r, buf, sizeof(buf));
	if (has_context(buf, n, &r))
		fail_msg("an IMSI IE contradicting the GUTI was ignored (cause %u)", r.cause);
	assert_int_equal(r.cause, 96); /* IMSI/IMEI not known */
	assert_true(e2e_log_count(&E.mme, "contradicts the GUTI") >= 1);
	/* UE 52's COUNT was not spent. */
	E.ues[52].ctx.ul_count--;
	accepted(&E.mme.addr, 52, next_seq(), 3, &r);
	explicit_bzero(&r, sizeof(r));
}

/* Refusals for a GUTI or KSI that does not match the stored context are logged. */
static void t_mme_mismatch_logged(void **state)
{
	struct nasmac__ctx_rsp r;
	struct nasmac__ue c = E.ues[54].ctx;
	uint8_t buf[1024];
	size_t n, off;
	int ksi0 = e2e_log_count(&E.mme, "KSI is not the one");
	int guti0 = e2e_log_count(&E.mme, "another GUTI");

	(void)state;
	c.ksi = (uint8_t)((c.ksi + 1) % 7);
	n = (size_t)nasmac__uesim_ctx_req(&c, c.ul_count + 1, next_seq(), 3, 0, buf, sizeof(buf));
	e2e_tx(E.cli, &E.mme.addr, buf, n);
	mme_answer(&r, buf, sizeof(buf));
	assert_int_equal(r.cause, NASMAC__CAUSE_USER_AUTH_FAILED);
	/* UE 54's TAU, the GUTI IE of UE 55. */
	n = (size_t)nasmac__uesim_ctx_req(&E.ues[54].ctx, E.ues[54].ctx.ul_count + 1, next_seq(), 3,
					  0, buf, sizeof(buf));
	off = e2e_ie_off(buf, n, 117);
	memcpy(buf + off + 4, E.ues[55].ctx.guti, NASMAC__GUTI_LEN);
	e2e_tx(E.cli, &E.mme.addr, buf, n);
	mme_answer(&r, buf, sizeof(buf));
	assert_int_equal(r.cause, NASMAC__CAUSE_USER_AUTH_FAILED);
	assert_int_equal(e2e_log_count(&E.mme, "KSI is not the one"), ksi0 + 1);
	assert_int_equal(e2e_log_count(&E.mme, "another GUTI"), guti0 + 1);
	explicit_bzero(&c, sizeof(c));
}

/* FIG. 3, K_AMF derived by the MME (step 305): the Context Response has no MM Context IE,
 * whose K_ASME field would have to be made up (an all-zero one was sent once); K_AMF,
 * KSI, algorithms and COUNTs come in the project's Private Extensions. */
static void t_mme_fig3_kamf_no_kasme(void **state)
{
	struct nasmac__uesim *u = &E.ues[56];
	struct nasmac__link_frame f;
	struct nasmac__ctx_req q;
	struct nasmac__ctx_rsp r;
	uint8_t buf[1024];
	size_t n;

	(void)state;
	assert_true(u->ctx.upgraded && u->ctx.kamf_by_mme);
	u->flow = NASMAC__FLOW_FIG3;
	u->tamper = NASMAC__TAMPER_NONE;
	assert_int_equal(nasmac__uesim_build(u), 0);
	assert_int_equal(nasmac__link_decode(u->frame, u->frame_len, &f), 0);
	memset(&q, 0, sizeof(q));
	q.h.type = NASMAC__GTP_CTX_REQ;
	q.h.seq = next_seq();
	q.has_guti = 1;
	memcpy(q.guti, u->ctx.guti, sizeof(q.guti));
	q.has_crm = 1;
	q.crm_type = NASMAC__CRM_RR;
	q.crm = f.pdu[0];
	q.crm_len = f.pdu_len[0];
	q.has_fteid = 1;
	q.fteid_if = 40;
	q.fteid_teid = 21;
	q.rat = 10;
	n = (size_t)nasmac__gtp_enc_ctx_req(&q, buf, sizeof(buf));
	e2e_tx(E.cli, &E.mme.addr, buf, n);
	n = mme_answer(&r, buf, sizeof(buf));
	assert_int_equal(r.cause, NASMAC__CAUSE_ACCEPTED);
	if (e2e_ie_off(buf, n, IE_MM_EPS) || r.has_mm)
		fail_msg("FIG. 3 with K_AMF from the MME carries an MM Context (K_ASME field %s)",
			 r.kasme[0] | r.kasme[31] ? "set" : "zero");
	assert_true(r.has_kamf && r.has_sec);
	assert_memory_equal(r.kamf, u->kamf, 32);
	assert_int_equal(r.ul_count, u->kamf_count);
	assert_int_equal(r.ksi, u->ctx.ksi);
	assert_int_equal(r.eia, u->ctx.eia);
	explicit_bzero(&r, sizeof(r));
}

/* 1000 Echo Requests and 1000 GTPv1 headers from one port: a bounded number of answers (per
 * peer: a burst of 200 and 100 per second), while another peer's Echo is still answered. */
static void t_mme_echo_vnsi_limited(void **state)
{
	uint8_t echo[] = { 0x40, NASMAC__GTP_ECHO_REQ, 0, 9, 0, 0, 1, 0, 3, 0, 1, 0, 0 };
	uint8_t v1[12] = { 0x32, 1, 0, 4, 0, 0, 0, 0, 0, 1, 0, 0 };
	uint8_t buf[512];
	int fd = e2e_udp_socket(NULL), n_echo = 0, n_vnsi = 0;

	(void)state;
	for (int k = 0; k < 1000; k++)
		e2e_tx(fd, &E.mme.addr, echo, sizeof(echo));
	for (int k = 0; k < 1000; k++)
		e2e_tx(fd, &E.mme.addr, v1, sizeof(v1));
	for (size_t n; (n = e2e_rx(fd, buf, sizeof(buf), 500, NULL));) {
		n_echo += buf[1] == NASMAC__GTP_ECHO_RSP;
		n_vnsi += buf[1] == NASMAC__GTP_VNSI;
	}
	close(fd);
	/* 200 at once, then 100 per second while the MME works through the rest (under a
	 * sanitizer or a loaded machine that may take a second or two). */
	if (n_echo > 450 || n_vnsi > 450)
		fail_msg("%d Echo Responses and %d Version Not Supported for 1000 requests each",
			 n_echo, n_vnsi);
	assert_true(n_echo >= 150 && n_vnsi >= 150);
	barrier(&E.mme); /* another peer */
}

/* A burst of sender-triggered log lines ends with a "suppressed" line, from
 * the timer, although nothing else arrives. (First, on a quiet MME.) */
static void t_log_burst_summary(void **state)
{
	uint8_t junk[40];
	int fd = e2e_udp_socket(NULL), before = e2e_log_count(&E.mme, "suppressed");

	(void)state;
	memset(junk, 0x11, sizeof(junk)); /* GTP version 0: not GTPv2-C */
	for (int k = 0; k < 50; k++)
		e2e_tx(fd, &E.mme.addr, junk, sizeof(junk));
	close(fd);
	for (int t = 0; t < 3000 && e2e_log_count(&E.mme, "suppressed") == before; t += 50)
		e2e_sleep_ms(50);
	if (e2e_log_count(&E.mme, "suppressed") == before)
		fail_msg("no \"suppressed\" line 3 s after a burst of 50 malformed datagrams");
	assert_true(e2e_log_count(&E.mme, "not a GTPv2-C message") <= 10);
}

/* ------------------------------------------------------------------------------------------ */

static int setup(void **state)
{
	struct nasmac__load_opts o;
	char mme_addr[32], short_addr[32], amf_addr[32], stand_addr[32];

	(void)state;
	nasmac__log_init("trust", NASMAC__LOG_WARN);
	nasmac__load_defaults(&o);
	o.ues = N_UES;
	o.mode_3gpp = 1;
	o.seed = 10;
	o.tampered = o.replayed = o.unknown = 0;
	o.upgraded = 1;    /* every MME understands FIG. 3 ... */
	o.kamf_by_mme = 1; /* ... and derives K_AMF itself */
	E.ues = e2e_ue_dir("trust", &o, N_UES, E.dir, E.db);
	E.cli = e2e_udp_socket(NULL);
	E.ue = e2e_udp_socket(NULL);
	E.stand = e2e_udp_socket(NULL);
	E.atk = e2e_udp_socket(NULL);
	e2e_free_addr(mme_addr);
	e2e_free_addr(short_addr);
	e2e_free_addr(amf_addr);
	snprintf(stand_addr, sizeof(stand_addr), "127.0.0.1:%d", e2e_port_of(E.stand));
	char ack_ms[16];
	snprintf(ack_ms, sizeof(ack_ms), "%d", ACK_TIMEOUT_MS);
	/* Each MME on its own durable store in the test's directory (never the system default).
	 * One process each: the cases count which refusal one MME saw (a spoofed Acknowledge with
	 * another sequence number reaches another worker, which knows no context for it and counts
	 * it acks_unknown; workers.sh covers several workers). */
	char store1[160], store2[160];
	snprintf(store1, sizeof(store1), "lmdb:%s/store1", E.dir);
	snprintf(store2, sizeof(store2), "lmdb:%s/store2", E.dir);
	char *mme[] = { (char *)E.nasmacd, "mme", "--listen", mme_addr, "--backend", "cpu",
			"--ue-db", E.db, "--store", store1, "--workers", "1", NULL };
	char *amf[] = { (char *)E.nasmacd, "amf", "--listen", amf_addr, "--mme", stand_addr,
			"--backend", "cpu", "--t3-ms", "1000", "--n3", "2", NULL };
	char *mme_short[] = { (char *)E.nasmacd, "mme", "--listen", short_addr, "--backend",
			      "cpu", "--ue-db", E.db, "--ack-timeout-ms", ack_ms, "--store", store2,
			      "--workers", "1", NULL };
	e2e_spawn(&E.mme, E.dir, "mme", "serving N26", mme);
	e2e_spawn(&E.amf, E.dir, "amf", "UE test link on", amf);
	/* Its own case needs it; an MME without the option does not start (the test says so). */
	E.mme_short.pid = 0;
	if (!getenv("TRUST_NO_SHORT"))
		e2e_spawn(&E.mme_short, E.dir, "mme_short", "serving N26", mme_short);
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	e2e_stop(&E.mme);
	e2e_stop(&E.amf);
	e2e_stop(&E.mme_short);
	if (e2e_remove_dir(E.dir, "TRUST_KEEP"))
		return -1;
	free(E.ues);
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(t_log_burst_summary),
		cmocka_unit_test(t_amf_forged_response),
		cmocka_unit_test(t_amf_ids_unpredictable),
		cmocka_unit_test(t_mme_spoofed_ack),
		cmocka_unit_test(t_mme_teid_unpredictable),
		cmocka_unit_test(t_mme_ack_timeout),
		cmocka_unit_test(t_mme_retransmission_whole),
		cmocka_unit_test(t_mme_missing_fteid),
		cmocka_unit_test(t_mme_offending_ie),
		cmocka_unit_test(t_mme_imsi_contradicts_guti),
		cmocka_unit_test(t_mme_mismatch_logged),
		cmocka_unit_test(t_mme_fig3_kamf_no_kasme),
		cmocka_unit_test(t_mme_echo_vnsi_limited),
	};

	return e2e_main(argc, argv, &E.nasmacd, "e2e trust", "TRUST_ONLY", tests,
			sizeof(tests) / sizeof(tests[0]), setup, teardown);
}
