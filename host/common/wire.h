/*
 * The messages nasmacd and the UE simulator exchange, as the roles see them: plain structs filled
 * and read by wire.c on top of the codecs of host/proto (GTPv2-C, EPS NAS, 5GS NAS). The roles
 * never touch octets of a message themselves; wire.c is the only place that knows the codec API.
 */
#ifndef NASMAC_WIRE_H
#define NASMAC_WIRE_H

#include <stddef.h>
#include <stdint.h>

#include "host.h"

/* GTPv2-C (TS 29.274). */
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
#define NASMAC__CAUSE_NO_RESOURCES 73u
#define NASMAC__CAUSE_USER_AUTH_FAILED 92u
#define NASMAC__CAUSE_REQUEST_REJECTED 94u
#define NASMAC__CAUSE_CONDITIONAL_IE_MISSING 103u
#define NASMAC__CAUSE_TEMP_REJECTED 110u

/* Complete Request Message types (Table 8.46-1); FIG. 3 uses nasmac__crm_type_rr() instead. */
#define NASMAC__CRM_ATTACH 0u
#define NASMAC__CRM_TAU 1u

struct nasmac__gtp_hdr {
	uint8_t type;
	uint8_t has_teid;
	uint32_t teid;
	uint32_t seq; /* 24 bits */
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
	 * (tag 3) instead of an MM Context IE, which would have to carry a K_ASME (see wire.c). */
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
/* Decoders return 0, or a GTP cause value (> 0) that says what was wrong with the message. */
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
/* The crm_type of a FIG. 3 Registration Request, which travels in a Private Extension IE
 * (enterprise 32473, tag 2) rather than a Complete Request Message IE: see wire.c. */
uint8_t nasmac__crm_type_rr(void);

/* A security-protected NAS PDU, EPS (TS 24.301 9.1) or 5GS (TS 24.501 9.1.1). */
struct nasmac__nas_sec {
	uint8_t sht; /* security header type */
	uint8_t mac[4];
	uint8_t sqn;
	const uint8_t *msg; /* MESSAGE input of the MAC: SQN || plain NAS message */
	size_t msg_len;
	const uint8_t *plain;
	size_t plain_len;
};
int nasmac__nas_eps_sec(const uint8_t *pdu, size_t len, struct nasmac__nas_sec *s);
int nasmac__nas_5g_sec(const uint8_t *pdu, size_t len, struct nasmac__nas_sec *s);
/* Builds a protected PDU around plain (the MAC is computed by the caller over SQN || plain). */
int nasmac__nas_eps_protect(uint8_t sht, const uint8_t mac[4], uint8_t sqn, const uint8_t *plain,
			    size_t plain_len, uint8_t *buf, size_t size);
int nasmac__nas_5g_protect(uint8_t sht, const uint8_t mac[4], uint8_t sqn, const uint8_t *plain,
			   size_t plain_len, uint8_t *buf, size_t size);

/* EPS TRACKING AREA UPDATE REQUEST (TS 24.301 8.2.29), plain. */
struct nasmac__tau {
	uint8_t ksi;
	uint8_t update_type;
	uint8_t guti[NASMAC__GUTI_LEN]; /* Old GUTI */
};
int nasmac__nas_dec_tau(const uint8_t *plain, size_t len, struct nasmac__tau *t);
int nasmac__nas_enc_tau(const struct nasmac__tau *t, uint8_t *buf, size_t size);

/* 5GS REGISTRATION REQUEST (TS 24.501 8.2.6), plain. */
struct nasmac__rr {
	uint8_t ngksi;    /* TSC (bit 3) | value */
	uint8_t reg_type; /* 5GS registration type value */
	uint8_t guti[NASMAC__GUTI_LEN]; /* the 4G GUTI the mapped 5G-GUTI was made from */
	uint8_t ue_sec_cap[4]; /* 5G-EA, 5G-IA, EEA, EIA octets */
	const uint8_t *eps_container; /* IEI 0x70: the protected TAU Request, or NULL */
	size_t eps_container_len;
};
int nasmac__nas_dec_rr(const uint8_t *plain, size_t len, struct nasmac__rr *r);
int nasmac__nas_enc_rr(const struct nasmac__rr *r, uint8_t *buf, size_t size);

/* 5GS SECURITY MODE COMMAND (8.2.25), SECURITY MODE COMPLETE (8.2.26), REGISTRATION ACCEPT
 * (8.2.7) and REGISTRATION REJECT (8.2.9), plain. */
struct nasmac__smc {
	uint8_t nia, nea;
	uint8_t ngksi;
	uint8_t ue_sec_cap[4]; /* replayed UE security capabilities */
};
int nasmac__nas_enc_smc(const struct nasmac__smc *s, uint8_t *buf, size_t size);
int nasmac__nas_dec_smc(const uint8_t *plain, size_t len, struct nasmac__smc *s);
int nasmac__nas_enc_smc_complete(uint8_t *buf, size_t size);
int nasmac__nas_enc_reg_accept(uint8_t *buf, size_t size);
int nasmac__nas_enc_reg_reject(uint8_t cause_5gmm, uint8_t *buf, size_t size);
/* The 5GMM message type of a plain 5GS message (octet 3), or -EINVAL. */
int nasmac__nas_5g_type(const uint8_t *plain, size_t len);
/* The 5GMM cause of a plain REGISTRATION REJECT. */
int nasmac__nas_dec_reg_reject(const uint8_t *plain, size_t len);

#define NASMAC__5GMM_REG_REQUEST 0x41
#define NASMAC__5GMM_REG_ACCEPT 0x42
#define NASMAC__5GMM_REG_REJECT 0x44
#define NASMAC__5GMM_SMC 0x5d
#define NASMAC__5GMM_SMC_COMPLETE 0x5e

/* pcap of what a daemon sent and received (pcap.c): Wireshark upper-PDU records with the
 * addresses and ports of the datagram. _write: a datagram on N26 (GTPv2-C); _write_nas: one NAS
 * PDU; _write_link: a UE test link frame, written as the NAS PDU(s) it carries. */
struct nasmac__pcap;
int nasmac__pcap_open(const char *path, struct nasmac__pcap **out);
void nasmac__pcap_write(struct nasmac__pcap *p, const struct sockaddr_in *src,
			const struct sockaddr_in *dst, const uint8_t *buf, size_t len);
void nasmac__pcap_write_nas(struct nasmac__pcap *p, const struct sockaddr_in *src,
			    const struct sockaddr_in *dst, const uint8_t *pdu, size_t len);
void nasmac__pcap_write_link(struct nasmac__pcap *p, const struct sockaddr_in *src,
			     const struct sockaddr_in *dst, const uint8_t *frame, size_t len);
void nasmac__pcap_close(struct nasmac__pcap *p);

#endif /* NASMAC_WIRE_H */
