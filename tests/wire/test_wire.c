/*
 * Unit tests of the protocol codecs of host/common/gtp.c and nas.c (GTPv2-C Context Request /
 * Response / Acknowledge and Echo, TS 29.274; EPS NAS security header and TRACKING AREA UPDATE
 * REQUEST, TS 24.301; 5GS NAS security header, REGISTRATION REQUEST with the EPS NAS message
 * container, SECURITY MODE COMMAND / COMPLETE, REGISTRATION ACCEPT / REJECT, TS 24.501) and of the
 * pcap writer of host/common/pcap.c.
 *
 * Every expected message below is written out octet by octet from the spec tables named in its
 * comments, never produced by the code under test. Each codec is checked for: its exact layout,
 * encode -> decode -> encode round trips, rejection of the message truncated at every length
 * (each decode runs on a heap copy of exactly that many octets, so ASan catches a read past the
 * end), wrong length fields, bad versions / discriminators, missing mandatory IEs, oversized input,
 * skipped unknown IEs, and encoders that must never write past the buffer they were given.
 *
 * The tests named after W1-W5 keep five fixed deviations from coming back (tests/wire/BUGS.md).
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixtures.h"
#include "host.h"
#include "gtp.h"
#include "nas.h"
#include "pcap.h"

/* ------------------------------------------------------------------------------------------ */
/* Helpers */

/* A heap copy of exactly n octets, so that ASan flags any read past the length given. */
static uint8_t *dup_exact(const uint8_t *p, size_t n)
{
	uint8_t *d = malloc(n ? n : 1);

	assert_non_null(d);
	if (n)
		memcpy(d, p, n);
	return d;
}

typedef int (*dec_fn)(const uint8_t *buf, size_t len);
typedef int (*dec_into_fn)(const uint8_t *buf, size_t len, void *m);

/* One adapter per decoder, so the truncation and length loops can run any of them, and one that
 * decodes into a caller's struct, for layout() (inline: not every decoder has a layout test). */
#define DEC_INTO_ADAPTER(name, type, fn)                                \
	static inline int name##_into(const uint8_t *b, size_t n, void *m) \
	{                                                               \
		return fn(b, n, (type *)m);                             \
	}
#define DEC_ADAPTER(name, type, fn)                                     \
	DEC_INTO_ADAPTER(name, type, fn)                                \
	static int name(const uint8_t *b, size_t n)                     \
	{                                                               \
		type m;                                                 \
		return fn(b, n, &m);                                    \
	}
/* The GTPv2-C decoders return -EINVAL with the cause in h.bad_cause: their adapters return the
 * cause, so that the cases below name the cause each refusal must carry. */
#define GTP_DEC_ADAPTER(name, type, fn)                                 \
	DEC_INTO_ADAPTER(name, type, fn)                                \
	static int name(const uint8_t *b, size_t n)                     \
	{                                                               \
		type m;                                                 \
		int rc = fn(b, n, &m);                                  \
		if (!rc)                                                \
			return 0;                                       \
		assert_int_equal(rc, -EINVAL);                          \
		assert_int_not_equal(m.h.bad_cause, 0);                 \
		return m.h.bad_cause;                                   \
	}

typedef int (*enc_fn)(const void *m, uint8_t *buf, size_t size);

/* One adapter per struct encoder, for enc_sizes and layout(). */
#define ENC_ADAPTER(name, type, fn)                          \
	static int name(const void *m, uint8_t *b, size_t s) \
	{                                                    \
		return fn((const type *)m, b, s);            \
	}

/* Both adapters of a struct codec, enc_<m> and dec_<m> (dec_<m>_into too): the GTPv2-C messages
 * (struct nasmac__ctx_<m>, nasmac__gtp_enc/dec_ctx_<m>) and the NAS ones (struct nasmac__<m>,
 * nasmac__nas_enc/dec_<m>). */
#define GTP_CODEC(m)                                                          \
	ENC_ADAPTER(enc_##m, struct nasmac__ctx_##m, nasmac__gtp_enc_ctx_##m) \
	GTP_DEC_ADAPTER(dec_##m, struct nasmac__ctx_##m, nasmac__gtp_dec_ctx_##m)
#define NAS_CODEC(m)                                                  \
	ENC_ADAPTER(enc_##m, struct nasmac__##m, nasmac__nas_enc_##m) \
	DEC_ADAPTER(dec_##m, struct nasmac__##m, nasmac__nas_dec_##m)
GTP_CODEC(req)
GTP_CODEC(rsp)
GTP_CODEC(ack)
NAS_CODEC(tau)
NAS_CODEC(rr)
NAS_CODEC(smc)
DEC_ADAPTER(dec_eps_sec, struct nasmac__nas_sec, nasmac__nas_eps_sec)
DEC_ADAPTER(dec_5g_sec, struct nasmac__nas_sec, nasmac__nas_5g_sec)

static int dec_reg_reject(const uint8_t *b, size_t n)
{
	return nasmac__nas_dec_reg_reject(b, n);
}

static int run_dec(dec_fn fn, const uint8_t *p, size_t n)
{
	uint8_t *d = dup_exact(p, n);
	int rc = fn(d, n);

	free(d);
	return rc;
}

/* Writes the GTPv2-C Message Length field (TS 29.274 5.1: octets after the first 4). */
static void gtp_set_len(uint8_t *p, size_t total)
{
	p[2] = (uint8_t)((total - 4) >> 8);
	p[3] = (uint8_t)(total - 4);
}

/* 1 when cut is where a top-level IE of the (whole, well-formed) message ends. */
static int gtp_ie_end(const uint8_t *p, size_t n, size_t cut)
{
	size_t off = 12;

	if (cut == off)
		return 1;
	while (off + 4 <= n) {
		off += 4 + ((size_t)p[off + 1] << 8 | p[off + 2]);
		if (off == cut)
			return 1;
	}
	return 0;
}

/*
 * Truncation of a GTPv2-C message at every length: (a) as received, the header still claiming
 * the whole message: always rejected, as Invalid Message Format while even the header is not
 * complete and as Invalid Length after; (b) with the Message Length field rewritten to match
 * the cut: rejected as Invalid Length unless the cut falls between two IEs, where it is a
 * well-formed shorter message that decodes when its mandatory IEs (those before min_ok) are in.
 */
static void gtp_truncate_all(dec_fn fn, const uint8_t *msg, size_t n, size_t min_ok)
{
	uint8_t *p = dup_exact(msg, n);

	for (size_t cut = 0; cut < n; cut++) {
		int rc = run_dec(fn, msg, cut);
		if (cut < 12)
			assert_int_equal(rc, NASMAC__CAUSE_INVALID_FORMAT);
		else
			assert_int_equal(rc, NASMAC__CAUSE_INVALID_LENGTH);
		if (cut < 12)
			continue;
		memcpy(p, msg, n);
		gtp_set_len(p, cut);
		rc = run_dec(fn, p, cut);
		if (!gtp_ie_end(msg, n, cut))
			assert_int_equal(rc, NASMAC__CAUSE_INVALID_LENGTH);
		else if (cut < min_ok)
			assert_int_equal(rc, NASMAC__CAUSE_MANDATORY_IE_MISSING);
		else
			assert_int_equal(rc, 0);
	}
	free(p);
}

/* Every buffer size below the message's length gives -ENOSPC and leaves every octet at or past
 * the size untouched; the exact size gives the message. */
static void enc_sizes(enc_fn fn, const void *m, const uint8_t *want, size_t n)
{
	uint8_t buf[512];

	assert_true(n + 16 <= sizeof(buf));
	for (size_t size = 0; size <= n; size++) {
		int rc;
		memset(buf, 0xa5, sizeof(buf));
		rc = fn(m, buf, size);
		if (size < n) {
			assert_int_equal(rc, -ENOSPC);
		} else {
			assert_int_equal(rc, (int)n);
			assert_memory_equal(buf, want, n);
		}
		for (size_t i = size; i < sizeof(buf); i++)
			assert_int_equal(buf[i], 0xa5);
	}
}

/*
 * The layout check of every struct codec: m encodes to exactly want (and at every smaller buffer
 * size to -ENOSPC, enc_sizes); want decodes, also from a heap copy of exactly n octets, into d;
 * d encodes back to want. The caller then checks d's fields.
 */
static void layout(enc_fn enc, dec_fn dec, dec_into_fn dec_into, const void *m, void *d,
		   const uint8_t *want, size_t n)
{
	uint8_t buf[512];

	assert_int_equal(enc(m, buf, sizeof(buf)), (int)n);
	assert_memory_equal(buf, want, n);
	enc_sizes(enc, m, want, n);
	assert_int_equal(run_dec(dec, want, n), 0);
	assert_int_equal(dec_into(want, n, d), 0);
	assert_int_equal(enc(d, buf, sizeof(buf)), (int)n);
	assert_memory_equal(buf, want, n);
}

/* A NAS security header protect call as an encoder, for enc_sizes. */
struct protect_call {
	int (*fn)(uint8_t sht, const uint8_t mac[4], uint8_t sqn, const uint8_t *plain, size_t len,
		  uint8_t *buf, size_t size);
	uint8_t sht, sqn;
	const uint8_t *plain;
	size_t len;
};

static int enc_protect(const void *m, uint8_t *b, size_t s)
{
	const struct protect_call *c = m;

	return c->fn(c->sht, fx_mac, c->sqn, c->plain, c->len, b, s);
}

static int enc_smc_complete(const void *m, uint8_t *b, size_t s)
{
	(void)m;
	return nasmac__nas_enc_smc_complete(b, s);
}

static int enc_echo(const void *m, uint8_t *b, size_t s)
{
	return nasmac__gtp_enc_echo_rsp(*(const uint32_t *)m, b, s);
}

static int enc_reg_accept(const void *m, uint8_t *b, size_t s)
{
	(void)m;
	return nasmac__nas_enc_reg_accept(b, s);
}

static int enc_reg_reject(const void *m, uint8_t *b, size_t s)
{
	return nasmac__nas_enc_reg_reject(*(const uint8_t *)m, b, s);
}

/* ------------------------------------------------------------------------------------------ */
/* Expected octets, by hand from the specs. */

/* TS 24.301 8.2.29 (Table 8.2.29.1) TRACKING AREA UPDATE REQUEST, plain. */
static const uint8_t tau_plain[] = {
	0x07,                   /* 9.3.1 security header type 0000 plain | 9.2 PD 0111 EMM */
	0x48,                   /* Table 9.8.1: tracking area update request */
	0x31,                   /* NAS KSI 9.9.3.21 (bits 8-5: TSC 0, KSI 3) |
				 * EPS update type 9.9.3.14 (bits 4-1: active 0, 001 combined TA/LA) */
	0x0b,                   /* Old GUTI, EPS mobile identity 9.9.3.12, LV: length 11 */
	0xf6,                   /* 1111 | odd/even 0 | type of identity 110 GUTI */
	0x00, 0xf1, 0x10,       /* MCC 001 (MCC2|MCC1, MNC3=f|MCC3), MNC 01 (MNC2|MNC1) */
	0x80, 0x01,             /* MME Group ID */
	0x41,                   /* MME Code */
	0xc0, 0xff, 0xee, 0x01, /* M-TMSI */
	0x58, 0x02, 0xf0, 0xf0, /* IEI 58 UE network capability 9.9.3.34, TLV: EEA0-3, EIA0-3 */
};

/* TS 24.301 9.1 (Figure 9.1.2) security protected NAS message around tau_plain. */
static const uint8_t tau_pdu[] = {
	0x17,                   /* security header type 0001 integrity protected | PD EMM */
	0xde, 0xad, 0xbe, 0xef, /* 9.5 message authentication code */
	0x05,                   /* 9.6 sequence number */
	0x07, 0x48, 0x31, 0x0b, 0xf6, 0x00, 0xf1, 0x10, 0x80, 0x01, 0x41, 0xc0, 0xff, 0xee, 0x01,
	0x58, 0x02, 0xf0, 0xf0, /* 9.7 the plain NAS message (tau_plain) */
};

/* TS 24.501 8.2.6 (Table 8.2.6.1.1) REGISTRATION REQUEST, plain, 3GPP flow (TS 33.501 8.2). */
static const uint8_t rr_3gpp[] = {
	0x7e,             /* 9.2 extended protocol discriminator: 5GMM */
	0x00,             /* spare half octet | 9.3 security header type 0000 plain */
	0x41,             /* Table 9.7.1: registration request */
	0x7a,             /* ngKSI 9.11.3.32 (bits 8-5: TSC 0, 111 no key) | 5GS registration type
			   * 9.11.3.7 (bits 4-1: FOR 1, 010 mobility registration updating) */
	0x00, 0x0b,       /* 5GS mobile identity 9.11.3.4, LV-E: length 11 */
	0xf2,             /* 1111 | odd/even 0 | type of identity 010 5G-GUTI */
	0x00, 0xf1, 0x10, /* MCC 001, MNC 01 */
	0x80,             /* AMF Region ID = MMEGI bits 15-8 (TS 23.003 2.10.2.2) */
	0x01, 0x41,       /* AMF Set ID 0x005 (MMEGI bits 7-0 || MMEC bits 7-6), AMF Pointer 1 */
	0xc0, 0xff, 0xee, 0x01,       /* 5G-TMSI = M-TMSI */
	0x2e, 0x04, 0xf0, 0xf0, 0xf0, 0xf0, /* IEI 2E UE security capability 9.11.3.54, TLV */
	0x70, 0x00, 0x19, /* IEI 70 EPS NAS message container 9.11.3.24, TLV-E: length 25 */
	0x17, 0xde, 0xad, 0xbe, 0xef, 0x05, 0x07, 0x48, 0x31, 0x0b, 0xf6, 0x00, 0xf1, 0x10, 0x80,
	0x01, 0x41, 0xc0, 0xff, 0xee, 0x01, 0x58, 0x02, 0xf0, 0xf0, /* tau_pdu (8.2.6.16) */
};

/* The FIG. 3 Registration Request: ngKSI mapped | 3, no container, then TS 24.501 9.1.1
 * (Figure 9.1.1.2) security protected with header type 1. */
static const uint8_t rr_fig3_pdu[] = {
	0x7e,                   /* EPD 5GMM */
	0x01,                   /* spare | security header type 0001 integrity protected */
	0xde, 0xad, 0xbe, 0xef, /* 9.8 message authentication code */
	0x05,                   /* 9.10 sequence number */
	0x7e, 0x00, 0x41,       /* plain 5GS NAS message: EPD, plain, registration request */
	0xba,                   /* ngKSI (TSC 1 mapped, KSI 3) | FOR 1, 010 mobility updating */
	0x00, 0x0b, 0xf2, 0x00, 0xf1, 0x10, 0x80, 0x01, 0x41, 0xc0, 0xff, 0xee, 0x01,
	0x2e, 0x04, 0xf0, 0xf0, 0xf0, 0xf0,
};

/* TS 24.501 8.2.25 (Table 8.2.25.1.1) SECURITY MODE COMMAND, plain. */
static const uint8_t smc_plain[] = {
	0x7e, 0x00, 0x5d, /* EPD, plain, Table 9.7.1 security mode command */
	0x02,             /* 9.11.3.34 selected NAS security algorithms: bits 8-5 ciphering 0000
			   * 5G-EA0 | bits 4-1 integrity 0010 128-5G-IA2 */
	0x0b,             /* spare half octet (bits 8-5) | ngKSI (bits 4-1: TSC 1 mapped, 011) */
	0x04, 0xf0, 0xf0, 0xf0, 0xf0, /* replayed UE security capabilities 9.11.3.54, LV */
};

/* The SMC as the AMF sends it: header type 0011 integrity protected with new 5G NAS security
 * context (9.3, Table 9.3.1), SQN 0 (the first downlink message of the mapped context). */
static const uint8_t smc_pdu[] = {
	0x7e, 0x03, 0xde, 0xad, 0xbe, 0xef, 0x00,
	0x7e, 0x00, 0x5d, 0x02, 0x0b, 0x04, 0xf0, 0xf0, 0xf0, 0xf0,
};

/* TS 24.501 8.2.26 SECURITY MODE COMPLETE (no IEs), protected with header type 0100
 * (integrity protected and ciphered with new 5G NAS security context; 5G-EA0). */
static const uint8_t smc_complete_plain[] = { 0x7e, 0x00, 0x5e };
static const uint8_t smc_complete_pdu[] = {
	0x7e, 0x04, 0xde, 0xad, 0xbe, 0xef, 0x00, 0x7e, 0x00, 0x5e,
};

/* TS 24.501 8.2.7 REGISTRATION ACCEPT: 5GS registration result 9.11.3.6, LV: length 1,
 * value 001 3GPP access. */
static const uint8_t reg_accept_plain[] = { 0x7e, 0x00, 0x42, 0x01, 0x01 };

/* TS 29.274 7.3.5 Context Request carrying the protected TAU Request. */
static const uint8_t creq_tau[] = {
	0x48,                   /* 5.1: version 010 | P 0 | T 1 | MP 0 | spare */
	0x82,                   /* Table 6.1-1: 130 Context Request */
	0x00, 0x46,             /* message length 70 (octets after the first 4) */
	0x00, 0x00, 0x00, 0x00, /* TEID 0 (5.5.2: Context Request over N26) */
	0x12, 0x34, 0x56, 0x00, /* sequence number | spare */
	0x75, 0x00, 0x0a, 0x00, /* 8.2.1: type 117 GUTI, length 10, instance 0 */
	0x00, 0xf1, 0x10, 0x80, 0x01, 0x41, 0xc0, 0xff, 0xee, 0x01, /* 8.47 MCC/MNC MMEGI MMEC M-TMSI */
	0x74, 0x00, 0x1a, 0x00, /* type 116 Complete Request Message, length 26 */
	0x01,                   /* 8.46 Table 8.46-1: 1 Complete TAU Request Message */
	0x17, 0xde, 0xad, 0xbe, 0xef, 0x05, 0x07, 0x48, 0x31, 0x0b, 0xf6, 0x00, 0xf1, 0x10, 0x80,
	0x01, 0x41, 0xc0, 0xff, 0xee, 0x01, 0x58, 0x02, 0xf0, 0xf0, /* tau_pdu */
	0x57, 0x00, 0x09, 0x00, /* type 87 F-TEID, length 9 */
	0xa8,                   /* 8.22: V4 1 | V6 0 | interface type 40 N26 AMF GTP-C */
	0x11, 0x22, 0x33, 0x44, /* TEID */
	0x7f, 0x00, 0x00, 0x01, /* IPv4 127.0.0.1 */
	0x52, 0x00, 0x01, 0x00, /* type 82 RAT Type, length 1 */
	0x0a,                   /* 8.17: 10 NR */
};

/* Context Response, Request accepted, with the MM Context and FIG. 3's K_AMF. */
static const uint8_t crsp_accept[] = {
	0x48, 0x83, 0x00, 0x7f, /* version 2, T 1; 131 Context Response; length 127 */
	0x11, 0x22, 0x33, 0x44, /* TEID: the AMF's F-TEID */
	0x12, 0x34, 0x56, 0x00, /* the request's sequence number */
	0x02, 0x00, 0x02, 0x00, /* type 2 Cause, length 2 */
	0x10, 0x00,             /* 8.4: 16 Request accepted | spare, PCE 0, BCE 0, CS 0 */
	0x01, 0x00, 0x08, 0x00, /* type 1 IMSI, length 8 */
	0x00, 0x01, 0x01, 0x21, 0x43, 0x65, 0x87, 0xf9, /* 8.3 TBCD 001010123456789, filler f */
	0x6b, 0x00, 0x2d, 0x00, /* type 107 MM Context (EPS Security Context and Quadruplets),
				 * length 45 */
	0x83,                   /* 8.38 Figure 8.38-5: security mode 100 | NHI 0 | DRXI 0 | KSI 011 */
	0x00,                   /* quintuplets 0 | quadruplets 0 | UAMBRI 0 | OSCI 0 */
	0x20,                   /* SAMBRI 0 | NAS integrity 010 128-EIA2 | NAS cipher 0000 */
	0x00, 0x01, 0x02,       /* NAS Downlink Count */
	0x00, 0x00, 0xff,       /* NAS Uplink Count */
	0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x0e,
	0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d,
	0x1e, 0x1f,             /* K_ASME */
	0x00, 0x00, 0x00,       /* lengths of UE / MS network capability and MEI: 0 */
	0x00,                   /* access restriction flags */
	0x57, 0x00, 0x09, 0x00, /* type 87 F-TEID, length 9 */
	0x8c,                   /* V4 | interface type 12 S10/N26 MME GTP-C */
	0x55, 0x66, 0x77, 0x88, 0x0a, 0x00, 0x00, 0x01, /* TEID, IPv4 10.0.0.1 */
	0xff, 0x00, 0x23, 0x00, /* type 255 Private Extension (8.67), length 35 */
	0x7e, 0xd9,             /* enterprise ID 32473 (RFC 5612 documentation) */
	0x01,                   /* the project's tag 1: K_AMF (FIG. 3 step 305) */
	0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x4b, 0x4c, 0x4d, 0x4e,
	0x4f, 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5a, 0x5b, 0x5c, 0x5d,
	0x5e, 0x5f,
};

/* Context Response rejecting with cause 64 Context Not Found (the cause octet is index 16). */
static const uint8_t crsp_reject[] = {
	0x48, 0x83, 0x00, 0x0e, 0x11, 0x22, 0x33, 0x44, 0x12, 0x34, 0x56, 0x00,
	0x02, 0x00, 0x02, 0x00, 0x40, 0x00, /* Cause 64, flags 0 */
};

/* TS 29.274 7.3.7 Context Acknowledge. */
static const uint8_t cack[] = {
	0x48, 0x84, 0x00, 0x14, /* 132 Context Acknowledge, length 20 */
	0x55, 0x66, 0x77, 0x88, 0x12, 0x34, 0x56, 0x00, /* the MME's TEID, sequence */
	0x02, 0x00, 0x02, 0x00, 0x10, 0x00, /* Cause 16 Request accepted */
	0x4d, 0x00, 0x02, 0x00, /* type 77 Indication, length 2 */
	0x01, 0x00,             /* 8.12: octet 5 bit 1 SGWCI = 1 (7.3.7, N26 idle mode mobility) */
};

/* TS 29.274 7.2.2 Echo Response: 5.1 header with T = 0 (8 octets), Recovery (8.5). */
static const uint8_t echo_rsp[] = {
	0x40, 0x02, 0x00, 0x09, /* version 2, T 0; 2 Echo Response; length 9 */
	0x12, 0x34, 0x56, 0x00, /* sequence number | spare */
	0x03, 0x00, 0x01, 0x00, 0x00, /* type 3 Recovery, length 1, restart counter 0 */
};

/*
 * A GTPv2-C message made wrong: octets [at, at + del) of msg left out, the octet ins (unless
 * -1) put in at `at`, then octets set[].off of the result (0: none) set to set[].v, the Message
 * Length field made to match the new size; the decoder fn must answer want (0 or the cause), on
 * a heap copy of exactly that size.
 */
struct gtp_edit {
	dec_fn fn;
	const uint8_t *msg;
	size_t n, at, del;
	int ins;
	struct {
		uint8_t off, v;
	} set[2];
	int want;
};
#define REQ creq_tau, sizeof(creq_tau)
#define RSP crsp_accept, sizeof(crsp_accept)
#define ACK cack, sizeof(cack)

static void gtp_edits(const struct gtp_edit *e, size_t count)
{
	uint8_t p[512];

	for (size_t i = 0; i < count; i++, e++) {
		size_t ins = e->ins >= 0, n = e->n - e->del + ins;
		int rc;

		assert_true(e->at + e->del <= e->n && n <= sizeof(p));
		memcpy(p, e->msg, e->at);
		if (ins)
			p[e->at] = (uint8_t)e->ins;
		memcpy(p + e->at + ins, e->msg + e->at + e->del, e->n - e->at - e->del);
		for (size_t k = 0; k < 2; k++)
			if (e->set[k].off)
				p[e->set[k].off] = e->set[k].v;
		gtp_set_len(p, n);
		rc = run_dec(e->fn, p, n);
		if (rc != e->want)
			print_error("edit %zu of the table: %d, expected %d\n", i, rc, e->want);
		assert_int_equal(rc, e->want);
	}
}

/* A valid NAS message with up to three octets changed, which its decoder must refuse: each row
 * starts again from the message. */
struct nas_edit {
	size_t nset;
	struct {
		uint8_t off, v;
	} set[3];
};
#define NAS_EDITS(fn, msg, rows) \
	nas_refused(fn, msg, sizeof(msg), rows, sizeof(rows) / sizeof(rows[0]))

static void nas_refused(dec_fn fn, const uint8_t *msg, size_t n, const struct nas_edit *e,
			size_t count)
{
	uint8_t p[256];

	assert_true(n <= sizeof(p));
	for (size_t i = 0; i < count; i++, e++) {
		int rc;

		memcpy(p, msg, n);
		for (size_t k = 0; k < e->nset; k++)
			p[e->set[k].off] = e->set[k].v;
		rc = run_dec(fn, p, n);
		if (rc != -EINVAL)
			print_error("edit %zu of the table: %d, expected -EINVAL\n", i, rc);
		assert_int_equal(rc, -EINVAL);
	}
}

/* ------------------------------------------------------------------------------------------ */
/* GTPv2-C */

/* A GTPv2-C header as fx_hdr wrote it, decoded back (every message here has a TEID). */
static void check_fx_hdr(const struct nasmac__gtp_hdr *h, uint8_t type, uint32_t teid)
{
	assert_int_equal(h->type, type);
	assert_true(h->has_teid);
	assert_int_equal(h->teid, teid);
	assert_int_equal(h->seq, 0x123456);
}

/* The NAS security context fx_ctx_rsp puts in an accepting response, decoded back: KSI,
 * algorithms and COUNTs (in the MM Context IE or in the FIG. 3 Private Extension alike). */
static void check_fx_sec(const struct nasmac__ctx_rsp *d)
{
	assert_int_equal(d->ksi, 3);
	assert_int_equal(d->eia, 2);
	assert_int_equal(d->eea, 0);
	assert_int_equal(d->dl_count, 0x000102);
	assert_int_equal(d->ul_count, 0x0000ff);
}

static void test_gtp_ctx_req_layout(void **state)
{
	struct nasmac__ctx_req m, d;

	(void)state;
	fx_ctx_req(&m, NASMAC__CRM_TAU, tau_pdu, sizeof(tau_pdu));
	layout(enc_req, dec_req, dec_req_into, &m, &d, creq_tau, sizeof(creq_tau));
	check_fx_hdr(&d.h, NASMAC__GTP_CTX_REQ, 0);
	assert_true(d.has_guti && !d.has_imsi && d.has_crm && d.has_fteid);
	assert_memory_equal(d.guti, fx_guti, sizeof(fx_guti));
	assert_int_equal(d.crm_type, NASMAC__CRM_TAU);
	assert_ptr_equal(d.crm, creq_tau + 31);
	assert_int_equal(d.crm_len, sizeof(tau_pdu));
	assert_int_equal(d.fteid_if, 40);
	assert_int_equal(d.fteid_teid, 0x11223344);
	assert_memory_equal(&d.fteid_ipv4, "\x7f\x00\x00\x01", 4);
	assert_int_equal(d.rat, 10);
}

/* FIG. 3: the protected Registration Request travels in a Private Extension IE (TS 29.274 8.67:
 * type 255, Enterprise ID, value), enterprise 32473 (RFC 5612, documentation), tag 2, placed
 * last; no Complete Request Message IE (Table 8.46-1 has no type for a 5GS message). */
static void test_gtp_ctx_req_fig3(void **state)
{
	/* IE type 255, length 33 = 2 (enterprise) + 1 (tag) + 30, instance 0; 0x7ed9 = 32473. */
	static const uint8_t priv_hdr[] = { 0xff, 0x00, 0x21, 0x00, 0x7e, 0xd9, 0x02 };
	struct nasmac__ctx_req m, d;
	uint8_t buf[256], alt[256];
	int n;

	(void)state;
	assert_int_equal(sizeof(rr_fig3_pdu), 30);
	fx_ctx_req(&m, NASMAC__CRM_RR, rr_fig3_pdu, sizeof(rr_fig3_pdu));
	n = nasmac__gtp_enc_ctx_req(&m, buf, sizeof(buf));
	assert_int_equal(n, 12 + 14 + 18 + sizeof(priv_hdr) + sizeof(rr_fig3_pdu));
	assert_int_equal(buf[2] << 8 | buf[3], n - 4);
	assert_memory_equal(buf + 12, creq_tau + 12, 14); /* the same GUTI IE */
	assert_memory_equal(buf + 26, creq_tau + 56, 18); /* F-TEID, RAT */
	assert_memory_equal(buf + 44, priv_hdr, sizeof(priv_hdr));
	assert_memory_equal(buf + 44 + sizeof(priv_hdr), rr_fig3_pdu, sizeof(rr_fig3_pdu));
	assert_int_equal(run_dec(dec_req, buf, (size_t)n), 0);
	assert_int_equal(nasmac__gtp_dec_ctx_req(buf, (size_t)n, &d), 0);
	assert_true(d.has_crm);
	assert_int_equal(d.crm_type, NASMAC__CRM_RR);
	assert_int_equal(d.crm_len, sizeof(rr_fig3_pdu));
	assert_memory_equal(d.crm, rr_fig3_pdu, sizeof(rr_fig3_pdu));

	/* Another enterprise's extension, or another tag, is skipped: no request message. */
	memcpy(alt, buf, (size_t)n);
	alt[44 + 5] = 0xda;
	assert_int_equal(nasmac__gtp_dec_ctx_req(alt, (size_t)n, &d), 0);
	assert_false(d.has_crm);
	memcpy(alt, buf, (size_t)n);
	alt[44 + 6] = 0x03;
	assert_int_equal(nasmac__gtp_dec_ctx_req(alt, (size_t)n, &d), 0);
	assert_false(d.has_crm);

	/* A Complete Request Message beside the extension: which message is meant is unclear. */
	memcpy(alt, creq_tau, 56);
	memcpy(alt + 56, buf + 44, sizeof(priv_hdr) + sizeof(rr_fig3_pdu));
	alt[2] = 0;
	alt[3] = (uint8_t)(56 + sizeof(priv_hdr) + sizeof(rr_fig3_pdu) - 4);
	assert_int_equal(nasmac__gtp_dec_ctx_req(alt, 56 + sizeof(priv_hdr) + sizeof(rr_fig3_pdu), &d),
			 -EINVAL);
	assert_int_equal(d.h.bad_cause, NASMAC__CAUSE_MANDATORY_IE_INCORRECT);

	/* The encoder writes only the two defined CRM types' field values (2 bits). */
	fx_ctx_req(&m, 4, tau_pdu, sizeof(tau_pdu));
	assert_int_equal(nasmac__gtp_enc_ctx_req(&m, buf, sizeof(buf)), -EINVAL);
}

/* TS 29.274 7.7: a repeated IE the message does not define as repeatable is handled from its
 * first instance; later ones are ignored. Here a second GUTI IE (other M-TMSI) and a second
 * Complete Request Message (other type) follow the first ones of creq_tau. */
static void test_gtp_ctx_req_repeated_ie(void **state)
{
	static const uint8_t extra[] = {
		0x75, 0x00, 0x0a, 0x00, 0x00, 0xf1, 0x10, 0x80, 0x01, 0x41, 0xde, 0xad, 0xbe, 0xef,
		0x74, 0x00, 0x02, 0x00, 0x00, 0x07,
	};
	uint8_t buf[sizeof(creq_tau) + sizeof(extra)];
	struct nasmac__ctx_req d;

	(void)state;
	memcpy(buf, creq_tau, sizeof(creq_tau));
	memcpy(buf + sizeof(creq_tau), extra, sizeof(extra));
	buf[3] = (uint8_t)(sizeof(buf) - 4);
	assert_int_equal(nasmac__gtp_dec_ctx_req(buf, sizeof(buf), &d), 0);
	assert_memory_equal(d.guti, fx_guti, sizeof(fx_guti));
	assert_int_equal(d.crm_type, NASMAC__CRM_TAU);
	assert_int_equal(d.crm_len, sizeof(tau_pdu));
	assert_memory_equal(d.crm, tau_pdu, sizeof(tau_pdu));
}

/* IMSI (8.3): TBCD, digit 2 in bits 8-5, filler 1111 after an odd number of digits. */
static void test_gtp_imsi(void **state)
{
	static const uint8_t hdr[] = { 0x48, 0x82, 0x00, 0x00, 0, 0, 0, 0, 0x00, 0x00, 0x07, 0x00 };
	static const uint8_t imsi_even[] = { 0x01, 0x00, 0x07, 0x00, /* 00101012345678 */
					     0x00, 0x01, 0x01, 0x21, 0x43, 0x65, 0x87 };
	static const uint8_t imsi_odd[] = { 0x01, 0x00, 0x08, 0x00, /* 001010123456789 */
					    0x00, 0x01, 0x01, 0x21, 0x43, 0x65, 0x87, 0xf9 };
	/* Faulty IMSI values: a digit above 9, a filler before the last octet, a 16th digit. */
	static const uint8_t bad[][9] = {
		{ 8, 0x00, 0x01, 0x01, 0x21, 0x43, 0x65, 0x87, 0xfa },
		{ 8, 0x00, 0x01, 0xf1, 0x21, 0x43, 0x65, 0x87, 0xf9 },
		{ 8, 0x00, 0x01, 0x01, 0x21, 0x43, 0x65, 0x87, 0x99 },
	};
	struct nasmac__ctx_req m, d;
	uint8_t buf[64];
	int n;

	(void)state;
	memset(&m, 0, sizeof(m));
	m.h.seq = 7;
	m.has_imsi = 1;
	strcpy(m.imsi, "00101012345678");
	n = nasmac__gtp_enc_ctx_req(&m, buf, sizeof(buf));
	assert_int_equal(n, 12 + sizeof(imsi_even));
	assert_memory_equal(buf + 4, hdr + 4, 8);
	assert_memory_equal(buf + 12, imsi_even, sizeof(imsi_even));
	assert_int_equal(nasmac__gtp_dec_ctx_req(buf, (size_t)n, &d), 0);
	assert_true(d.has_imsi && !d.has_guti);
	assert_string_equal(d.imsi, "00101012345678");

	strcpy(m.imsi, "001010123456789");
	n = nasmac__gtp_enc_ctx_req(&m, buf, sizeof(buf));
	assert_int_equal(n, 12 + sizeof(imsi_odd));
	assert_memory_equal(buf + 12, imsi_odd, sizeof(imsi_odd));
	assert_int_equal(nasmac__gtp_dec_ctx_req(buf, (size_t)n, &d), 0);
	assert_string_equal(d.imsi, "001010123456789");

	/* Faulty IMSIs and IMSI lengths 0 and 9 are "Mandatory IE incorrect" (the only identity). */
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		memcpy(buf, hdr, sizeof(hdr));
		memcpy(buf + 12, imsi_odd, 4);
		memcpy(buf + 16, bad[i] + 1, 8);
		gtp_set_len(buf, 24);
		assert_int_equal(run_dec(dec_req, buf, 24), NASMAC__CAUSE_MANDATORY_IE_INCORRECT);
	}
	memcpy(buf, hdr, sizeof(hdr));
	memcpy(buf + 12, "\x01\x00\x00\x00", 4);
	gtp_set_len(buf, 16);
	assert_int_equal(run_dec(dec_req, buf, 16), NASMAC__CAUSE_MANDATORY_IE_INCORRECT);
	memcpy(buf + 12, imsi_odd, sizeof(imsi_odd));
	buf[14] = 9;
	buf[24] = 0x99;
	gtp_set_len(buf, 25);
	assert_int_equal(run_dec(dec_req, buf, 25), NASMAC__CAUSE_MANDATORY_IE_INCORRECT);
}

static void test_gtp_ctx_rsp_accept_layout(void **state)
{
	struct nasmac__ctx_rsp m, d;
	uint8_t buf[256], kasme[32], kamf[32];
	int n;

	(void)state;
	fx_key(kasme, 0x00);
	fx_key(kamf, 0x40);
	fx_ctx_rsp(&m, NASMAC__CAUSE_ACCEPTED, 1);
	layout(enc_rsp, dec_rsp, dec_rsp_into, &m, &d, crsp_accept, sizeof(crsp_accept));
	check_fx_hdr(&d.h, NASMAC__GTP_CTX_RSP, 0x11223344);
	assert_int_equal(d.cause, NASMAC__CAUSE_ACCEPTED);
	assert_true(d.has_imsi && d.has_mm && d.has_fteid && d.has_kamf);
	assert_string_equal(d.imsi, "001010123456789");
	check_fx_sec(&d);
	assert_memory_equal(d.kasme, kasme, 32);
	assert_memory_equal(d.kamf, kamf, 32);
	assert_int_equal(d.fteid_teid, 0x55667788);
	assert_memory_equal(&d.fteid_ipv4, "\x0a\x00\x00\x01", 4);

	/* Without K_AMF (the 3GPP flow and FIG. 3 step 305'): no Private Extension. */
	fx_ctx_rsp(&m, NASMAC__CAUSE_ACCEPTED, 0);
	n = nasmac__gtp_enc_ctx_rsp(&m, buf, sizeof(buf));
	assert_int_equal(n, sizeof(crsp_accept) - 39);
	assert_int_equal(buf[3], sizeof(crsp_accept) - 39 - 4);
	assert_memory_equal(buf + 4, crsp_accept + 4, (size_t)n - 4);
	assert_int_equal(nasmac__gtp_dec_ctx_rsp(buf, (size_t)n, &d), 0);
	assert_false(d.has_kamf);

	/* The counts are 24 bits on the wire (8.38): the top octet of the struct's is not sent. */
	fx_ctx_rsp(&m, NASMAC__CAUSE_ACCEPTED, 0);
	m.dl_count = 0xabcdef;
	m.ul_count = 0x123456;
	n = nasmac__gtp_enc_ctx_rsp(&m, buf, sizeof(buf));
	assert_memory_equal(buf + 37, "\xab\xcd\xef\x12\x34\x56", 6);
	assert_int_equal(nasmac__gtp_dec_ctx_rsp(buf, (size_t)n, &d), 0);
	assert_int_equal(d.dl_count, 0xabcdef);
	assert_int_equal(d.ul_count, 0x123456);
	/* Every integrity / cipher algorithm value lands in its bits of octet 7. */
	for (uint8_t eia = 0; eia < 8; eia++) {
		for (uint8_t eea = 0; eea < 8; eea++) {
			m.eia = eia;
			m.eea = eea;
			n = nasmac__gtp_enc_ctx_rsp(&m, buf, sizeof(buf));
			assert_int_equal(buf[36], eia << 4 | eea);
			assert_int_equal(nasmac__gtp_dec_ctx_rsp(buf, (size_t)n, &d), 0);
			assert_int_equal(d.eia, eia);
			assert_int_equal(d.eea, eea);
		}
	}
}

/* FIG. 3 with K_AMF from the MME (host/README.md, "Trust model"): no MM Context IE, which has
 * no form without a K_ASME; K_AMF (tag 1) and the rest of the context (tag 3: KSI, algorithms,
 * downlink and uplink COUNT) in Private Extensions. */
static void test_gtp_ctx_rsp_kamf_no_kasme(void **state)
{
	static const uint8_t sec_ie[] = {
		0xff, 0x00, 0x0b, 0x00, /* type 255 Private Extension, length 11 */
		0x7e, 0xd9, 0x03,       /* enterprise 32473, tag 3 */
		0x03,                   /* KSI 3 */
		0x20,                   /* 128-EIA2 | EEA0 */
		0x00, 0x01, 0x02,       /* NAS Downlink Count */
		0x00, 0x00, 0xff,       /* NAS Uplink Count */
	};
	struct nasmac__ctx_rsp m, d;
	uint8_t buf[256], kamf[32];
	int n;

	(void)state;
	fx_key(kamf, 0x40);
	fx_ctx_rsp(&m, NASMAC__CAUSE_ACCEPTED, 1);
	m.has_mm = 0;
	m.has_sec = 1;
	memset(m.kasme, 0, sizeof(m.kasme));
	n = nasmac__gtp_enc_ctx_rsp(&m, buf, sizeof(buf));
	assert_true(n > 0);
	/* Cause, IMSI, F-TEID, tag 1, tag 3: no IE of type 107 anywhere at the top level. */
	for (size_t off = 12; off < (size_t)n; off += 4u + ((size_t)buf[off + 1] << 8 | buf[off + 2]))
		assert_int_not_equal(buf[off], 107);
	assert_int_equal(n, 12 + 6 + 12 + 13 + 39 + (int)sizeof(sec_ie));
	assert_memory_equal(buf + n - sizeof(sec_ie), sec_ie, sizeof(sec_ie));
	assert_int_equal(nasmac__gtp_dec_ctx_rsp(buf, (size_t)n, &d), 0);
	assert_false(d.has_mm);
	assert_true(d.has_kamf && d.has_sec && d.has_fteid);
	check_fx_sec(&d);
	assert_memory_equal(d.kamf, kamf, 32);
	enc_sizes(enc_rsp, &m, buf, (size_t)n);
}

static void test_gtp_ctx_rsp_reject_causes(void **state)
{
	struct nasmac__ctx_rsp m, d;
	uint8_t buf[64], want[sizeof(crsp_reject)];

	(void)state;
	for (size_t i = 0; i < sizeof(fx_reject_causes); i++) {
		uint8_t cause = fx_reject_causes[i];
		memcpy(want, crsp_reject, sizeof(want));
		want[16] = cause;
		fx_ctx_rsp(&m, cause, 0);
		assert_int_equal(nasmac__gtp_enc_ctx_rsp(&m, buf, sizeof(buf)), sizeof(want));
		assert_memory_equal(buf, want, sizeof(want));
		assert_int_equal(run_dec(dec_rsp, want, sizeof(want)), 0);
		assert_int_equal(nasmac__gtp_dec_ctx_rsp(want, sizeof(want), &d), 0);
		assert_int_equal(d.cause, cause);
		assert_false(d.has_mm || d.has_imsi || d.has_fteid || d.has_kamf);
		enc_sizes(enc_rsp, &m, want, sizeof(want));
		gtp_truncate_all(dec_rsp, want, sizeof(want), 18);
	}
}

static void test_gtp_ctx_ack_layout(void **state)
{
	struct nasmac__ctx_ack m, d;
	uint8_t buf[64];

	(void)state;
	fx_ctx_ack(&m);
	layout(enc_ack, dec_ack, dec_ack_into, &m, &d, cack, sizeof(cack));
	check_fx_hdr(&d.h, NASMAC__GTP_CTX_ACK, 0x55667788);
	assert_int_equal(d.cause, NASMAC__CAUSE_ACCEPTED);
	/* A negative acknowledgement: only the cause octet changes. */
	m.cause = NASMAC__CAUSE_USER_AUTH_FAILED;
	assert_int_equal(nasmac__gtp_enc_ctx_ack(&m, buf, sizeof(buf)), sizeof(cack));
	assert_int_equal(buf[16], 92);
	assert_int_equal(nasmac__gtp_dec_ctx_ack(buf, sizeof(cack), &d), 0);
	assert_int_equal(d.cause, 92);
}

/* Version Not Supported Indication (TS 29.274 Table 6.1-1, type 3): the GTPv2 header alone,
 * version 2, T = 0, length 4; sent for GTP versions 1 and 3..7, never for 0 or 2 or a datagram
 * shorter than a GTP header. */
static void test_gtp_vnsi(void **state)
{
	static const uint8_t vnsi[] = { 0x40, 0x03, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00 };
	uint8_t buf[16], dg[8] = { 0 };

	(void)state;
	assert_int_equal(nasmac__gtp_enc_vnsi(buf, sizeof(buf)), sizeof(vnsi));
	assert_memory_equal(buf, vnsi, sizeof(vnsi));
	assert_true(nasmac__gtp_enc_vnsi(buf, 7) < 0);
	for (unsigned v = 0; v < 8; v++) {
		dg[0] = (uint8_t)(v << 5 | 0x12);
		assert_int_equal(nasmac__gtp_other_version(dg, sizeof(dg)), v == 2 ? 0 : v);
		assert_int_equal(nasmac__gtp_other_version(dg, 7), 0);
	}
}

static void test_gtp_echo_and_peek(void **state)
{
	/* 7.2.1 Echo Request as a peer sends it: T = 0, Recovery 7. */
	static const uint8_t echo_req[] = { 0x40, 0x01, 0x00, 0x09, 0x00, 0x00, 0x2a, 0x00,
					    0x03, 0x00, 0x01, 0x00, 0x07 };
	struct nasmac__gtp_hdr h;
	uint32_t seq = 0x123456;
	uint8_t buf[64], *p;

	(void)state;
	assert_int_equal(nasmac__gtp_enc_echo_rsp(seq, buf, sizeof(buf)), sizeof(echo_rsp));
	assert_memory_equal(buf, echo_rsp, sizeof(echo_rsp));
	enc_sizes(enc_echo, &seq, echo_rsp, sizeof(echo_rsp));
	/* Only 24 bits of sequence number go on the wire. */
	assert_int_equal(nasmac__gtp_enc_echo_rsp(0xff123456u, buf, sizeof(buf)), sizeof(echo_rsp));
	assert_memory_equal(buf, echo_rsp, sizeof(echo_rsp));

	p = dup_exact(echo_req, sizeof(echo_req));
	assert_int_equal(nasmac__gtp_peek(p, sizeof(echo_req), &h), 0);
	assert_int_equal(h.type, NASMAC__GTP_ECHO_REQ);
	assert_false(h.has_teid);
	assert_int_equal(h.seq, 0x2a);
	free(p);
	assert_int_equal(nasmac__gtp_peek(crsp_accept, sizeof(crsp_accept), &h), 0);
	assert_int_equal(h.type, NASMAC__GTP_CTX_RSP);
	assert_true(h.has_teid);
	assert_int_equal(h.teid, 0x11223344);
	assert_int_equal(h.seq, 0x123456);

	/* Too short for the header it announces, at every length. */
	for (size_t n = 0; n < 8; n++) {
		p = dup_exact(echo_req, n);
		assert_int_equal(nasmac__gtp_peek(p, n, &h), -EINVAL);
		free(p);
	}
	for (size_t n = 0; n < 12; n++) {
		p = dup_exact(cack, n);
		assert_int_equal(nasmac__gtp_peek(p, n, &h), -EINVAL);
		free(p);
	}
	/* Versions 0, 1 (GTPv1), 3..7 are not GTPv2-C. */
	memcpy(buf, echo_req, sizeof(echo_req));
	for (unsigned v = 0; v < 8; v++) {
		buf[0] = (uint8_t)(v << 5);
		assert_int_equal(nasmac__gtp_peek(buf, sizeof(echo_req), &h), v == 2 ? 0 : -EINVAL);
	}
}

/* Truncation at every length of every message (see gtp_truncate_all). */
static void test_gtp_truncated(void **state)
{
	uint8_t buf[256];
	struct nasmac__ctx_req m;
	int n;

	(void)state;
	gtp_truncate_all(dec_req, creq_tau, sizeof(creq_tau), 26);
	gtp_truncate_all(dec_rsp, crsp_accept, sizeof(crsp_accept), 18);
	gtp_truncate_all(dec_ack, cack, sizeof(cack), 18);
	fx_ctx_req(&m, NASMAC__CRM_RR, rr_fig3_pdu, sizeof(rr_fig3_pdu));
	n = nasmac__gtp_enc_ctx_req(&m, buf, sizeof(buf));
	assert_true(n > 0);
	gtp_truncate_all(dec_req, buf, (size_t)n, 26);
}

/* Message Length fields that disagree with the datagram, IE lengths that overrun, and IEs too
 * short for their fixed part. */
static void test_gtp_wrong_lengths(void **state)
{
	static const struct gtp_edit ie_lengths[] = {
		/* The last IE (RAT Type) claims one octet more than there is. */
		{ dec_req, REQ, 0, 0, -1, { { 71, 2 } }, NASMAC__CAUSE_INVALID_LENGTH },
		/* The GUTI IE claims 0xffff octets. */
		{ dec_req, REQ, 0, 0, -1, { { 13, 0xff }, { 14, 0xff } },
		  NASMAC__CAUSE_INVALID_LENGTH },
		/* GUTI of 9 and 11 octets (8.47 has exactly 10), the rest of the message re-framed. */
		{ dec_req, REQ, 25, 1, -1, { { 14, 9 } }, NASMAC__CAUSE_MANDATORY_IE_INCORRECT },
		{ dec_req, REQ, 26, 0, 0x00, { { 14, 11 } }, NASMAC__CAUSE_MANDATORY_IE_INCORRECT },
		/* F-TEID of 8 octets (no room for the IPv4 address) and F-TEID without V4. */
		{ dec_req, REQ, 68, 1, -1, { { 58, 8 } }, NASMAC__CAUSE_MANDATORY_IE_INCORRECT },
		{ dec_req, REQ, 0, 0, -1, { { 60, 0x28 } } /* V4 0, V6 0 */,
		  NASMAC__CAUSE_MANDATORY_IE_INCORRECT },
		/* Complete Request Message with a type and no message. */
		{ dec_req, REQ, 31, 25, -1, { { 28, 1 } }, NASMAC__CAUSE_MANDATORY_IE_INCORRECT },
		/* Cause of one octet, MM Context of 40 octets (no room for all of K_ASME). */
		{ dec_rsp, RSP, 17, 1, -1, { { 14, 1 } }, NASMAC__CAUSE_MANDATORY_IE_INCORRECT },
		{ dec_rsp, RSP, 74, 5, -1, { { 32, 40 } }, NASMAC__CAUSE_MANDATORY_IE_INCORRECT },
		/* The same with a length of 41: the fixed part is complete and decodes. */
		{ dec_rsp, RSP, 75, 4, -1, { { 32, 41 } }, 0 },
		/* Cause of one octet in the Acknowledge. */
		{ dec_ack, ACK, 17, 1, -1, { { 14, 1 } }, NASMAC__CAUSE_MANDATORY_IE_INCORRECT },
	};
	uint8_t p[256];

	(void)state;
	/* Header length one more / one less than the octets received. */
	memcpy(p, creq_tau, sizeof(creq_tau));
	p[3]++;
	assert_int_equal(run_dec(dec_req, p, sizeof(creq_tau)), NASMAC__CAUSE_INVALID_LENGTH);
	p[3] -= 2;
	assert_int_equal(run_dec(dec_req, p, sizeof(creq_tau)), NASMAC__CAUSE_INVALID_LENGTH);
	/* Header length 0xffff on a short datagram. */
	p[2] = p[3] = 0xff;
	assert_int_equal(run_dec(dec_req, p, sizeof(creq_tau)), NASMAC__CAUSE_INVALID_LENGTH);

	gtp_edits(ie_lengths, sizeof(ie_lengths) / sizeof(ie_lengths[0]));
}

/* Version other than 2, T flag 0 on a message that needs a TEID, and the wrong message type. */
static void test_gtp_bad_header(void **state)
{
	const struct {
		dec_fn fn;
		const uint8_t *msg;
		size_t n;
	} c[] = {
		{ dec_req, creq_tau, sizeof(creq_tau) },
		{ dec_rsp, crsp_accept, sizeof(crsp_accept) },
		{ dec_ack, cack, sizeof(cack) },
	};
	uint8_t p[256];

	(void)state;
	for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
		for (unsigned v = 0; v < 8; v++) {
			if (v == 2)
				continue;
			memcpy(p, c[i].msg, c[i].n);
			p[0] = (uint8_t)(v << 5 | 0x08);
			assert_int_equal(run_dec(c[i].fn, p, c[i].n),
					 NASMAC__CAUSE_INVALID_FORMAT);
		}
		/* T = 0: the same octets now have an 8-octet header. */
		memcpy(p, c[i].msg, c[i].n);
		p[0] = 0x40;
		assert_int_equal(run_dec(c[i].fn, p, c[i].n), NASMAC__CAUSE_INVALID_FORMAT);
		/* The other two message types, and Echo Request, fail every decoder but their own. */
		for (size_t j = 0; j < sizeof(c) / sizeof(c[0]); j++) {
			int rc = run_dec(c[i].fn, c[j].msg, c[j].n);
			if (i == j)
				assert_int_equal(rc, 0);
			else
				assert_true(rc > 0);
		}
		memcpy(p, c[i].msg, c[i].n);
		p[1] = NASMAC__GTP_ECHO_REQ;
		assert_true(run_dec(c[i].fn, p, c[i].n) > 0);
	}
	/* The Request decoder names the wrong type "Invalid Message Format". */
	memcpy(p, creq_tau, sizeof(creq_tau));
	p[1] = 133; /* Forward Relocation Request */
	assert_int_equal(run_dec(dec_req, p, sizeof(creq_tau)), NASMAC__CAUSE_INVALID_FORMAT);
}

static void test_gtp_missing_mandatory(void **state)
{
	static const struct gtp_edit missing[] = {
		/* Context Request with neither GUTI nor IMSI (7.3.5: GUTI "if the IMSI is not
		 * present"). */
		{ dec_req, REQ, 12, 14, -1, { { 0 } }, NASMAC__CAUSE_MANDATORY_IE_MISSING },
		/* A GUTI with instance 1 is not the GUTI of Table 7.3.5-1 (instance 0). */
		{ dec_req, REQ, 0, 0, -1, { { 15, 0x01 } }, NASMAC__CAUSE_MANDATORY_IE_MISSING },
		/* Context Response and Acknowledge without their Cause (M). */
		{ dec_rsp, RSP, 12, 6, -1, { { 0 } }, NASMAC__CAUSE_MANDATORY_IE_MISSING },
		{ dec_ack, ACK, 12, 6, -1, { { 0 } }, NASMAC__CAUSE_MANDATORY_IE_MISSING },
		/* Cause instance 1 only. */
		{ dec_ack, ACK, 0, 0, -1, { { 15, 0x01 } }, NASMAC__CAUSE_MANDATORY_IE_MISSING },
		/* MM Context with another security mode (3: UMTS Key and Quintuplets) is not type
		 * 107's. */
		{ dec_rsp, RSP, 0, 0, -1, { { 34, 0x63 } }, NASMAC__CAUSE_MANDATORY_IE_INCORRECT },
	};
	uint8_t p[256];
	struct nasmac__ctx_rsp d;

	(void)state;
	gtp_edits(missing, sizeof(missing) / sizeof(missing[0]));
	/* "Request accepted" without the MM Context and F-TEID (C, 7.3.6): the decoder accepts it
	 * and says so in has_mm / has_fteid; the AMF refuses such a response (amf.c). */
	memcpy(p, crsp_accept, 30);
	gtp_set_len(p, 30);
	assert_int_equal(nasmac__gtp_dec_ctx_rsp(p, 30, &d), 0);
	assert_int_equal(d.cause, NASMAC__CAUSE_ACCEPTED);
	assert_false(d.has_mm || d.has_fteid);
}

/* Datagrams longer than the message, and encodes that cannot fit the 16-bit length. */
static void test_gtp_oversized(void **state)
{
	static uint8_t big[70000], out[70000];
	struct nasmac__ctx_req m;
	uint8_t p[256];
	int n;

	(void)state;
	memcpy(p, creq_tau, sizeof(creq_tau));
	p[sizeof(creq_tau)] = 0;
	assert_int_equal(run_dec(dec_req, p, sizeof(creq_tau) + 1), NASMAC__CAUSE_INVALID_LENGTH);
	memcpy(p, cack, sizeof(cack));
	memcpy(p + sizeof(cack), cack, sizeof(cack)); /* a second message appended */
	assert_int_equal(run_dec(dec_ack, p, 2 * sizeof(cack)), NASMAC__CAUSE_INVALID_LENGTH);
	/* A 70000-octet datagram cannot match any Message Length. */
	memcpy(big, creq_tau, sizeof(creq_tau));
	big[2] = big[3] = 0xff;
	assert_int_equal(run_dec(dec_req, big, sizeof(big)), NASMAC__CAUSE_INVALID_LENGTH);
	/* The largest message: length 0xffff exactly decodes (an unknown IE fills it). */
	memset(big, 0, sizeof(big));
	memcpy(big, creq_tau, 26);
	big[26] = 200;
	big[27] = (uint8_t)((0xffff + 4 - 26 - 4) >> 8);
	big[28] = (uint8_t)(0xffff + 4 - 26 - 4);
	gtp_set_len(big, 0xffff + 4);
	assert_int_equal(run_dec(dec_req, big, 0xffff + 4), 0);
	/* Encoders: a Complete Request Message one octet too long for the 16-bit Message Length
	 * (the message is 49 octets plus the embedded PDU), then one that just fits. */
	fx_ctx_req(&m, NASMAC__CRM_TAU, big, 0xffff + 4 - 49 + 1);
	assert_int_equal(nasmac__gtp_enc_ctx_req(&m, out, sizeof(out)), -ENOSPC);
	m.crm_len--;
	n = nasmac__gtp_enc_ctx_req(&m, out, sizeof(out));
	assert_int_equal(n, 0xffff + 4);
	assert_int_equal(out[2] << 8 | out[3], 0xffff);
	assert_int_equal(run_dec(dec_req, out, (size_t)n), 0);
}

/* Unknown IEs, unknown instances, the extended type (254) and foreign Private Extensions are
 * skipped (TS 29.274 7.7.8 / 8.2.1A) and the known IEs around them still decode. */
static void test_gtp_unknown_ies(void **state)
{
	static const uint8_t extra[] = {
		0xc8, 0x00, 0x03, 0x00, 0xaa, 0xbb, 0xcc,       /* type 200, unknown here */
		0xfe, 0x00, 0x04, 0x00, 0x01, 0x2c, 0x01, 0x02, /* 254: extended type 300 */
		0x75, 0x00, 0x0a, 0x01, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99, 0x99,
		0x99,                                           /* GUTI, instance 1 */
		0xff, 0x00, 0x03, 0x00, 0x00, 0x0a, 0x55,       /* Private Extension, enterprise 10 */
		0x4d, 0x00, 0x02, 0x00, 0x00, 0x01,             /* Indication: MSV */
		0x02, 0x00, 0x02, 0x01, 0x5e, 0x00,             /* Cause with instance 1 */
		0x6b, 0x00, 0x00, 0x01,                         /* MM Context, instance 1, empty */
		0xc2, 0x00, 0x00, 0x00,                         /* type 194 (CIoT), empty */
	};
	struct nasmac__ctx_req r;
	struct nasmac__ctx_rsp s;
	struct nasmac__ctx_ack a;
	uint8_t p[512], kasme[32];
	size_t n;

	(void)state;
	fx_key(kasme, 0);
	/* Request: before, between and after the known IEs. */
	memcpy(p, creq_tau, 12);
	memcpy(p + 12, extra, sizeof(extra));
	memcpy(p + 12 + sizeof(extra), creq_tau + 12, 44);
	memcpy(p + 56 + sizeof(extra), extra, sizeof(extra));
	memcpy(p + 56 + 2 * sizeof(extra), creq_tau + 56, 18);
	n = sizeof(creq_tau) + 2 * sizeof(extra);
	gtp_set_len(p, n);
	assert_int_equal(run_dec(dec_req, p, n), 0);
	assert_int_equal(nasmac__gtp_dec_ctx_req(p, n, &r), 0);
	assert_memory_equal(r.guti, fx_guti, sizeof(fx_guti));
	assert_int_equal(r.crm_len, sizeof(tau_pdu));
	assert_memory_equal(r.crm, tau_pdu, sizeof(tau_pdu));
	assert_int_equal(r.fteid_teid, 0x11223344);
	assert_int_equal(r.rat, 10);
	/* Response: the extras after the Cause (instance 1 Cause 94 must not override 16). */
	memcpy(p, crsp_accept, 18);
	memcpy(p + 18, extra, sizeof(extra));
	memcpy(p + 18 + sizeof(extra), crsp_accept + 18, sizeof(crsp_accept) - 18);
	n = sizeof(crsp_accept) + sizeof(extra);
	gtp_set_len(p, n);
	assert_int_equal(run_dec(dec_rsp, p, n), 0);
	assert_int_equal(nasmac__gtp_dec_ctx_rsp(p, n, &s), 0);
	assert_int_equal(s.cause, NASMAC__CAUSE_ACCEPTED);
	assert_true(s.has_mm && s.has_kamf && s.has_fteid);
	assert_memory_equal(s.kasme, kasme, 32);
	/* Acknowledge. */
	memcpy(p, cack, sizeof(cack));
	memcpy(p + sizeof(cack), extra, sizeof(extra));
	n = sizeof(cack) + sizeof(extra);
	gtp_set_len(p, n);
	assert_int_equal(run_dec(dec_ack, p, n), 0);
	assert_int_equal(nasmac__gtp_dec_ctx_ack(p, n, &a), 0);
	assert_int_equal(a.cause, NASMAC__CAUSE_ACCEPTED);
}

/* ------------------------------------------------------------------------------------------ */
/* EPS NAS */

static void test_eps_tau_layout(void **state)
{
	struct nasmac__tau t, d;
	uint8_t buf[64];

	(void)state;
	fx_tau(&t);
	layout(enc_tau, dec_tau, dec_tau_into, &t, &d, tau_plain, sizeof(tau_plain));
	assert_int_equal(d.ksi, 3);
	assert_int_equal(d.update_type, 1);
	assert_memory_equal(d.guti, fx_guti, sizeof(fx_guti));
	/* Every KSI / update type lands in its half octet (octet 3). */
	for (uint8_t k = 0; k < 8; k++) {
		for (uint8_t u = 0; u < 8; u++) {
			t.ksi = k;
			t.update_type = u;
			assert_int_equal(nasmac__nas_enc_tau(&t, buf, sizeof(buf)), 19);
			assert_int_equal(buf[2], k << 4 | u);
			assert_int_equal(nasmac__nas_dec_tau(buf, 19, &d), 0);
			assert_int_equal(d.ksi, k);
			assert_int_equal(d.update_type, u);
		}
	}
}

static void test_eps_protected_layout(void **state)
{
	const struct protect_call call = { nasmac__nas_eps_protect, 1, FX_SQN, tau_plain,
					   sizeof(tau_plain) };
	struct nasmac__nas_sec s;
	uint8_t buf[64];
	int n;

	(void)state;
	n = nasmac__nas_eps_protect(1, fx_mac, FX_SQN, tau_plain, sizeof(tau_plain), buf,
				    sizeof(buf));
	assert_int_equal(n, sizeof(tau_pdu));
	assert_memory_equal(buf, tau_pdu, sizeof(tau_pdu));
	assert_int_equal(fx_tau_pdu(buf, sizeof(buf)), sizeof(tau_pdu));
	assert_memory_equal(buf, tau_pdu, sizeof(tau_pdu));
	enc_sizes(enc_protect, &call, tau_pdu, sizeof(tau_pdu));

	assert_int_equal(run_dec(dec_eps_sec, tau_pdu, sizeof(tau_pdu)), 0);
	assert_int_equal(nasmac__nas_eps_sec(tau_pdu, sizeof(tau_pdu), &s), 0);
	assert_int_equal(s.sht, 1);
	assert_memory_equal(s.mac, fx_mac, 4);
	assert_int_equal(s.sqn, FX_SQN);
	/* The MESSAGE the MAC covers is SQN || plain message (TS 24.301 9.5 / 4.4.3.3). */
	assert_ptr_equal(s.msg, tau_pdu + 5);
	assert_int_equal(s.msg_len, sizeof(tau_pdu) - 5);
	assert_ptr_equal(s.plain, tau_pdu + 6);
	assert_int_equal(s.plain_len, sizeof(tau_plain));
	n = nasmac__nas_eps_protect(s.sht, s.mac, s.sqn, s.plain, s.plain_len, buf, sizeof(buf));
	assert_int_equal(n, sizeof(tau_pdu));
	assert_memory_equal(buf, tau_pdu, sizeof(tau_pdu));

	/* Security header types 1-4 are integrity protected messages this header describes; 0
	 * (plain), 5 (partially ciphered), 12-15 (SERVICE REQUEST) and the rest are not. */
	memcpy(buf, tau_pdu, sizeof(tau_pdu));
	for (unsigned sht = 0; sht < 16; sht++) {
		buf[0] = (uint8_t)(sht << 4 | 0x07);
		assert_int_equal(run_dec(dec_eps_sec, buf, sizeof(tau_pdu)),
				 sht >= 1 && sht <= 4 ? 0 : -EINVAL);
	}
	/* Protocol discriminators other than EMM (9.2: the security header is EMM's). */
	for (unsigned pd = 0; pd < 16; pd++) {
		buf[0] = (uint8_t)(0x10 | pd);
		assert_int_equal(run_dec(dec_eps_sec, buf, sizeof(tau_pdu)),
				 pd == 7 ? 0 : -EINVAL);
	}
	/* Shorter than header + PD + message type, at every length. */
	for (size_t cut = 0; cut < 8; cut++)
		assert_int_equal(run_dec(dec_eps_sec, tau_pdu, cut), -EINVAL);
	for (size_t cut = 8; cut <= sizeof(tau_pdu); cut++)
		assert_int_equal(run_dec(dec_eps_sec, tau_pdu, cut), 0);
}

static void test_eps_tau_reject(void **state)
{
	static const struct nas_edit tau_edits[] = {
		/* Security protected (0x17), ESM PD, another message type (attach request 0x41). */
		{ 1, { { 0, 0x17 } } },
		{ 1, { { 0, 0x02 } } },
		{ 2, { { 0, 0x07 }, { 1, 0x41 } } },
		/* Old GUTI length 10 or 12 (9.9.3.12: a GUTI is 11 octets). */
		{ 1, { { 3, 10 } } },
		{ 1, { { 3, 12 } } },
		/* Old GUTI field carrying an IMSI (type 001) or IMEI (011). */
		{ 2, { { 3, 11 }, { 4, 0xf1 } } },
		{ 2, { { 3, 11 }, { 4, 0xf3 } } },
	};
	uint8_t p[64];

	(void)state;
	/* Truncated inside the mandatory part (Old GUTI ends at octet 15): every length. */
	for (size_t cut = 0; cut < 15; cut++)
		assert_int_equal(run_dec(dec_tau, tau_plain, cut), -EINVAL);
	/* Cut after the mandatory part: a complete TAU Request without optional IEs. */
	assert_int_equal(run_dec(dec_tau, tau_plain, 15), 0);
	/* W1: cut inside the optional UE network capability (TLV of 4): the IE runs past the end
	 * (TS 24.301 9.9.1, TS 24.007 11.2.4). */
	for (size_t cut = 16; cut < sizeof(tau_plain); cut++)
		assert_int_equal(run_dec(dec_tau, tau_plain, cut), -EINVAL);
	/* Every kind of optional IE of Table 8.2.29.1 after the Old GUTI is walked over, and the
	 * message cut at any octet inside one of them is refused. */
	{
		static const uint8_t opt[] = {
			0xb1,                         /* B- non-current native NAS KSI, TV 1 */
			0x19, 0xaa, 0xbb, 0xcc,       /* 19 old P-TMSI signature, TV 4 */
			0x55, 0x01, 0x02, 0x03, 0x04, /* 55 NonceUE, TV 5 */
			0x58, 0x02, 0xf0, 0xf0,       /* 58 UE network capability, TLV */
			0x52, 0x00, 0xf1, 0x10, 0x00, 0x01, /* 52 last visited registered TAI, TV 6 */
			0x5c, 0x01, 0x02,             /* 5C DRX parameter, TV 3 */
			0x13, 0x00, 0xf1, 0x10, 0x00, 0x01, /* 13 old LAI, TV 6 */
			0x17, 0x01,                   /* 17 additional information requested, TV 2 */
			0xf1,                         /* F- additional update type, TV 1 */
			0x7f, 0x00, 0x02, 0x01, 0x02, /* an unknown 7x IEI: TLV-E (TS 24.007 11.2.4) */
			0x31, 0x02, 0xe5, 0xe0,       /* 31 MS network capability, TLV */
		};
		/* IE boundaries: a cut there leaves whole IEs only. */
		static const uint8_t ends[] = { 1, 5, 10, 14, 20, 23, 29, 31, 32, 37, 41 };
		size_t e = 0;
		struct nasmac__tau t;

		memcpy(p, tau_plain, 15);
		memcpy(p + 15, opt, sizeof(opt));
		assert_int_equal(nasmac__nas_dec_tau(p, 15 + sizeof(opt), &t), 0);
		assert_memory_equal(t.guti, fx_guti, NASMAC__GUTI_LEN);
		for (size_t cut = 1; cut <= sizeof(opt); cut++) {
			int whole = e < sizeof(ends) && ends[e] == cut;
			assert_int_equal(run_dec(dec_tau, p, 15 + cut), whole ? 0 : -EINVAL);
			e += (size_t)whole;
		}
		assert_int_equal(e, sizeof(ends));
	}

	NAS_EDITS(dec_tau, tau_plain, tau_edits);
}

/* ------------------------------------------------------------------------------------------ */
/* 5GS NAS */

static void test_5g_rr_layout(void **state)
{
	struct nasmac__rr r, d;
	uint8_t buf[128];

	(void)state;
	fx_rr(&r, tau_pdu, sizeof(tau_pdu));
	layout(enc_rr, dec_rr, dec_rr_into, &r, &d, rr_3gpp, sizeof(rr_3gpp));
	assert_int_equal(d.ngksi, 7);
	assert_int_equal(d.reg_type, 2);
	assert_memory_equal(d.guti, fx_guti, sizeof(fx_guti));
	assert_memory_equal(d.ue_sec_cap, fx_caps, 4);
	assert_ptr_equal(d.eps_container, rr_3gpp + 26);
	assert_int_equal(d.eps_container_len, sizeof(tau_pdu));

	/* The 5G-GUTI fields of the mapping (TS 23.003 2.10.2.2) for other MMEGI / MMEC bits. */
	memcpy(r.guti, "\x00\xf1\x10\xa5\x5a\xc3\x01\x02\x03\x04", 10);
	r.eps_container = NULL;
	assert_int_equal(nasmac__nas_enc_rr(&r, buf, sizeof(buf)), 23);
	/* region 0xa5; set 0x5a << 2 | 0xc3 >> 6 = 0x16b; pointer 0x03: octets a5 5a c3 */
	assert_memory_equal(buf + 7, "\x00\xf1\x10\xa5\x5a\xc3\x01\x02\x03\x04", 10);
	assert_int_equal(nasmac__nas_dec_rr(buf, 23, &d), 0);
	assert_memory_equal(d.guti, r.guti, 10);
	assert_null(d.eps_container);
	assert_int_equal(d.eps_container_len, 0);
}

static void test_5g_protected_layout(void **state)
{
	static const uint8_t rr_fig3_plain_hdr[] = { 0x7e, 0x00, 0x41, 0xba };
	const struct protect_call smc_call = { nasmac__nas_5g_protect, 3, 0, smc_plain,
					       sizeof(smc_plain) };
	struct nasmac__nas_sec s;
	struct nasmac__rr r, d;
	uint8_t plain[64], buf[128];
	int n;

	(void)state;
	fx_rr(&r, NULL, 0);
	n = nasmac__nas_enc_rr(&r, plain, sizeof(plain));
	assert_int_equal(n, sizeof(rr_fig3_pdu) - 7);
	assert_memory_equal(plain, rr_fig3_plain_hdr, 4);
	n = nasmac__nas_5g_protect(1, fx_mac, FX_SQN, plain, (size_t)n, buf, sizeof(buf));
	assert_int_equal(n, sizeof(rr_fig3_pdu));
	assert_memory_equal(buf, rr_fig3_pdu, sizeof(rr_fig3_pdu));

	assert_int_equal(run_dec(dec_5g_sec, rr_fig3_pdu, sizeof(rr_fig3_pdu)), 0);
	assert_int_equal(nasmac__nas_5g_sec(rr_fig3_pdu, sizeof(rr_fig3_pdu), &s), 0);
	assert_int_equal(s.sht, 1);
	assert_memory_equal(s.mac, fx_mac, 4);
	assert_int_equal(s.sqn, FX_SQN);
	assert_ptr_equal(s.msg, rr_fig3_pdu + 6); /* SQN || plain (TS 24.501 4.4.3.3) */
	assert_int_equal(s.msg_len, sizeof(rr_fig3_pdu) - 6);
	assert_ptr_equal(s.plain, rr_fig3_pdu + 7);
	assert_int_equal(s.plain_len, sizeof(rr_fig3_pdu) - 7);
	assert_int_equal(nasmac__nas_dec_rr(s.plain, s.plain_len, &d), 0);
	assert_int_equal(d.ngksi, 0xb);
	assert_null(d.eps_container);
	n = nasmac__nas_5g_protect(s.sht, s.mac, s.sqn, s.plain, s.plain_len, buf, sizeof(buf));
	assert_int_equal(n, sizeof(rr_fig3_pdu));
	assert_memory_equal(buf, rr_fig3_pdu, sizeof(rr_fig3_pdu));

	/* The downlink SMC (header type 3) and uplink SMC Complete (type 4) as sent. */
	n = nasmac__nas_5g_protect(3, fx_mac, 0, smc_plain, sizeof(smc_plain), buf, sizeof(buf));
	assert_int_equal(n, sizeof(smc_pdu));
	assert_memory_equal(buf, smc_pdu, sizeof(smc_pdu));
	n = nasmac__nas_5g_protect(4, fx_mac, 0, smc_complete_plain, sizeof(smc_complete_plain),
				   buf, sizeof(buf));
	assert_int_equal(n, sizeof(smc_complete_pdu));
	assert_memory_equal(buf, smc_complete_pdu, sizeof(smc_complete_pdu));
	assert_int_equal(nasmac__nas_5g_sec(smc_complete_pdu, sizeof(smc_complete_pdu), &s), 0);
	assert_int_equal(s.sht, 4);
	assert_int_equal(nasmac__nas_5g_type(s.plain, s.plain_len), NASMAC__5GMM_SMC_COMPLETE);
	enc_sizes(enc_protect, &smc_call, smc_pdu, sizeof(smc_pdu));

	/* Header types 1-4 only; EPD 5GMM only; at least EPD + header + message type inside. */
	memcpy(buf, rr_fig3_pdu, sizeof(rr_fig3_pdu));
	for (unsigned sht = 0; sht < 16; sht++) {
		buf[1] = (uint8_t)sht;
		assert_int_equal(run_dec(dec_5g_sec, buf, sizeof(rr_fig3_pdu)),
				 sht >= 1 && sht <= 4 ? 0 : -EINVAL);
	}
	buf[1] = 0x01;
	buf[0] = 0x2e; /* 5GSM */
	assert_int_equal(run_dec(dec_5g_sec, buf, sizeof(rr_fig3_pdu)), -EINVAL);
	buf[0] = 0x17; /* an EPS header */
	assert_int_equal(run_dec(dec_5g_sec, buf, sizeof(rr_fig3_pdu)), -EINVAL);
	for (size_t cut = 0; cut < 10; cut++)
		assert_int_equal(run_dec(dec_5g_sec, rr_fig3_pdu, cut), -EINVAL);
	for (size_t cut = 10; cut <= sizeof(rr_fig3_pdu); cut++)
		assert_int_equal(run_dec(dec_5g_sec, rr_fig3_pdu, cut), 0);
}

static void test_5g_rr_truncated(void **state)
{
	struct nasmac__rr d;

	(void)state;
	/* Every cut is rejected unless it falls between IEs after the 5GS mobile identity (octet
	 * 17) or after the UE security capability (octet 23): those are complete, shorter
	 * Registration Requests, without the container. */
	for (size_t cut = 0; cut < sizeof(rr_3gpp); cut++) {
		int rc = run_dec(dec_rr, rr_3gpp, cut);
		if (cut == 17 || cut == 23) {
			assert_int_equal(rc, 0);
			assert_int_equal(nasmac__nas_dec_rr(rr_3gpp, cut, &d), 0);
			assert_null(d.eps_container);
		} else {
			assert_int_equal(rc, -EINVAL);
		}
	}
}

static void test_5g_rr_reject(void **state)
{
	static const struct nas_edit rr_edits[] = {
		/* Wrong EPD, a protected header, another message type. */
		{ 1, { { 0, 0x2e } } },
		{ 2, { { 0, 0x7e }, { 1, 0x01 } } },
		{ 3, { { 0, 0x7e }, { 1, 0x00 }, { 2, NASMAC__5GMM_REG_ACCEPT } } },
		/* 5GS mobile identity of length 10 / 12 / 0xffff, and of type SUCI (001) or
		 * 5G-S-TMSI (100) instead of 5G-GUTI. */
		{ 1, { { 5, 10 } } },
		{ 1, { { 5, 12 } } },
		{ 2, { { 4, 0xff }, { 5, 0xff } } },
		{ 1, { { 6, 0x01 } } },
		{ 1, { { 6, 0xf4 } } },
		/* Container length one more than there is; UE security capability length
		 * overrunning. */
		{ 1, { { 25, 0x1a } } },
		{ 1, { { 18, 0x40 } } },
	};
	uint8_t p[128];

	(void)state;
	NAS_EDITS(dec_rr, rr_3gpp, rr_edits);
	/* A Last visited registered TAI (TV, 7 octets) cut short at the end. */
	memcpy(p, rr_3gpp, 23);
	memcpy(p + 23, "\x52\x00\xf1\x10\x00\x00", 6);
	assert_int_equal(run_dec(dec_rr, p, 29), -EINVAL);
}

/* Optional IEs of Table 8.2.6.1.1 of every format before the container are skipped. */
static void test_5g_rr_unknown_ies(void **state)
{
	static const uint8_t opt[] = {
		0xc1,                                     /* C- non-current native NAS KSI, TV 1 */
		0x90,                                     /* 9- (type 1 IE) */
		0x10, 0x01, 0x07,                         /* 10 5GMM capability, TLV */
		0x52, 0x00, 0xf1, 0x10, 0x00, 0x00, 0x01, /* 52 last visited registered TAI, TV 7 */
		0x17, 0x02, 0xf0, 0xf0,                   /* 17 S1 UE network capability, TLV */
		0x2b, 0x01, 0x01,                         /* 2B UE status: EMM-REGISTERED */
		0x77, 0x00, 0x0b, 0xf2, 0x00, 0xf1, 0x10, 0x80, 0x01, 0x41, 0xc0, 0xff, 0xee,
		0x02,                                     /* 77 Additional GUTI, TLV-E */
		0x71, 0x00, 0x02, 0x7e, 0x00,             /* 71 NAS message container, TLV-E */
		0x60, 0x02, 0x20, 0x00,                   /* 60 EPS bearer context status, TLV */
	};
	/* 74 LADN indication with two DNNs, "ladn" and "a.b" (9.11.3.29; each DNN an LV of APN
	 * labels, 9.11.2.1B). */
	static const uint8_t ladn[] = { 0x74, 0x00, 0x0b, 0x05, 0x04, 0x6c, 0x61, 0x64,
					0x6e, 0x04, 0x01, 0x61, 0x01, 0x62 };
	struct nasmac__rr d;
	uint8_t p[256];
	size_t n;

	(void)state;
	memcpy(p, rr_3gpp, 17);
	memcpy(p + 17, opt, sizeof(opt));
	memcpy(p + 17 + sizeof(opt), rr_3gpp + 17, sizeof(rr_3gpp) - 17);
	n = sizeof(rr_3gpp) + sizeof(opt);
	assert_int_equal(run_dec(dec_rr, p, n), 0);
	assert_int_equal(nasmac__nas_dec_rr(p, n, &d), 0);
	assert_memory_equal(d.ue_sec_cap, fx_caps, 4);
	assert_int_equal(d.eps_container_len, sizeof(tau_pdu));
	assert_memory_equal(d.eps_container, tau_pdu, sizeof(tau_pdu));
	/* After the container too. */
	memcpy(p, rr_3gpp, sizeof(rr_3gpp));
	memcpy(p + sizeof(rr_3gpp), opt, sizeof(opt));
	assert_int_equal(run_dec(dec_rr, p, n), 0);
	/* A UE security capability of 2 octets (5G algorithms only, 9.11.3.54 minimum). */
	memcpy(p, rr_3gpp, 19);
	p[18] = 2;
	memcpy(p + 19, "\xe0\xe0", 2);
	memcpy(p + 21, rr_3gpp + 23, sizeof(rr_3gpp) - 23);
	assert_int_equal(nasmac__nas_dec_rr(p, sizeof(rr_3gpp) - 2, &d), 0);
	assert_memory_equal(d.ue_sec_cap, "\xe0\xe0\x00\x00", 4);
	assert_int_equal(d.eps_container_len, sizeof(tau_pdu));

	/* W2: LADN indication (IEI 74) is a TLV-E IE of the Registration Request (9.11.3.29), like
	 * every 7x IEI in 5GMM (TS 24.007 11.2.4), known or not: 7f is skipped the same way. */
	memcpy(p, rr_3gpp, 23);
	memcpy(p + 23, ladn, sizeof(ladn));
	memcpy(p + 23 + sizeof(ladn), rr_3gpp + 23, sizeof(rr_3gpp) - 23);
	n = sizeof(rr_3gpp) + sizeof(ladn);
	for (int iei = 0x74; iei <= 0x7f; iei += 0x0b) {
		p[23] = (uint8_t)iei;
		assert_int_equal(run_dec(dec_rr, p, n), 0);
		assert_int_equal(nasmac__nas_dec_rr(p, n, &d), 0);
		assert_int_equal(d.eps_container_len, sizeof(tau_pdu));
		assert_memory_equal(d.eps_container, tau_pdu, sizeof(tau_pdu));
		/* Cut anywhere inside the TLV-E IE or the container after it. */
		for (size_t cut = 24; cut < n; cut++)
			assert_int_equal(run_dec(dec_rr, p, cut), cut == 23 + sizeof(ladn) ? 0 : -EINVAL);
	}
	/* Every IEI with bit 8 set is a one-octet type 1/2 IE (TS 24.007 11.2.4), D- and F- too:
	 * read as TLVs, d0 05 / f0 05 would swallow the container. */
	for (int iei = 0x80; iei <= 0xf0; iei += 0x10) {
		memcpy(p, rr_3gpp, 23);
		p[23] = (uint8_t)(iei | 0x05);
		memcpy(p + 24, rr_3gpp + 23, sizeof(rr_3gpp) - 23);
		assert_int_equal(nasmac__nas_dec_rr(p, sizeof(rr_3gpp) + 1, &d), 0);
		assert_int_equal(d.eps_container_len, sizeof(tau_pdu));
	}
}

/* The encoder's 16-bit container length cannot describe more than 65535 octets. */
static void test_5g_rr_oversized(void **state)
{
	static uint8_t big[70000], out[70100];
	struct nasmac__rr r;
	int n;

	(void)state;
	fx_rr(&r, big, 0xffff);
	n = nasmac__nas_enc_rr(&r, out, sizeof(out));
	assert_int_equal(n, 26 + 0xffff);
	assert_int_equal(out[24] << 8 | out[25], 0xffff);
	assert_int_equal(run_dec(dec_rr, out, (size_t)n), 0);
	fx_rr(&r, big, 0x10000 + 5);
	/* W3: the 16-bit length field cannot describe it (9.11.3.24). */
	assert_int_equal(nasmac__nas_enc_rr(&r, out, sizeof(out)), -EINVAL);
	fx_rr(&r, big, 0x10000);
	assert_int_equal(nasmac__nas_enc_rr(&r, out, sizeof(out)), -EINVAL);
}

static void test_5g_smc(void **state)
{
	static const struct nas_edit smc_edits[] = {
		{ 1, { { 2, NASMAC__5GMM_SMC_COMPLETE } } },
		{ 1, { { 0, 0x2e } } },
		{ 1, { { 5, 5 } } }, /* LV length past the end */
		{ 1, { { 5, 1 } } }, /* below the minimum of 2 (9.11.3.54) */
	};
	struct nasmac__smc s, d;
	uint8_t buf[64], p[64];

	(void)state;
	fx_smc(&s);
	layout(enc_smc, dec_smc, dec_smc_into, &s, &d, smc_plain, sizeof(smc_plain));
	assert_int_equal(d.nia, 2);
	assert_int_equal(d.nea, 0);
	assert_int_equal(d.ngksi, 0xb);
	assert_memory_equal(d.ue_sec_cap, fx_caps, 4);
	assert_int_equal(nasmac__nas_5g_type(smc_plain, sizeof(smc_plain)), NASMAC__5GMM_SMC);
	/* Algorithms in their half octets. */
	s.nea = 3;
	s.nia = 1;
	assert_int_equal(nasmac__nas_enc_smc(&s, buf, sizeof(buf)), sizeof(smc_plain));
	assert_int_equal(buf[3], 0x31);

	for (size_t cut = 0; cut < sizeof(smc_plain); cut++)
		assert_int_equal(run_dec(dec_smc, smc_plain, cut), -EINVAL);
	NAS_EDITS(dec_smc, smc_plain, smc_edits);
	/* Optional IEs after the mandatory part (E- IMEISV request, 57 selected EPS NAS security
	 * algorithms, 36 additional 5G security information) are left alone. */
	memcpy(p, smc_plain, sizeof(smc_plain));
	memcpy(p + sizeof(smc_plain), "\xe1\x57\x20\x36\x01\x00", 6);
	assert_int_equal(run_dec(dec_smc, p, sizeof(smc_plain) + 6), 0);
	/* W4: replayed UE security capabilities of 2 to 8 octets are legal (LV 3-9, Table
	 * 8.2.25.1.1; 9.11.3.54: the EEA/EIA octets are optional), 9 are not. */
	memcpy(p, smc_plain, 6);
	p[5] = 2;
	memcpy(p + 6, "\xe0\xc0\x11\x22\x33\x44\x55\x66\x77", 9);
	assert_int_equal(run_dec(dec_smc, p, 8), 0);
	assert_int_equal(nasmac__nas_dec_smc(p, 8, &d), 0);
	assert_memory_equal(d.ue_sec_cap, "\xe0\xc0\x00\x00", 4);
	assert_int_equal(d.ngksi, 0xb);
	for (size_t cut = 0; cut < 8; cut++)
		assert_int_equal(run_dec(dec_smc, p, cut), -EINVAL);
	for (uint8_t l = 3; l <= 9; l++) {
		p[5] = l;
		assert_int_equal(run_dec(dec_smc, p, 6u + l), l <= 8 ? 0 : -EINVAL);
		assert_int_equal(run_dec(dec_smc, p, 5u + l), -EINVAL);
	}
	p[5] = 3;
	assert_int_equal(nasmac__nas_dec_smc(p, 9, &d), 0);
	assert_memory_equal(d.ue_sec_cap, "\xe0\xc0\x11\x00", 4);
}

static void test_5g_simple_messages(void **state)
{
	uint8_t buf[16], p[16], cause;

	(void)state;
	assert_int_equal(nasmac__nas_enc_reg_accept(buf, sizeof(buf)), sizeof(reg_accept_plain));
	assert_memory_equal(buf, reg_accept_plain, sizeof(reg_accept_plain));
	enc_sizes(enc_reg_accept, NULL, reg_accept_plain, sizeof(reg_accept_plain));
	assert_int_equal(nasmac__nas_5g_type(reg_accept_plain, sizeof(reg_accept_plain)),
			 NASMAC__5GMM_REG_ACCEPT);
	assert_int_equal(nasmac__nas_5g_type(rr_3gpp, sizeof(rr_3gpp)), NASMAC__5GMM_REG_REQUEST);

	/* TS 24.501 8.2.9 REGISTRATION REJECT: 5GMM cause 9.11.3.2, V 1. */
	for (size_t i = 0; i < sizeof(fx_5gmm_causes); i++) {
		uint8_t want[] = { 0x7e, 0x00, 0x44, fx_5gmm_causes[i] };
		cause = fx_5gmm_causes[i];
		assert_int_equal(nasmac__nas_enc_reg_reject(cause, buf, sizeof(buf)), 4);
		assert_memory_equal(buf, want, 4);
		enc_sizes(enc_reg_reject, &cause, want, 4);
		assert_int_equal(nasmac__nas_5g_type(want, 4), NASMAC__5GMM_REG_REJECT);
		assert_int_equal(run_dec(dec_reg_reject, want, 4), cause);
		for (size_t cut = 0; cut < 4; cut++) {
			uint8_t *d = dup_exact(want, cut);
			assert_int_equal(nasmac__nas_dec_reg_reject(d, cut), -EINVAL);
			assert_int_equal(nasmac__nas_5g_type(d, cut), cut < 3 ? -EINVAL : 0x44);
			free(d);
		}
	}
	/* Not a reject, not plain, not 5GMM. */
	assert_int_equal(nasmac__nas_dec_reg_reject(reg_accept_plain, 5), -EINVAL);
	memcpy(p, "\x7e\x02\x44\x03", 4);
	assert_int_equal(nasmac__nas_dec_reg_reject(p, 4), -EINVAL);
	assert_int_equal(nasmac__nas_5g_type(p, 4), -EINVAL);
	memcpy(p, "\x2e\x00\x44\x03", 4);
	assert_int_equal(nasmac__nas_dec_reg_reject(p, 4), -EINVAL);
	assert_int_equal(nasmac__nas_5g_type(p, 4), -EINVAL);
	assert_int_equal(nasmac__nas_5g_type(smc_pdu, sizeof(smc_pdu)), -EINVAL);
}

/* SECURITY MODE COMPLETE (8.2.26): no IEs. W5: the encoder once passed a NULL source to
 * memcpy, which the SAN=1 build (UBSan, no recovery) aborts on, so this runs in both builds. */
static void test_5g_smc_complete(void **state)
{
	(void)state;
	enc_sizes(enc_smc_complete, NULL, smc_complete_plain, sizeof(smc_complete_plain));
}

/* ------------------------------------------------------------------------------------------ */
/* pcap writer (host/common/pcap.c): classic pcap, LINKTYPE_WIRESHARK_UPPER_PDU, each datagram or
 * NAS PDU after exported-PDU tags naming its dissector, the IPv4 addresses and UDP ports. */

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Checks the record at *off: its tags (Wireshark epan/exported_pdu.h, big-endian tag | length |
 * value) for this dissector, src 127.0.0.2:2123 -> dst 127.0.0.1:40000 or the reverse, then the
 * PDU; advances *off past it. */
static void check_record(const uint8_t *file, size_t size, size_t *off, const char *proto,
			 int from_a, const uint8_t *pdu, size_t len)
{
	uint8_t name[16] = { 0 }, want[64];
	size_t nlen = (strlen(proto) + 3) & ~(size_t)3, t = 0;
	const uint8_t *r = file + *off;
	const uint8_t *a = (const uint8_t *)"\x7f\x00\x00\x02\x00\x00\x08\x4b";
	const uint8_t *b = (const uint8_t *)"\x7f\x00\x00\x01\x00\x00\x9c\x40";
	const uint8_t *src = from_a ? a : b, *dst = from_a ? b : a;

	memcpy(name, proto, strlen(proto));
	want[t++] = 0, want[t++] = 12, want[t++] = 0, want[t++] = (uint8_t)nlen;
	memcpy(want + t, name, nlen), t += nlen;
	memcpy(want + t, "\x00\x14\x00\x04", 4), memcpy(want + t + 4, src, 4), t += 8;
	memcpy(want + t, "\x00\x15\x00\x04", 4), memcpy(want + t + 4, dst, 4), t += 8;
	memcpy(want + t, "\x00\x18\x00\x04\x00\x00\x00\x03", 8), t += 8; /* port type UDP */
	memcpy(want + t, "\x00\x19\x00\x04\x00\x00", 6), memcpy(want + t + 6, src + 6, 2), t += 8;
	memcpy(want + t, "\x00\x1a\x00\x04\x00\x00", 6), memcpy(want + t + 6, dst + 6, 2), t += 8;
	memcpy(want + t, "\x00\x00\x00\x00", 4), t += 4; /* end of options */
	assert_true(*off + 16 + t + len <= size);
	assert_int_equal(le32(r + 8), t + len); /* incl_len */
	assert_int_equal(le32(r + 12), t + len); /* orig_len */
	assert_memory_equal(r + 16, want, t);
	assert_memory_equal(r + 16 + t, pdu, len);
	*off += 16 + t + len;
}

static void test_pcap_writer(void **state)
{
	static const uint8_t ghdr[] = {
		0xd4, 0xc3, 0xb2, 0xa1, /* magic a1b2c3d4, little-endian, microseconds */
		0x02, 0x00, 0x04, 0x00, /* version 2.4 */
		0, 0, 0, 0, 0, 0, 0, 0, /* thiszone, sigfigs */
		0x00, 0x00, 0x04, 0x00, /* snaplen 262144 */
		0xfc, 0x00, 0x00, 0x00, /* LINKTYPE_WIRESHARK_UPPER_PDU (252) */
	};
	char path[] = "/tmp/nasmac_test_wire_XXXXXX";
	struct sockaddr_in a = { .sin_family = AF_INET }, b = { .sin_family = AF_INET };
	struct nasmac__link_frame fr = { .ue_id = 9, .kind = NASMAC__LINK_UL, .info = 2 };
	uint8_t rr[96], frame[256], bad[32], file[2048];
	struct nasmac__pcap *pc;
	struct nasmac__rr r;
	size_t n, off = sizeof(ghdr);
	int rr_len, frame_len;
	FILE *f;
	int fd;

	(void)state;
	fx_rr(&r, NULL, 0);
	rr_len = nasmac__nas_enc_rr(&r, rr, sizeof(rr));
	assert_true(rr_len > 0);
	/* FIG. 2 uplink frame: Registration Request + protected TAU Request (host/README.md). */
	fr.pdu[0] = rr, fr.pdu_len[0] = (size_t)rr_len;
	fr.pdu[1] = tau_pdu, fr.pdu_len[1] = sizeof(tau_pdu);
	fr.n_pdu = 2;
	frame_len = nasmac__link_encode(&fr, frame, sizeof(frame));
	assert_int_equal(frame_len, 10 + 2 + rr_len + 2 + (int)sizeof(tau_pdu));
	memcpy(bad, frame, 12);
	bad[8] = 0x03; /* neither uplink nor downlink: does not decode */

	fd = mkstemp(path);
	assert_true(fd >= 0);
	close(fd);
	memcpy(&a.sin_addr, "\x7f\x00\x00\x02", 4);
	memcpy(&b.sin_addr, "\x7f\x00\x00\x01", 4);
	a.sin_port = htons(2123);
	b.sin_port = htons(40000);
	assert_int_equal(nasmac__pcap_open(path, &pc), 0);
	nasmac__pcap_write(pc, &a, &b, echo_rsp, sizeof(echo_rsp));
	nasmac__pcap_write(pc, &b, &a, cack, sizeof(cack));
	nasmac__pcap_write(pc, &b, &a, tau_pdu, sizeof(tau_pdu)); /* not GTPv2-C */
	nasmac__pcap_write_nas(pc, &a, &b, smc_pdu, sizeof(smc_pdu));
	nasmac__pcap_write_nas(pc, &b, &a, tau_plain, sizeof(tau_plain));
	nasmac__pcap_write_nas(pc, &b, &a, echo_rsp, 3); /* neither EPS nor 5GS NAS */
	nasmac__pcap_write_link(pc, &b, &a, frame, (size_t)frame_len);
	nasmac__pcap_write_link(pc, &b, &a, bad, 12);
	nasmac__pcap_close(pc);
	f = fopen(path, "rb");
	assert_non_null(f);
	n = fread(file, 1, sizeof(file), f);
	fclose(f);
	unlink(path);
	assert_memory_equal(file, ghdr, sizeof(ghdr));
	check_record(file, n, &off, "gtpv2", 1, echo_rsp, sizeof(echo_rsp));
	check_record(file, n, &off, "gtpv2", 0, cack, sizeof(cack));
	check_record(file, n, &off, "data", 0, tau_pdu, sizeof(tau_pdu));
	check_record(file, n, &off, "nas-5gs", 1, smc_pdu, sizeof(smc_pdu));
	check_record(file, n, &off, "nas-eps", 0, tau_plain, sizeof(tau_plain));
	check_record(file, n, &off, "data", 0, echo_rsp, 3);
	/* One record per PDU of the link frame, without the link header. */
	check_record(file, n, &off, "nas-5gs", 0, rr, (size_t)rr_len);
	check_record(file, n, &off, "nas-eps", 0, tau_pdu, sizeof(tau_pdu));
	check_record(file, n, &off, "data", 0, bad, 12);
	assert_int_equal(off, n);

	/* Errors: a directory that does not exist; writes and close on NULL do nothing. */
	assert_int_equal(nasmac__pcap_open("/nonexistent-nasmac-dir/x.pcap", &pc), -ENOENT);
	nasmac__pcap_write(NULL, &a, &b, cack, sizeof(cack));
	nasmac__pcap_write_nas(NULL, &a, &b, cack, sizeof(cack));
	nasmac__pcap_write_link(NULL, &a, &b, frame, (size_t)frame_len);
	nasmac__pcap_close(NULL);
}

/* A full disk (/dev/full): the writer logs one error line, then stops writing; no crash, no
 * line per record. stderr goes to a file for the test to count the lines. */
static void test_pcap_full_disk(void **state)
{
	char path[] = "/tmp/nasmac_test_wire_log_XXXXXX", line[256];
	struct sockaddr_in a = { .sin_family = AF_INET };
	struct nasmac__pcap *pc;
	int fd, saved, lines = 0;
	FILE *f;

	(void)state;
	if (nasmac__pcap_open("/dev/full", &pc)) {
		skip(); /* no /dev/full here */
		return;
	}
	fd = mkstemp(path);
	assert_true(fd >= 0);
	fflush(stderr);
	saved = dup(2);
	assert_true(saved >= 0 && dup2(fd, 2) == 2);
	for (int i = 0; i < 10000; i++)
		nasmac__pcap_write(pc, &a, &a, cack, sizeof(cack));
	nasmac__pcap_close(pc);
	fflush(stderr);
	dup2(saved, 2);
	close(saved);
	close(fd);
	f = fopen(path, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		assert_non_null(strstr(line, "pcap: write failed"));
		lines++;
	}
	fclose(f);
	unlink(path);
	assert_int_equal(lines, 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_gtp_ctx_req_layout),
		cmocka_unit_test(test_gtp_ctx_req_fig3),
		cmocka_unit_test(test_gtp_ctx_req_repeated_ie),
		cmocka_unit_test(test_gtp_imsi),
		cmocka_unit_test(test_gtp_ctx_rsp_accept_layout),
		cmocka_unit_test(test_gtp_ctx_rsp_kamf_no_kasme),
		cmocka_unit_test(test_gtp_ctx_rsp_reject_causes),
		cmocka_unit_test(test_gtp_ctx_ack_layout),
		cmocka_unit_test(test_gtp_echo_and_peek),
		cmocka_unit_test(test_gtp_vnsi),
		cmocka_unit_test(test_gtp_truncated),
		cmocka_unit_test(test_gtp_wrong_lengths),
		cmocka_unit_test(test_gtp_bad_header),
		cmocka_unit_test(test_gtp_missing_mandatory),
		cmocka_unit_test(test_gtp_oversized),
		cmocka_unit_test(test_gtp_unknown_ies),
		cmocka_unit_test(test_eps_tau_layout),
		cmocka_unit_test(test_eps_protected_layout),
		cmocka_unit_test(test_eps_tau_reject),
		cmocka_unit_test(test_5g_rr_layout),
		cmocka_unit_test(test_5g_protected_layout),
		cmocka_unit_test(test_5g_rr_truncated),
		cmocka_unit_test(test_5g_rr_reject),
		cmocka_unit_test(test_5g_rr_unknown_ies),
		cmocka_unit_test(test_5g_rr_oversized),
		cmocka_unit_test(test_5g_smc),
		cmocka_unit_test(test_5g_smc_complete),
		cmocka_unit_test(test_5g_simple_messages),
		cmocka_unit_test(test_pcap_writer),
		cmocka_unit_test(test_pcap_full_disk),
	};
	return cmocka_run_group_tests_name("wire codecs", tests, NULL, NULL);
}
