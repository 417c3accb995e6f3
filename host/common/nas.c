/*
 * EPS NAS (TS 24.301) and 5GS NAS (TS 24.501) on raw octets, for the messages nasmacd and the UE
 * simulator exchange (nas.h). Every decoder checks every length before it reads.
 */
#include <errno.h>
#include <string.h>

#include "nas.h"
#include "octets.h"

/* The IEIs of optional IEs this file reads or writes. */
enum {
	IEI_UE_NET_CAP = 0x58,  /* UE network capability (TS 24.301 9.9.3.34) */
	IEI_UE_SEC_CAP = 0x2e,  /* UE security capability (TS 24.501 9.11.3.54) */
	IEI_EPS_NAS_MSG = 0x70, /* EPS NAS message container, TLV-E (TS 24.501 9.11.3.24) */
	IEI_LAST_TAI = 0x52,    /* Last visited registered TAI */
};

/* The fields after the security header type: the MAC at mac_off, the SQN after it, then the plain
 * message; the MAC covers SQN || plain. len is at least mac_off + 5. */
static int sec_fields(const uint8_t *pdu, size_t len, uint8_t sht, size_t mac_off,
		      struct nasmac__nas_sec *s)
{
	s->sht = sht;
	memcpy(s->mac, pdu + mac_off, 4);
	s->sqn = pdu[mac_off + 4];
	s->msg = pdu + mac_off + 4;
	s->msg_len = len - mac_off - 4;
	s->plain = pdu + mac_off + 5;
	s->plain_len = len - mac_off - 5;
	return 0;
}

int nasmac__nas_eps_sec(const uint8_t *pdu, size_t len, struct nasmac__nas_sec *s)
{
	memset(s, 0, sizeof(*s));
	if (len < 8 || (pdu[0] & 0x0f) != NASMAC__PD_EMM || (pdu[0] >> 4) == 0 || (pdu[0] >> 4) > 4)
		return -EINVAL;
	return sec_fields(pdu, len, pdu[0] >> 4, 1, s);
}

int nasmac__nas_5g_sec(const uint8_t *pdu, size_t len, struct nasmac__nas_sec *s)
{
	memset(s, 0, sizeof(*s));
	if (len < 10 || pdu[0] != NASMAC__EPD_5GMM || (pdu[1] & 0x0f) == 0 || (pdu[1] & 0x0f) > 4)
		return -EINVAL;
	return sec_fields(pdu, len, pdu[1] & 0x0f, 2, s);
}

int nasmac__nas_eps_protect(uint8_t sht, const uint8_t mac[4], uint8_t sqn, const uint8_t *plain,
			    size_t plain_len, uint8_t *buf, size_t size)
{
	struct nasmac__wbuf w = { .p = buf, .size = size };

	nasmac__put8(&w, (uint32_t)sht << 4 | NASMAC__PD_EMM);
	nasmac__put(&w, mac, 4);
	nasmac__put8(&w, sqn);
	nasmac__put(&w, plain, plain_len);
	return nasmac__wbuf_end(&w);
}

int nasmac__nas_5g_protect(uint8_t sht, const uint8_t mac[4], uint8_t sqn, const uint8_t *plain,
			   size_t plain_len, uint8_t *buf, size_t size)
{
	struct nasmac__wbuf w = { .p = buf, .size = size };

	nasmac__put8(&w, NASMAC__EPD_5GMM);
	nasmac__put8(&w, sht & 0x0fu);
	nasmac__put(&w, mac, 4);
	nasmac__put8(&w, sqn);
	nasmac__put(&w, plain, plain_len);
	return nasmac__wbuf_end(&w);
}

/*
 * Length of the optional IE at p[0] (len > 0 octets left), or 0 if it runs past the end.
 * TS 24.301 9.9.1 / TS 24.501 9.11.1 (after TS 24.007 11.2.4): an IEI with bit 8 set is a
 * one-octet type 1 or 2 IE; an IEI 0111 xxxx is a type 6 (TLV-E, 16-bit length) IE in EPS and
 * 5GS NAS (the TS 24.007 11.2.4 rule; its text was not at hand when this was written, but every
 * TLV-E IE of TS 24.501 Table 8.2.6.1.1 and TS 24.301 Table 8.2.29.1 fits it: 70, 71, 72, 74, 77,
 * 7B, and no IE of another type there has such an IEI); type 3 (TV) IEs have a length only the message table gives
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
		n = 3 + nasmac__get16(p + 1);
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
	case IEI_LAST_TAI:
	case 0x13: /* Old location area identification */
		return 6;
	default:
		return 0;
	}
}

/* Type 3 IEs of REGISTRATION REQUEST (TS 24.501 Table 8.2.6.1.1): only the TAI. */
static size_t rr_tv_len(uint8_t iei)
{
	return iei == IEI_LAST_TAI ? 7 : 0;
}

int nasmac__nas_dec_tau(const uint8_t *p, size_t len, struct nasmac__tau *t)
{
	memset(t, 0, sizeof(*t));
	/* PD EMM plain | TAU request | KSI+update type | Old GUTI LV (11) */
	if (len < 15 || p[0] != NASMAC__PD_EMM || p[1] != NASMAC__EMM_TAU_REQUEST || p[3] != 11 ||
	    (p[4] & 0x07) != 0x06)
		return -EINVAL;
	/* The non-imperative part is walked only to refuse a truncated IE; none of it is used. */
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
	struct nasmac__wbuf w = { .p = buf, .size = size };

	nasmac__put8(&w, NASMAC__PD_EMM); /* security header type 0: plain */
	nasmac__put8(&w, NASMAC__EMM_TAU_REQUEST);
	nasmac__put8(&w, (uint32_t)(t->ksi & 7u) << 4 | (t->update_type & 7u));
	nasmac__put8(&w, 11);
	nasmac__put8(&w, 0xf6); /* 1111 | even | GUTI */
	nasmac__put(&w, t->guti, NASMAC__GUTI_LEN);
	/* UE network capability: EEA0-3 and EIA0-3. */
	nasmac__put8(&w, IEI_UE_NET_CAP);
	nasmac__put8(&w, 2);
	nasmac__put8(&w, 0xf0);
	nasmac__put8(&w, 0xf0);
	return nasmac__wbuf_end(&w);
}

int nasmac__nas_dec_rr(const uint8_t *p, size_t len, struct nasmac__rr *r)
{
	struct nasmac__guti5g g5;
	size_t off, idlen, n;

	memset(r, 0, sizeof(*r));
	if (len < 6 || p[0] != NASMAC__EPD_5GMM || (p[1] & 0x0f) != 0 ||
	    p[2] != NASMAC__5GMM_REG_REQUEST)
		return -EINVAL;
	r->ngksi = p[3] >> 4;
	r->reg_type = p[3] & 7u;
	idlen = nasmac__get16(p + 4);
	if (idlen != 11 || len < 6 + idlen || (p[6] & 0x07) != 0x02)
		return -EINVAL;
	memcpy(g5.plmn, p + 7, 3);
	g5.region = p[10];
	g5.set = (uint16_t)(nasmac__get16(p + 11) >> 6);
	g5.pointer = p[12] & 0x3f;
	g5.tmsi = nasmac__get32(p + 13);
	nasmac__guti_from_5g(&g5, r->guti);
	for (off = 6 + idlen; off < len; off += n) {
		n = opt_ie_len(p + off, len - off, rr_tv_len);
		if (!n)
			return -EINVAL;
		if (p[off] == IEI_EPS_NAS_MSG) {
			r->eps_container = p + off + 3;
			r->eps_container_len = n - 3;
		} else if (p[off] == IEI_UE_SEC_CAP && n >= 4) { /* TLV 4-10 */
			memcpy(r->ue_sec_cap, p + off + 2, n - 2 < 4 ? n - 2 : 4);
		}
	}
	return 0;
}

int nasmac__nas_enc_rr(const struct nasmac__rr *r, uint8_t *buf, size_t size)
{
	struct nasmac__wbuf w = { .p = buf, .size = size };
	struct nasmac__guti5g g5;

	nasmac__guti_to_5g(r->guti, &g5);
	nasmac__put8(&w, NASMAC__EPD_5GMM);
	nasmac__put8(&w, 0x00);
	nasmac__put8(&w, NASMAC__5GMM_REG_REQUEST);
	nasmac__put8(&w, (uint32_t)(r->ngksi & 0x0fu) << 4 | 0x08u /* FOR */ | (r->reg_type & 7u));
	nasmac__put16(&w, 11);
	nasmac__put8(&w, 0xf2); /* 1111 | even | 5G-GUTI */
	nasmac__put(&w, g5.plmn, 3);
	nasmac__put8(&w, g5.region);
	nasmac__put16(&w, (uint32_t)g5.set << 6 | g5.pointer);
	nasmac__put32(&w, g5.tmsi);
	nasmac__put8(&w, IEI_UE_SEC_CAP);
	nasmac__put8(&w, 4);
	nasmac__put(&w, r->ue_sec_cap, 4);
	if (r->eps_container) {
		/* TLV-E: a 16-bit length (9.11.3.24); a longer container cannot be described. */
		if (r->eps_container_len > 0xffff)
			return -EINVAL;
		nasmac__put8(&w, IEI_EPS_NAS_MSG);
		nasmac__put16(&w, (uint32_t)r->eps_container_len);
		nasmac__put(&w, r->eps_container, r->eps_container_len);
	}
	return nasmac__wbuf_end(&w);
}

int nasmac__nas_enc_smc(const struct nasmac__smc *s, uint8_t *buf, size_t size)
{
	struct nasmac__wbuf w = { .p = buf, .size = size };

	nasmac__put8(&w, NASMAC__EPD_5GMM);
	nasmac__put8(&w, 0x00);
	nasmac__put8(&w, NASMAC__5GMM_SMC);
	nasmac__put8(&w, (uint32_t)(s->nea & 0x0fu) << 4 | (s->nia & 0x0fu));
	nasmac__put8(&w, s->ngksi & 0x0fu);
	nasmac__put8(&w, 4);
	nasmac__put(&w, s->ue_sec_cap, 4);
	return nasmac__wbuf_end(&w);
}

int nasmac__nas_dec_smc(const uint8_t *p, size_t len, struct nasmac__smc *s)
{
	memset(s, 0, sizeof(*s));
	/* Replayed UE security capabilities: LV 3-9 (Table 8.2.25.1.1), i.e. 2 to 8 octets of
	 * contents, of which only the two 5G octets are mandatory (9.11.3.54). */
	if (len < 8 || p[0] != NASMAC__EPD_5GMM || p[2] != NASMAC__5GMM_SMC || p[5] < 2 ||
	    p[5] > 8 || (size_t)p[5] > len - 6)
		return -EINVAL;
	s->nea = p[3] >> 4;
	s->nia = p[3] & 0x0f;
	s->ngksi = p[4] & 0x0f;
	memcpy(s->ue_sec_cap, p + 6, p[5] < 4 ? p[5] : 4);
	return 0;
}

static int enc_simple(uint8_t type, const uint8_t *ies, size_t n, uint8_t *buf, size_t size)
{
	struct nasmac__wbuf w = { .p = buf, .size = size };

	nasmac__put8(&w, NASMAC__EPD_5GMM);
	nasmac__put8(&w, 0x00);
	nasmac__put8(&w, type);
	nasmac__put(&w, ies, n);
	return nasmac__wbuf_end(&w);
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
	if (len < 3 || p[0] != NASMAC__EPD_5GMM || (p[1] & 0x0f) != 0)
		return -EINVAL;
	return p[2];
}

int nasmac__nas_dec_reg_reject(const uint8_t *p, size_t len)
{
	if (nasmac__nas_5g_type(p, len) != NASMAC__5GMM_REG_REJECT || len < 4)
		return -EINVAL;
	return p[3];
}
