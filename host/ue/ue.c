/*
 * The simulated UE: builds the Registration Request (and TAU Request) of its flow with its EPS
 * context, derives K_AMF itself and checks that the AMF's NAS SMC and Registration Accept verify
 * with the 5G keys derived from it: the proof that both sides hold the same K_AMF.
 *
 * COUNTs: the context's ul_count is the COUNT of the last uplink message the MME accepted; the
 * UE's next message uses ul_count + 1. FIG. 2 protects the TAU Request with COUNT c and the
 * Registration Request with c + 1; FIG. 3 the Registration Request with c; 3GPP mode the TAU
 * Request with c. K_AMF is always derived from c, the COUNT of the message the MME verified
 * (TS 33.501 A.15.1 names the TAU's COUNT; FIG. 3 has no TAU, so it is the Registration
 * Request's).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "gtp.h"
#include "nas.h"
#include "ue.h"

#define BEARER_3GPP 1u

static const uint8_t ue_sec_cap[4] = { 0xf0, 0x70, 0xf0, 0x70 }; /* EA0-3, IA1-3 both systems */

/* EPS-protected message: MAC over SQN || plain with the EPS K_NASint (BEARER 0, uplink). */
static int eps_mac(const struct nasmac__ue *c, uint32_t count, const uint8_t *msg, size_t len,
		   uint8_t mac[4])
{
	return nasmac_mac((nasmac_alg_t)c->eia, c->knas_int, count, 0, 0, msg, len * 8, mac);
}

static int protect(int five_g, const struct nasmac__ue *c, uint32_t count, const uint8_t *plain,
		   size_t plain_len, const uint8_t *extra, size_t extra_len, int tamper,
		   uint8_t *out, size_t size)
{
	uint8_t msg[1400], mac[4];
	int rc;

	if (1 + plain_len + extra_len > sizeof(msg))
		return -ENOSPC;
	msg[0] = (uint8_t)count;
	memcpy(msg + 1, plain, plain_len);
	if (extra_len)
		memcpy(msg + 1 + plain_len, extra, extra_len);
	rc = eps_mac(c, count, msg, 1 + plain_len + extra_len, mac);
	if (rc)
		return rc;
	if (tamper)
		mac[tamper == 1 ? 0 : 3] ^= 0x5a;
	if (five_g)
		return nasmac__nas_5g_protect(1, mac, (uint8_t)count, plain, plain_len, out, size);
	return nasmac__nas_eps_protect(1, mac, (uint8_t)count, plain, plain_len, out, size);
}

int nasmac__uesim_tau(const struct nasmac__ue *c, uint32_t count, uint8_t *out, size_t size)
{
	struct nasmac__tau t;
	uint8_t plain[128];
	int n;

	memset(&t, 0, sizeof(t));
	t.ksi = c->ksi;
	memcpy(t.guti, c->guti, sizeof(t.guti));
	n = nasmac__nas_enc_tau(&t, plain, sizeof(plain));
	if (n < 0)
		return n;
	return protect(0, c, count, plain, (size_t)n, NULL, 0, 0, out, size);
}

int nasmac__uesim_ctx_req(const struct nasmac__ue *c, uint32_t count, uint32_t seq, uint32_t teid,
			  int tamper, uint8_t *out, size_t size)
{
	struct nasmac__ctx_req r;
	uint8_t tau[160];
	int tl;

	tl = nasmac__uesim_tau(c, count & NASMAC__COUNT_MASK, tau, sizeof(tau));
	if (tl < 0)
		return tl;
	if (tamper)
		tau[2] ^= 0x40; /* octets 2-5 are the NAS-MAC (TS 24.301 9.1) */
	memset(&r, 0, sizeof(r));
	r.h.type = NASMAC__GTP_CTX_REQ;
	r.h.has_teid = 1; /* TEID 0: the AMF does not know the MME's yet */
	r.h.seq = seq & 0xffffffu;
	r.has_guti = 1;
	memcpy(r.guti, c->guti, sizeof(r.guti));
	r.has_crm = 1;
	r.crm_type = NASMAC__CRM_TAU;
	r.crm = tau;
	r.crm_len = (size_t)tl;
	r.has_fteid = 1;
	r.fteid_if = 40; /* N26 AMF GTP-C */
	r.fteid_teid = teid;
	r.fteid_ipv4 = htonl(INADDR_LOOPBACK);
	r.rat = 10; /* NR */
	return nasmac__gtp_enc_ctx_req(&r, out, size);
}

int nasmac__uesim_build(struct nasmac__uesim *u)
{
	struct nasmac__link_frame f = { .ue_id = u->link_id, .kind = NASMAC__LINK_UL };
	struct nasmac__ue *c = &u->ctx;
	uint32_t cnt = (c->ul_count + 1) & NASMAC__COUNT_MASK;
	uint8_t tau_plain[128], tau[160], rr_plain[512], rr[560], extra[160];
	struct nasmac__tau t;
	struct nasmac__rr r;
	int tau_len, rr_plain_len, rr_len, n, rc;
	size_t extra_len = 0;

	/* FIG. 2 spends two COUNTs; neither may pass the 24-bit end (it would repeat a COUNT
	 * under the same key: the context must be replaced first, which is not simulated). */
	if (c->ul_count + (u->flow == NASMAC__FLOW_FIG2 ? 2u : 1u) > NASMAC__COUNT_MASK)
		return -ERANGE;
	memset(&t, 0, sizeof(t));
	t.ksi = c->ksi;
	t.update_type = 0; /* TA updating */
	memcpy(t.guti, c->guti, sizeof(t.guti));
	memset(&r, 0, sizeof(r));
	r.reg_type = 2; /* mobility registration updating */
	memcpy(r.guti, c->guti, sizeof(r.guti));
	memcpy(r.ue_sec_cap, ue_sec_cap, sizeof(r.ue_sec_cap));

	n = nasmac__nas_enc_tau(&t, tau_plain, sizeof(tau_plain));
	if (n < 0)
		return n;
	tau_len = 0;
	if (u->flow != NASMAC__FLOW_FIG3) {
		tau_len = protect(0, c, cnt, tau_plain, (size_t)n, NULL, 0,
				  u->tamper == NASMAC__TAMPER_FIRST, tau, sizeof(tau));
		if (tau_len < 0)
			return tau_len;
	}
	u->kamf_count = cnt;
	if (u->flow == NASMAC__FLOW_3GPP) {
		/* No current 5G context: a plain Registration Request carrying the protected
		 * TAU Request in its EPS NAS message container (TS 24.501 8.2.6.16). */
		r.ngksi = 7; /* no key available */
		r.eps_container = tau;
		r.eps_container_len = (size_t)tau_len;
		rr_len = nasmac__nas_enc_rr(&r, rr, sizeof(rr));
		if (rr_len < 0)
			return rr_len;
		c->ul_count = cnt;
		f.n_pdu = 1;
	} else {
		/* The patent: the Registration Request protected with the EPS K_NASint, its
		 * ngKSI naming the mapped EPS context. */
		r.ngksi = (uint8_t)(0x8u | c->ksi);
		rr_plain_len = nasmac__nas_enc_rr(&r, rr_plain, sizeof(rr_plain));
		if (rr_plain_len < 0)
			return rr_plain_len;
		if (u->flow == NASMAC__FLOW_FIG2) {
			/* The second MAC, at COUNT c + 1, over the MESSAGE of the manner. */
			if (u->manner == 2 || u->manner == 3) {
				memcpy(extra, tau_plain, (size_t)n);
				extra_len = (size_t)n;
			}
			if (u->manner == 3 || u->manner == 4) {
				memcpy(extra + extra_len, tau + 1, 4); /* the first MAC */
				extra_len += 4;
			}
			cnt = (cnt + 1) & NASMAC__COUNT_MASK;
		}
		rr_len = protect(1, c, cnt, rr_plain, (size_t)rr_plain_len, extra, extra_len,
				 u->flow == NASMAC__FLOW_FIG2 ? u->tamper == NASMAC__TAMPER_SECOND
							      : u->tamper == NASMAC__TAMPER_FIRST,
				 rr, sizeof(rr));
		if (rr_len < 0)
			return rr_len;
		c->ul_count = cnt;
		f.n_pdu = u->flow == NASMAC__FLOW_FIG2 ? 2 : 1;
		f.info = u->flow == NASMAC__FLOW_FIG2 ? u->manner : 0;
	}
	f.pdu[0] = rr;
	f.pdu_len[0] = (size_t)rr_len;
	f.pdu[1] = tau;
	f.pdu_len[1] = (size_t)tau_len;
	n = nasmac__link_encode(&f, u->frame, sizeof(u->frame));
	if (n < 0)
		return n;
	u->frame_len = (size_t)n;
	rc = nasmac_kdf_kamf_from_kasme(c->kasme, u->kamf_count, u->kamf);
	if (!rc)
		rc = nasmac_kdf_5g_nas(u->kamf, NASMAC_ALG_TYPE_NAS_INT, c->eia, u->knas5);
	u->kamf_check = nasmac__key_check(u->kamf);
	return rc;
}

static int verify_dl(struct nasmac__uesim *u, const struct nasmac__nas_sec *s, uint32_t count)
{
	uint8_t mac[4];

	if (s->sqn != (uint8_t)count)
		return 0;
	if (nasmac_mac((nasmac_alg_t)u->ctx.eia, u->knas5, count, BEARER_3GPP, 1, s->msg,
		       s->msg_len * 8, mac))
		return 0;
	return nasmac_mac_equal(mac, s->mac);
}

int nasmac__uesim_on_dl(struct nasmac__uesim *u, const uint8_t *pdu, size_t len, uint8_t diag,
			uint8_t *out, size_t size)
{
	struct nasmac__link_frame f = { .ue_id = u->link_id, .kind = NASMAC__LINK_UL, .n_pdu = 1 };
	struct nasmac__nas_sec s;
	struct nasmac__smc smc;
	uint8_t plain[64], mac[4], msg[65], rsp[96];
	int type, n;

	if (len >= 3 && pdu[0] == 0x7e && (pdu[1] & 0x0f) == 0) {
		if (nasmac__nas_5g_type(pdu, len) != NASMAC__5GMM_REG_REJECT) {
			u->why = "unexpected plain NAS message";
			return -EPROTO;
		}
		u->outcome = diag ? diag : NASMAC__DIAG_OTHER;
		u->state = NASMAC__SIM_DONE;
		return 0;
	}
	if (nasmac__nas_5g_sec(pdu, len, &s)) {
		u->why = "undecodable downlink NAS";
		return -EPROTO;
	}
	type = nasmac__nas_5g_type(s.plain, s.plain_len);
	if (type == NASMAC__5GMM_SMC && u->state == NASMAC__SIM_SENT) {
		if (!verify_dl(u, &s, 0)) {
			u->why = "Security Mode Command MAC did not verify: the AMF's K_AMF differs";
			return -EBADMSG;
		}
		if (nasmac__nas_dec_smc(s.plain, s.plain_len, &smc) || smc.nia != u->ctx.eia ||
		    smc.ngksi != (0x8u | u->ctx.ksi) ||
		    memcmp(smc.ue_sec_cap, ue_sec_cap, sizeof(ue_sec_cap))) {
			u->why = "Security Mode Command with wrong algorithm, ngKSI or capabilities";
			return -EBADMSG;
		}
		n = nasmac__nas_enc_smc_complete(plain, sizeof(plain));
		if (n < 0 || (size_t)n + 1 > sizeof(msg))
			return -ENOSPC;
		/* The first uplink message of the mapped 5G context: COUNT 0. */
		msg[0] = 0;
		memcpy(msg + 1, plain, (size_t)n);
		if (nasmac_mac((nasmac_alg_t)u->ctx.eia, u->knas5, 0, BEARER_3GPP, 0, msg,
			       ((size_t)n + 1) * 8, mac))
			return -EINVAL;
		n = nasmac__nas_5g_protect(4, mac, 0, plain, (size_t)n, rsp, sizeof(rsp));
		if (n < 0)
			return n;
		f.pdu[0] = rsp;
		f.pdu_len[0] = (size_t)n;
		u->state = NASMAC__SIM_SMC_DONE;
		return nasmac__link_encode(&f, out, size);
	}
	if (type == NASMAC__5GMM_REG_ACCEPT && u->state == NASMAC__SIM_SMC_DONE) {
		if (!verify_dl(u, &s, 1)) {
			u->why = "Registration Accept MAC did not verify";
			return -EBADMSG;
		}
		u->outcome = NASMAC__DIAG_NONE;
		u->state = NASMAC__SIM_DONE;
		return 0;
	}
	u->why = "unexpected downlink NAS message";
	return -EPROTO;
}
