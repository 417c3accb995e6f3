/*
 * EPS NAS (TS 24.301) and 5GS NAS (TS 24.501) as the AMF role and the UE simulator see them:
 * plain structs filled and read by nas.c, the only place that knows the octets. Decoders return
 * 0 or -EINVAL, encoders the length or a negative errno.
 */
#ifndef NASMAC_NAS_H
#define NASMAC_NAS_H

#include <stddef.h>
#include <stdint.h>

#include "host.h"

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
	uint8_t ngksi;                  /* TSC (bit 3) | value */
	uint8_t reg_type;               /* 5GS registration type value */
	uint8_t guti[NASMAC__GUTI_LEN]; /* the 4G GUTI the mapped 5G-GUTI was made from */
	uint8_t ue_sec_cap[4];          /* 5G-EA, 5G-IA, EEA, EIA octets */
	const uint8_t *eps_container;   /* IEI 0x70: the protected TAU Request, or NULL */
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

/* Protocol discriminators (TS 24.007 11.2.3.1.1): EPS mobility management in the low nibble
 * of octet 1 of an EPS NAS message; the extended one of 5GS mobility management in octet 1. */
#define NASMAC__PD_EMM 0x07u
#define NASMAC__EPD_5GMM 0x7eu
/* EMM message type (TS 24.301 9.8). */
#define NASMAC__EMM_TAU_REQUEST 0x48u
/* 5GMM message types (TS 24.501 9.7). */
#define NASMAC__5GMM_REG_REQUEST 0x41
#define NASMAC__5GMM_REG_ACCEPT 0x42
#define NASMAC__5GMM_REG_REJECT 0x44
#define NASMAC__5GMM_SMC 0x5d
#define NASMAC__5GMM_SMC_COMPLETE 0x5e

#endif
