/*
 * The message view of wire.h on raw octets: GTPv2-C (TS 29.274), EPS NAS (TS 24.301) and 5GS NAS
 * (TS 24.501) for the messages nasmacd speaks. Every decoder checks every length before it reads.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "wire.h"

/* GTPv2-C IE types (Table 8.1-1). */
enum {
	IE_IMSI = 1,
	IE_CAUSE = 2,
	IE_RECOVERY = 3,
	IE_INDICATION = 77,
	IE_RAT_TYPE = 82,
	IE_FTEID = 87,
	IE_MM_EPS = 107,
	IE_CRM = 116,
	IE_GUTI = 117,
	IE_PRIVATE = 255,
};

/* The project's extensions (host/README.md), both in Private Extension IEs (TS 29.274 8.67) with
 * the enterprise number reserved for documentation (32473, RFC 5612), so that any GTPv2-C peer or
 * dissector skips them as the vendor data they are:
 *  tag 1: K_AMF derived by the MME (FIG. 3 step 305), in the Context Response;
 *  tag 2: the protected Registration Request of FIG. 3, in the Context Request. The Complete
 *         Request Message IE cannot carry it: Table 8.46-1 defines only Attach and TAU, and
 *         peers (tshark 4.0 among them) read its payload as EPS NAS whatever the type says;
 *  tag 3: with tag 1, the rest of the EPS security context without K_ASME: KSI (1 octet),
 *         NAS algorithms (integrity << 4 | cipher, 1), NAS downlink and uplink COUNT (3 + 3),
 *         as in the MM Context IE (8.38). An MM Context IE has no form without a K_ASME, and
 *         one with a made-up K_ASME (all zero) is a key a standard AMF would take; without it
 *         a standard AMF finds no MM Context in an accepted response and uses nothing.
 * CRM_TYPE_RR is the decoded form of tag 2; it is outside the 2-bit field of a real CRM IE. */
#define CRM_TYPE_RR 0xffu
#define PRIV_ENTERPRISE 32473u
#define PRIV_TAG_KAMF 1u
#define PRIV_TAG_RR 2u
#define PRIV_TAG_SEC 3u

uint8_t nasmac__crm_type_rr(void)
{
	return CRM_TYPE_RR;
}

struct wbuf {
	uint8_t *p;
	size_t size, len;
	int err;
};

static void put(struct wbuf *w, const void *src, size_t n)
{
	if (w->err || w->len + n > w->size) {
		w->err = -ENOSPC;
		return;
	}
	/* memcpy wants valid pointers even for n == 0 (C11 7.24.1p2); empty IEs pass NULL. */
	if (n)
		memcpy(w->p + w->len, src, n);
	w->len += n;
}

static void put8(struct wbuf *w, uint32_t v)
{
	uint8_t b = (uint8_t)v;
	put(w, &b, 1);
}

static void put16(struct wbuf *w, uint32_t v)
{
	uint8_t b[2] = { (uint8_t)(v >> 8), (uint8_t)v };
	put(w, b, 2);
}

static void put24(struct wbuf *w, uint32_t v)
{
	uint8_t b[3] = { (uint8_t)(v >> 16), (uint8_t)(v >> 8), (uint8_t)v };
	put(w, b, 3);
}

static void put32(struct wbuf *w, uint32_t v)
{
	put16(w, v >> 16);
	put16(w, v & 0xffffu);
}

static uint32_t get16(const uint8_t *p)
{
	return (uint32_t)p[0] << 8 | p[1];
}

static uint32_t get24(const uint8_t *p)
{
	return (uint32_t)p[0] << 16 | (uint32_t)p[1] << 8 | p[2];
}

static uint32_t get32(const uint8_t *p)
{
	return get16(p) << 16 | get16(p + 2);
}

/* ------------------------------------------------------------------------------------------ */
/* GTPv2-C */

static void gtp_hdr(struct wbuf *w, uint8_t type, uint32_t teid, uint32_t seq)
{
	put8(w, 0x48); /* version 2, T = 1 */
	put8(w, type);
	put16(w, 0); /* length, patched by gtp_end */
	put32(w, teid);
	put24(w, seq & 0xffffffu);
	put8(w, 0);
}

static int gtp_end(struct wbuf *w)
{
	if (w->err)
		return w->err;
	if (w->len - 4 > 0xffff)
		return -ENOSPC;
	w->p[2] = (uint8_t)((w->len - 4) >> 8);
	w->p[3] = (uint8_t)(w->len - 4);
	return (int)w->len;
}

static void ie_hdr(struct wbuf *w, uint8_t type, size_t len, uint8_t instance)
{
	put8(w, type);
	put16(w, (uint32_t)len);
	put8(w, instance & 0x0fu);
}

static void ie_imsi(struct wbuf *w, const char *imsi)
{
	size_t n = strlen(imsi);

	ie_hdr(w, IE_IMSI, (n + 1) / 2, 0);
	for (size_t i = 0; i < n; i += 2) {
		uint8_t lo = (uint8_t)(imsi[i] - '0');
		uint8_t hi = i + 1 < n ? (uint8_t)(imsi[i + 1] - '0') : 0x0f;
		put8(w, (uint32_t)(hi << 4 | lo));
	}
}

/* With an offending IE (a missing or faulty mandatory one), the 6-octet form of 8.4: type,
 * length 0, spare and instance 0 of the IE at fault. */
static void ie_cause(struct wbuf *w, uint8_t cause, uint8_t offending_ie)
{
	ie_hdr(w, IE_CAUSE, offending_ie ? 6 : 2, 0);
	put8(w, cause);
	put8(w, 0);
	if (offending_ie) {
		put8(w, offending_ie);
		put16(w, 0);
		put8(w, 0);
	}
}

static void ie_fteid(struct wbuf *w, uint8_t iftype, uint32_t teid, uint32_t ipv4)
{
	ie_hdr(w, IE_FTEID, 9, 0);
	put8(w, 0x80u | (iftype & 0x3fu)); /* V4 */
	put32(w, teid);
	put(w, &ipv4, 4); /* already in network order */
}

int nasmac__gtp_peek(const uint8_t *buf, size_t len, struct nasmac__gtp_hdr *h)
{
	memset(h, 0, sizeof(*h));
	if (len < 8 || (buf[0] >> 5) != 2)
		return -EINVAL;
	h->type = buf[1];
	if (buf[0] & 0x08) {
		if (len < 12)
			return -EINVAL;
		h->has_teid = 1;
		h->teid = get32(buf + 4);
		h->seq = get24(buf + 8);
	} else {
		h->seq = get24(buf + 4);
	}
	return 0;
}

/* Walks the IEs after the header; calls fn for each top-level IE. Returns 0 or a cause. */
typedef int (*ie_fn)(void *m, uint8_t type, uint8_t instance, const uint8_t *v, size_t len);

static int gtp_walk(const uint8_t *buf, size_t len, struct nasmac__gtp_hdr *h, void *m, ie_fn fn)
{
	size_t off, total;
	int rc;

	if (nasmac__gtp_peek(buf, len, h))
		return NASMAC__CAUSE_INVALID_FORMAT;
	total = get16(buf + 2) + 4u;
	if (total != len || !h->has_teid)
		return total != len ? NASMAC__CAUSE_INVALID_LENGTH : NASMAC__CAUSE_INVALID_FORMAT;
	for (off = 12; off < len;) {
		size_t n;
		if (len - off < 4)
			return NASMAC__CAUSE_INVALID_LENGTH;
		n = get16(buf + off + 1);
		if (n > len - off - 4)
			return NASMAC__CAUSE_INVALID_LENGTH;
		rc = fn(m, buf[off], buf[off + 3] & 0x0f, buf + off + 4, n);
		if (rc)
			return rc;
		off += 4 + n;
	}
	return 0;
}

static int dec_imsi(const uint8_t *v, size_t len, char out[16])
{
	size_t k = 0;

	if (len == 0 || len > 8)
		return -1;
	for (size_t i = 0; i < len; i++) {
		uint8_t lo = v[i] & 0x0f, hi = v[i] >> 4;
		if (lo > 9)
			return -1;
		out[k++] = (char)('0' + lo);
		if (hi == 0x0f && i == len - 1)
			break;
		if (hi > 9)
			return -1;
		out[k++] = (char)('0' + hi);
	}
	if (k > 15)
		return -1;
	out[k] = '\0';
	return 0;
}

static int req_ie_value(struct nasmac__ctx_req *m, uint8_t type, uint8_t inst, const uint8_t *v,
			size_t len);

/* Notes which IE was at fault, for the Cause IE of the refusal (8.4: offending IE). */
static int req_ie(void *mv, uint8_t type, uint8_t inst, const uint8_t *v, size_t len)
{
	struct nasmac__ctx_req *m = mv;
	int rc = req_ie_value(m, type, inst, v, len);

	if (rc && !m->bad_ie)
		m->bad_ie = type;
	return rc;
}

static int req_ie_value(struct nasmac__ctx_req *m, uint8_t type, uint8_t inst, const uint8_t *v,
			size_t len)
{
	/* A repeated IE whose repetition the message does not define: only the first is handled,
	 * later ones are ignored (TS 29.274 7.7, error handling of repeated IEs); the same holds in
	 * the Response and Acknowledge decoders below. */
	if (inst != 0)
		return 0;
	switch (type) {
	case IE_IMSI:
		if (m->has_imsi)
			break;
		if (dec_imsi(v, len, m->imsi))
			return NASMAC__CAUSE_MANDATORY_IE_INCORRECT;
		m->has_imsi = 1;
		break;
	case IE_GUTI:
		if (m->has_guti)
			break;
		if (len != NASMAC__GUTI_LEN)
			return NASMAC__CAUSE_MANDATORY_IE_INCORRECT;
		memcpy(m->guti, v, NASMAC__GUTI_LEN);
		m->has_guti = 1;
		break;
	case IE_CRM:
		/* One request message per Context Request: a CRM beside a FIG. 3 extension leaves
		 * it unclear which message the MAC check is about. */
		if (m->has_crm && m->crm_type == CRM_TYPE_RR)
			return NASMAC__CAUSE_MANDATORY_IE_INCORRECT;
		if (m->has_crm)
			break;
		if (len < 2)
			return NASMAC__CAUSE_MANDATORY_IE_INCORRECT;
		m->crm_type = v[0] & 0x03; /* octet 5 bits 1-2; the rest is spare */
		m->crm = v + 1;
		m->crm_len = len - 1;
		m->has_crm = 1;
		break;
	case IE_PRIVATE:
		/* Other enterprises' and other tags' extensions are skipped like unknown IEs. */
		if (len < 4 || get16(v) != PRIV_ENTERPRISE || v[2] != PRIV_TAG_RR)
			break;
		if (m->has_crm && m->crm_type != CRM_TYPE_RR)
			return NASMAC__CAUSE_MANDATORY_IE_INCORRECT;
		if (m->has_crm)
			break;
		m->crm_type = CRM_TYPE_RR;
		m->crm = v + 3;
		m->crm_len = len - 3;
		m->has_crm = 1;
		break;
	case IE_FTEID:
		if (m->has_fteid)
			break;
		if (len < 9 || !(v[0] & 0x80))
			return NASMAC__CAUSE_MANDATORY_IE_INCORRECT;
		m->fteid_if = v[0] & 0x3f;
		m->fteid_teid = get32(v + 1);
		memcpy(&m->fteid_ipv4, v + 5, 4);
		m->has_fteid = 1;
		break;
	case IE_RAT_TYPE:
		if (len >= 1 && !m->rat)
			m->rat = v[0];
		break;
	default:
		/* Unknown or unused IEs are skipped (29.274 7.7.8). */
		break;
	}
	return 0;
}

int nasmac__gtp_dec_ctx_req(const uint8_t *buf, size_t len, struct nasmac__ctx_req *m)
{
	int rc;

	memset(m, 0, sizeof(*m));
	rc = gtp_walk(buf, len, &m->h, m, req_ie);
	if (rc)
		return rc;
	if (m->h.type != NASMAC__GTP_CTX_REQ)
		return NASMAC__CAUSE_INVALID_FORMAT;
	if (!m->has_guti && !m->has_imsi) {
		/* 7.3.5: the GUTI when the IMSI is not present. */
		m->bad_ie = IE_GUTI;
		return NASMAC__CAUSE_MANDATORY_IE_MISSING;
	}
	return 0;
}

static int mm_decode(struct nasmac__ctx_rsp *m, const uint8_t *v, size_t len)
{
	if (len < 41 || (v[0] >> 5) != 4)
		return NASMAC__CAUSE_MANDATORY_IE_INCORRECT;
	m->ksi = v[0] & 7u;
	m->eia = (v[2] >> 4) & 7u;
	m->eea = v[2] & 0x0fu;
	m->dl_count = get24(v + 3);
	m->ul_count = get24(v + 6);
	memcpy(m->kasme, v + 9, 32);
	m->has_mm = 1;
	return 0;
}

static int rsp_ie(void *mv, uint8_t type, uint8_t inst, const uint8_t *v, size_t len)
{
	struct nasmac__ctx_rsp *m = mv;

	if (inst != 0)
		return 0;
	switch (type) {
	case IE_CAUSE:
		if (m->cause)
			break;
		if (len < 2)
			return NASMAC__CAUSE_MANDATORY_IE_INCORRECT;
		m->cause = v[0];
		if (len >= 6)
			m->offending_ie = v[2];
		break;
	case IE_IMSI:
		if (m->has_imsi)
			break;
		if (dec_imsi(v, len, m->imsi))
			return NASMAC__CAUSE_MANDATORY_IE_INCORRECT;
		m->has_imsi = 1;
		break;
	case IE_MM_EPS:
		return m->has_mm ? 0 : mm_decode(m, v, len);
	case IE_FTEID:
		if (m->has_fteid)
			break;
		if (len < 9 || !(v[0] & 0x80))
			return NASMAC__CAUSE_MANDATORY_IE_INCORRECT;
		m->fteid_teid = get32(v + 1);
		memcpy(&m->fteid_ipv4, v + 5, 4);
		m->has_fteid = 1;
		break;
	case IE_PRIVATE:
		if (!m->has_kamf && len == 2 + 1 + 32 && get16(v) == PRIV_ENTERPRISE &&
		    v[2] == PRIV_TAG_KAMF) {
			memcpy(m->kamf, v + 3, 32);
			m->has_kamf = 1;
		} else if (!m->has_sec && len == 2 + 1 + 8 && get16(v) == PRIV_ENTERPRISE &&
			   v[2] == PRIV_TAG_SEC) {
			/* An MM Context IE, when there is one, says the same and comes first. */
			if (!m->has_mm) {
				m->ksi = v[3] & 7u;
				m->eia = (v[4] >> 4) & 7u;
				m->eea = v[4] & 0x0fu;
				m->dl_count = get24(v + 5);
				m->ul_count = get24(v + 8);
			}
			m->has_sec = 1;
		}
		break;
	default:
		break;
	}
	return 0;
}

int nasmac__gtp_dec_ctx_rsp(const uint8_t *buf, size_t len, struct nasmac__ctx_rsp *m)
{
	int rc;

	memset(m, 0, sizeof(*m));
	rc = gtp_walk(buf, len, &m->h, m, rsp_ie);
	if (rc)
		return rc;
	if (m->h.type != NASMAC__GTP_CTX_RSP || !m->cause)
		return NASMAC__CAUSE_MANDATORY_IE_MISSING;
	return 0;
}

static int ack_ie(void *mv, uint8_t type, uint8_t inst, const uint8_t *v, size_t len)
{
	struct nasmac__ctx_ack *m = mv;

	if (inst == 0 && type == IE_CAUSE && !m->cause) {
		if (len < 2)
			return NASMAC__CAUSE_MANDATORY_IE_INCORRECT;
		m->cause = v[0];
	}
	return 0;
}

int nasmac__gtp_dec_ctx_ack(const uint8_t *buf, size_t len, struct nasmac__ctx_ack *m)
{
	int rc;

	memset(m, 0, sizeof(*m));
	rc = gtp_walk(buf, len, &m->h, m, ack_ie);
	if (rc)
		return rc;
	if (m->h.type != NASMAC__GTP_CTX_ACK || !m->cause)
		return NASMAC__CAUSE_MANDATORY_IE_MISSING;
	return 0;
}

int nasmac__gtp_enc_ctx_req(const struct nasmac__ctx_req *m, uint8_t *buf, size_t size)
{
	struct wbuf w = { .p = buf, .size = size };

	gtp_hdr(&w, NASMAC__GTP_CTX_REQ, 0, m->h.seq);
	if (m->has_imsi)
		ie_imsi(&w, m->imsi);
	if (m->has_guti) {
		ie_hdr(&w, IE_GUTI, NASMAC__GUTI_LEN, 0);
		put(&w, m->guti, NASMAC__GUTI_LEN);
	}
	if (m->has_crm && m->crm_type != CRM_TYPE_RR) {
		if (m->crm_type > 3 || m->crm_len == 0)
			return -EINVAL;
		ie_hdr(&w, IE_CRM, 1 + m->crm_len, 0);
		put8(&w, m->crm_type);
		put(&w, m->crm, m->crm_len);
	}
	if (m->has_fteid)
		ie_fteid(&w, m->fteid_if, m->fteid_teid, m->fteid_ipv4);
	if (m->rat) {
		ie_hdr(&w, IE_RAT_TYPE, 1, 0);
		put8(&w, m->rat);
	}
	/* Private Extensions go last, as in every message table of TS 29.274. */
	if (m->has_crm && m->crm_type == CRM_TYPE_RR) {
		if (m->crm_len == 0)
			return -EINVAL;
		ie_hdr(&w, IE_PRIVATE, 2 + 1 + m->crm_len, 0);
		put16(&w, PRIV_ENTERPRISE);
		put8(&w, PRIV_TAG_RR);
		put(&w, m->crm, m->crm_len);
	}
	return gtp_end(&w);
}

int nasmac__gtp_enc_ctx_rsp(const struct nasmac__ctx_rsp *m, uint8_t *buf, size_t size)
{
	struct wbuf w = { .p = buf, .size = size };

	gtp_hdr(&w, NASMAC__GTP_CTX_RSP, m->h.teid, m->h.seq);
	ie_cause(&w, m->cause, m->offending_ie);
	if (m->has_imsi)
		ie_imsi(&w, m->imsi);
	if (m->has_mm) {
		/* EPS Security Context and Quadruplets (8.38, Figure 8.38-5), no quadruplets, no
		 * NH, no AMBR; then empty UE/MS network capability and MEI and the access
		 * restriction octet, so decoders that read on find what they expect. */
		ie_hdr(&w, IE_MM_EPS, 9 + 32 + 4, 0);
		put8(&w, 4u << 5 | (m->ksi & 7u));
		put8(&w, 0);
		put8(&w, (uint32_t)(m->eia & 7u) << 4 | (m->eea & 0x0fu));
		put24(&w, m->dl_count);
		put24(&w, m->ul_count);
		put(&w, m->kasme, 32);
		put8(&w, 0); /* UE network capability length */
		put8(&w, 0); /* MS network capability length */
		put8(&w, 0); /* MEI length */
		put8(&w, 0); /* access restriction flags */
	}
	if (m->has_fteid)
		ie_fteid(&w, 12, m->fteid_teid, m->fteid_ipv4); /* S10/N26 MME GTP-C */
	if (m->has_kamf) {
		ie_hdr(&w, IE_PRIVATE, 2 + 1 + 32, 0);
		put16(&w, PRIV_ENTERPRISE);
		put8(&w, PRIV_TAG_KAMF);
		put(&w, m->kamf, 32);
	}
	if (m->has_sec) {
		ie_hdr(&w, IE_PRIVATE, 2 + 1 + 8, 0);
		put16(&w, PRIV_ENTERPRISE);
		put8(&w, PRIV_TAG_SEC);
		put8(&w, m->ksi & 7u);
		put8(&w, (uint32_t)(m->eia & 7u) << 4 | (m->eea & 0x0fu));
		put24(&w, m->dl_count);
		put24(&w, m->ul_count);
	}
	return gtp_end(&w);
}

int nasmac__gtp_enc_ctx_ack(const struct nasmac__ctx_ack *m, uint8_t *buf, size_t size)
{
	struct wbuf w = { .p = buf, .size = size };

	gtp_hdr(&w, NASMAC__GTP_CTX_ACK, m->h.teid, m->h.seq);
	ie_cause(&w, m->cause, 0);
	/* SGW Change Indication = 1 during idle mode mobility over N26 (7.3.7). */
	ie_hdr(&w, IE_INDICATION, 2, 0);
	put8(&w, 0x01);
	put8(&w, 0x00);
	return gtp_end(&w);
}

int nasmac__gtp_enc_echo_rsp(uint32_t seq, uint8_t *buf, size_t size)
{
	return nasmac__gtp_enc_echo_rsp_recovery(seq, 0, buf, size);
}

int nasmac__gtp_enc_echo_rsp_recovery(uint32_t seq, uint8_t recovery, uint8_t *buf, size_t size)
{
	struct wbuf w = { .p = buf, .size = size };

	put8(&w, 0x40); /* version 2, T = 0 */
	put8(&w, NASMAC__GTP_ECHO_RSP);
	put16(&w, 0);
	put24(&w, seq & 0xffffffu);
	put8(&w, 0);
	ie_hdr(&w, IE_RECOVERY, 1, 0);
	put8(&w, recovery);
	return gtp_end(&w);
}

unsigned nasmac__gtp_other_version(const uint8_t *buf, size_t len)
{
	unsigned v = len >= 8 ? buf[0] >> 5 : 0;

	return v == 2 ? 0 : v;
}

int nasmac__gtp_enc_vnsi(uint8_t *buf, size_t size)
{
	struct wbuf w = { .p = buf, .size = size };

	put8(&w, 0x40); /* version 2, P = 0, T = 0 */
	put8(&w, NASMAC__GTP_VNSI);
	put16(&w, 0);
	put24(&w, 0);
	put8(&w, 0);
	return gtp_end(&w);
}

/* ------------------------------------------------------------------------------------------ */
/* NAS */

int nasmac__nas_eps_sec(const uint8_t *pdu, size_t len, struct nasmac__nas_sec *s)
{
	memset(s, 0, sizeof(*s));
	if (len < 8 || (pdu[0] & 0x0f) != 0x07 || (pdu[0] >> 4) == 0 || (pdu[0] >> 4) > 4)
		return -EINVAL;
	s->sht = pdu[0] >> 4;
	memcpy(s->mac, pdu + 1, 4);
	s->sqn = pdu[5];
	s->msg = pdu + 5;
	s->msg_len = len - 5;
	s->plain = pdu + 6;
	s->plain_len = len - 6;
	return 0;
}

int nasmac__nas_5g_sec(const uint8_t *pdu, size_t len, struct nasmac__nas_sec *s)
{
	memset(s, 0, sizeof(*s));
	if (len < 10 || pdu[0] != 0x7e || (pdu[1] & 0x0f) == 0 || (pdu[1] & 0x0f) > 4)
		return -EINVAL;
	s->sht = pdu[1] & 0x0f;
	memcpy(s->mac, pdu + 2, 4);
	s->sqn = pdu[6];
	s->msg = pdu + 6;
	s->msg_len = len - 6;
	s->plain = pdu + 7;
	s->plain_len = len - 7;
	return 0;
}

int nasmac__nas_eps_protect(uint8_t sht, const uint8_t mac[4], uint8_t sqn, const uint8_t *plain,
			    size_t plain_len, uint8_t *buf, size_t size)
{
	struct wbuf w = { .p = buf, .size = size };

	put8(&w, (uint32_t)sht << 4 | 0x07u);
	put(&w, mac, 4);
	put8(&w, sqn);
	put(&w, plain, plain_len);
	return w.err ? w.err : (int)w.len;
}

int nasmac__nas_5g_protect(uint8_t sht, const uint8_t mac[4], uint8_t sqn, const uint8_t *plain,
			   size_t plain_len, uint8_t *buf, size_t size)
{
	struct wbuf w = { .p = buf, .size = size };

	put8(&w, 0x7e);
	put8(&w, sht & 0x0fu);
	put(&w, mac, 4);
	put8(&w, sqn);
	put(&w, plain, plain_len);
	return w.err ? w.err : (int)w.len;
}

/*
 * Length of the optional IE at p[0] (len > 0 octets left), or 0 if it runs past the end.
 * TS 24.301 9.9.1 / TS 24.501 9.11.1 (after TS 24.007 11.2.4): an IEI with bit 8 set is a
 * one-octet type 1 or 2 IE; an IEI 0111 xxxx is a type 6 (TLV-E, 16-bit length) IE in EPS and
 * 5GS NAS (TS 24.007 11.2.4 from memory; every TLV-E IE of Tables 8.2.6.1.1 and 8.2.29.1 has
 * one: 70, 71, 72, 74, 77, 7B); type 3 (TV) IEs have a length only the message table gives
 * (tv_len); everything else is type 4 (TLV), which is also how an unknown IEI is skipped.
 */
static size_t opt_ie_len(const uint8_t *p, size_t len, size_t (*tv_len)(uint8_t iei))
{
	size_t n;

	if (p[0] & 0x80)
		return 1;
	n = tv_len(p[0]);
	if (n)
		return n <= len ? n : 0;
	if ((p[0] & 0xf0) == 0x70) {
		if (len < 3)
			return 0;
		n = 3 + get16(p + 1);
	} else {
		if (len < 2)
			return 0;
		n = 2 + (size_t)p[1];
	}
	return n <= len ? n : 0;
}

/* Type 3 IEs of TRACKING AREA UPDATE REQUEST (TS 24.301 Table 8.2.29.1), IEI included. */
static size_t tau_tv_len(uint8_t iei)
{
	switch (iei) {
	case 0x17: /* Additional information requested */
		return 2;
	case 0x5c: /* DRX parameter */
		return 3;
	case 0x19: /* Old P-TMSI signature */
		return 4;
	case 0x55: /* NonceUE */
		return 5;
	case 0x52: /* Last visited registered TAI */
	case 0x13: /* Old location area identification */
		return 6;
	default:
		return 0;
	}
}

/* Type 3 IEs of REGISTRATION REQUEST (TS 24.501 Table 8.2.6.1.1): only the TAI. */
static size_t rr_tv_len(uint8_t iei)
{
	return iei == 0x52 ? 7 : 0; /* Last visited registered TAI */
}

int nasmac__nas_dec_tau(const uint8_t *p, size_t len, struct nasmac__tau *t)
{
	memset(t, 0, sizeof(*t));
	/* PD EMM plain | TAU request | KSI+update type | Old GUTI LV (11) */
	if (len < 15 || p[0] != 0x07 || p[1] != 0x48 || p[3] != 11 || (p[4] & 0x07) != 0x06)
		return -EINVAL;
	/* The non-imperative part is walked only to refuse a truncated IE; nothing in it is used. */
	for (size_t off = 15, n; off < len; off += n) {
		n = opt_ie_len(p + off, len - off, tau_tv_len);
		if (!n)
			return -EINVAL;
	}
	t->ksi = (p[2] >> 4) & 7u;
	t->update_type = p[2] & 7u;
	memcpy(t->guti, p + 5, NASMAC__GUTI_LEN);
	return 0;
}

int nasmac__nas_enc_tau(const struct nasmac__tau *t, uint8_t *buf, size_t size)
{
	struct wbuf w = { .p = buf, .size = size };

	put8(&w, 0x07);
	put8(&w, 0x48);
	put8(&w, (uint32_t)(t->ksi & 7u) << 4 | (t->update_type & 7u));
	put8(&w, 11);
	put8(&w, 0xf6); /* 1111 | even | GUTI */
	put(&w, t->guti, NASMAC__GUTI_LEN);
	/* UE network capability (IEI 0x58): EEA0-3 and EIA0-3. */
	put8(&w, 0x58);
	put8(&w, 2);
	put8(&w, 0xf0);
	put8(&w, 0xf0);
	return w.err ? w.err : (int)w.len;
}

int nasmac__nas_dec_rr(const uint8_t *p, size_t len, struct nasmac__rr *r)
{
	struct nasmac__guti5g g5;
	size_t off, idlen, n;

	memset(r, 0, sizeof(*r));
	if (len < 6 || p[0] != 0x7e || (p[1] & 0x0f) != 0 || p[2] != NASMAC__5GMM_REG_REQUEST)
		return -EINVAL;
	r->ngksi = p[3] >> 4;
	r->reg_type = p[3] & 7u;
	idlen = get16(p + 4);
	if (idlen != 11 || len < 6 + idlen || (p[6] & 0x07) != 0x02)
		return -EINVAL;
	memcpy(g5.plmn, p + 7, 3);
	g5.region = p[10];
	g5.set = (uint16_t)(get16(p + 11) >> 6);
	g5.pointer = p[12] & 0x3f;
	g5.tmsi = get32(p + 13);
	nasmac__guti_from_5g(&g5, r->guti);
	for (off = 6 + idlen; off < len; off += n) {
		n = opt_ie_len(p + off, len - off, rr_tv_len);
		if (!n)
			return -EINVAL;
		if (p[off] == 0x70) { /* EPS NAS message container, TLV-E (9.11.3.24) */
			r->eps_container = p + off + 3;
			r->eps_container_len = n - 3;
		} else if (p[off] == 0x2e && n >= 4) { /* UE security capability, TLV 4-10 */
			memcpy(r->ue_sec_cap, p + off + 2, n - 2 < 4 ? n - 2 : 4);
		}
	}
	return 0;
}

int nasmac__nas_enc_rr(const struct nasmac__rr *r, uint8_t *buf, size_t size)
{
	struct wbuf w = { .p = buf, .size = size };
	struct nasmac__guti5g g5;

	nasmac__guti_to_5g(r->guti, &g5);
	put8(&w, 0x7e);
	put8(&w, 0x00);
	put8(&w, NASMAC__5GMM_REG_REQUEST);
	put8(&w, (uint32_t)(r->ngksi & 0x0fu) << 4 | 0x08u /* FOR */ | (r->reg_type & 7u));
	put16(&w, 11);
	put8(&w, 0xf2); /* 1111 | even | 5G-GUTI */
	put(&w, g5.plmn, 3);
	put8(&w, g5.region);
	put16(&w, (uint32_t)g5.set << 6 | g5.pointer);
	put32(&w, g5.tmsi);
	put8(&w, 0x2e); /* UE security capability */
	put8(&w, 4);
	put(&w, r->ue_sec_cap, 4);
	if (r->eps_container) {
		/* TLV-E: a 16-bit length (9.11.3.24); a longer container cannot be described. */
		if (r->eps_container_len > 0xffff)
			return -EINVAL;
		put8(&w, 0x70);
		put16(&w, (uint32_t)r->eps_container_len);
		put(&w, r->eps_container, r->eps_container_len);
	}
	return w.err ? w.err : (int)w.len;
}

int nasmac__nas_enc_smc(const struct nasmac__smc *s, uint8_t *buf, size_t size)
{
	struct wbuf w = { .p = buf, .size = size };

	put8(&w, 0x7e);
	put8(&w, 0x00);
	put8(&w, NASMAC__5GMM_SMC);
	put8(&w, (uint32_t)(s->nea & 0x0fu) << 4 | (s->nia & 0x0fu));
	put8(&w, s->ngksi & 0x0fu);
	put8(&w, 4);
	put(&w, s->ue_sec_cap, 4);
	return w.err ? w.err : (int)w.len;
}

int nasmac__nas_dec_smc(const uint8_t *p, size_t len, struct nasmac__smc *s)
{
	memset(s, 0, sizeof(*s));
	/* Replayed UE security capabilities: LV 3-9 (Table 8.2.25.1.1), i.e. 2 to 8 octets of
	 * contents, of which only the two 5G octets are mandatory (9.11.3.54). */
	if (len < 8 || p[0] != 0x7e || p[2] != NASMAC__5GMM_SMC || p[5] < 2 || p[5] > 8 ||
	    (size_t)p[5] > len - 6)
		return -EINVAL;
	s->nea = p[3] >> 4;
	s->nia = p[3] & 0x0f;
	s->ngksi = p[4] & 0x0f;
	memcpy(s->ue_sec_cap, p + 6, p[5] < 4 ? p[5] : 4);
	return 0;
}

static int enc_simple(uint8_t type, const uint8_t *ies, size_t n, uint8_t *buf, size_t size)
{
	struct wbuf w = { .p = buf, .size = size };

	put8(&w, 0x7e);
	put8(&w, 0x00);
	put8(&w, type);
	put(&w, ies, n);
	return w.err ? w.err : (int)w.len;
}

int nasmac__nas_enc_smc_complete(uint8_t *buf, size_t size)
{
	return enc_simple(NASMAC__5GMM_SMC_COMPLETE, NULL, 0, buf, size);
}

int nasmac__nas_enc_reg_accept(uint8_t *buf, size_t size)
{
	static const uint8_t result[2] = { 1, 0x01 }; /* 5GS registration result: 3GPP access */
	return enc_simple(NASMAC__5GMM_REG_ACCEPT, result, sizeof(result), buf, size);
}

int nasmac__nas_enc_reg_reject(uint8_t cause_5gmm, uint8_t *buf, size_t size)
{
	return enc_simple(NASMAC__5GMM_REG_REJECT, &cause_5gmm, 1, buf, size);
}

int nasmac__nas_5g_type(const uint8_t *p, size_t len)
{
	if (len < 3 || p[0] != 0x7e || (p[1] & 0x0f) != 0)
		return -EINVAL;
	return p[2];
}

int nasmac__nas_dec_reg_reject(const uint8_t *p, size_t len)
{
	if (nasmac__nas_5g_type(p, len) != NASMAC__5GMM_REG_REJECT || len < 4)
		return -EINVAL;
	return p[3];
}
