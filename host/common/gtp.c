/*
 * GTPv2-C (TS 29.274) on raw octets, for the messages nasmacd speaks on N26 (gtp.h). Every decoder
 * checks every length before it reads.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include "gtp.h"
#include "octets.h"

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
 * NASMAC__CRM_RR (gtp.h) is the decoded form of tag 2. */
#define PRIV_ENTERPRISE 32473u
#define PRIV_TAG_KAMF 1u
#define PRIV_TAG_RR 2u
#define PRIV_TAG_SEC 3u

/* The encoders' building blocks, inlined into each encoder: the writer then stays in registers.
 * As the argument of a called function it went through memory at every octet it checked and
 * wrote (a Context Response took 61 ns to encode, 16 ns inlined; -O2, one core of the bench
 * machine; the MME encodes one per request). */
#define ENC static inline __attribute__((always_inline))

ENC void gtp_hdr(struct nasmac__wbuf *w, uint8_t type, uint32_t teid, uint32_t seq)
{
	nasmac__put8(w, 0x48); /* version 2, T = 1 */
	nasmac__put8(w, type);
	nasmac__put16(w, 0); /* length, patched by gtp_end */
	nasmac__put32(w, teid);
	nasmac__put24(w, seq & 0xffffffu);
	nasmac__put8(w, 0);
}

ENC int gtp_end(struct nasmac__wbuf *w)
{
	if (w->err)
		return w->err;
	if (w->len - 4 > 0xffff)
		return -ENOSPC;
	w->p[2] = (uint8_t)((w->len - 4) >> 8);
	w->p[3] = (uint8_t)(w->len - 4);
	return (int)w->len;
}

ENC void ie_hdr(struct nasmac__wbuf *w, uint8_t type, size_t len, uint8_t instance)
{
	nasmac__put8(w, type);
	nasmac__put16(w, (uint32_t)len);
	nasmac__put8(w, instance & 0x0fu);
}

ENC void ie_imsi(struct nasmac__wbuf *w, const char *imsi)
{
	size_t n = strlen(imsi);

	ie_hdr(w, NASMAC__IE_IMSI, (n + 1) / 2, 0);
	for (size_t i = 0; i < n; i += 2) {
		uint8_t lo = (uint8_t)(imsi[i] - '0');
		uint8_t hi = i + 1 < n ? (uint8_t)(imsi[i + 1] - '0') : 0x0f;
		nasmac__put8(w, (uint32_t)(hi << 4 | lo));
	}
}

/* With an offending IE (a missing or faulty mandatory one), the 6-octet form of 8.4: type,
 * length 0, spare and instance 0 of the IE at fault. */
ENC void ie_cause(struct nasmac__wbuf *w, uint8_t cause, uint8_t offending_ie)
{
	ie_hdr(w, NASMAC__IE_CAUSE, offending_ie ? 6 : 2, 0);
	nasmac__put8(w, cause);
	nasmac__put8(w, 0);
	if (offending_ie) {
		nasmac__put8(w, offending_ie);
		nasmac__put16(w, 0);
		nasmac__put8(w, 0);
	}
}

ENC void ie_fteid(struct nasmac__wbuf *w, uint8_t iftype, uint32_t teid, uint32_t ipv4)
{
	ie_hdr(w, NASMAC__IE_FTEID, 9, 0);
	nasmac__put8(w, 0x80u | (iftype & 0x3fu)); /* V4 */
	nasmac__put32(w, teid);
	nasmac__put(w, &ipv4, 4); /* already in network order */
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
		h->teid = nasmac__get32(buf + 4);
		h->seq = nasmac__get24(buf + 8);
	} else {
		h->seq = nasmac__get24(buf + 4);
	}
	return 0;
}

/* Walks the IEs after the header; calls fn for each top-level IE. Inside this file a decoding
 * step returns 0 or the GTP cause (> 0) to refuse the message with; the public decoders turn
 * that into 0 or -EINVAL with the cause in h.bad_cause (refused()). Inlined into each decoder
 * (ENC), whose fn it then calls directly, inlined too. */
typedef int (*ie_fn)(void *m, uint8_t type, uint8_t instance, const uint8_t *v, size_t len);

ENC int gtp_walk(const uint8_t *buf, size_t len, struct nasmac__gtp_hdr *h, void *m, ie_fn fn)
{
	size_t off, total;
	int rc;

	if (nasmac__gtp_peek(buf, len, h))
		return NASMAC__CAUSE_INVALID_FORMAT;
	total = nasmac__get16(buf + 2) + 4u;
	if (total != len || !h->has_teid)
		return total != len ? NASMAC__CAUSE_INVALID_LENGTH : NASMAC__CAUSE_INVALID_FORMAT;
	for (off = 12; off < len;) {
		size_t n;
		if (len - off < 4)
			return NASMAC__CAUSE_INVALID_LENGTH;
		n = nasmac__get16(buf + off + 1);
		if (n > len - off - 4)
			return NASMAC__CAUSE_INVALID_LENGTH;
		rc = fn(m, buf[off], buf[off + 3] & 0x0f, buf + off + 4, n);
		if (rc)
			return rc;
		off += 4 + n;
	}
	return 0;
}

struct find_ie {
	uint8_t type;
	const uint8_t *v;
	size_t len;
};

static int find_ie_fn(void *mv, uint8_t type, uint8_t instance, const uint8_t *v, size_t len)
{
	struct find_ie *f = mv;

	if (type != f->type || instance != 0)
		return 0;
	f->v = v;
	f->len = len;
	return 1; /* found: stop the walk */
}

const uint8_t *nasmac__gtp_find_ie(const uint8_t *buf, size_t len, uint8_t type, size_t *ie_len)
{
	struct find_ie f = { .type = type };
	struct nasmac__gtp_hdr h;

	(void)gtp_walk(buf, len, &h, &f, find_ie_fn);
	*ie_len = f.len;
	return f.v;
}

/* The public decoders' convention: 0, or -EINVAL with the cause to refuse with in h->bad_cause. */
static int refused(struct nasmac__gtp_hdr *h, int cause)
{
	if (!cause)
		return 0;
	h->bad_cause = (uint8_t)cause;
	return -EINVAL;
}

static int dec_imsi(const uint8_t *v, size_t len, char out[16])
{
	size_t k = 0;

	if (len == 0 || len > 8)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		uint8_t lo = v[i] & 0x0f, hi = v[i] >> 4;
		if (lo > 9)
			return -EINVAL;
		out[k++] = (char)('0' + lo);
		if (hi == 0x0f && i == len - 1)
			break;
		if (hi > 9)
			return -EINVAL;
		out[k++] = (char)('0' + hi);
	}
	if (k > 15)
		return -EINVAL;
	out[k] = '\0';
	return 0;
}

/* The first IMSI IE of a message into imsi/has; a later one is ignored (see req_ie_value). 0 or
 * the cause to refuse the message with. */
static int first_imsi(const uint8_t *v, size_t len, char imsi[16], uint8_t *has)
{
	if (*has)
		return 0;
	if (dec_imsi(v, len, imsi))
		return NASMAC__CAUSE_MANDATORY_IE_INCORRECT;
	*has = 1;
	return 0;
}

/* The first F-TEID IE (8.22, IPv4 only) likewise; iftype may be NULL. */
static int first_fteid(const uint8_t *v, size_t len, uint8_t *iftype, uint32_t *teid,
		       uint32_t *ipv4, uint8_t *has)
{
	if (*has)
		return 0;
	if (len < 9 || !(v[0] & 0x80))
		return NASMAC__CAUSE_MANDATORY_IE_INCORRECT;
	if (iftype)
		*iftype = v[0] & 0x3f;
	*teid = nasmac__get32(v + 1);
	memcpy(ipv4, v + 5, 4);
	*has = 1;
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
	case NASMAC__IE_IMSI:
		return first_imsi(v, len, m->imsi, &m->has_imsi);
	case NASMAC__IE_GUTI:
		if (m->has_guti)
			break;
		if (len != NASMAC__GUTI_LEN)
			return NASMAC__CAUSE_MANDATORY_IE_INCORRECT;
		memcpy(m->guti, v, NASMAC__GUTI_LEN);
		m->has_guti = 1;
		break;
	case NASMAC__IE_CRM:
		/* One request message per Context Request: a CRM beside a FIG. 3 extension leaves
		 * it unclear which message the MAC check is about. */
		if (m->has_crm && m->crm_type == NASMAC__CRM_RR)
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
	case NASMAC__IE_PRIVATE:
		/* Other enterprises' and other tags' extensions are skipped like unknown IEs. */
		if (len < 4 || nasmac__get16(v) != PRIV_ENTERPRISE || v[2] != PRIV_TAG_RR)
			break;
		if (m->has_crm && m->crm_type != NASMAC__CRM_RR)
			return NASMAC__CAUSE_MANDATORY_IE_INCORRECT;
		if (m->has_crm)
			break;
		m->crm_type = NASMAC__CRM_RR;
		m->crm = v + 3;
		m->crm_len = len - 3;
		m->has_crm = 1;
		break;
	case NASMAC__IE_FTEID:
		return first_fteid(v, len, &m->fteid_if, &m->fteid_teid, &m->fteid_ipv4,
				   &m->has_fteid);
	case NASMAC__IE_RAT_TYPE:
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
	if (!rc && m->h.type != NASMAC__GTP_CTX_REQ) {
		rc = NASMAC__CAUSE_INVALID_FORMAT;
	} else if (!rc && !m->has_guti && !m->has_imsi) {
		/* 7.3.5: the GUTI when the IMSI is not present. */
		m->bad_ie = NASMAC__IE_GUTI;
		rc = NASMAC__CAUSE_MANDATORY_IE_MISSING;
	}
	return refused(&m->h, rc);
}

static int mm_decode(struct nasmac__ctx_rsp *m, const uint8_t *v, size_t len)
{
	if (len < 41 || (v[0] >> 5) != 4)
		return NASMAC__CAUSE_MANDATORY_IE_INCORRECT;
	m->ksi = v[0] & 7u;
	m->eia = (v[2] >> 4) & 7u;
	m->eea = v[2] & 0x0fu;
	m->dl_count = nasmac__get24(v + 3);
	m->ul_count = nasmac__get24(v + 6);
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
	case NASMAC__IE_CAUSE:
		if (m->cause)
			break;
		if (len < 2)
			return NASMAC__CAUSE_MANDATORY_IE_INCORRECT;
		m->cause = v[0];
		if (len >= 6)
			m->offending_ie = v[2];
		break;
	case NASMAC__IE_IMSI:
		return first_imsi(v, len, m->imsi, &m->has_imsi);
	case NASMAC__IE_MM_EPS:
		return m->has_mm ? 0 : mm_decode(m, v, len);
	case NASMAC__IE_FTEID:
		return first_fteid(v, len, NULL, &m->fteid_teid, &m->fteid_ipv4, &m->has_fteid);
	case NASMAC__IE_PRIVATE:
		if (!m->has_kamf && len == 2 + 1 + 32 && nasmac__get16(v) == PRIV_ENTERPRISE &&
		    v[2] == PRIV_TAG_KAMF) {
			memcpy(m->kamf, v + 3, 32);
			m->has_kamf = 1;
		} else if (!m->has_sec && len == 2 + 1 + 8 && nasmac__get16(v) == PRIV_ENTERPRISE &&
			   v[2] == PRIV_TAG_SEC) {
			/* An MM Context IE, when there is one, says the same and comes first. */
			if (!m->has_mm) {
				m->ksi = v[3] & 7u;
				m->eia = (v[4] >> 4) & 7u;
				m->eea = v[4] & 0x0fu;
				m->dl_count = nasmac__get24(v + 5);
				m->ul_count = nasmac__get24(v + 8);
			}
			m->has_sec = 1;
		}
		break;
	default:
		break;
	}
	return 0;
}

/* A message of `type` that must carry a Cause IE (a Response or an Acknowledge): walked into m,
 * whose Cause field is *cause. */
static int dec_with_cause(const uint8_t *buf, size_t len, struct nasmac__gtp_hdr *h, void *m,
			  ie_fn fn, uint8_t type, const uint8_t *cause)
{
	int rc = gtp_walk(buf, len, h, m, fn);

	if (!rc && (h->type != type || !*cause))
		rc = NASMAC__CAUSE_MANDATORY_IE_MISSING;
	return refused(h, rc);
}

int nasmac__gtp_dec_ctx_rsp(const uint8_t *buf, size_t len, struct nasmac__ctx_rsp *m)
{
	memset(m, 0, sizeof(*m));
	return dec_with_cause(buf, len, &m->h, m, rsp_ie, NASMAC__GTP_CTX_RSP, &m->cause);
}

static int ack_ie(void *mv, uint8_t type, uint8_t inst, const uint8_t *v, size_t len)
{
	struct nasmac__ctx_ack *m = mv;

	if (inst == 0 && type == NASMAC__IE_CAUSE && !m->cause) {
		if (len < 2)
			return NASMAC__CAUSE_MANDATORY_IE_INCORRECT;
		m->cause = v[0];
	}
	return 0;
}

int nasmac__gtp_dec_ctx_ack(const uint8_t *buf, size_t len, struct nasmac__ctx_ack *m)
{
	memset(m, 0, sizeof(*m));
	return dec_with_cause(buf, len, &m->h, m, ack_ie, NASMAC__GTP_CTX_ACK, &m->cause);
}

int nasmac__gtp_enc_ctx_req(const struct nasmac__ctx_req *m, uint8_t *buf, size_t size)
{
	struct nasmac__wbuf w = { .p = buf, .size = size };

	gtp_hdr(&w, NASMAC__GTP_CTX_REQ, 0, m->h.seq);
	if (m->has_imsi)
		ie_imsi(&w, m->imsi);
	if (m->has_guti) {
		ie_hdr(&w, NASMAC__IE_GUTI, NASMAC__GUTI_LEN, 0);
		nasmac__put(&w, m->guti, NASMAC__GUTI_LEN);
	}
	if (m->has_crm && m->crm_type != NASMAC__CRM_RR) {
		if (m->crm_type > 3 || m->crm_len == 0)
			return -EINVAL;
		ie_hdr(&w, NASMAC__IE_CRM, 1 + m->crm_len, 0);
		nasmac__put8(&w, m->crm_type);
		nasmac__put(&w, m->crm, m->crm_len);
	}
	if (m->has_fteid)
		ie_fteid(&w, m->fteid_if, m->fteid_teid, m->fteid_ipv4);
	if (m->rat) {
		ie_hdr(&w, NASMAC__IE_RAT_TYPE, 1, 0);
		nasmac__put8(&w, m->rat);
	}
	/* Private Extensions go last, as in every message table of TS 29.274. */
	if (m->has_crm && m->crm_type == NASMAC__CRM_RR) {
		if (m->crm_len == 0)
			return -EINVAL;
		ie_hdr(&w, NASMAC__IE_PRIVATE, 2 + 1 + m->crm_len, 0);
		nasmac__put16(&w, PRIV_ENTERPRISE);
		nasmac__put8(&w, PRIV_TAG_RR);
		nasmac__put(&w, m->crm, m->crm_len);
	}
	return gtp_end(&w);
}

int nasmac__gtp_enc_ctx_rsp(const struct nasmac__ctx_rsp *m, uint8_t *buf, size_t size)
{
	struct nasmac__wbuf w = { .p = buf, .size = size };

	gtp_hdr(&w, NASMAC__GTP_CTX_RSP, m->h.teid, m->h.seq);
	ie_cause(&w, m->cause, m->offending_ie);
	if (m->has_imsi)
		ie_imsi(&w, m->imsi);
	if (m->has_mm) {
		/* EPS Security Context and Quadruplets (8.38, Figure 8.38-5), no quadruplets, no
		 * NH, no AMBR; then empty UE/MS network capability and MEI and the access
		 * restriction octet, so decoders that read on find what they expect. */
		ie_hdr(&w, NASMAC__IE_MM_EPS, 9 + 32 + 4, 0);
		nasmac__put8(&w, 4u << 5 | (m->ksi & 7u));
		nasmac__put8(&w, 0);
		nasmac__put8(&w, (uint32_t)(m->eia & 7u) << 4 | (m->eea & 0x0fu));
		nasmac__put24(&w, m->dl_count);
		nasmac__put24(&w, m->ul_count);
		nasmac__put(&w, m->kasme, 32);
		nasmac__put8(&w, 0); /* UE network capability length */
		nasmac__put8(&w, 0); /* MS network capability length */
		nasmac__put8(&w, 0); /* MEI length */
		nasmac__put8(&w, 0); /* access restriction flags */
	}
	if (m->has_fteid)
		ie_fteid(&w, 12, m->fteid_teid, m->fteid_ipv4); /* S10/N26 MME GTP-C */
	if (m->has_kamf) {
		ie_hdr(&w, NASMAC__IE_PRIVATE, 2 + 1 + 32, 0);
		nasmac__put16(&w, PRIV_ENTERPRISE);
		nasmac__put8(&w, PRIV_TAG_KAMF);
		nasmac__put(&w, m->kamf, 32);
	}
	if (m->has_sec) {
		ie_hdr(&w, NASMAC__IE_PRIVATE, 2 + 1 + 8, 0);
		nasmac__put16(&w, PRIV_ENTERPRISE);
		nasmac__put8(&w, PRIV_TAG_SEC);
		nasmac__put8(&w, m->ksi & 7u);
		nasmac__put8(&w, (uint32_t)(m->eia & 7u) << 4 | (m->eea & 0x0fu));
		nasmac__put24(&w, m->dl_count);
		nasmac__put24(&w, m->ul_count);
	}
	return gtp_end(&w);
}

int nasmac__gtp_enc_ctx_ack(const struct nasmac__ctx_ack *m, uint8_t *buf, size_t size)
{
	struct nasmac__wbuf w = { .p = buf, .size = size };

	gtp_hdr(&w, NASMAC__GTP_CTX_ACK, m->h.teid, m->h.seq);
	ie_cause(&w, m->cause, 0);
	/* SGW Change Indication = 1 during idle mode mobility over N26 (7.3.7). */
	ie_hdr(&w, NASMAC__IE_INDICATION, 2, 0);
	nasmac__put8(&w, 0x01);
	nasmac__put8(&w, 0x00);
	return gtp_end(&w);
}

int nasmac__gtp_enc_echo_rsp(uint32_t seq, uint8_t *buf, size_t size)
{
	return nasmac__gtp_enc_echo_rsp_recovery(seq, 0, buf, size);
}

int nasmac__gtp_enc_echo_rsp_recovery(uint32_t seq, uint8_t recovery, uint8_t *buf, size_t size)
{
	struct nasmac__wbuf w = { .p = buf, .size = size };

	nasmac__put8(&w, 0x40); /* version 2, T = 0 */
	nasmac__put8(&w, NASMAC__GTP_ECHO_RSP);
	nasmac__put16(&w, 0);
	nasmac__put24(&w, seq & 0xffffffu);
	nasmac__put8(&w, 0);
	ie_hdr(&w, NASMAC__IE_RECOVERY, 1, 0);
	nasmac__put8(&w, recovery);
	return gtp_end(&w);
}

unsigned nasmac__gtp_other_version(const uint8_t *buf, size_t len)
{
	unsigned v = len >= 8 ? buf[0] >> 5 : 0;

	return v == 2 ? 0 : v;
}

int nasmac__gtp_enc_vnsi(uint8_t *buf, size_t size)
{
	struct nasmac__wbuf w = { .p = buf, .size = size };

	nasmac__put8(&w, 0x40); /* version 2, P = 0, T = 0 */
	nasmac__put8(&w, NASMAC__GTP_VNSI);
	nasmac__put16(&w, 0);
	nasmac__put24(&w, 0);
	nasmac__put8(&w, 0);
	return gtp_end(&w);
}
