/*
 * The messages the wire tests, the pcap generator and the fuzz seed generator share: one UE, one
 * MME, one AMF, filled into the structs of host/common/gtp.h and nas.h. The expected octets of
 * these messages are written out by hand in test_wire.c, not here, so an encoder bug cannot hide by
 * being used to make its own expectation.
 */
#ifndef NASMAC_TESTS_WIRE_FIXTURES_H
#define NASMAC_TESTS_WIRE_FIXTURES_H

#include <stdint.h>
#include <string.h>

#include "gtp.h"
#include "nas.h"

/* 4G GUTI (TS 24.301 9.9.3.12 octets 4-13, same order as the GTPv2-C GUTI IE, TS 29.274 8.47):
 * MCC 001 / MNC 01 as 00 f1 10, MME Group ID 0x8001, MME Code 0x41, M-TMSI 0xc0ffee01. */
static const uint8_t fx_guti[NASMAC__GUTI_LEN] = { 0x00, 0xf1, 0x10, 0x80, 0x01,
						    0x41, 0xc0, 0xff, 0xee, 0x01 };
/* An arbitrary NAS-MAC and SQN: the codecs carry them, they do not compute them. */
static const uint8_t fx_mac[4] = { 0xde, 0xad, 0xbe, 0xef };
#define FX_SQN 0x05u
/* Replayed / UE security capability octets: 5G-EA0-3, 5G-IA0-3, EEA0-3, EIA0-3. */
static const uint8_t fx_caps[4] = { 0xf0, 0xf0, 0xf0, 0xf0 };
/* K_ASME and K_AMF: counting octets, recognisable in a hex dump. */
static inline void fx_key(uint8_t key[32], uint8_t first)
{
	for (unsigned i = 0; i < 32; i++)
		key[i] = (uint8_t)(first + i);
}

/* TRACKING AREA UPDATE REQUEST: KSI 3, combined TA/LA updating. */
static inline void fx_tau(struct nasmac__tau *t)
{
	memset(t, 0, sizeof(*t));
	t->ksi = 3;
	t->update_type = 1;
	memcpy(t->guti, fx_guti, sizeof(fx_guti));
}

/* The TAU Request, integrity protected (security header type 1) with fx_mac / FX_SQN. */
static inline int fx_tau_pdu(uint8_t *buf, size_t size)
{
	struct nasmac__tau t;
	uint8_t plain[64];
	int n;

	fx_tau(&t);
	n = nasmac__nas_enc_tau(&t, plain, sizeof(plain));
	if (n < 0)
		return n;
	return nasmac__nas_eps_protect(1, fx_mac, FX_SQN, plain, (size_t)n, buf, size);
}

/* REGISTRATION REQUEST, mobility registration updating. 3GPP flow: ngKSI 7 (no key) and the
 * protected TAU Request in the EPS NAS message container; FIG. 3: ngKSI mapped | 3, no container. */
static inline void fx_rr(struct nasmac__rr *r, const uint8_t *container, size_t container_len)
{
	memset(r, 0, sizeof(*r));
	r->ngksi = container ? 7 : 0x8 | 3;
	r->reg_type = 2;
	memcpy(r->guti, fx_guti, sizeof(fx_guti));
	memcpy(r->ue_sec_cap, fx_caps, sizeof(fx_caps));
	r->eps_container = container;
	r->eps_container_len = container_len;
}

/* SECURITY MODE COMMAND: 128-NIA2, NEA0, ngKSI mapped | 3. */
static inline void fx_smc(struct nasmac__smc *s)
{
	memset(s, 0, sizeof(*s));
	s->nia = 2;
	s->nea = 0;
	s->ngksi = 0x8 | 3;
	memcpy(s->ue_sec_cap, fx_caps, sizeof(fx_caps));
}

/* The header of an answer: to the asker's TEID, in the transaction of sequence number 0x123456. */
static inline void fx_hdr(struct nasmac__gtp_hdr *h, uint8_t type, uint32_t teid)
{
	h->type = type;
	h->has_teid = 1;
	h->teid = teid;
	h->seq = 0x123456;
}

/* Context Request from the AMF: GUTI, Complete Request Message, AMF F-TEID (interface type 40,
 * TEID 0x11223344, 127.0.0.1), RAT Type NR, sequence number 0x123456. */
static inline void fx_ctx_req(struct nasmac__ctx_req *m, uint8_t crm_type, const uint8_t *crm,
			      size_t crm_len)
{
	memset(m, 0, sizeof(*m));
	m->h.seq = 0x123456;
	m->has_guti = 1;
	memcpy(m->guti, fx_guti, sizeof(fx_guti));
	m->has_crm = 1;
	m->crm_type = crm_type;
	m->crm = crm;
	m->crm_len = crm_len;
	m->has_fteid = 1;
	m->fteid_if = 40;
	m->fteid_teid = 0x11223344;
	memcpy(&m->fteid_ipv4, "\x7f\x00\x00\x01", 4);
	m->rat = 10;
}

/* Context Response: to TEID 0x11223344, sequence 0x123456; accepted ones carry IMSI
 * 001010123456789, KSI 3, EIA2, EEA0, DL COUNT 0x000102, UL COUNT 0x0000ff, K_ASME 00..1f, MME F-TEID
 * 0x55667788 / 10.0.0.1 and, for FIG. 3 step 305, K_AMF 40..5f. */
static inline void fx_ctx_rsp(struct nasmac__ctx_rsp *m, uint8_t cause, int with_kamf)
{
	memset(m, 0, sizeof(*m));
	fx_hdr(&m->h, NASMAC__GTP_CTX_RSP, 0x11223344);
	m->cause = cause;
	if (cause != NASMAC__CAUSE_ACCEPTED)
		return; /* a rejection carries the Cause only, as the MME sends it */
	m->has_imsi = 1;
	strcpy(m->imsi, "001010123456789");
	m->has_mm = 1;
	m->ksi = 3;
	m->eia = 2;
	m->eea = 0;
	m->dl_count = 0x000102;
	m->ul_count = 0x0000ff;
	fx_key(m->kasme, 0x00);
	m->has_fteid = 1;
	m->fteid_teid = 0x55667788;
	memcpy(&m->fteid_ipv4, "\x0a\x00\x00\x01", 4);
	if (with_kamf) {
		m->has_kamf = 1;
		fx_key(m->kamf, 0x40);
	}
}

/* Context Acknowledge to the MME's TEID 0x55667788, sequence 0x123456, Request accepted. */
static inline void fx_ctx_ack(struct nasmac__ctx_ack *m)
{
	memset(m, 0, sizeof(*m));
	fx_hdr(&m->h, NASMAC__GTP_CTX_ACK, 0x55667788);
	m->cause = NASMAC__CAUSE_ACCEPTED;
}

/* The rejection causes an MME answers a Context Request with (TS 29.274 Table 8.4-1). */
static const uint8_t fx_reject_causes[] = {
	NASMAC__CAUSE_CONTEXT_NOT_FOUND, NASMAC__CAUSE_INVALID_FORMAT,
	NASMAC__CAUSE_INVALID_LENGTH, NASMAC__CAUSE_MANDATORY_IE_INCORRECT,
	NASMAC__CAUSE_MANDATORY_IE_MISSING, NASMAC__CAUSE_NO_RESOURCES,
	NASMAC__CAUSE_USER_AUTH_FAILED, NASMAC__CAUSE_REQUEST_REJECTED,
	NASMAC__CAUSE_CONDITIONAL_IE_MISSING, NASMAC__CAUSE_TEMP_REJECTED,
};

/* The 5GMM causes the AMF puts in a Registration Reject (TS 24.501 Table 9.11.3.2.1): #3 Illegal
 * UE, #9 UE identity cannot be derived by the network, #22 Congestion, #111 Protocol error. */
static const uint8_t fx_5gmm_causes[] = { 3, 9, 22, 111 };

#endif /* NASMAC_TESTS_WIRE_FIXTURES_H */
