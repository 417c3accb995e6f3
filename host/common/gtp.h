/*
 * GTPv2-C (TS 29.274) as nasmacd's N26 roles see it: plain structs filled and read by gtp.c, the
 * only place that knows the octets. Decoders return 0 or a negative errno, encoders the length
 * or a negative errno.
 */
#ifndef NASMAC_GTP_H
#define NASMAC_GTP_H

#include <stddef.h>
#include <stdint.h>

#include "host.h"

#define NASMAC__GTP_ECHO_REQ 1u
#define NASMAC__GTP_ECHO_RSP 2u
#define NASMAC__GTP_VNSI 3u /* Version Not Supported Indication */
#define NASMAC__GTP_CTX_REQ 130u
#define NASMAC__GTP_CTX_RSP 131u
#define NASMAC__GTP_CTX_ACK 132u

/* Cause values (Table 8.4-1). */
#define NASMAC__CAUSE_ACCEPTED 16u
#define NASMAC__CAUSE_CONTEXT_NOT_FOUND 64u
#define NASMAC__CAUSE_INVALID_FORMAT 65u
#define NASMAC__CAUSE_INVALID_LENGTH 67u
#define NASMAC__CAUSE_MANDATORY_IE_INCORRECT 69u
#define NASMAC__CAUSE_MANDATORY_IE_MISSING 70u
#define NASMAC__CAUSE_SYSTEM_FAILURE 72u
#define NASMAC__CAUSE_NO_RESOURCES 73u
#define NASMAC__CAUSE_USER_AUTH_FAILED 92u
#define NASMAC__CAUSE_REQUEST_REJECTED 94u
#define NASMAC__CAUSE_IMSI_IMEI_NOT_KNOWN 96u
#define NASMAC__CAUSE_CONDITIONAL_IE_MISSING 103u
#define NASMAC__CAUSE_TEMP_REJECTED 110u

/* Complete Request Message types (Table 8.46-1), and the crm_type of a FIG. 3 Registration
 * Request, which travels in a Private Extension IE (enterprise 32473, tag 2) rather than a
 * Complete Request Message IE (see gtp.c); outside the 2-bit field of a real CRM IE. */
#define NASMAC__CRM_ATTACH 0u
#define NASMAC__CRM_TAU 1u
#define NASMAC__CRM_RR 0xffu

/* IE types (Table 8.1-1). */
enum {
	NASMAC__IE_IMSI = 1,
	NASMAC__IE_CAUSE = 2,
	NASMAC__IE_RECOVERY = 3,
	NASMAC__IE_INDICATION = 77,
	NASMAC__IE_RAT_TYPE = 82,
	NASMAC__IE_FTEID = 87,
	NASMAC__IE_MM_EPS = 107,
	NASMAC__IE_CRM = 116,
	NASMAC__IE_GUTI = 117,
	NASMAC__IE_PRIVATE = 255,
};

struct nasmac__gtp_hdr {
	uint8_t type;
	uint8_t has_teid;
	uint32_t teid;
	uint32_t seq;      /* 24 bits */
	uint8_t bad_cause; /* when a decoder refused the message: the cause to answer with */
};

struct nasmac__ctx_req {
	struct nasmac__gtp_hdr h;
	uint8_t has_guti, has_imsi, has_crm, has_fteid;
	uint8_t guti[NASMAC__GUTI_LEN];
	char imsi[16];
	uint8_t crm_type;
	const uint8_t *crm; /* points into the decoded datagram */
	size_t crm_len;
	uint8_t fteid_if;
	uint32_t fteid_teid;
	uint32_t fteid_ipv4; /* network order */
	uint8_t rat;
	uint8_t bad_ie; /* when decoding failed with 69/70: the type of the IE at fault, or 0 */
};

struct nasmac__ctx_rsp {
	struct nasmac__gtp_hdr h;
	uint8_t cause;
	uint8_t offending_ie; /* with cause 69/70: the type of the IE at fault (8.4), 0 none */
	uint8_t has_imsi, has_mm, has_kamf, has_fteid;
	/* FIG. 3 with K_AMF from the MME: the fields below but K_ASME, in a Private Extension
	 * (tag 3) instead of an MM Context IE, which would have to carry a K_ASME (see gtp.c). */
	uint8_t has_sec;
	char imsi[16];
	/* MM Context, EPS Security Context and Quadruplets (type 107) */
	uint8_t ksi, eia, eea;
	uint32_t ul_count, dl_count;
	uint8_t kasme[32];
	/* FIG. 3, step 305: K_AMF derived by the MME (project extension, see host/README.md) */
	uint8_t kamf[32];
	uint32_t fteid_teid;
	uint32_t fteid_ipv4;
};

struct nasmac__ctx_ack {
	struct nasmac__gtp_hdr h;
	uint8_t cause;
};

/* Reads the header only; -EINVAL when it is not a GTPv2-C header. */
int nasmac__gtp_peek(const uint8_t *buf, size_t len, struct nasmac__gtp_hdr *h);
/* The value of the first top-level IE of this type (instance 0) and its length, or NULL; no
 * other check than the framing (a look ahead, not a decoder). */
const uint8_t *nasmac__gtp_find_ie(const uint8_t *buf, size_t len, uint8_t type, size_t *ie_len);
/* Decoders return 0, or -EINVAL with the GTP cause that says what was wrong with the message in
 * m->h.bad_cause (and, for a request, the IE at fault in bad_ie). */
int nasmac__gtp_dec_ctx_req(const uint8_t *buf, size_t len, struct nasmac__ctx_req *m);
int nasmac__gtp_dec_ctx_rsp(const uint8_t *buf, size_t len, struct nasmac__ctx_rsp *m);
int nasmac__gtp_dec_ctx_ack(const uint8_t *buf, size_t len, struct nasmac__ctx_ack *m);
/* Encoders return the length or a negative errno. */
int nasmac__gtp_enc_ctx_req(const struct nasmac__ctx_req *m, uint8_t *buf, size_t size);
int nasmac__gtp_enc_ctx_rsp(const struct nasmac__ctx_rsp *m, uint8_t *buf, size_t size);
int nasmac__gtp_enc_ctx_ack(const struct nasmac__ctx_ack *m, uint8_t *buf, size_t size);
int nasmac__gtp_enc_echo_rsp(uint32_t seq, uint8_t *buf, size_t size);
/* The same with the Recovery IE carrying the node's restart counter (TS 29.274 8.5, TS 23.007). */
int nasmac__gtp_enc_echo_rsp_recovery(uint32_t seq, uint8_t recovery, uint8_t *buf, size_t size);
/* The GTP version of a datagram that carries a GTP header of another version than 2 (1, or 3
 * to 7, at least 8 octets: the shortest GTPv1-C/GTPv2-C header), else 0. */
unsigned nasmac__gtp_other_version(const uint8_t *buf, size_t len);
/* Version Not Supported Indication: the GTPv2 header alone, version 2 (the latest this node
 * supports), T = 0, sequence number 0 (a header of another version has no GTPv2 sequence
 * number to copy). */
int nasmac__gtp_enc_vnsi(uint8_t *buf, size_t size);

#endif
