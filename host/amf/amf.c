/*
 * `nasmacd amf`: the new AMF. It receives the UE's NAS over the UDP test link (host/README.md),
 * asks the old MME for the UE's context over N26 (GTPv2-C Context Request, retransmitted every
 * T3 up to N3 times; with an MME pool, the MME of the GUMMEI in the UE's GUTI), verifies the
 * Registration Request's second MAC in FIG. 2 through libnasmac, derives K_AMF (TS 33.501 A.15.1)
 * and the 5G NAS keys (A.8), runs NAS SMC with the UE, checks the SMC Complete MAC (libnasmac),
 * answers Registration Accept or Reject and acknowledges the context to the MME.
 *
 * Which flow a registration follows is read from what the UE sent:
 *  - a plain Registration Request with an EPS NAS message container (IEI 0x70): 3GPP mode;
 *  - a protected Registration Request alone: FIG. 3 (the MME verifies it);
 *  - a protected Registration Request plus a protected TAU Request in the same test link frame:
 *    FIG. 2, the second-MAC manner (1-4) in the frame's info octet. The manner is not protected
 *    by itself but it selects the MAC input, so a changed manner only makes the MAC fail.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "gtp.h"
#include "gtp_txn.h"
#include "host.h"
#include "nas.h"
#include "pcap.h"

#define MAX_PDU 512u
#define MAX_MMES 32u /* --mme GUMMEI=ADDR:PORT given at most this many times */
#define BEARER_3GPP 1u /* 5G NAS BEARER: NAS connection identifier of 3GPP access */

enum flow { FLOW_3GPP = 0, FLOW_FIG2, FLOW_FIG3 };
enum pstate {
	P_FREE = 0,
	P_WAIT_CTX,   /* Context Request sent */
	P_VERIFY_RR,  /* FIG. 2: second MAC under check */
	P_WAIT_SMC,   /* SMC sent, waiting for SMC Complete */
	P_VERIFY_SMC, /* SMC Complete MAC under check */
};

struct proc {
	nasmac_job_t job;
	uint64_t ue_id;
	struct sockaddr_in ue_addr;
	uint8_t state, flow, manner;
	uint8_t in_txn;   /* seq and teid are in the AMF's tables of transactions in flight */
	uint8_t mme;      /* index into amf.mmes: the old MME the GUTI names */
	uint8_t retries;
	uint8_t guti[NASMAC__GUTI_LEN];
	uint8_t ue_sec_cap[4];
	uint8_t rr[MAX_PDU], tau[MAX_PDU];
	size_t rr_len, tau_len;
	uint8_t mac_in[2 * MAX_PDU + 4]; /* the MESSAGE of the job under check */
	uint8_t creq[MAX_PDU + 128]; /* the Context Request, kept for retransmission */
	uint64_t t_start_ns; /* the Registration Request's arrival: the latency histogram */
	size_t creq_len;
	uint32_t seq;     /* random, unique among the requests in flight (gtp_txn.h) */
	uint32_t teid;    /* the AMF's TEID in its F-TEID: random, unique among those in flight */
	uint64_t deadline_ns;
	uint8_t kamf[32], knas_int[16];
	uint8_t nia, ngksi;
	uint32_t ctx_ul;     /* the uplink COUNT the MME verified (A.15.1 P0) */
	uint32_t mme_teid;   /* the MME's TEID for the Context Acknowledge */
	struct proc *prev, *next; /* timer list, ordered by deadline */
};

struct counters {
	uint64_t rx, malformed, registrations, accepted, rejected_mac, rejected_replay,
		rejected_unknown, rejected_other, overload, timeouts, gtp_retransmits,
		gtp_unexpected, gtp_wrong_peer, gtp_wrong_teid, smc_timeouts, dups, unknown_gummei;
	uint64_t macs, run_errors, fallbacks; /* libnasmac's, fetched when printed or scraped */
};

#define C(n, help) { #n, "amf_" #n "_total", help, offsetof(struct counters, n), 0 }
/* Every AMF counter once: the counters log line and the Prometheus metrics read this table. */
static const struct nasmac__counter counter_tbl[] = {
	C(rx, "datagrams received (UE test link and N26)"),
	C(registrations, "Registration Requests taken"),
	C(accepted, "Registration Accepts sent"),
	C(rejected_mac, "registrations rejected: a NAS MAC did not verify"),
	C(rejected_replay, "registrations rejected: the MME refused a replayed COUNT"),
	C(rejected_unknown, "registrations rejected: the MME knows no such UE, or no MME is "
			    "configured for the GUMMEI of its GUTI"),
	C(unknown_gummei, "registrations rejected: no MME configured for the GUMMEI of the UE's GUTI"),
	C(rejected_other, "registrations rejected for another reason"),
	C(malformed, "datagrams that did not decode"),
	C(overload, "registrations refused: too many in progress"),
	C(timeouts, "Context Requests never answered (T3 x N3)"),
	C(smc_timeouts, "NAS Security Mode Commands never completed"),
	C(gtp_retransmits, "Context Requests sent again (T3 expired)"),
	C(gtp_unexpected, "GTPv2-C messages for no request in flight"),
	C(gtp_wrong_peer, "Context Responses dropped: not from the MME the request went to"),
	C(gtp_wrong_teid, "Context Responses dropped: not to the TEID the AMF gave"),
	C(dups, "Registration Requests for a UE already in progress"),
	C(macs, "MAC checks completed by libnasmac"),
	C(run_errors, "device runs that reported a bus error or bad arguments (recomputed on the CPU)"),
	C(fallbacks, "MAC checks recomputed on the CPU after a failed device batch"),
};
#undef C

/* An old MME: with --mme GUMMEI=ADDR:PORT the one a GUMMEI names (a pool: several); with
 * --mme ADDR:PORT the one every UE goes to. */
struct mme_peer {
	struct nasmac__gummei gummei;
	struct sockaddr_in addr;
	uint64_t requests; /* Context Requests sent to it (first transmissions) */
	char name[NASMAC__GUMMEI_TEXT];
};

struct amf {
	uv_loop_t loop;
	struct nasmac__udp link, n26;
	struct nasmac__vq vq;
	struct sockaddr_in link_addr, n26_self;
	struct mme_peer mmes[MAX_MMES];
	uint32_t n_mmes;
	int by_gummei; /* 0: the one MME of --mme ADDR:PORT serves every GUTI */
	struct proc *procs;
	uint32_t n_procs;     /* power of two, at most 65536 */
	/* Context Requests in flight by sequence number, and their TEIDs (only so that two in
	 * flight never share one). */
	struct nasmac__txn_tab by_seq, by_teid;
	struct proc timers;   /* list head */
	uv_timer_t tick;
	uint32_t t3_ms, n3, smc_timeout_ms;
	struct nasmac__pcap *pcap;
	struct counters c;
	struct nasmac__ratelimit rl_malformed, rl_reject, rl_n26, rl_gummei;
	struct nasmac__daemon d;
	struct nasmac__metrics *metrics;
	struct nasmac__hist latency;
	int kamf_check; /* log a check value of each registered UE's K_AMF (tests) */
};

static void timer_unlink(struct proc *p)
{
	if (p->next) {
		p->next->prev = p->prev;
		p->prev->next = p->next;
		p->next = p->prev = NULL;
	}
}

static void timer_arm(struct amf *a, struct proc *p, uint32_t ms)
{
	timer_unlink(p);
	p->deadline_ns = nasmac__now_ns() + (uint64_t)ms * 1000000u;
	/* Every timeout of one kind has the same length, so appending keeps the list nearly
	 * ordered; the tick walks it from the head until the first deadline in the future. */
	p->prev = a->timers.prev;
	p->next = &a->timers;
	a->timers.prev->next = p;
	a->timers.prev = p;
}

static void proc_free(struct amf *a, struct proc *p)
{
	timer_unlink(p);
	if (p->in_txn) {
		nasmac__txn_tab_del(&a->by_seq, p->seq);
		nasmac__txn_tab_del(&a->by_teid, p->teid);
		p->in_txn = 0;
	}
	explicit_bzero(p->kamf, sizeof(p->kamf));
	explicit_bzero(p->knas_int, sizeof(p->knas_int));
	explicit_bzero(&p->job, sizeof(p->job));
	p->state = P_FREE;
}

static struct proc *proc_find(struct amf *a, uint64_t ue_id)
{
	uint32_t mask = a->n_procs - 1, i = (uint32_t)(ue_id * 0x9e3779b97f4a7c15ull >> 40) & mask;

	/* proc_new() places a procedure at most 64 slots from its home slot. */
	for (uint32_t k = 0; k < 64 && k <= mask; k++, i = (i + 1) & mask)
		if (a->procs[i].state != P_FREE && a->procs[i].ue_id == ue_id)
			return &a->procs[i];
	return NULL;
}

static struct proc *proc_new(struct amf *a, uint64_t ue_id)
{
	uint32_t mask = a->n_procs - 1, i = (uint32_t)(ue_id * 0x9e3779b97f4a7c15ull >> 40) & mask;

	for (uint32_t k = 0; k < 64 && k <= mask; k++, i = (i + 1) & mask)
		if (a->procs[i].state == P_FREE) {
			a->procs[i].ue_id = ue_id;
			return &a->procs[i];
		}
	return NULL;
}

/* To the old MME of the procedure. */
static void n26_send(struct amf *a, const struct proc *p, const uint8_t *buf, size_t len)
{
	const struct sockaddr_in *to = &a->mmes[p->mme].addr;

	if (a->pcap)
		nasmac__pcap_write(a->pcap, &a->n26_self, to, buf, len);
	(void)nasmac__udp_send(&a->n26, buf, len, to);
}

/* The MME a GUTI names: the index into a->mmes, or -1 when none is configured for its GUMMEI.
 * At most MAX_MMES compares of 6 octets: no index needed. */
static int mme_of_guti(const struct amf *a, const uint8_t guti[NASMAC__GUTI_LEN])
{
	struct nasmac__gummei g;

	if (!a->by_gummei)
		return 0;
	nasmac__gummei_of_guti(guti, &g);
	for (uint32_t i = 0; i < a->n_mmes; i++)
		if (nasmac__gummei_eq(&g, &a->mmes[i].gummei))
			return (int)i;
	return -1;
}

/* The MME a datagram came from, or -1. */
static int mme_of_addr(const struct amf *a, const struct sockaddr_in *from)
{
	for (uint32_t i = 0; i < a->n_mmes; i++)
		if (nasmac__same_peer(from, &a->mmes[i].addr))
			return (int)i;
	return -1;
}

static void link_send(struct amf *a, struct proc *p, const uint8_t *pdu, size_t len, uint8_t diag)
{
	struct nasmac__link_frame f = { .ue_id = p->ue_id, .kind = NASMAC__LINK_DL, .info = diag };
	uint8_t buf[NASMAC__LINK_MAX];
	int n;

	f.pdu[0] = pdu;
	f.pdu_len[0] = len;
	f.n_pdu = 1;
	n = nasmac__link_encode(&f, buf, sizeof(buf));
	if (n < 0)
		return;
	if (a->pcap)
		nasmac__pcap_write_nas(a->pcap, &a->link_addr, &p->ue_addr, pdu, len);
	(void)nasmac__udp_send(&a->link, buf, (size_t)n, &p->ue_addr);
}

static void send_ack(struct amf *a, struct proc *p, uint8_t cause)
{
	struct nasmac__ctx_ack ack;
	uint8_t buf[64];
	int n;

	memset(&ack, 0, sizeof(ack));
	ack.h.type = NASMAC__GTP_CTX_ACK;
	ack.h.has_teid = 1;
	ack.h.teid = p->mme_teid;
	ack.h.seq = p->seq;
	ack.cause = cause;
	n = nasmac__gtp_enc_ctx_ack(&ack, buf, sizeof(buf));
	if (n > 0)
		n26_send(a, p, buf, (size_t)n);
}

/* Registration Reject with a 5GMM cause; the diagnostic octet of the test link says why. */
static void reject(struct amf *a, struct proc *p, uint8_t diag)
{
	uint8_t pdu[16];
	uint8_t cause;
	int n;

	switch (diag) {
	case NASMAC__DIAG_MAC:
	case NASMAC__DIAG_REPLAY:
		cause = 3; /* #3 Illegal UE: the UE's NAS message did not prove its identity */
		a->c.rejected_mac += diag == NASMAC__DIAG_MAC;
		a->c.rejected_replay += diag == NASMAC__DIAG_REPLAY;
		break;
	case NASMAC__DIAG_UNKNOWN:
		cause = 9; /* #9 UE identity cannot be derived by the network */
		a->c.rejected_unknown++;
		break;
	case NASMAC__DIAG_OVERLOAD:
		cause = 22; /* #22 Congestion */
		a->c.rejected_other++;
		break;
	default:
		cause = 111; /* #111 Protocol error, unspecified */
		a->c.rejected_other++;
		break;
	}
	n = nasmac__nas_enc_reg_reject(cause, pdu, sizeof(pdu));
	if (n > 0)
		link_send(a, p, pdu, (size_t)n, diag);
	nasmac__log_rl(&a->rl_reject, NASMAC__LOG_INFO,
		       "UE %llu: Registration Reject (5GMM cause #%u, %s)",
		       (unsigned long long)p->ue_id, cause, nasmac__diag_name(diag));
}

static void fail(struct amf *a, struct proc *p, uint8_t diag, int ack_mme)
{
	reject(a, p, diag);
	if (ack_mme)
		send_ack(a, p, NASMAC__CAUSE_USER_AUTH_FAILED);
	proc_free(a, p);
}

/* Downlink 5G NAS: protected with the new 5G K_NASint. The AMF generates downlink MACs on the
 * CPU reference; every MAC *check* goes through libnasmac. */
static int protect_5g(struct proc *p, uint8_t sht, uint32_t dl_count, const uint8_t *plain,
		      size_t plain_len, uint8_t *out, size_t size)
{
	uint8_t msg[MAX_PDU + 1], mac[4];
	int rc;

	if (plain_len + 1 > sizeof(msg))
		return -ENOSPC;
	msg[0] = (uint8_t)dl_count;
	memcpy(msg + 1, plain, plain_len);
	rc = nasmac_mac((nasmac_alg_t)p->nia, p->knas_int, dl_count, BEARER_3GPP, 1, msg,
			(plain_len + 1) * 8, mac);
	if (rc)
		return rc;
	return nasmac__nas_5g_protect(sht, mac, (uint8_t)dl_count, plain, plain_len, out, size);
}

/* Sends a plain 5GMM message (n octets, or its encoder's negative error) integrity protected
 * with downlink COUNT dl_count. On an error the procedure has failed: nonzero, the caller stops. */
static int send_protected(struct amf *a, struct proc *p, uint8_t sht, uint32_t dl_count,
			  const uint8_t *plain, int n)
{
	uint8_t pdu[96];

	if (n > 0)
		n = protect_5g(p, sht, dl_count, plain, (size_t)n, pdu, sizeof(pdu));
	if (n < 0) {
		fail(a, p, NASMAC__DIAG_OTHER, 1);
		return n;
	}
	link_send(a, p, pdu, (size_t)n, NASMAC__DIAG_NONE);
	return 0;
}

static void send_smc(struct amf *a, struct proc *p)
{
	struct nasmac__smc smc;
	uint8_t plain[64];
	int n;

	memset(&smc, 0, sizeof(smc));
	smc.nia = p->nia;
	smc.nea = 0;
	smc.ngksi = p->ngksi;
	memcpy(smc.ue_sec_cap, p->ue_sec_cap, sizeof(smc.ue_sec_cap));
	n = nasmac__nas_enc_smc(&smc, plain, sizeof(plain));
	if (send_protected(a, p, 3, 0, plain, n))
		return;
	p->state = P_WAIT_SMC;
	timer_arm(a, p, a->smc_timeout_ms);
}

/* K_AMF (unless the MME sent it) and the 5G NAS integrity key, then NAS SMC. */
static void activate(struct amf *a, struct proc *p, const uint8_t *kasme)
{
	int rc = 0;

	if (kasme)
		rc = nasmac_kdf_kamf_from_kasme(kasme, p->ctx_ul, p->kamf);
	if (!rc)
		rc = nasmac_kdf_5g_nas(p->kamf, NASMAC_ALG_TYPE_NAS_INT, p->nia, p->knas_int);
	if (rc) {
		fail(a, p, NASMAC__DIAG_OTHER, 1);
		return;
	}
	send_smc(a, p);
}

static void on_job(struct nasmac__vq *q, nasmac_job_t *job, int busy)
{
	struct amf *a = q->data;
	struct proc *p = job->cookie;
	uint8_t plain[64];
	int n;

	if (busy) {
		a->c.overload++;
		fail(a, p, NASMAC__DIAG_OVERLOAD, 1);
		return;
	}
	if (p->state == P_VERIFY_RR) {
		if (job->status != NASMAC_ST_VERIFIED) {
			fail(a, p, NASMAC__DIAG_MAC, 1);
			return;
		}
		activate(a, p, NULL);
	} else if (p->state == P_VERIFY_SMC) {
		if (job->status != NASMAC_ST_VERIFIED) {
			fail(a, p, NASMAC__DIAG_MAC, 1);
			return;
		}
		n = nasmac__nas_enc_reg_accept(plain, sizeof(plain));
		if (send_protected(a, p, 2, 1, plain, n))
			return;
		send_ack(a, p, NASMAC__CAUSE_ACCEPTED);
		a->c.accepted++;
		nasmac__hist_observe(&a->latency, uv_hrtime() - p->t_start_ns);
		/* Lets a test compare the AMF's K_AMF with the UE's without printing either. */
		if (a->kamf_check)
			nasmac__log(NASMAC__LOG_INFO,
				    "UE %llu: registered, K_AMF check value %08x, UL COUNT %06x",
				    (unsigned long long)p->ue_id, nasmac__key_check(p->kamf),
				    p->ctx_ul);
		proc_free(a, p);
	}
}

static void after_jobs(struct nasmac__vq *q)
{
	struct amf *a = q->data;
	/* N26 first: the MME has the Context Acknowledge before the UE has its Accept. */
	nasmac__udp_flush(&a->n26);
	nasmac__udp_flush(&a->link);
}

/* FIG. 2: the second MAC, over the MESSAGE the manner names (host/README.md). */
static void check_second_mac(struct amf *a, struct proc *p, const uint8_t *kasme, uint8_t eia)
{
	struct nasmac__nas_sec rr, tau;
	size_t off;
	uint32_t est;

	if (nasmac__nas_5g_sec(p->rr, p->rr_len, &rr) ||
	    nasmac__nas_eps_sec(p->tau, p->tau_len, &tau)) {
		fail(a, p, NASMAC__DIAG_MALFORMED, 1);
		return;
	}
	/* The UE protected the Registration Request after the TAU Request, so its COUNT is above
	 * the TAU's, which the MME verified and returned. */
	est = nasmac__count_estimate(p->ctx_ul, rr.sqn);
	if (!nasmac__count_is_fresh(p->ctx_ul, est)) {
		fail(a, p, NASMAC__DIAG_REPLAY, 1);
		return;
	}
	memcpy(p->mac_in, rr.msg, rr.msg_len);
	off = rr.msg_len;
	if (p->manner == 2 || p->manner == 3) {
		memcpy(p->mac_in + off, tau.plain, tau.plain_len);
		off += tau.plain_len;
	}
	if (p->manner == 3 || p->manner == 4) {
		memcpy(p->mac_in + off, tau.mac, 4);
		off += 4;
	}
	memset(&p->job, 0, sizeof(p->job));
	if (nasmac_kdf_eps_nas(kasme, NASMAC_ALG_TYPE_NAS_INT, eia, p->job.key)) {
		fail(a, p, NASMAC__DIAG_OTHER, 1);
		return;
	}
	p->job.count = est;
	p->job.alg = eia;
	p->job.bearer = 0;
	p->job.direction = 0;
	p->job.msg = p->mac_in;
	p->job.len_bits = (uint32_t)(off * 8);
	memcpy(p->job.expected_mac, rr.mac, 4);
	p->job.cookie = p;
	p->state = P_VERIFY_RR;
	timer_unlink(p);
	nasmac__vq_submit(&a->vq, &p->job);
}

static uint8_t diag_of_cause(uint8_t cause)
{
	switch (cause) {
	case NASMAC__CAUSE_USER_AUTH_FAILED: return NASMAC__DIAG_MAC;
	case NASMAC__CAUSE_REQUEST_REJECTED: return NASMAC__DIAG_REPLAY;
	case NASMAC__CAUSE_CONTEXT_NOT_FOUND: return NASMAC__DIAG_UNKNOWN;
	case NASMAC__CAUSE_NO_RESOURCES: return NASMAC__DIAG_OVERLOAD;
	case NASMAC__CAUSE_TEMP_REJECTED: return NASMAC__DIAG_OVERLOAD;
	case NASMAC__CAUSE_MANDATORY_IE_INCORRECT:
	case NASMAC__CAUSE_INVALID_FORMAT: return NASMAC__DIAG_MALFORMED;
	default: return NASMAC__DIAG_OTHER;
	}
}

/* A Context Response is taken only for a request in flight (its sequence number), from the
 * address and port that request went to (on_n26 finds which MME sent it, peer; here it must be
 * the request's), with the TEID the AMF put in its own F-TEID as header TEID (TS 29.274 7.6,
 * 5.5.2). */
static void on_ctx_rsp(struct amf *a, int peer, const struct nasmac__gtp_hdr *h,
		       const uint8_t *buf, size_t len)
{
	struct nasmac__ctx_rsp r;
	struct proc *p;
	int64_t idx = nasmac__txn_tab_find(&a->by_seq, h->seq);

	if (idx < 0 || a->procs[idx].state != P_WAIT_CTX) {
		/* A late answer to a retransmitted or abandoned request, or a made-up one. */
		a->c.gtp_unexpected++;
		nasmac__log_rl(&a->rl_n26, NASMAC__LOG_INFO,
			       "Context Response for no request in flight (seq %u) dropped", h->seq);
		return;
	}
	p = &a->procs[idx];
	/* By address: one MME may serve several GUMMEIs (MMECs) at one address. */
	if (!nasmac__same_peer(&a->mmes[peer].addr, &a->mmes[p->mme].addr)) {
		/* Another MME of the pool answering a request that went elsewhere. */
		a->c.gtp_wrong_peer++;
		nasmac__log_rl(&a->rl_n26, NASMAC__LOG_WARN,
			       "UE %llu: Context Response from MME %s, the request went to %s: "
			       "dropped", (unsigned long long)p->ue_id, a->mmes[peer].name,
			       a->mmes[p->mme].name);
		return;
	}
	if (!h->has_teid || h->teid != p->teid) {
		a->c.gtp_wrong_teid++;
		nasmac__log_rl(&a->rl_n26, NASMAC__LOG_WARN,
			       "UE %llu: Context Response with TEID %u, not the AMF's %u: dropped",
			       (unsigned long long)p->ue_id, h->teid, p->teid);
		return;
	}
	if (nasmac__gtp_dec_ctx_rsp(buf, len, &r)) {
		a->c.malformed++;
		nasmac__log_rl(&a->rl_malformed, NASMAC__LOG_WARN, "malformed Context Response");
		explicit_bzero(&r, sizeof(r));
		return;
	}
	if (r.cause != NASMAC__CAUSE_ACCEPTED) {
		fail(a, p, diag_of_cause(r.cause), 0);
		return;
	}
	/* The security context: an MM Context IE with K_ASME, or in FIG. 3 K_AMF from the MME
	 * with the rest of the context beside it (gtp.c). */
	if (!(r.has_mm || (p->flow == FLOW_FIG3 && r.has_kamf && r.has_sec)) || !r.has_fteid ||
	    r.eia < 1 || r.eia > 3) {
		a->c.malformed++;
		explicit_bzero(&r, sizeof(r));
		fail(a, p, NASMAC__DIAG_OTHER, 0);
		return;
	}
	p->mme_teid = r.fteid_teid;
	p->ctx_ul = r.ul_count;
	/* 5G algorithms: the mapped context keeps the EPS integrity algorithm (33.501 8.2). */
	p->nia = r.eia;
	p->ngksi = (uint8_t)(0x8u | (r.ksi & 7u)); /* TSC = mapped, value = eKSI (8.6.2) */
	if (p->flow == FLOW_FIG3 && r.has_kamf) {
		memcpy(p->kamf, r.kamf, sizeof(p->kamf));
		activate(a, p, NULL);
	} else if (p->flow == FLOW_FIG2) {
		/* K_AMF now, while K_ASME is at hand: the response is wiped below and only K_AMF
		 * is kept for after the second MAC verified (activate() without K_ASME). */
		if (nasmac_kdf_kamf_from_kasme(r.kasme, p->ctx_ul, p->kamf)) {
			explicit_bzero(&r, sizeof(r));
			fail(a, p, NASMAC__DIAG_OTHER, 1);
			return;
		}
		check_second_mac(a, p, r.kasme, r.eia);
	} else {
		activate(a, p, r.kasme);
	}
	explicit_bzero(&r, sizeof(r));
}

static void on_n26(struct nasmac__udp *u, const uint8_t *buf, size_t len,
		   const struct sockaddr_in *from)
{
	struct amf *a = u->data;
	struct nasmac__gtp_hdr h;
	int peer = mme_of_addr(a, from);

	if (a->pcap)
		nasmac__pcap_write(a->pcap, from, &a->n26_self, buf, len);
	if (peer < 0) {
		/* Only the MME the requests went to answers them (TS 29.274 4.2.1.2: a triggered
		 * message comes from the request's destination address and port); on_ctx_rsp()
		 * checks it is the one of that request. */
		char ip[INET_ADDRSTRLEN];
		a->c.gtp_wrong_peer++;
		inet_ntop(AF_INET, &from->sin_addr, ip, sizeof(ip));
		nasmac__log_rl(&a->rl_n26, NASMAC__LOG_WARN,
			       "N26 datagram (%zu octets) from %s:%u, not the MME: dropped", len, ip,
			       ntohs(from->sin_port));
		return;
	}
	if (nasmac__gtp_peek(buf, len, &h)) {
		a->c.malformed++;
		nasmac__log_rl(&a->rl_malformed, NASMAC__LOG_WARN,
			       "not a GTPv2-C message on N26 (%zu octets)", len);
		return;
	}
	if (h.type == NASMAC__GTP_CTX_RSP) {
		on_ctx_rsp(a, peer, &h, buf, len);
	} else {
		a->c.gtp_unexpected++;
		nasmac__log_rl(&a->rl_n26, NASMAC__LOG_INFO,
			       "GTPv2-C message type %u from the MME not handled", h.type);
	}
}

static void send_ctx_req(struct amf *a, struct proc *p)
{
	struct nasmac__ctx_req req;
	int n;

	memset(&req, 0, sizeof(req));
	/* Sequence number and TEID at random (getrandom), never one in flight: nobody can guess
	 * them to answer in the MME's place, and a late answer to an abandoned request carries
	 * another TEID. Both tables hold up to n_procs entries, one per procedure. */
	if (nasmac__txn_tab_fresh(&a->by_seq, 24, &p->seq) ||
	    nasmac__txn_tab_fresh(&a->by_teid, 32, &p->teid) ||
	    nasmac__txn_tab_add(&a->by_seq, p->seq, (uint32_t)(p - a->procs)) ||
	    nasmac__txn_tab_add(&a->by_teid, p->teid, (uint32_t)(p - a->procs))) {
		nasmac__txn_tab_del(&a->by_seq, p->seq);
		fail(a, p, NASMAC__DIAG_OTHER, 0);
		return;
	}
	p->in_txn = 1;
	req.h.type = NASMAC__GTP_CTX_REQ;
	req.h.has_teid = 1;
	req.h.teid = 0; /* TS 29.274 5.5.2: TEID 0 in a Context Request on N26 */
	req.h.seq = p->seq;
	req.has_guti = 1;
	memcpy(req.guti, p->guti, sizeof(req.guti));
	req.has_crm = 1;
	if (p->flow == FLOW_FIG3) {
		req.crm_type = NASMAC__CRM_RR;
		req.crm = p->rr;
		req.crm_len = p->rr_len;
	} else {
		req.crm_type = NASMAC__CRM_TAU;
		req.crm = p->tau;
		req.crm_len = p->tau_len;
	}
	req.has_fteid = 1;
	req.fteid_if = 40; /* N26 AMF GTP-C interface */
	req.fteid_teid = p->teid;
	req.fteid_ipv4 = a->n26_self.sin_addr.s_addr;
	req.rat = 10; /* NR */
	n = nasmac__gtp_enc_ctx_req(&req, p->creq, sizeof(p->creq));
	if (n < 0) {
		fail(a, p, NASMAC__DIAG_MALFORMED, 0);
		return;
	}
	p->creq_len = (size_t)n;
	p->retries = 0;
	p->state = P_WAIT_CTX;
	a->mmes[p->mme].requests++;
	n26_send(a, p, p->creq, p->creq_len);
	timer_arm(a, p, a->t3_ms);
}

/* A new Registration Request: work out the flow, then ask the MME. */
static void on_registration(struct amf *a, const struct nasmac__link_frame *f,
			    const struct sockaddr_in *from)
{
	struct nasmac__nas_sec sec;
	struct nasmac__rr rr;
	struct proc *p = proc_find(a, f->ue_id);
	uint8_t flow;
	int mme;

	if (p) {
		/* The UE repeated itself while its registration is still running. */
		a->c.dups++;
		return;
	}
	if (f->pdu[0][0] != NASMAC__EPD_5GMM || f->pdu_len[0] < 3 || f->pdu_len[0] > MAX_PDU ||
	    (f->n_pdu == 2 && f->pdu_len[1] > MAX_PDU))
		goto out_malformed;
	if ((f->pdu[0][1] & 0x0f) == 0) {
		if (nasmac__nas_dec_rr(f->pdu[0], f->pdu_len[0], &rr) || !rr.eps_container ||
		    rr.eps_container_len > MAX_PDU || f->n_pdu != 1)
			goto out_malformed;
		flow = FLOW_3GPP;
	} else {
		if (nasmac__nas_5g_sec(f->pdu[0], f->pdu_len[0], &sec) ||
		    nasmac__nas_dec_rr(sec.plain, sec.plain_len, &rr))
			goto out_malformed;
		if (f->n_pdu == 2) {
			if (f->info < 1 || f->info > 4)
				goto out_malformed;
			flow = FLOW_FIG2;
		} else {
			flow = FLOW_FIG3;
		}
	}
	a->c.registrations++;
	/* The old MME from the GUTI mapped back from the 5G-GUTI (guti.c, TS 23.003 2.10.2). */
	mme = mme_of_guti(a, rr.guti);
	p = mme < 0 ? NULL : proc_new(a, f->ue_id);
	if (!p) {
		struct proc tmp;
		memset(&tmp, 0, sizeof(tmp));
		tmp.ue_id = f->ue_id;
		tmp.ue_addr = *from;
		if (mme < 0) {
			struct nasmac__gummei g;
			char name[NASMAC__GUMMEI_TEXT];

			/* TS 24.501 5.5.1.3.5: #9 "UE identity cannot be derived by the network":
			 * without its old MME the AMF cannot get the UE's context. */
			a->c.unknown_gummei++;
			nasmac__gummei_of_guti(rr.guti, &g);
			if (nasmac__gummei_format(&g, name, sizeof(name)) < 0)
				snprintf(name, sizeof(name), "(not BCD)");
			nasmac__log_rl(&a->rl_gummei, NASMAC__LOG_WARN,
				       "UE %llu: no MME configured for GUMMEI %s of its GUTI",
				       (unsigned long long)f->ue_id, name);
			reject(a, &tmp, NASMAC__DIAG_UNKNOWN);
			return;
		}
		a->c.overload++;
		reject(a, &tmp, NASMAC__DIAG_OVERLOAD);
		return;
	}
	p->mme = (uint8_t)mme;
	p->ue_addr = *from;
	p->t_start_ns = uv_hrtime();
	p->flow = flow;
	p->manner = f->info;
	memcpy(p->guti, rr.guti, sizeof(p->guti));
	memcpy(p->ue_sec_cap, rr.ue_sec_cap, sizeof(p->ue_sec_cap));
	memcpy(p->rr, f->pdu[0], f->pdu_len[0]);
	p->rr_len = f->pdu_len[0];
	p->tau_len = 0;
	if (flow == FLOW_3GPP) {
		memcpy(p->tau, rr.eps_container, rr.eps_container_len);
		p->tau_len = rr.eps_container_len;
	} else if (flow == FLOW_FIG2) {
		memcpy(p->tau, f->pdu[1], f->pdu_len[1]);
		p->tau_len = f->pdu_len[1];
	}
	send_ctx_req(a, p);
	return;

out_malformed:
	a->c.malformed++;
	nasmac__log_rl(&a->rl_malformed, NASMAC__LOG_WARN,
		       "UE %llu: undecodable Registration Request dropped",
		       (unsigned long long)f->ue_id);
}

static void on_smc_complete(struct amf *a, struct proc *p, const uint8_t *pdu, size_t len)
{
	struct nasmac__nas_sec sec;

	if (nasmac__nas_5g_sec(pdu, len, &sec) || sec.msg_len > sizeof(p->mac_in) ||
	    nasmac__nas_5g_type(sec.plain, sec.plain_len) != NASMAC__5GMM_SMC_COMPLETE) {
		a->c.malformed++;
		return;
	}
	/* The first uplink message of the new 5G context: COUNT 0 (33.501 8.6.2 / 6.4.5). */
	if (sec.sqn != 0) {
		fail(a, p, NASMAC__DIAG_REPLAY, 1);
		return;
	}
	memcpy(p->mac_in, sec.msg, sec.msg_len);
	memset(&p->job, 0, sizeof(p->job));
	memcpy(p->job.key, p->knas_int, sizeof(p->job.key));
	p->job.count = 0;
	p->job.alg = p->nia;
	p->job.bearer = BEARER_3GPP;
	p->job.direction = 0;
	p->job.msg = p->mac_in;
	p->job.len_bits = (uint32_t)(sec.msg_len * 8);
	memcpy(p->job.expected_mac, sec.mac, 4);
	p->job.cookie = p;
	p->state = P_VERIFY_SMC;
	timer_unlink(p);
	nasmac__vq_submit(&a->vq, &p->job);
}

static void on_link(struct nasmac__udp *u, const uint8_t *buf, size_t len,
		    const struct sockaddr_in *from)
{
	struct amf *a = u->data;
	struct nasmac__link_frame f;
	struct proc *p;

	a->c.rx++;
	if (a->pcap)
		nasmac__pcap_write_link(a->pcap, from, &a->link_addr, buf, len);
	if (nasmac__link_decode(buf, len, &f) || f.kind != NASMAC__LINK_UL) {
		a->c.malformed++;
		nasmac__log_rl(&a->rl_malformed, NASMAC__LOG_WARN,
			       "malformed test link frame (%zu octets) dropped", len);
		return;
	}
	p = proc_find(a, f.ue_id);
	if (p && p->state == P_WAIT_SMC && f.pdu[0][0] == NASMAC__EPD_5GMM && f.pdu_len[0] > 7 &&
	    (f.pdu[0][1] & 0x0f) != 0 && f.n_pdu == 1 && f.pdu_len[0] <= MAX_PDU) {
		on_smc_complete(a, p, f.pdu[0], f.pdu_len[0]);
		return;
	}
	on_registration(a, &f, from);
}

/* The rate-limited kinds of log line and their bursts (lines a second). */
static const struct nasmac__daemon_rl amf_rl[] = {
	{ offsetof(struct amf, rl_malformed), 5 },
	{ offsetof(struct amf, rl_reject), 10 },
	{ offsetof(struct amf, rl_n26), 5 },
	{ offsetof(struct amf, rl_gummei), 5 },
};
#define N_AMF_RL (sizeof(amf_rl) / sizeof(amf_rl[0]))

static void on_tick(uv_timer_t *t)
{
	struct amf *a = t->data;
	uint64_t now = nasmac__now_ns();

	while (a->timers.next != &a->timers && a->timers.next->deadline_ns <= now) {
		struct proc *p = a->timers.next;
		if (p->state == P_WAIT_CTX && p->retries < a->n3) {
			/* T3 expired: send the same request again (same sequence number). */
			p->retries++;
			a->c.gtp_retransmits++;
			n26_send(a, p, p->creq, p->creq_len);
			timer_arm(a, p, a->t3_ms);
		} else if (p->state == P_WAIT_CTX) {
			a->c.timeouts++;
			nasmac__log_rl(&a->rl_reject, NASMAC__LOG_WARN,
				       "UE %llu: no Context Response after %u tries",
				       (unsigned long long)p->ue_id, a->n3 + 1);
			fail(a, p, NASMAC__DIAG_TIMEOUT, 0);
		} else {
			a->c.smc_timeouts++;
			fail(a, p, NASMAC__DIAG_TIMEOUT, 1);
		}
	}
	nasmac__log_rl_tick();
	/* N26 first: the MME has the Context Acknowledge before the UE has its Accept. */
	nasmac__udp_flush(&a->n26);
	nasmac__udp_flush(&a->link);
}

static void fetch_counters(void *arg)
{
	struct amf *a = arg;
	nasmac_stats_t st;

	nasmac__daemon_dev_stats(&a->vq, &st);
	a->c.macs = st.completed;
	a->c.run_errors = st.run_errors;
	a->c.fallbacks = st.fallbacks;
}

static void print_counters(void *arg, const char *why)
{
	struct amf *a = arg;
	char line[1536];

	fetch_counters(a);
	nasmac__counters_fmt(line, sizeof(line), &a->c, counter_tbl,
			     sizeof(counter_tbl) / sizeof(counter_tbl[0]));
	nasmac__log(NASMAC__LOG_INFO, "counters (%s): %s", why, line);
}

/* The --mme values: one ADDR:PORT for every UE, or up to MAX_MMES GUMMEI=ADDR:PORT; never both
 * (a GUTI of no listed GUMMEI would silently go to the plain one). 0, or -1 with a line on
 * stderr. */
static int parse_mmes(struct amf *a, const char *const *v, uint32_t n)
{
	uint32_t plain = 0;

	if (n > MAX_MMES) {
		fprintf(stderr, "nasmacd amf: at most %u --mme\n", MAX_MMES);
		return -1;
	}
	for (uint32_t i = 0; i < n; i++) {
		struct mme_peer *m = &a->mmes[i];
		const char *eq = strchr(v[i], '=');
		char g[NASMAC__GUMMEI_TEXT];

		if (!eq) {
			plain++;
			snprintf(m->name, sizeof(m->name), "%s", "(any GUMMEI)");
		} else {
			size_t len = (size_t)(eq - v[i]);

			if (len < sizeof(g)) {
				memcpy(g, v[i], len);
				g[len] = '\0';
			}
			if (len >= sizeof(g) || nasmac__gummei_parse(g, &m->gummei)) {
				fprintf(stderr, "nasmacd amf: --mme %s: the GUMMEI is MCC-MNC-MMEGI-MMEC "
						"(3 digits, 2 or 3 digits, 4 and 2 hex digits: "
						"001-01-8001-4a)\n", v[i]);
				return -1;
			}
			(void)nasmac__gummei_format(&m->gummei, m->name, sizeof(m->name));
		}
		if (nasmac__parse_addr(eq ? eq + 1 : v[i], &m->addr)) {
			fprintf(stderr, "nasmacd amf: --mme %s: bad address\n", v[i]);
			return -1;
		}
		for (uint32_t j = 0; eq && j < i; j++)
			if (nasmac__gummei_eq(&a->mmes[j].gummei, &m->gummei)) {
				fprintf(stderr, "nasmacd amf: --mme %s: GUMMEI %s given twice\n",
					v[i], m->name);
				return -1;
			}
	}
	if (plain && plain != n) {
		fprintf(stderr, "nasmacd amf: --mme ADDR:PORT (one MME for every UE) and --mme "
				"GUMMEI=ADDR:PORT (a pool) do not mix: name every MME by its GUMMEI\n");
		return -1;
	}
	if (plain > 1) {
		fprintf(stderr, "nasmacd amf: one --mme ADDR:PORT serves every UE; for several MMEs "
				"give each as --mme GUMMEI=ADDR:PORT\n");
		return -1;
	}
	a->n_mmes = n;
	a->by_gummei = !plain;
	return 0;
}

/* "MME at ADDR:PORT", or "MME pool of N" after one line per MME (32 would not fit one line). */
static void mme_list(const struct amf *a, char *buf, size_t size)
{
	for (uint32_t i = 0; i < a->n_mmes; i++) {
		char ip[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &a->mmes[i].addr.sin_addr, ip, sizeof(ip));
		if (!a->by_gummei) {
			snprintf(buf, size, "MME at %s:%u", ip, ntohs(a->mmes[i].addr.sin_port));
			return;
		}
		nasmac__log(NASMAC__LOG_INFO, "pool: MME %s at %s:%u", a->mmes[i].name, ip,
			    ntohs(a->mmes[i].addr.sin_port));
	}
	snprintf(buf, size, "MME pool of %u", a->n_mmes);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: nasmacd amf --listen ADDR:PORT --mme [GUMMEI=]ADDR:PORT... [--backend cpu|sim|xrt:N]\n"
		"                   [--pcap FILE] [--t3-ms N] [--n3 N] [--max-procs N] [--kamf-check]\n"
		"                   [--metrics ADDR:PORT] [--verbose]\n"
		"  --listen     UDP address of the UE test link (framing: host/README.md)\n"
		"  --mme ADDR:PORT  the old MME's N26 GTPv2-C address, for every UE; or\n"
		"  --mme GUMMEI=ADDR:PORT  an MME pool: repeat (at most 32), one per GUMMEI\n"
		"               (MCC-MNC-MMEGI-MMEC, e.g. 001-01-8001-4a); the GUMMEI of the GUTI\n"
		"               mapped from the UE's 5G-GUTI picks the MME; a GUTI of no listed\n"
		"               GUMMEI gets Registration Reject #9. The two forms do not mix.\n"
		"  --backend    libnasmac backend for the MAC checks (default cpu)\n"
		"  --pcap       write what the AMF receives and sends (both sockets) to a pcap file\n"
		"  --t3-ms      Context Request retransmission timer (default 1000)\n"
		"  --n3         Context Request retransmissions (default 2)\n"
		"  --max-procs  registrations in progress at once, power of two <= 65536 (4096)\n"
		"  --kamf-check log a check value of each registered UE's K_AMF (for tests; the\n"
		"               value is 4 octets of KDF(K_AMF, FC 0xff, label), see host.h)\n"
		"  --metrics    serve Prometheus metrics at http://ADDR:PORT/metrics\n");
}

int nasmac__amf_main(int argc, char **argv)
{
	static const struct option opts[] = {
		NASMAC__DAEMON_LONGOPTS,
		{ "mme", required_argument, NULL, 'm' },   { "t3-ms", required_argument, NULL, 't' },
		{ "n3", required_argument, NULL, 'n' },    { "max-procs", required_argument, NULL, 'P' },
		{ "kamf-check", no_argument, NULL, 'K' }, { 0, 0, 0, 0 },
	};
	struct nasmac__daemon_args da = { .backend = "cpu", .level = NASMAC__LOG_INFO };
	const char *mme[MAX_MMES + 1];
	uint32_t t3 = 1000, n3 = 2, max_procs = 4096, n_mme = 0;
	int c, rc, ret = 1, kamf_check = 0, metrics_failed = 0;
	struct sockaddr_in any;
	struct amf *a;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'm':
			/* One more than allowed is kept, so the check below can say what is wrong. */
			if (n_mme <= MAX_MMES)
				mme[n_mme++] = optarg;
			break;
		case 'K': kamf_check = 1; break;
		case 't':
			if (nasmac__parse_u32(optarg, 1, 60000, &t3))
				goto out_usage;
			break;
		case 'n':
			if (nasmac__parse_u32(optarg, 0, 10, &n3))
				goto out_usage;
			break;
		case 'P':
			if (nasmac__parse_u32(optarg, 16, 65536, &max_procs) ||
			    (max_procs & (max_procs - 1)))
				goto out_usage;
			break;
		default:
			rc = nasmac__daemon_getopt(&da, c, optarg, usage);
			if (rc)
				return rc < 0 ? 0 : 2;
		}
	}
	if (!da.listen || !n_mme || optind != argc)
		goto out_usage;
	nasmac__log_init("amf", da.level);
	a = calloc(1, sizeof(*a));
	if (!a)
		return 1;
	if (nasmac__parse_addr(da.listen, &a->link_addr)) {
		fprintf(stderr, "nasmacd amf: bad --listen address '%s'\n", da.listen);
		goto out_free_a;
	}
	if (parse_mmes(a, mme, n_mme))
		goto out_free_a;
	a->kamf_check = kamf_check;
	a->t3_ms = t3;
	a->n3 = n3;
	a->smc_timeout_ms = 5000;
	a->n_procs = max_procs;
	a->procs = calloc(max_procs, sizeof(*a->procs));
	if (!a->procs)
		goto out_free_a;
	if (nasmac__txn_tab_init(&a->by_seq, max_procs) ||
	    nasmac__txn_tab_init(&a->by_teid, max_procs))
		goto out_free_procs;
	a->timers.next = a->timers.prev = &a->timers;
	if (nasmac__daemon_open_loop(&a->loop, &a->vq, da.backend, on_job, a, da.pcap, &a->pcap))
		goto out_free_procs;
	a->vq.after = after_jobs;
	rc = nasmac__udp_open(&a->loop, &a->link, &a->link_addr, on_link, a);
	if (rc) {
		nasmac__log(NASMAC__LOG_ERR, "cannot listen on %s: %s", da.listen, uv_strerror(rc));
		goto out_close_vq;
	}
	/* The N26 client socket: the same address as the test link, any port. */
	any = a->link_addr;
	any.sin_port = 0;
	rc = nasmac__udp_open(&a->loop, &a->n26, &any, on_n26, a);
	if (rc) {
		nasmac__log(NASMAC__LOG_ERR, "cannot open the N26 socket: %s", uv_strerror(rc));
		goto out_close_link;
	}
	a->n26_self = any;
	a->n26_self.sin_port = htons((uint16_t)nasmac__udp_port(&a->n26));
	nasmac__daemon_tick(&a->loop, &a->tick, on_tick, a, 10, amf_rl, N_AMF_RL);
	if (da.metrics) {
		const struct nasmac__metrics_spec sp = {
			.base = &a->c, .tbl = counter_tbl,
			.n = sizeof(counter_tbl) / sizeof(counter_tbl[0]),
			.hist_name = "amf_registration_duration_seconds",
			.hist_help = "Registration Request to Registration Accept",
			.hist = &a->latency, .refresh = fetch_counters, .arg = a,
		};

		metrics_failed = nasmac__daemon_metrics(&a->loop, da.metrics, &sp, &a->metrics);
	}
	nasmac__daemon_init(&a->d, &a->loop, print_counters, a);
	{
		char line[64];

		mme_list(a, line, sizeof(line));
		nasmac__log(NASMAC__LOG_INFO, "UE test link on %s, %s, backend %s", da.listen, line,
			    da.backend);
	}
	nasmac__daemon_run(&a->d);
	print_counters(a, "exit");
	for (uint32_t i = 0; a->by_gummei && i < a->n_mmes; i++)
		nasmac__log(NASMAC__LOG_INFO, "pool (exit): MME %s: %llu Context Requests",
			    a->mmes[i].name, (unsigned long long)a->mmes[i].requests);
	ret = metrics_failed;

	nasmac__daemon_close(&a->d);
	uv_close((uv_handle_t *)&a->tick, NULL);
	nasmac__metrics_stop(a->metrics);
	nasmac__udp_close(&a->n26);
out_close_link:
	nasmac__udp_close(&a->link);
out_close_vq:
	nasmac__daemon_close_loop(&a->loop, &a->vq, a->pcap);
out_free_procs:
	nasmac__daemon_rl_forget(a, amf_rl, N_AMF_RL);
	nasmac__txn_tab_free(&a->by_seq);
	nasmac__txn_tab_free(&a->by_teid);
	explicit_bzero(a->procs, (size_t)a->n_procs * sizeof(*a->procs));
	free(a->procs);
out_free_a:
	free(a);
	return ret;

out_usage:
	usage(stderr);
	return 2;
}
